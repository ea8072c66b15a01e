"""The tables behind the reports, on the demo campaign."""

import pytest

from kit.app.year import load_year
from kit.intake.submission import read_submission
from kit.reporting import data as rd
from kit.store.gradebook import Gradebook, open_explanations
from tests.helpers import DEMO
from tools.demogen.generate import EXPLANATIONS


def test_yearly_tables():
    yd, prev = load_year(DEMO, 2024), load_year(DEMO, 2023)
    counts = rd.participation_counts(yd)
    assert counts.drop(columns="Nhóm").to_numpy().sum() == 32  # 12 offices, 15 communes, 5 provincial agencies
    bands = rd.band_counts(yd)
    assert int(bands.to_numpy().sum()) == int(yd.results.units["rank"].notna().sum())
    assert set(rd.results_by_group(yd)) == set(yd.campaign.groups.values())
    assert rd.area_matrix(yd, "XA").shape[1] == 8
    assert len(rd.open_explanations(yd)) == 2 and rd.not_fully_appraised(yd).empty
    change = rd.change(yd, prev)
    assert {"Tỷ lệ 2023 (%)", "Tỷ lệ 2024 (%)", "Thay đổi"} <= set(change.columns)
    gaps = rd.gaps(yd)
    assert gaps["Tự chấm − thẩm định"].is_monotonic_decreasing
    assert rd.registration(yd)["Đăng ký"].isin(["Đúng hạn", "Muộn", "Chưa đăng ký"]).all()


def test_period_tables():
    years = [load_year(DEMO, y) for y in (2022, 2023, 2024, 2025)]
    assert list(rd.group_means(years).index) == [2022, 2023, 2024, 2025]
    areas = rd.area_trends(years)
    assert areas.shape[1] == 8 and areas.notna().all().all()  # renumbered in 2025, matched by name
    holders = rd.target_holders(years, ["Xuất sắc", "Tốt"])
    took_part = {u.code for y in years for u in y.campaign.units_of(y.year)}  # 32, the new office, 8 successors
    assert set(holders["Giữ mục tiêu cả giai đoạn"]) == {"Có", "Không"} and len(holders) == len(took_part) == 41
    chau_thanh = holders.set_index("Mã").loc["XCHAUTHANH"]
    assert chau_thanh[2022] == "—" and chau_thanh[2025] != "—"  # a successor: its own year only
    lines = rd.period_summary(years)
    assert lines[0].startswith("Giai đoạn 2022–2025: 41 đơn vị") and any("Tiến bộ nhiều nhất" in x for x in lines)


def test_scorecard_tables():
    yd = load_year(DEMO, 2024)
    rows = rd.scorecard_rows(yd, "NV")
    assert len(rows) == 45 and {"Tự chấm", "Thẩm định", "Tài liệu kiểm chứng", "Nhận xét"} <= set(rows.columns)
    mine, avg = rd.unit_vs_group(yd, "NV")
    assert list(mine.index) == list(avg.index) and len(mine) == 8
    history = rd.band_history([load_year(DEMO, y) for y in (2022, 2023, 2024)], "NV")
    assert history["Năm"].tolist() == [2022, 2023, 2024]


def test_scorecard_values_come_from_the_form_and_the_gradebook():
    """Each column holds what its header says: the unit's own score, the evaluators' current decision, the
    evaluator's reason, and an explanation still awaiting the council, kept apart from that reason."""
    yd = load_year(DEMO, 2024)
    with Gradebook.for_campaign(yd.campaign) as gb:
        current = gb.latest(2024)
    explained = open_explanations(yd.decisions)["unit"].iloc[0]  # the unit whose explanations await the council
    for unit in ("NV", explained):
        rows = rd.scorecard_rows(yd, unit).set_index("Mã")
        form = yd.campaign.submissions_dir(2024) / f"{unit}_2024.xlsx"
        own = {r["code"]: float("nan") if r["self"] is None else r["self"]
               for r in read_submission(form, yd.campaign, 2024).rows}
        decided = current[current["unit"] == unit].set_index("code")
        assert rows["Tự chấm"].to_dict() == pytest.approx(own, nan_ok=True)
        appraised = {c: "Không áp dụng" if d.na else d.score for c, d in decided.iterrows()}
        assert rows["Thẩm định"].to_dict() == appraised
        assert rows["Nhận xét"].to_dict() == decided["comment"].to_dict()
        differs = [c for c in appraised if appraised[c] != "Không áp dụng" and own.get(c) != appraised[c]]
        assert differs, "the demo must have criteria where the appraisal differs from the self score"
    pending = rd.scorecard_rows(yd, explained).set_index("Mã")["Giải trình chờ Hội đồng quyết định"]
    waiting = pending[pending != ""]
    assert len(waiting) == 2 and all(text.startswith("Xin ") for text in waiting)
    comments = rd.scorecard_rows(yd, explained).set_index("Mã").loc[waiting.index, "Nhận xét"]
    assert not any(c in EXPLANATIONS for c in comments)  # the unit's own request is never shown as the reason


def test_a_successors_final_carries_its_predecessors_lines():
    years = [load_year(DEMO, y) for y in (2022, 2023, 2024, 2025)]
    campaign = years[0].campaign
    heirs = [u.code for u in campaign.roster.heirs(2025)]  # not the offices (they ended on 30/6)
    assert heirs == ["XCHAUTHANH", "PTANNINH", "XHOAHOI", "XHAODUOC", "XNINHDIEN", "XPHUOCVINH", "XLONGCHU",
                     "PTHANHDIEN"]
    lines = rd.predecessor_lines(years, "XLONGCHU").set_index("Đơn vị")
    assert list(lines.index) == ["Xã Long Vĩnh", "Xã Long Phước (huyện Bến Cầu)", "Xã Long Chữ (huyện Bến Cầu)",
                                 "Xã Long Chữ (đơn vị mới)"]
    assert "hạng" in lines.loc["Xã Long Vĩnh", "2022"] and lines.loc["Xã Long Vĩnh", "2025"] == "—"
    assert set(lines.loc["Xã Long Phước (huyện Bến Cầu)", ["2022", "2025"]]) == {"ngoài đợt thi đua"}
    assert lines.loc["Xã Long Chữ (đơn vị mới)", "2024"] == "—" and "%" in lines.loc["Xã Long Chữ (đơn vị mới)", "2025"]
    split = rd.lineage_table(campaign)
    assert split[split["Đơn vị cũ"] == "Xã Thái Bình"]["Phần chuyển sang"].tolist() == ["50 %", "50 %"]


def test_the_districts_own_final_sees_the_units_of_its_last_day():
    import datetime as dt

    years = [load_year(DEMO, y) for y in (2022, 2023, 2024, 2025)]
    assert years[0].campaign.own_end == dt.date(2025, 6, 30)  # the district's committee ceased that day
    seen = rd.as_of(years, dt.date(2025, 6, 30))
    units_2025 = set(seen[-1].results.units["unit"])
    assert "NV" in units_2025 and "HAODUOC" in units_2025 and not units_2025 & {"XHAODUOC", "PTANNINH"}
    lines = rd.period_summary(seen)
    assert lines[0].startswith("Giai đoạn 2022–2025: 33 đơn vị") and "nan" not in " ".join(lines)
    titles = {f.rule.title_name for f in rd.awards(seen, "final", on=dt.date(2025, 6, 30)).proposed()}
    assert "Giấy khen của Chủ tịch UBND huyện" in titles and "Giấy khen của Giám đốc Sở Nội vụ" not in titles

