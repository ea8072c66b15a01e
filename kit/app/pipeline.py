"""The operator's job on a campaign: every year's tables, proposals and honour rolls (``kit.app.reports`` renders
the report notebooks beside them).

``kit demo`` runs all of it; ``kit results``, ``kit awards`` and ``kit render`` run parts. Nothing here
prints: progress goes to callbacks and what was done comes back as values, which the CLI shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kit.app.previous import previous_of
from kit.app.year import YearState, load_year, load_years
from kit.config.campaign import Campaign
from kit.config.rules import RESULT_HISTORY_FIELDS
from kit.core import vn
from kit.core.atomic import write_text
from kit.intake.check import format_text
from kit.outputs.proposals import write_outputs
from kit.outputs.results_book import results_path, write_results
from kit.scoring.awards import Awards, awards_for, proposals_date
from kit.scoring.past import Past
from kit.store.gradebook import Gradebook


@dataclass
class YearOutcome:
    state: YearState
    files: list[Path]


def check_path(reports: Path, year: int) -> Path:
    return reports / str(year) / f"kiem-tra-{year}.txt"


def write_year_tables(state: YearState, reports: Path) -> list[Path]:
    """The results workbook and the check report of one year."""
    written = [write_results(state.campaign, state.check, state.results, results_path(reports, state.year))]
    text = check_path(reports, state.year)
    write_text(text, format_text(state.check) + "\n")
    return [*written, text]


def run_tables(campaign: Campaign, reports: Path, years: list[int] | None = None,
               progress: Callable[[int], None] | None = None) -> list[YearOutcome]:
    """Check, score and write the tables of ``years`` (default: every year of the campaign)."""
    outcomes = []
    with Gradebook.for_campaign(campaign, readonly=True) as gradebook:
        for year in years or campaign.years:
            state = load_year(campaign, year, gradebook=gradebook, progress=progress)
            outcomes.append(YearOutcome(state, write_year_tables(state, reports)))
    return outcomes


def proposals(states: list[YearState], level: str, provisional: bool = False, on: dt.date | None = None) -> Awards:
    """Commendation proposals of one year (``level`` "yearly") or of the period ("final"); ``provisional``
    also considers results not fully appraised (marked TẠM TÍNH everywhere); ``on``: their date (see awards_for;
    default: the day the states are known as of, when they are).

    A final dated after the campaign's own end (the district's final on 30/6/2025) does not propose again whom
    that earlier final proposed: the earlier one is made again as it was known on its own day."""
    campaign = states[0].campaign
    on = on or states[0].on
    past = past_of(states, level, on)
    earlier = None
    first = campaign.own_end
    if level == "final" and first is not None and campaign.rules is not None \
            and (on or proposals_date(campaign, level, [s.year for s in states])) > first:
        before = load_years(campaign, [s.year for s in states], on=first)
        earlier = awards_for(campaign, level, [s.results for s in before], [s.movement for s in before], False,
                             first, revocations=before[0].revocations, past=past)
    found = awards_for(campaign, level, [s.results for s in states], [s.movement for s in states],
                       provisional, on, revocations=states[0].revocations, earlier=earlier, past=past)
    previous = previous_of(campaign)
    if previous is not None:  # what went wrong with history_from is said where the proposals are
        found.problems += previous.problems
    return found


def past_of(states: list[YearState], level: str, on: dt.date | None) -> Past | None:
    """The years before a yearly list (the previous campaign's, ``history_from``, and this campaign's earlier
    ones when a rule looks at earlier results: kit.scoring.past), or None when nothing looks back."""
    campaign = states[0].campaign
    previous = previous_of(campaign)
    past = previous.past if previous is not None else None
    uses = campaign.rules is not None and any(c.field in RESULT_HISTORY_FIELDS for pack in campaign.rules.packs
                                              for r in pack.yearly for c in r.conditions)
    earlier = [y for y in campaign.years if y < states[0].year]
    if level != "yearly" or not uses:
        return past
    before = load_years(campaign, earlier, on=on) if earlier else []
    return (past or Past(first_year=min(campaign.years))).with_years(campaign.roster, [s.results for s in before])


def write_proposals(states: list[YearState], level: str, reports: Path, out: Path | None = None,
                    provisional: bool = False, on: dt.date | None = None) -> tuple[Awards, Path, Path]:
    awards = proposals(states, level, provisional, on)
    xlsx, roll = write_outputs(states[0].campaign, awards, reports, out, anchor=states[-1].anchor)
    return awards, xlsx, roll


def summary_lines(campaign: Campaign, outcomes: list[YearOutcome]) -> list[str]:
    lines = [f"{campaign.name}" + (f" — {campaign.demo_note}" if campaign.demo else ""), ""]
    for o in outcomes:
        r, units = o.state.check, o.state.results.units
        problems = r.all_problems
        errors = sum(p.is_error for p in problems)
        top = units[units["rank"] == 1]
        best = "; ".join(f"{campaign.groups[str(g)]}: " + ", ".join(f"{r.unit_name} ({vn.number(r.percent, 1)} %)"
                                                                    for r in rows.itertuples())
                         for g, rows in top.groupby("group", sort=False))
        lines.append(f"Năm {r.year}: {len(r.submissions)} tệp, {errors} lỗi, {len(problems) - errors} cảnh báo; "
                     f"chưa nộp {len(r.missing)}, nộp muộn {len(r.late)}; đứng đầu — {best}")
        lines.extend(f"    → {p}" for p in o.files)
    lines.append("")
    for o in outcomes:
        units = o.state.results.units.dropna(subset=["criteria"])
        done, total = int(units["appraised_count"].sum()), int(units["criteria"].sum())
        full = int((units["appraised_count"] == units["criteria"]).sum())
        lines.append(f"Năm {o.state.year}: đã thẩm định {done}/{total} tiêu chí, {full}/{len(units)} đơn vị xong"
                     + ("" if done == total else "; phần chưa thẩm định tạm tính theo điểm tự chấm"))
    return lines
