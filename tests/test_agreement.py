"""Assignments, the second-appraisal sample and the agreement statistics, against hand-computed fixtures."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.app.year import load_year
from kit.cli import main
from kit.config.answers import Tier
from kit.config.campaign import load_campaign
from kit.intake.assignments import load_assignments
from kit.reporting import data as rd
from kit.scoring import agreement as ag
from tests.helpers import DEMO


def test_weighted_kappa_two_levels_by_hand():
    # yes/no 0 or 2: observed agreement 3/4; chance 0.5·0.25 + 0.5·0.75 = 0.5; kappa (0.75 − 0.5)/(1 − 0.5)
    assert ag.weighted_kappa([2, 2, 0, 0], [2, 0, 0, 0], [0, 2]) == pytest.approx(0.5)


def test_weighted_kappa_quadratic_three_levels_by_hand():
    # levels 0, 1, 2; weights (i − j)²; observed Σw·p = (0 + 1 + 0 + 1)/4 = 0.5; both margins (¼, ¼, ½), so the
    # chance Σw·pa·pb = 2·(1·¼·¼) + 2·(4·¼·½) + 2·(1·¼·½) = 1.375; kappa = 1 − 0.5/1.375 = 7/11
    assert ag.weighted_kappa([0, 1, 2, 2], [0, 2, 2, 1], [0, 1, 2]) == pytest.approx(7 / 11)
    assert ag.weighted_kappa([1, 1], [1, 1], [0, 1, 2]) is None  # one level only: undefined, not 1 or 0
    assert ag.weighted_kappa([1], [0], [0, 1]) is None


def test_scale_is_in_points():
    assert ag.scale("tiers", 2, 0, (Tier(90, 2), Tier(50, 1)), []) == [0, 1, 2]
    assert ag.scale("judgement", 2, 0, (), [0.5, 1.5, 2]) == [0, 0.5, 1, 1.5, 2]
    assert ag.scale("judgement", 1, 0, (), [0.25, 1]) == [0, 0.25, 0.5, 0.75, 1]


def _pairs(rows):
    cols = ["unit", "code", "first", "first_by", "second", "second_by", "reconciled", "reconciled_by"]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.assign(key="k" + frame["code"], area="1", content="Nội dung " + frame["code"], group="A",
                        type="tiers", max=2.0, min=0.0, tiers=[((90, 2.0), (50, 1.0))] * len(frame),
                        first_na=False, second_na=False, reconciled_na=False,
                        reason=["Lý do" if r else "" for r in frame["reconciled_by"]])


def test_per_criterion_and_per_evaluator_by_hand():
    found = _pairs([
        # criterion 1.2 on four units: the 7/11 fixture above
        ("U1", "1.2", 0, "Lan", 0, "Bảo", None, ""),
        ("U2", "1.2", 1, "Lan", 2, "Bảo", 2, "HĐ"),
        ("U3", "1.2", 2, "Lan", 2, "Bảo", None, ""),
        ("U4", "1.2", 2, "Minh", 1, "Bảo", 1, "HĐ"),
        # criterion 1.1: always the same score
        ("U1", "1.1", 2, "Lan", 2, "Bảo", None, ""),
        ("U2", "1.1", 2, "Lan", 2, "Bảo", None, ""),
    ])
    crit = ag.by_criterion(found).set_index("code")
    assert crit.loc["1.2", "kappa"] == pytest.approx(7 / 11)
    assert crit.loc["1.2", "exact"] == pytest.approx(0.5) and crit.loc["1.2", "mean_abs"] == pytest.approx(0.5)
    assert pd.isna(crit.loc["1.1", "kappa"]) and crit.loc["1.1", "exact"] == 1.0
    assert list(crit.index) == ["1.2", "1.1"]  # least agreement first
    people = ag.by_evaluator(found).set_index("evaluator")
    # Lan: U1 0−0, U2 1−2 (reconciled), U3 2−2 (agreed), 1.1 twice 2−2 → (0 − 1 + 0 + 0 + 0)/5 = −0.2
    assert people.loc["Lan", "severity"] == pytest.approx(-0.2) and people.loc["Lan", "pairs"] == 5
    # Bảo: 0 + 0 + 0 + 0 (U4: 1 − 1) + 0 + 0 → 0; Minh: 2 − 1 = +1 (lenient)
    assert people.loc["Bảo", "severity"] == pytest.approx(0.0)
    assert people.loc["Minh", "severity"] == pytest.approx(1.0) and people.loc["Minh", "exact"] == 0.0
    assert people.loc["Bảo", "exact"] == pytest.approx(4 / 6)


def test_a_pair_awaiting_reconciliation_has_no_severity():
    found = _pairs([("U1", "1.2", 1, "Lan", 2, "Bảo", None, "")])
    people = ag.by_evaluator(found).set_index("evaluator")
    assert people.loc["Lan", "severity"] is None and people.loc["Lan", "settled"] == 0


def test_the_sample_is_a_fixed_share_of_each_group():
    groups = {"A": [f"A{i}" for i in range(12)], "B": [f"B{i}" for i in range(5)]}
    drawn = ag.sampled_units(groups, 2024, 0.2, salt="x")
    assert drawn == ag.sampled_units(groups, 2024, 0.2, salt="x")  # anyone recomputes the same draw
    assert sum(u.startswith("A") for u in drawn) == 3 and sum(u.startswith("B") for u in drawn) == 1
    assert ag.sampled_units(groups, 2024, 0.0) == set()
    assert ag.over_gap(2.0, 0.5, False, 1) and not ag.over_gap(2.0, 1.0, False, 1) and not ag.over_gap(2, 0, True, 1)


BAD_ASSIGNMENTS = """\
Năm,Cán bộ thẩm định,Mã đơn vị,Nhóm,Lĩnh vực,Lượt
2024,Nguyễn Thị Lan,U1,,,1
2023,Trần Văn Minh,U2,,,1
2024,,U2,,,1
2024,Trần Văn Minh,U9,,,
2024,Trần Văn Minh,,Z,,1
2024,Trần Văn Minh,,A,9,1
2024,Trần Văn Minh,U2,,,ba
2024,Trần Văn Minh,,,,1
2024,Nguyễn Thị Lan,U1,,,1
2024,Trần Văn Minh,,A,2,2
"""


def test_bad_assignment_rows_are_reported_with_file_row_and_column(tiny):
    (tiny.root / "assignments.csv").write_text(BAD_ASSIGNMENTS, encoding="utf-8")
    table = load_assignments(load_campaign(tiny.root))
    found = [(p.code, p.file, p.row, p.column) for p in table.problems]
    assert found == [
        ("YEAR_NOT_IN_CAMPAIGN", "assignments.csv", 3, "A (Năm)"),
        ("VALUE_REQUIRED", "assignments.csv", 4, "B (Cán bộ thẩm định)"),
        ("UNIT_UNKNOWN", "assignments.csv", 5, "C (Mã đơn vị)"),
        ("GROUP_UNKNOWN", "assignments.csv", 6, "D (Nhóm)"),
        ("AREA_UNKNOWN", "assignments.csv", 7, "E (Lĩnh vực)"),
        ("ROUND_INVALID", "assignments.csv", 8, "F (Lượt)"),
        ("ASSIGNMENT_EMPTY", "assignments.csv", 9, "C (Mã đơn vị)"),
        ("ASSIGNMENT_DUPLICATE", "assignments.csv", 10, "B (Cán bộ thẩm định)"),
    ]
    assert [(r["evaluator"], r["unit"], r["group"], r["area"], r["round"]) for r in table.rows] == [
        ("Nguyễn Thị Lan", "U1", "", "", 1), ("Trần Văn Minh", "", "A", "2", 2)]
    assert "Lĩnh vực \"9\" không có trong bộ tiêu chí năm 2024" in table.problems[4].message


def test_kit_check_lists_the_assignment_problems(capsys, tiny):
    (tiny.root / "assignments.csv").write_text(BAD_ASSIGNMENTS, encoding="utf-8")
    main(["check", "--campaign", str(tiny.root)])
    out = capsys.readouterr().out
    assert "assignments.csv, dòng 5, cột C (Mã đơn vị)" in out and "UNIT_UNKNOWN" in out
    assert "ROUND_INVALID" in out and "Traceback" not in out


def test_assignments_cover_units_groups_and_areas():
    long = pd.DataFrame({"unit": ["U1", "U1", "U2", "U3"], "group": ["A", "A", "A", "B"],
                         "area": ["1", "2", "1", "1"], "code": ["1.1", "2.1", "1.1", "1.1"]})
    rows = [{"year": 2024, "evaluator": "Lan", "unit": "U1", "group": "", "area": "", "round": 1},
            {"year": 2024, "evaluator": "Minh", "unit": "", "group": "A", "area": "1", "round": 1},
            {"year": 2023, "evaluator": "Minh", "unit": "U3", "group": "", "area": "", "round": 1}]
    got = ag.assigned(rows, long, 2024)
    assert sorted(map(tuple, got[["evaluator", "unit", "code"]].values.tolist())) == [
        ("Lan", "U1", "1.1"), ("Lan", "U1", "2.1"), ("Minh", "U1", "1.1"), ("Minh", "U2", "1.1")]


def test_the_demo_agreement_report():
    yd = load_year(DEMO, 2024)
    crit = rd.agreement_by_criterion(yd)
    assert len(crit) > 10 and (crit["Kappa có trọng số"] != "—").sum() >= 5
    people = rd.agreement_by_evaluator(yd)
    assert set(people["Cán bộ thẩm định"]) == {"Nguyễn Thị Lan", "Trần Văn Minh", "Phạm Quốc Bảo"}
    bao = people.set_index("Cán bộ thẩm định").loc["Phạm Quốc Bảo"]
    assert "khắt khe hơn" in bao["Mức nghiêm (bình quân điểm của cán bộ − điểm thống nhất)"]
    progress = rd.assignment_progress(yd)
    assert {"Thẩm định", "Thẩm định lần 2 (độc lập)"} <= set(progress["Lượt"])
    assert "Phạm Quốc Bảo (bao.pq)" in set(progress["Cán bộ thẩm định"])  # the registry's name, and the account
    assert len(rd.most_disagreed(yd)) == 5 and len(rd.reconciliations(yd)) > 0
    assert (rd.reconciliations(yd)["Lý do"] != "").all()  # 2024 is reconciled in full, each with its reason
    pending = rd.reconciliations(load_year(DEMO, 2025))
    assert (pending["Thống nhất"] == "Chờ thống nhất").sum() == 3


def test_a_criterion_agreed_199_times_of_200_is_among_the_most_disagreed(monkeypatch):
    """Chosen on the numbers: 199 agreements of 200 once printed "100 %" and dropped out of the list."""
    table = pd.DataFrame({"key": ["a", "b", "c"], "code": ["1.1", "1.2", "1.3"], "content": ["A", "B", "C"],
                          "max": [1.0, 1.0, 1.0], "pairs": [200, 200, 1], "exact": [199 / 200, 1.0, 0.0],
                          "mean_abs": [0.005, 0.0, 1.0], "kappa": [0.99, 1.0, None]})
    monkeypatch.setattr(rd, "second_appraisal_pairs", lambda yd: "pairs")
    monkeypatch.setattr(ag, "by_criterion", lambda found: table if found == "pairs" else None)
    chosen = rd.most_disagreed(None)
    assert list(chosen["Tiêu chí"]) == ["1.1"]  # 1.2 agrees every time; 1.3 has one pair only
    assert list(chosen["Trùng khớp"]) == ["99,5 %"]  # never "100 %" for a share below one
    assert rd._percent(1.0) == "100 %" and rd._percent(0.0) == "0 %" and rd._percent(0.5) == "50 %"
    assert rd._percent(0.99996) == "99,996 %" and rd._percent(0.0004) == "0,04 %"
