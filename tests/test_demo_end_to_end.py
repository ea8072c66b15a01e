"""On the demo: inspection findings, the provincial agencies' group and learning pairs, end to end."""

from __future__ import annotations

import re

import pytest

from kit.app.reports import FINAL, SCORECARD, YEARLY
from kit.app.year import load_year
from kit.cli import main
from kit.config.campaign import load_campaign
from kit.outputs.render import Job, render
from kit.reporting import data as rd
from kit.scoring.totals import criteria_table, long_table
from kit.store.gradebook import Gradebook
from kit.ui.meeting_panel import MeetingPanel
from tests.helpers import DEMO

AGENCIES = "Cơ quan ngành dọc cấp tỉnh trên địa bàn huyện"


def _text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_a_demo_finding_changes_its_deduction_proposal_and_the_decision_cites_it():
    yd = load_year(DEMO, 2024)
    finding = yd.results.findings.set_index("reference").loc["61/BB-KTCV"]
    assert (finding["unit"], finding["code"], finding["violations"]) == ("VP", "3.8", 3)
    without = long_table(criteria_table(yd.campaign, 2024), yd.check.table(), yd.check.surveys)
    before = without.set_index(["unit", "code"]).loc[("VP", "3.8"), "proposal"]
    after = yd.results.long.set_index(["unit", "code"]).loc[("VP", "3.8"), "proposal"]
    assert (before, after) == (-0.5, -1.5)  # the form declares 1 late file, the inspection found 3
    decided = yd.decisions[(yd.decisions["unit"] == "VP") & (yd.decisions["code"] == "3.8")].iloc[-1]
    assert decided["score"] == -1.5 and "Căn cứ kết quả kiểm tra: 61/BB-KTCV ngày 26/03/2024" in decided["comment"]


def test_the_demo_registers_malformed_row_is_reported_with_file_row_and_column(capsys):
    assert main(["check", "--campaign", str(DEMO), "--year", "2023"]) == 1
    out = capsys.readouterr().out
    assert "[LỖI VIOLATIONS_INVALID] inspections/2023.csv, dòng 7, cột G (Số vi phạm): Số vi phạm \"hai vụ\"" in out


def test_the_third_group_ranks_separately_in_results_and_proposals():
    campaign = load_campaign(DEMO)
    assert list(campaign.groups) == ["CQ", "XA", "NG"] and len(campaign.units_in("NG", 2024)) == 5
    assert {(cr.type, cr.key) for cr in campaign.framework(2024, "NG").criteria} >= {("yes_no", "phoi_hop")}
    assert campaign.framework(2024, "NG").total == 100
    yd = load_year(DEMO, 2024)
    agencies = yd.results.units[yd.results.units["group"] == "NG"]
    assert sorted(agencies["rank"].astype(int)) == [1, 2, 3, 4, 5]  # ranked among themselves
    assert set(rd.results_by_group(yd)[AGENCIES]["Mã"]) == set(agencies["unit"])
    assert AGENCIES in set(rd.band_counts(yd).index)
    proposed = rd.awards([load_year(DEMO, 2023)], "yearly").proposed()
    collectives = [f for f in proposed if f.rule.kind.value == "collective"]
    assert {f.candidate["unit"] for f in collectives if f.candidate["group"] == "NG"} == {"KBNN"}  # its own quota


def test_an_overdue_finding_keeps_a_unit_from_the_yearly_certificate():
    aw = rd.awards([load_year(DEMO, 2025)], "yearly")
    thue = next(f for f in aw.findings if f.candidate["unit"] == "THUE" and f.rule.kind.value == "collective")
    assert thue.outcome.value == "near"
    assert "✖ số kết luận kiểm tra quá hạn chưa khắc phục ≤ 0 (thực tế: 1)" in thue.reasons


def test_the_meeting_view_ranks_the_third_group_and_shows_learning_pairs():
    campaign = load_campaign(DEMO)
    with Gradebook.for_campaign(campaign, readonly=True) as gb:
        m = MeetingPanel(campaign, gb, 2024)
        assert m.ranking.value.count("<h3>") == 3 and f"<h3>{AGENCIES}</h3>" in m.ranking.value
        assert "Kho bạc Nhà nước Châu Thành" in m.ranking.value
        assert [m.tabs.get_title(i) for i in range(5)] == ["Xếp hạng", "Chi tiết đơn vị", "Khen thưởng",
                                                           "Học tập kinh nghiệm", "Giả định"]
        assert "Gợi ý trao đổi, học tập kinh nghiệm năm 2024" in m.learning.value
        assert "Vì sao gợi ý" in m.learning.value and "1/4 thấp nhất" in m.learning.value
        m.unit.value = "VP"
        m.area.value = "3"
        assert "Kết quả kiểm tra" in m.detail.value and "61/BB-KTCV" in m.detail.value
        assert "Quá hạn, chưa khắc phục" in m.detail.value
        m.band_sliders[1].value = 70  # "Tốt" from 70 %: agencies at 73-79 % move up; per-group quotas follow
        m.apply_button.click()
        assert "Kho bạc Nhà nước Châu Thành" not in m.whatif.value.split("Đề nghị khen thưởng thay đổi")[0]
        assert "Chi cục Thống kê huyện Châu Thành" in m.whatif.value and "không được lưu" in m.whatif.value


@pytest.fixture
def fixed_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")


@pytest.mark.notebooks
def test_reports_show_findings_groups_and_learning_pairs(tmp_path, fixed_time):
    root = str(DEMO.resolve())
    jobs = [Job(YEARLY, {"campaign": root, "year": 2024}, tmp_path / "y2024.ipynb"),
            Job(SCORECARD, {"campaign": root, "year": 2024, "unit": "VP"}, tmp_path / "VP.ipynb"),
            Job(SCORECARD, {"campaign": root, "year": 2024, "unit": "KBNN"}, tmp_path / "KBNN.ipynb"),
            Job(FINAL, {"campaign": root, "first_year": 2022, "last_year": 2025}, tmp_path / "final.ipynb")]
    assert [o.ok for o in render(jobs, workers=1)] == [True] * 4
    yearly, vp, kbnn, final = (_text(j.output.with_suffix(".html").read_text(encoding="utf-8")) for j in jobs)
    assert "Kiểm tra công vụ, kiểm tra CCHC" in yearly and "61/BB-KTCV" in yearly
    assert "Quá hạn, chưa khắc phục" in yearly and "Đã khắc phục đúng hạn" in yearly
    assert "Gợi ý trao đổi, học tập kinh nghiệm" in yearly and "Vì sao gợi ý" in yearly
    assert AGENCIES in yearly  # its own ranking table
    assert "Kết quả kiểm tra" in vp and "61/BB-KTCV" in vp and "26/03/2024" in vp
    assert "Năm nay đơn vị không có kết luận kiểm tra nào." in kbnn and "hạng trong nhóm" in kbnn.lower()
    assert "Gợi ý trao đổi, học tập kinh nghiệm" in final and "Vì sao gợi ý" in final and AGENCIES in final
