"""Three-level frameworks (parts, cap) and applicability by unit kind (issue 15, items 1 and 2)."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from kit.app.appraisal import Entry, Workspace
from kit.app.audit import verify
from kit.app.offline import export_workbook
from kit.app.year import load_year
from kit.config.campaign import CampaignError, load_campaign
from kit.config.framework import load_framework
from kit.core.vocab import Stage
from kit.intake.check import check_year
from kit.outputs.forms import HEADER_ROW, build_form
from kit.reporting import data as rd
from kit.scoring.results import year_results
from kit.store.gradebook import Decision, Gradebook
from kit.ui.scoring_panel import AppraisalPanel
from tests.helpers import DEMO, submit, write_campaign

LEVELS_YML = """\
year: 2024
group: {group}
title: "Bộ tiêu chí ba cấp"
total: 10
areas:
  - code: "1"
    name: "Chỉ đạo"
    max: 6
    criteria:
      - {{code: "1.1", type: yes_no, max: 2, content: "Có kế hoạch CCHC"}}
      - code: "1.2"
        content: "Ứng dụng nền tảng số"
        max: 2
        cap: true
        parts:
          - {{code: "1.2.1", type: yes_no, max: 1, content: "Họp trực tuyến"}}
          - code: "1.2.2"
            type: tiers
            max: 1
            content: "Tỷ lệ định danh"
            tiers: [{{min: 90, points: 1}}, {{min: 50, points: 0.5}}]
          - {{code: "1.2.3", type: judgement, max: 1, content: "Nền tảng dùng chung"}}
      - {{code: "1.3", type: judgement, max: 1.5, content: "Tổ công nghệ số", applies_to: [xa]}}
      - {{code: "1.4", type: yes_no, max: 0.5, content: "Đô thị thông minh", not_for: [xa, thi_tran]}}
  - code: "2"
    name: "Thể chế"
    max: 4
    criteria:
      - code: "2.1"
        content: "Văn bản quy phạm"
        parts:
          - {{code: "2.1.1", type: yes_no, max: 2, content: "Ban hành đúng hạn"}}
          - {{code: "2.1.2", type: judgement, max: 2, content: "Chất lượng văn bản"}}
"""
UNITS = "code,name,group,kind\nU1,Xã Một,A,xa\nU2,Phường Hai,A,phuong\nU3,Đơn vị Ba,B,\n"
FULL = {"1.1": {"answer": "Có", "self": 2, "evidence": "KH 1"},
        "1.2.1": {"answer": "Có", "self": 1, "evidence": "BC 2"},
        "1.2.2": {"value": 95, "self": 1, "evidence": "DS 3"},
        "1.2.3": {"self": 1, "evidence": "BC 4"},
        "1.3": {"self": 1.5, "evidence": "QĐ 5"},
        "1.4": {"answer": "Có", "self": 0.5, "evidence": "BC 6"},
        "2.1.1": {"answer": "Có", "self": 2, "evidence": "NQ 7"},
        "2.1.2": {"self": 1.5, "evidence": "BC 8"}}


@pytest.fixture
def levels(tmp_path):
    campaign = load_campaign(write_campaign(tmp_path / "camp", framework=LEVELS_YML, units=UNITS))
    for unit in ("U1", "U2", "U3"):
        submit(campaign, unit, FULL)  # every unit types every row its form has, and nothing else
    return campaign


def _problems(tmp_path, yml: str, units: str = UNITS):
    root = write_campaign(tmp_path / "bad", framework=yml, units=units)
    return load_framework(root, 2024, "A")[1]


def test_parts_are_the_scored_rows_and_carry_their_parent(levels):
    fw = levels.framework(2024, "A")
    assert [c.code for c in fw.criteria] == ["1.1", "1.2.1", "1.2.2", "1.2.3", "1.3", "1.4", "2.1.1", "2.1.2"]
    part = fw.by_code()["1.2.2"]
    assert (part.parent.code, part.parent.max, part.parent.cap) == ("1.2", 2, True)
    assert fw.by_code()["2.1.1"].parent.max == 4 and not fw.by_code()["2.1.1"].parent.cap  # the sum, no max given
    assert [c.code for c in fw.criteria_for("xa")] == ["1.1", "1.2.1", "1.2.2", "1.2.3", "1.3", "2.1.1", "2.1.2"]
    assert "1.3" not in {c.code for c in fw.criteria_for("phuong")}


def test_sum_and_capped_sum_by_the_totals_reports_use_and_different_maxima_by_kind(levels):
    report = check_year(levels, 2024)
    assert not [p for p in report.all_problems if p.is_error], [p.format() for p in report.all_problems]
    assert not [p for p in report.all_problems if p.code in ("CRITERION_MISSING", "CRITERION_UNKNOWN")]
    res = year_results(levels, report)
    units = res.units.set_index("unit")
    # U1 (xã): 1.2 capped at 2 (parts 3), 1.3 its kind's, 1.4 not: 2 + 2 + 1.5 + (2 + 1.5) of 2 + 2 + 1.5 + 4
    assert units.loc["U1", "self"] == 9.0 and units.loc["U1", "max_applicable"] == 9.5
    # U2 (phường): 1.4 instead of 1.3; nobody typed "Không áp dụng"
    assert units.loc["U2", "self"] == 8.0 and units.loc["U2", "max_applicable"] == 8.5
    assert units.loc["U3", "max_applicable"] == 10  # no kind: every criterion
    assert units.loc[["U1", "U2"], "na_count"].tolist() == [0, 0]
    areas = res.areas.set_index(["unit", "area"])
    assert areas.loc[("U1", "1"), "counted"] == 5.5 and areas.loc[("U1", "2"), "counted"] == 3.5  # plain sum
    assert areas.loc[("U1", "1"), "max_applicable"] == 5.5


def test_form_shows_parent_as_a_locked_heading_and_leaves_out_other_kinds(levels):
    ws = build_form(levels, levels.unit("U1"), 2024).active
    rows = {ws.cell(r, 1).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value}
    assert "1.4" not in rows and "1.3" in rows
    heading = rows["1.2"]
    assert heading + 1 == rows["1.2.1"] and ws.cell(heading, 2).font.b
    assert all(ws.cell(heading, col).protection.locked for col in range(1, 10))
    assert ws.cell(rows["1.2.1"], 2).value.startswith("└ ")
    assert not ws.cell(rows["1.2.1"], 7).protection.locked  # the part's self score is an input


def test_a_row_of_another_kind_is_a_warning_not_a_score(levels, tmp_path):
    # U2's form built as U1's (a xã form sent by a phường): row 1.3 is not counted, and said so
    path = levels.submissions_dir(2024) / "U2_2024.xlsx"
    build_form(levels, levels.unit("U1"), 2024).save(path)
    from tests.helpers import fill_form
    fill_form(path, FULL, {"unit": "U2"})
    sub = next(s for s in check_year(levels, 2024).submissions if s.unit == "U2")
    warned = [p for p in sub.problems if p.code == "CRITERION_NOT_FOR_KIND"]
    assert len(warned) == 1 and "1.3" in warned[0].message and "Phường" in warned[0].message
    assert "1.3" not in {r["code"] for r in sub.rows}


def test_panel_scorecard_and_offline_workbook_show_the_level(levels, tmp_path):
    with Gradebook.for_campaign(levels) as gb:
        ws = Workspace.open(levels, 2024, gb)
        panel = AppraisalPanel(ws)
        assert panel.unit.value == "U1"
        texts = [getattr(c, "value", "") for c in panel.rows_box.children]
        assert "<b>1.2. Ứng dụng nền tảng số</b>" in texts and "<b>2.1. Văn bản quy phạm</b>" in texts
        assert [e.row.code for e in panel.editors][:2] == ["1.1", "1.2.1"]
        assert panel.editors[1].row.parent == "1.2"
        path = export_workbook(ws, tmp_path / "off.xlsx", ["U1"])
        sheet = load_workbook(path).active
        contents = [sheet.cell(r, 4).value for r in range(9, sheet.max_row + 1)]
        assert "1.2 Ứng dụng nền tảng số └ Họp trực tuyến" in contents
        yd = load_year(levels, 2024, gradebook=gb)
    card = rd.scorecard_rows(yd, "U1").set_index("Mã")
    assert list(card.index[:5]) == ["1.1", "1.2", "1.2.1", "1.2.2", "1.2.3"]
    assert card.loc["1.2", "Tối đa"] == 2 and card.loc["1.2", "Tự chấm"] == 2  # capped, by the totals
    assert "tối đa 2 điểm" in card.loc["1.2", "Tiêu chí"] and card.loc["1.2.1", "Tiêu chí"].startswith("└ ")
    assert card.loc["2.1", "Tự chấm"] == 3.5


def test_council_exception_is_a_decision_with_a_reason_and_lowers_the_maximum(levels):
    with Gradebook.for_campaign(levels) as gb:
        ws = Workspace.open(levels, 2024, gb)
        assert ws.unit_totals("U1")["max_applicable"] == 9.5
        refused = ws.save([Entry("U1", "1.1", None, na=True)], Stage.FINAL)
        assert refused.invalid and "lý do" in refused.invalid[0][2]
        reason = "Hội đồng quyết định không áp dụng tiêu chí 1.1 cho đơn vị: nhiệm vụ chuyển cho cấp tỉnh năm 2024"
        saved = ws.save([Entry("U1", "1.1", None, na=True, comment=reason)], Stage.FINAL)
        assert len(saved.saved) == 1 and not saved.invalid
        assert ws.unit_totals("U1")["max_applicable"] == 7.5
        step = ws.history("U1", "1.1")[-1]
        assert (step["stage"], step["na"], step["by"], step["comment"]) == (Stage.FINAL, True, ws.actor.name,
                                                                           reason)
        assert step["at"]
        assert ws.save([Entry("U1", "1.3", None, na=True, comment="x")]).saved  # any counted one
        yd = load_year(levels, 2024, gradebook=gb)
        # `kit gradebook verify` judges stored decisions by the same rule (it called the exception out of range)
        checked = verify(levels, gb)
        assert checked.ok, [p.message for p in checked.problems]
        # written around the panel's check, without a reason: verify names it
        gb.record(Decision(2024, "U1", "1.4", Stage.FINAL, None, "Ai đó", "", True))
        refused = [p for p in verify(levels, gb).problems if p.code == "DECISION_OUT_OF_RANGE"]
        assert len(refused) == 1 and "phải ghi lý do" in refused[0].message
    assert yd.results.units.set_index("unit").loc["U1", "max_applicable"] == 6.0  # the published results agree


@pytest.mark.parametrize("change, found, line", [
    ('cap: true\n', "các tiêu chí thành phần cộng lại 3 điểm", 11),  # no cap: parts 3 against max 2
    ("applies_to: [xa]}", "chỉ ghi một trong", 23),
    ("applies_to: [lang]}", "\"lang\"", 23),
    ('content: "Họp trực tuyến"}', "chỉ có ba cấp", 16),
    ('code: "1.2.3"', "bị trùng", 22),
])
def test_bad_levels_and_kinds_name_file_and_line(tmp_path, change, found, line):
    yml = {
        'cap: true\n': LEVELS_YML.replace("        cap: true\n", ""),
        "applies_to: [xa]}": LEVELS_YML.replace("applies_to: [xa]}", "applies_to: [xa], not_for: [phuong]}"),
        "applies_to: [lang]}": LEVELS_YML.replace("applies_to: [xa]}", "applies_to: [lang]}"),
        'content: "Họp trực tuyến"}': LEVELS_YML.replace(
            'content: "Họp trực tuyến"}}', 'content: "Họp", parts: [{{code: "1.2.1.1", type: yes_no, max: 1}}]}}'),
        'code: "1.2.3"': LEVELS_YML.replace('code: "1.2.3"', 'code: "1.1"'),
    }[change]
    problems = _problems(tmp_path, yml)
    hit = [p for p in problems if found in p.message]
    assert hit, [p.message for p in problems]
    assert hit[0].row == line and hit[0].file.endswith("2024-A.yml")


def test_unknown_unit_kind_names_file_row_and_column(tmp_path):
    root = write_campaign(tmp_path / "c", framework=LEVELS_YML, units=UNITS.replace("U2,Phường Hai,A,phuong",
                                                                                     "U2,Phường Hai,A,khu_pho"))
    with pytest.raises(CampaignError) as caught:
        load_campaign(root)
    problem = next(p for p in caught.value.problems if "khu_pho" in p.message)
    assert problem.file.endswith("units.csv") and problem.row == 3 and problem.column == "kind"


def test_demo_three_level_area_and_kinds():
    """On the demo (2025 communes): 6.9 is a capped heading with three parts read back from the filled forms, and a
    xã and a phường have different applicable maxima with no "Không áp dụng" typed."""
    yd = load_year(DEMO, 2025)
    long = yd.results.long
    parts = long[long["parent"] == "6.9"]
    assert set(parts["code"]) == {"6.9.1", "6.9.2", "6.9.3"} and parts["in_form"].all()
    assert set(parts["type"]) == {"yes_no", "tiers", "judgement"} and (parts["cap"] == 1.0).all()
    units = yd.results.units.set_index("unit")
    typed_na = long[long["self_na"]].groupby("unit").size()
    assert typed_na.get("XNINHDIEN", 0) == 0 and typed_na.get("PTANNINH", 0) == 0
    xa, phuong = units.loc["XNINHDIEN", "max_applicable"], units.loc["PTANNINH", "max_applicable"]
    assert (xa, phuong) == (99.75, 99.25)
    card = rd.scorecard_rows(yd, "XNINHDIEN")
    assert card["Mã"].tolist().index("6.9") + 1 == card["Mã"].tolist().index("6.9.1")
    assert pd.notna(card.set_index("Mã").loc["6.9", "Tự chấm"])
