import pandas as pd
import pytest
from openpyxl import load_workbook

from kit.core.vocab import Status
from kit.intake.check import check_year
from kit.outputs.results_book import write_results
from kit.outputs.xlsx import csv_safe, write_xlsx
from kit.scoring.results import year_results
from tests.helpers import GOOD, submit, title_row


def _results(tiny):
    submit(tiny, "U1", {**GOOD, "1.3": {"self": 2}})
    submit(tiny, "U2", {**GOOD, "1.1": {"answer": "Không", "self": 0}},
           meta={"sent": __import__("datetime").date(2024, 12, 30)})
    (tiny.submissions_dir(2024) / "U3_2024.xlsx").write_bytes(b"")
    report = check_year(tiny, 2024)
    return report, year_results(tiny, report)


def test_statuses_ranks_and_bands(tiny):
    _, res = _results(tiny)
    units = res.units.set_index("unit")
    assert units.loc["U1", "status"] == Status.SUBMITTED and units.loc["U2", "status"] == Status.LATE
    assert units.loc["U3", "status"] == Status.REJECTED
    assert units.loc["U1", "rank"] == 1 and units.loc["U2", "rank"] == 2 and pd.isna(units.loc["U3", "rank"])
    # U1: 2 + 2 + 2 + 0 - 0.5 = 5.5 of 10 (survey not yet known) -> 55 % -> Khá
    assert units.loc["U1", "counted"] == 5.5 and units.loc["U1", "percent"] == 55 and units.loc["U1", "band"] == "Khá"
    assert units.loc["U1", "basis"].startswith("Chưa thẩm định")
    assert set(res.areas["area"]) == {"1", "2"}


def test_missing_unit_is_listed(tiny):
    submit(tiny, "U1")
    res = year_results(tiny, check_year(tiny, 2024))
    assert res.units.set_index("unit").loc["U3", "status"] == Status.MISSING


def test_xlsx_has_vietnamese_headers_sources_and_no_formulas(tiny, tmp_path):
    report, res = _results(tiny)
    path = write_results(tiny, report, res, tmp_path / "kq.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Kết quả", "Theo lĩnh vực", "Chi tiết tiêu chí", "Nguồn dữ liệu"]
    headers = [c.value for c in wb["Kết quả"][title_row(wb["Kết quả"])]]
    assert headers[:4] == ["Năm", "Nhóm", "Mã đơn vị", "Tên đơn vị"] and "Xếp loại" in headers
    assert wb["Nguồn dữ liệu"]["A1"].value == "Dữ liệu minh họa"
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)


def test_csv_has_bom_and_headers(tiny, tmp_path):
    report, res = _results(tiny)
    path = write_results(tiny, report, res, tmp_path / "kq.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "Tỷ lệ đạt (%)" in raw.decode("utf-8-sig")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Ghi chú,Năm") and all(line.startswith("Dữ liệu minh họa,") for line in lines[1:])


def test_csv_safe_neutralises_formulas():
    assert [csv_safe(v) for v in ("=1+1", "+84", "-x", "@SUM", "bình thường", 5)] == [
        "'=1+1", "'+84", "'-x", "'@SUM", "bình thường", 5]


def test_unit_text_never_becomes_a_formula_in_xlsx(tmp_path):
    evil = '=HYPERLINK("http://x","bấm")'
    path = write_xlsx(tmp_path / "t.xlsx", {"Bảng": pd.DataFrame({"Kiểm chứng": [evil, "+84 912", "bình thường"]})},
                      ["Nguồn"])
    cells = load_workbook(path)["Bảng"]
    assert [(c.value, c.data_type) for c in cells["A"][1:]] == [(evil, "s"), ("+84 912", "s"), ("bình thường", "s")]


def test_every_total_of_a_row_covers_the_same_criteria():
    """KTHT 2025: the self total used to leave the survey out (77 against 85,58 appraised, gap +2,75)."""
    from kit.app.year import load_year
    from tests.helpers import DEMO

    state = load_year(DEMO, 2025)
    long = state.results.long
    for unit, row in state.results.units.dropna(subset=["criteria"]).set_index("unit").iterrows():
        mine = long[(long["unit"] == unit) & ~long["na"]]
        survey = mine["type"] == "survey"
        claimed = pd.to_numeric(mine["self"], errors="coerce").where(~survey, mine["proposal"]).fillna(0.0)
        capped = mine["cap"].notna()  # a capped parent (2025 communes' 6.9, issue 15) counts at most its cap
        over = claimed[capped].groupby(mine["parent"][capped]).sum() - mine["cap"][capped].groupby(
            mine["parent"][capped]).first()
        expected = claimed.sum() - over.clip(lower=0).sum()
        assert row["self"] == pytest.approx(expected, abs=0.006), unit
    units = state.results.units.dropna(subset=["criteria"])
    done = units[units["appraised_count"] == units["criteria"]]  # fully appraised: the gap is over every criterion
    assert len(done) >= 3
    for _, unit in done.iterrows():
        assert unit["self"] - unit["appraised"] == pytest.approx(unit["self_minus_appraised"], abs=0.011)
