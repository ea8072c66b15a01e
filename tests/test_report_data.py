"""The tables behind the reports, on the demo campaign."""

from kit.app.year import load_year
from kit.reporting import data as rd
from tests.helpers import DEMO


def test_yearly_tables():
    yd, prev = load_year(DEMO, 2024), load_year(DEMO, 2023)
    counts = rd.participation_counts(yd)
    assert counts.drop(columns="Nhóm").to_numpy().sum() == 27
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
    assert set(holders["Giữ mục tiêu cả giai đoạn"]) <= {"Có", "Không"} and len(holders) == 27
    lines = rd.period_summary(years)
    assert lines[0].startswith("Giai đoạn 2022–2025: 27 đơn vị") and any("Tiến bộ nhiều nhất" in x for x in lines)


def test_scorecard_tables():
    yd = load_year(DEMO, 2024)
    rows = rd.scorecard_rows(yd, "NV")
    assert len(rows) == 45 and {"Tự chấm", "Thẩm định", "Tài liệu kiểm chứng", "Nhận xét"} <= set(rows.columns)
    mine, avg = rd.unit_vs_group(yd, "NV")
    assert list(mine.index) == list(avg.index) and len(mine) == 8
    history = rd.band_history([load_year(DEMO, y) for y in (2022, 2023, 2024)], "NV")
    assert history["Năm"].tolist() == [2022, 2023, 2024]
