"""One scoring rule: the totals an evaluator sees in the panel are the totals the results publish.

A differential test: ``Workspace.unit_totals`` (the panel, one unit's rows after each save) against
``year_results`` (every unit at once), over the demo campaign and over random years with every answer
type, N/A answers, left-out rows, surveys and random decisions of every stage.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from kit.app.appraisal import Entry, Workspace
from kit.app.year import YearState, load_year, year_state
from kit.config.answers import NA, NO, YES, appraisal_choices
from kit.intake.check import SURVEY_COLUMNS, CheckReport
from kit.intake.submission import Submission
from kit.store.gradebook import Decision, Gradebook
from tests.helpers import DEMO

COMPARED = [("counted", "counted"), ("max_applicable", "max_applicable"), ("percent", "percent"),
            ("appraised", "appraised_count")]


def assert_same_totals(ws: Workspace, state: YearState | None = None) -> int:
    """Every unit of the workspace: panel totals == results totals; returns how many units were compared."""
    units = (state or ws.state).results.units.set_index("unit")
    for unit in ws.rows:
        panel, published = ws.unit_totals(unit), units.loc[unit]
        for mine, theirs in COMPARED:
            assert panel[mine] == pytest.approx(float(published[theirs]), abs=1e-9, nan_ok=True), (unit, mine)
        assert panel["band"] == published["band"], unit
    return len(ws.rows)


def test_panel_totals_equal_results_on_the_demo():
    compared = 0
    with Gradebook.for_campaign(load_year(DEMO, 2022).campaign, readonly=True) as gb:  # the bundled demo: read only
        for year in (2022, 2023, 2024, 2025):
            compared += assert_same_totals(Workspace(load_year(DEMO, year, gradebook=gb), gb))
    assert compared >= 90  # 27 units × 3 years + 18 in 2025, less the missing and rejected forms


def _random_report(campaign, rng: random.Random) -> CheckReport:
    subs, surveys = [], []
    for unit in campaign.units_of(2024):
        sub = Submission(Path(f"2024/{unit.code}_2024.xlsx"), 2024, unit=unit.code, identified=True)
        for c in campaign.framework(2024, unit.group).criteria:
            if rng.random() < 0.1:
                continue  # left out of the form: scores 0, still in the maximum
            answer, value = "", None
            score: float | None = round(rng.uniform(c.min, c.max), 2) if rng.random() < 0.9 else None
            if c.na and rng.random() < 0.25:
                answer, score = NA, None
            elif c.type == "yes_no":
                answer = rng.choice([YES, NO])
            elif c.type in ("tiers", "deduction"):
                value = rng.uniform(0, 100) if c.type == "tiers" else float(rng.randint(0, 4))
            elif c.type == "survey":
                score = None
                if rng.random() < 0.7:
                    surveys.append((2024, unit.code, c.code, rng.uniform(0, 100)))
            sub.rows.append({"year": 2024, "unit": unit.code, "group": unit.group, "code": c.code, "key": c.key,
                             "area": c.area, "answer": answer, "value": value, "self": score, "evidence": "",
                             "explanation": "", "file": str(sub.file), "row": 0})
        subs.append(sub)
    return CheckReport(2024, subs, surveys=pd.DataFrame(surveys, columns=SURVEY_COLUMNS))


def _random_decisions(campaign, report: CheckReport, rng: random.Random) -> list[Decision]:
    out = []
    for sub in report.submissions:
        unit = campaign.unit(sub.unit)
        for c in campaign.framework(2024, unit.group).criteria:
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
                stage = rng.choice(["appraisal", "appraisal", "final", "explanation"])
                na = c.na and rng.random() < 0.2
                choices = appraisal_choices(c.type, c.max, c.tiers)
                score = None if na else (rng.choice(choices) if choices else round(rng.uniform(c.min, c.max), 2))
                out.append(Decision(2024, sub.unit, c.code, stage, score, "Kiểm thử", "", na))
    return out


@pytest.mark.parametrize("seed", range(12))
def test_panel_totals_equal_results_on_random_years(tiny, seed):
    rng = random.Random(seed)
    report = _random_report(tiny, rng)
    with Gradebook.for_campaign(tiny) as gb:
        gb.record(_random_decisions(tiny, report, rng))
        ws = Workspace(year_state(tiny, report, gb.history(2024)), gb)
        assert assert_same_totals(ws) == 3
        # the panel saves: its totals, updated in memory, are what a fresh computation publishes
        row = next(r for r in ws.unit_rows("U1") if r.type == "judgement")
        base = row.current["id"] if row.current else None
        assert ws.save([Entry(row.unit, row.code, 0.5, comment="lý do", base_id=base)]).saved
        assert assert_same_totals(ws, year_state(tiny, report, gb.history(2024))) == 3
