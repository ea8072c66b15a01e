import math

import numpy as np
import pandas as pd
import pytest

from kit.config.answers import ANSWER_TYPES, Tier, proposal
from kit.config.campaign import Band, load_campaign
from kit.intake.check import check_year
from kit.scoring.feeds import fed_frame
from kit.scoring.totals import (
    BASIS_FULL,
    BASIS_NONE,
    add_proposals,
    classify,
    criteria_table,
    long_table,
    rank_within,
    totals,
)
from tests.helpers import DEMO, submit

BANDS = [Band("Tốt", 80, None), Band("Khá", 50, 80), Band("Kém", 0, 50)]


def test_vectorised_proposals_equal_the_scalar_rule():
    """Every demo row: the table version gives what answers.proposal gives one by one — with the demo's survey
    results and inspection counts (through the feed seam) and a fed figure on a third of the other rows of every
    answer type, some outside the criterion's range."""
    campaign = load_campaign(DEMO)
    report = check_year(campaign, 2024)
    criteria = criteria_table(campaign, 2024)
    seam = fed_frame(campaign, 2024, report.feeds)
    plain = long_table(criteria, report.table())
    rng = np.random.default_rng(25)
    keys = ["year", "unit", "code"]
    others = plain[~plain.set_index(keys).index.isin(seam.set_index(keys).index)].iloc[::3]
    figure = np.where(others["type"].isin(["tiers"]), rng.uniform(0, 100, len(others)),
                      np.where(others["type"] == "deduction", rng.integers(0, 6, len(others)),
                               rng.uniform(-1, others["max"] + 1)))
    toy = others[keys].assign(fed=figure, fed_value=figure, feed="toy.diem", fed_period="year")
    long = long_table(criteria, report.table(), fed=pd.concat([seam, toy], ignore_index=True))
    fed_rows = long[long["fed"].notna()]
    assert set(fed_rows["type"]) == set(ANSWER_TYPES)  # every type with a fed figure, and without (survey: all fed)
    assert set(long[long["fed"].isna()]["type"]) == set(ANSWER_TYPES) - {"survey"}
    assert fed_rows["feed"].str.startswith("inspections.").any() and fed_rows["feed"].str.startswith("surveys.").any()
    for row in long.itertuples():
        expected = proposal(row.type, max_points=row.max, min_points=row.min, answer=row.answer or None,
                            value=None if pd.isna(row.value) else row.value,
                            self_score=None if pd.isna(row.self) else row.self,
                            tiers=tuple(Tier(*t) for t in row.tiers), per_item=row.per_item,
                            fed=None if pd.isna(row.fed) else row.fed)
        assert (math.isnan(expected) and math.isnan(row.proposal)) or expected == pytest.approx(row.proposal), row
    # the two oldest sources as their own arguments say the same as through the seam
    for row in long[long["feed"].str.startswith(("inspections.", "surveys."))].itertuples():
        legacy = proposal(row.type, max_points=row.max, min_points=row.min, answer=row.answer or None,
                          value=None if pd.isna(row.value) else row.value,
                          self_score=None if pd.isna(row.self) else row.self, per_item=row.per_item,
                          survey=row.fed_value if row.type == "survey" else None,
                          found=row.fed_value if row.type == "deduction" else None)
        assert (math.isnan(legacy) and math.isnan(row.proposal)) or legacy == pytest.approx(row.proposal), row


def test_not_applicable_lowers_the_maximum(tiny):
    submit(tiny, "U1", {"1.1": {"answer": "Có", "self": 2}, "1.2": {"answer": "Không áp dụng"},
                        "1.3": {"self": 1}, "1.4": {"self": 1}, "1.5": {"value": 1, "self": -0.5}})
    report = check_year(tiny, 2024)
    long = long_table(criteria_table(tiny, 2024), report.table(), report.surveys)
    t = totals(long, ["unit"]).iloc[0]
    # max 10 - 2 (N/A) = 8; self 2 + 1 + 1 (bonus) - 0.5 = 3.5; survey not scored -> 0
    assert t["max_applicable"] == 8 and t["self"] == 3.5 and t["counted"] == 3.5
    assert t["percent"] == pytest.approx(43.75) and t["na_count"] == 1
    assert t["basis"] == BASIS_NONE and math.isnan(t["appraised"]) and math.isnan(t["self_minus_appraised"])


def test_survey_points_count_before_appraisal(tiny):
    submit(tiny, "U1")
    (tiny.root / "surveys").mkdir()
    (tiny.root / "surveys" / "2024.csv").write_text("unit,code,value\nU1,2.1,75\n")
    report = check_year(tiny, 2024)
    long = long_table(criteria_table(tiny, 2024), report.table(), report.surveys)
    row = long.set_index("code").loc["2.1"]
    assert row["proposal"] == 3 and row["counted"] == 3


def test_appraisals_replace_self_scores_and_report_the_gap(tiny):
    submit(tiny, "U1")
    report = check_year(tiny, 2024)
    appraisals = pd.DataFrame([(2024, "U1", "1.3", 0.5, False), (2024, "U1", "1.2", np.nan, True)],
                              columns=["year", "unit", "code", "appraised", "appraised_na"])
    long = long_table(criteria_table(tiny, 2024), report.table(), None, appraisals)
    t = totals(long, ["unit"]).iloc[0]
    assert t["appraised_count"] == 2 and t["basis"].startswith("Thẩm định một phần: 2/6")
    assert t["max_applicable"] == 8  # appraisal marked 1.2 not applicable
    assert t["counted"] == 2 + 0.5 + 0 - 0.5  # 1.1 self, 1.3 appraised, 1.4 bonus 0, 1.5 self
    # the gap covers appraised, applicable criteria: 1.3 claimed 1.5, appraised 0.5 (1.2 ruled N/A is left out)
    assert t["self_minus_appraised"] == 1.0
    full = long.assign(appraised=long["counted"].fillna(0), appraised_na=False, is_appraised=True)
    assert totals(full, ["unit"]).iloc[0]["basis"] == BASIS_FULL


def test_classify_uses_band_edges():
    pct = pd.Series([100, 80, 79.99, 50, 0, np.nan])
    assert classify(pct, BANDS).tolist() == ["Tốt", "Tốt", "Khá", "Khá", "Kém", ""]


def test_rank_ties_share_a_rank():
    df = pd.DataFrame({"group": ["A"] * 4 + ["B"], "percent": [90, 80, 80, 70, 10]})
    assert rank_within(df, ["group"]).tolist() == [1, 2, 2, 4, 1]


def test_add_proposals_handles_every_type():
    rows = pd.DataFrame({
        "type": ["yes_no", "yes_no", "tiers", "deduction", "judgement", "bonus", "survey"],
        "answer": ["Có", "Không áp dụng", "", "", "", "", ""], "value": [None, None, 70, 3, None, None, None],
        "self": [0, None, 2, 0, 5, 0.5, None], "max": [2, 2, 2, 0, 2, 1, 4], "min": [0, 0, 0, -1, 0, 0, 0],
        "per_item": [0, 0, 0, 0.5, 0, 0, 0], "tiers": [(), (), ((90, 2), (50, 1)), (), (), (), ()],
        "survey": [None] * 6 + [50],
    })
    out = add_proposals(rows)
    assert out["proposal"].tolist()[:1] + out["proposal"].tolist()[2:] == [2, 1, -1, 2, 0.5, 2]
    assert math.isnan(add_proposals(rows.assign(survey=None))["proposal"].iloc[-1])
    assert math.isnan(out["proposal"][1]) and out["na"].tolist() == [False, True] + [False] * 5


def test_the_rounded_percentage_is_what_gets_classified(tiny):
    """79.995 % is 80,00 % on paper and classified "Tốt"; binary rounding made it 79.99 and "Khá"."""
    submit(tiny, "U1", {"1.1": {"answer": "Có", "self": 2, "evidence": "KH"}, "1.2": {"value": 95, "self": 2,
                        "evidence": "DVC"}, "1.3": {"self": 1.9995, "evidence": "BC"}, "1.4": {"self": 0},
                        "1.5": {"value": 0, "self": 0}})
    surveys = pd.DataFrame([(2024, "U1", "2.1", 50.0)], columns=["year", "unit", "code", "survey"])
    report = check_year(tiny, 2024)
    long = long_table(criteria_table(tiny, 2024), report.table(), surveys)
    row = totals(long, ["unit"]).set_index("unit").loc["U1"]
    assert row["max_applicable"] == 10 and row["percent"] == 80.0  # 7.9995 / 10: half up
    assert classify(pd.Series([row["percent"]]), BANDS).tolist() == ["Tốt"]
