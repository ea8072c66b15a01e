"""The operator's job on a campaign: every year's tables, proposals, honour rolls and rendered reports.

``kit demo`` runs all of it; ``kit results``, ``kit awards`` and ``kit render`` run parts. Nothing here
prints: progress goes to callbacks and what was done comes back as values, which the CLI shows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kit.app.fingerprint import code_digest, fingerprint, unit_fingerprint
from kit.app.year import YearState, load_year, load_years
from kit.config.campaign import Campaign
from kit.core import vn
from kit.core.atomic import write_text
from kit.intake.check import format_text
from kit.outputs.manifest import Manifest
from kit.outputs.proposals import write_outputs
from kit.outputs.render import (
    FINAL,
    NOTEBOOKS,
    SCORECARD,
    SUCCESSOR,
    YEARLY,
    Job,
    Pool,
    Rendered,
    jobs_for,
    warm_years,
    years_read,
)
from kit.outputs.results_book import results_path, write_results
from kit.scoring.awards import Awards, awards_for, proposals_date
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
    earlier = None
    first = campaign.own_end
    if level == "final" and first is not None and campaign.rules is not None \
            and (on or proposals_date(campaign, level, [s.year for s in states])) > first:
        before = load_years(campaign, [s.year for s in states], on=first)
        earlier = awards_for(campaign, level, [s.results for s in before], [s.movement for s in before], False,
                             first, revocations=before[0].revocations)
    return awards_for(campaign, level, [s.results for s in states], [s.movement for s in states],
                      provisional, on, revocations=states[0].revocations, earlier=earlier)


def write_proposals(states: list[YearState], level: str, reports: Path, out: Path | None = None,
                    provisional: bool = False, on: dt.date | None = None) -> tuple[Awards, Path, Path]:
    awards = proposals(states, level, provisional, on)
    xlsx, roll = write_outputs(states[0].campaign, awards, reports, out)
    return awards, xlsx, roll


@dataclass
class RenderRun:
    run: str  # the run's id, in every report it made and in the manifest
    outcomes: list[Rendered]  # the notebooks rendered, in completion order
    unchanged: int  # notebooks not rendered again: same inputs, files intact


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def render_reports(campaign: Campaign, reports: Path, *, years: list[int], final: bool, units: bool, yearly: bool,
                   jobs: int | None = None, progress: Callable[[Rendered], None] | None = None,
                   planned: Callable[[int], None] | None = None, tables: bool = True,
                   force: bool = False) -> RenderRun:
    """The years' tables (unless ``tables`` is False: already written), proposal lists and honour rolls, then the
    report notebooks and their HTML — each only when what it is made from changed since the run that made it
    (``kit.outputs.manifest``), or all of them with ``force``. ``planned`` hears how many notebooks will be
    rendered, ``progress`` each one as it is done.

    The inputs' fingerprints decide first, before any data is loaded: an unchanged folder costs a second and
    starts no worker. The workers start next and warm up while the data is loaded here (each needed year once;
    the notebooks load theirs in their own kernels); a unit's scorecard changed by its basis but not by what it
    shows (another unit's decision) is not rendered again. The jobs go out at once; the tables are written
    while the workers render.
    """
    run = f"{dt.datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    manifest = Manifest(reports)
    root = campaign.root.resolve()
    with Gradebook.for_campaign(campaign, readonly=True) as gradebook:
        events = gradebook.award_events()
        prints = {y: fingerprint(root, [y], gradebook.history(y), events).digest for y in campaign.years}
    code = code_digest()
    notebooks = {name: hashlib.sha256((NOTEBOOKS / name).read_bytes()).hexdigest()
                 for name in (YEARLY, FINAL, SUCCESSOR, SCORECARD)}

    def made_of(job: Job, *data: str) -> str:
        """The code, the notebook, its parameters (but the run's id) and ``data``."""
        shown = {k: v for k, v in job.parameters.items() if k != "run"}
        return _digest(code, notebooks[job.notebook], json.dumps(shown, sort_keys=True), *data)

    def basis(job: Job) -> str:
        return made_of(job, *(prints[y] for y in years_read(job, campaign.years)))

    def key(job: Job) -> str:
        return job.output.relative_to(reports).as_posix()

    todo = jobs_for(campaign, reports, years=years if yearly else [], final=final, run=run)
    todo += jobs_for(campaign, reports, years=years, units=True, run=run) if units else []
    bases = {key(j): basis(j) for j in todo}
    stale = [j for j in todo if force or not manifest.fresh(key(j), basis=bases[key(j)])]
    # What the other outputs are made from: (key, basis, the years whose state they need).
    others = [(f"tables {y}", _digest(code, "tables", prints[y]), [y]) for y in years
              if tables and (yearly or units)]
    if campaign.rules is not None:
        others += [(f"proposals {y}", _digest(code, "proposals", prints[y]), [y]) for y in (years if yearly else [])]
        others += [("proposals final", _digest(code, "proposals", *prints.values()), campaign.years)] if final else []
        others += [("proposals final early", _digest(code, "proposals early", *prints.values()), campaign.years)
                   ] if final and campaign.own_end else []
    others = [o for o in others if force or not manifest.fresh(o[0], basis=o[1])]
    unchanged = len(todo) - len(stale)
    if not stale and not others:
        return RenderRun(run, [], unchanged)
    read = sorted({y for j in stale for y in years_read(j, campaign.years)})
    with Pool(min(jobs or os.cpu_count() or 1, len(stale)), warm=warm_years(root, read)) if stale else \
            contextlib.nullcontext() as pool:
        needed = sorted({y for o in others for y in o[2]} | {y for j in stale if j.notebook == SCORECARD
                                                             for y in years_read(j, campaign.years)})
        with Gradebook.for_campaign(campaign, readonly=True) as gradebook:
            states = {y: load_year(campaign, y, gradebook=gradebook) for y in needed}
        digests = {}
        for job in stale:
            shows = bases[key(job)]
            if job.notebook == SCORECARD:
                history = [states[y] for y in years_read(job, campaign.years)]
                shows = made_of(job, unit_fingerprint(history, job.parameters["unit"]).digest)
                if not force and manifest.fresh(key(job), digest=shows):
                    manifest.rebase(key(job), bases[key(job)])
                    unchanged += 1
                    continue
            digests[key(job)] = shows
        stale = [j for j in stale if key(j) in digests]
        if planned:
            planned(len(stale))

        def done(outcome: Rendered) -> None:
            job = outcome.job
            manifest.record(key(job), basis=bases[key(job)], digest=digests[key(job)], ok=outcome.ok,
                            error=outcome.error, run=run, files=[job.output, job.output.with_suffix(".html")])
            if progress:
                progress(outcome)

        if pool and stale:
            pool.submit(stale)
        for name, made_from, needs in others:
            if name.startswith("tables"):
                files = write_year_tables(states[needs[0]], reports)
            else:  # a year's, the period's, or the district's own final on the day it ceased
                early = campaign.own_end if name.endswith("early") else None
                chosen = load_years(campaign, needs, on=early) if early else [states[y] for y in needs]  # as known then
                files = list(write_proposals(chosen, "yearly" if name[-4:].isdigit() else "final", reports,
                                             on=early)[1:])
            manifest.record(name, basis=made_from, digest=made_from, files=files, run=run)
        outcomes = pool.collect(done) if pool and stale else []
    return RenderRun(run, outcomes, unchanged)


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
