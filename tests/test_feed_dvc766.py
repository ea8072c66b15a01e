"""The Decision 766 feed's reader: the portal's table as an office saves it, mapped to units, checked."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from kit.app.appraisal import Workspace
from kit.app.fingerprint import unit_fingerprint
from kit.app.year import check_files, load_year
from kit.cli import main
from kit.config.campaign import Campaign, load_campaign
from kit.core import vn
from kit.intake.feeds import dvc766 as F
from kit.intake.feeds.registry import FeedTable, period_label, year_values
from kit.reporting import data as rd
from kit.reporting import display
from kit.scoring.feed_checks import DEFAULT_TOLERANCE, tolerance
from kit.scoring.results import year_results
from kit.store.gradebook import Gradebook
from kit.ui.scoring_panel import AppraisalPanel
from tests.helpers import DEMO, FRAMEWORK_YML, submit, write_campaign

HEADERS = ["STT", "Tên cơ quan", "Công khai, minh bạch", "Tiến độ giải quyết", "Dịch vụ công trực tuyến",
           "Thanh toán trực tuyến", "Mức độ hài lòng", "Số hóa hồ sơ", "Tổng điểm"]


def _row(n: int, name: str, scores: tuple[float, ...]) -> list[object]:
    return [n, name, *scores, round(sum(scores), 2)]


GOOD = (16.0, 18.5, 10.0, 8.0, 17.0, 20.0)


@pytest.fixture
def camp(tmp_path: Path) -> Campaign:
    return load_campaign(write_campaign(tmp_path / "camp"))


def _folder(camp: Campaign, year: int = 2024) -> Path:
    folder = camp.root / "feeds" / "dvc766" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _xlsx(path: Path, rows: list[list[object]], title: str = "BẢNG ĐIỂM BỘ CHỈ SỐ 766") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _codes(feed: FeedTable) -> list[str]:
    return [p.code for p in feed.problems]


def test_period_of_a_file_name():
    assert F.period_of_name("quy-1") == (None, "Q1")
    assert F.period_of_name("2025-Q4") == (2025, "Q4")
    assert F.period_of_name("Quý 2") == (None, "Q2")
    assert F.period_of_name("6 tháng đầu năm") == (None, "H1")
    assert F.period_of_name("2025_H2") == (2025, "H2")
    assert F.period_of_name("thang-03") == (None, "M03")
    assert F.period_of_name("nam") == (None, "year")
    assert F.period_of_name("2025") == (2025, "year")
    assert F.period_of_name("quy-5") == (None, None)
    assert F.period_of_name("bang-diem") == (None, None)
    assert F.period_words("Q2", 2025) == "quý 2/2025" and F.period_words("H1", 2025) == "6 tháng đầu năm 2025"
    assert [F.first_month(p) for p in ("year", "H2", "Q3", "M05")] == [1, 7, 7, 5]


def test_xlsx_with_vietnamese_headers_is_read_and_mapped_by_exact_name(camp):
    _xlsx(_folder(camp) / "quy-1.xlsx", [_row(1, "Đơn vị Một", GOOD), _row(2, "xã  ba", GOOD)])
    feed = F.read(camp, 2024)
    assert feed.problems == []
    got = feed.rows.set_index(["unit", "indicator"])["value"]
    assert got[("U1", "tien_do")] == 18.5 and got[("U3", "so_hoa")] == 20.0
    assert got[("U1", "tien_do_pct")] == 92.5 and got[("U1", "tong")] == 89.5
    assert set(feed.rows["period"]) == {"Q1"} and set(feed.rows["feed"]) == {"dvc766"}
    assert len(feed.rows) == 2 * 13 and set(feed.rows["indicator"]) == set(F.INDICATORS)


def test_csv_with_the_portals_field_codes_and_a_mapping_file(camp):
    feeds = camp.root / "feeds" / "dvc766"
    _folder(camp)
    (feeds / "mapping.csv").write_text("Tên trên Cổng,Mã cơ quan,Mã đơn vị\n"
                                       "UBND xã Ba - tỉnh Tây Ninh,H01.187,U3\n"
                                       "Sở Nội vụ - tỉnh Tây Ninh,H01.02,-\n", encoding="utf-8")
    (feeds / "2024" / "2024-Q2.csv").write_text(
        "ID;TEN;MA_COQUAN;CAPDONVIID;TDGQ;MDHL;MDSH;TTTT;CLGQ;CKMB;TONG_SCORE\n"
        "1;Tên khác hẳn;H01.187;2;19,5;18;20,75;8,55;8,1;18;92,9\n"
        "2;Sở Nội vụ - tỉnh Tây Ninh;H01.02;1;20;18;22;10;10;18;98\n", encoding="utf-8")
    feed = F.read(camp, 2024)
    assert feed.problems == []
    assert set(feed.rows["unit"]) == {"U3"}
    assert feed.rows.set_index("indicator")["value"]["tien_do"] == 19.5


def test_json_the_page_loads(camp):
    items = [{"ID": "1", "TEN": "Đơn vị Hai", "MA_COQUAN": "X.2", "CAPDONVIID": "1", "TDGQ": "17.25",
              "MDHL": "18", "MDSH": "21", "TTTT": "9", "CLGQ": "8", "CKMB": "15", "TONG_SCORE": "88.25",
              "ROW_STT": "1"}]
    (_folder(camp) / "thang-03.json").write_text(json.dumps({"data": items}), encoding="utf-8")
    feed = F.read(camp, 2024)
    assert feed.problems == []
    assert feed.rows.set_index("indicator")["value"]["tien_do"] == 17.25
    assert set(feed.rows["period"]) == {"M03"}


def test_a_login_page_saved_as_xls_is_named_as_such(camp):
    (_folder(camp) / "quy-3.xls").write_text(
        "<!DOCTYPE html><html><body><form><h1>Đăng nhập</h1><input type='text' name='u'>"
        "<input type='password' name='p'></form></body></html>", encoding="utf-8")
    _xlsx(_folder(camp) / "quy-1.xlsx", [_row(1, "Đơn vị Một", GOOD)])
    feed = F.read(camp, 2024)
    assert _codes(feed) == ["FEED_LOGIN_PAGE"]
    assert feed.problems[0].file == "feeds/dvc766/2024/quy-3.xls"
    assert "đăng nhập" in feed.problems[0].message
    assert set(feed.rows["period"]) == {"Q1"}  # the other files are still read


def test_a_web_table_saved_as_xls_is_read(camp):
    cells = "".join(f"<th>{h}</th>" for h in HEADERS)
    row = "".join(f"<td>{v}</td>" for v in _row(1, "Đơn vị Hai", GOOD))
    (_folder(camp) / "quy-4.xls").write_text(f"<html><body><table><tr>{cells}</tr><tr>{row}</tr></table>"
                                             "</body></html>", encoding="utf-8")
    feed = F.read(camp, 2024)
    assert feed.problems == []
    assert set(feed.rows["unit"]) == {"U2"}


def test_unmatched_and_ambiguous_names_are_listed_never_guessed(camp):
    feeds = camp.root / "feeds" / "dvc766"
    _folder(camp)
    (feeds / "mapping.csv").write_text("Tên trên Cổng,Mã đơn vị\nPhòng Hai,U2\nPhòng Hai,U1\nPhòng Bốn,ZZ\n",
                                       encoding="utf-8")
    _xlsx(feeds / "2024" / "quy-1.xlsx", [_row(1, "Phòng Hai", GOOD), _row(2, "Phòng Năm", GOOD)])
    _xlsx(feeds / "2024" / "quy-2.xlsx", [_row(1, "Phòng Năm", GOOD)])
    feed = F.read(camp, 2024)
    assert sorted(_codes(feed)) == ["FEED_NAME_AMBIGUOUS", "FEED_NAME_UNMATCHED", "UNIT_UNKNOWN"]
    unknown = next(p for p in feed.problems if p.code == "UNIT_UNKNOWN")
    assert (unknown.file, unknown.row) == ("feeds/dvc766/mapping.csv", 4)
    unmatched = next(p for p in feed.problems if p.code == "FEED_NAME_UNMATCHED")
    assert "Phòng Năm" in unmatched.message and "quy-1.xlsx dòng 4" in unmatched.message
    assert "quy-2.xlsx dòng 3" in unmatched.message and unmatched.severity == "warning"
    ambiguous = next(p for p in feed.problems if p.code == "FEED_NAME_AMBIGUOUS")
    assert (ambiguous.row, "U1, U2" in ambiguous.message) == (3, True)
    assert feed.rows.empty


def test_an_exact_name_keeps_its_diacritics_and_a_near_one_is_only_suggested(camp):
    """"Đơn vị Hái" folded equal "Đơn vị Hai" and fed U2 silently: another unit's values, never matched exactly."""
    _xlsx(_folder(camp) / "quy-1.xlsx", [_row(1, "Đơn vị Hái", GOOD), _row(2, "  ĐƠN VỊ   MỘT ", GOOD)])
    feed = F.read(camp, 2024)
    assert set(feed.rows["unit"]) == {"U1"}  # case and spaces do not matter
    unmatched = next(p for p in feed.problems if p.code == "FEED_NAME_UNMATCHED")
    assert "Đơn vị Hái" in unmatched.message and "\"Đơn vị Hái,U2\"" in unmatched.message


def test_a_unit_twice_in_one_period_and_values_outside_their_range(camp):
    feeds = camp.root / "feeds" / "dvc766"
    _folder(camp)
    (feeds / "mapping.csv").write_text("Tên trên Cổng,Mã đơn vị\nMột cửa U1,U1\n", encoding="utf-8")
    bad = (16.0, 21.0, 10.0, 8.0, 17.0, 20.0)  # 21 > 20 for TDGQ
    _xlsx(feeds / "2024" / "quy-1.xlsx", [_row(1, "Đơn vị Một", GOOD), _row(2, "Một cửa U1", GOOD),
                                          _row(3, "Đơn vị Hai", bad)])
    feed = F.read(camp, 2024)
    assert sorted(_codes(feed)) == ["FEED_UNIT_TWICE", "FEED_VALUE_OUT_OF_RANGE"]
    twice = next(p for p in feed.problems if p.code == "FEED_UNIT_TWICE")
    assert twice.row == 4 and "U1" in twice.message and "dòng 3" in twice.message  # the first row is kept
    out = next(p for p in feed.problems if p.code == "FEED_VALUE_OUT_OF_RANGE")
    assert (out.row, out.column, "21" in out.message) == (5, "D (Tiến độ giải quyết)", True)
    kept = feed.rows.set_index(["unit", "indicator"])["value"]
    assert kept[("U1", "tien_do")] == 18.5 and ("U2", "tien_do") not in kept and kept[("U2", "so_hoa")] == 20


def test_periods_outside_the_year_or_unnamed_are_refused(camp):
    folder = _folder(camp)
    _xlsx(folder / "2023-Q4.xlsx", [_row(1, "Đơn vị Một", GOOD)])
    _xlsx(folder / "bang-diem.xlsx", [_row(1, "Đơn vị Một", GOOD)])
    _xlsx(folder / "quy-2.xlsx", [_row(1, "Đơn vị Một", GOOD)])
    (folder / "Q2.csv").write_text("TEN,TDGQ\nĐơn vị Một,19\n", encoding="utf-8")
    feed = F.read(camp, 2024)
    assert sorted(_codes(feed)) == ["FEED_PERIOD_INVALID", "FEED_PERIOD_OUTSIDE_YEAR", "FEED_PERIOD_TWICE"]
    outside = next(p for p in feed.problems if p.code == "FEED_PERIOD_OUTSIDE_YEAR")
    assert "quý 4/2023" in outside.message and "2024" in outside.message and outside.file.endswith("2023-Q4.xlsx")
    assert feed.rows.empty


def test_a_total_that_is_not_the_sum_is_a_warning(camp):
    row = _row(1, "Đơn vị Một", GOOD)
    row[-1] = 99
    _xlsx(_folder(camp) / "nam.xlsx", [row])
    feed = F.read(camp, 2024)
    assert _codes(feed) == ["FEED_TOTAL_MISMATCH"] and feed.problems[0].severity == "warning"
    assert len(feed.rows) == 13


def test_the_years_value_is_the_mean_of_the_quarters_unless_configured(camp):
    folder = _folder(camp)
    for q, tdgq in ((1, 16.0), (2, 18.0), (3, 20.0)):
        _xlsx(folder / f"quy-{q}.xlsx", [_row(1, "Đơn vị Một", (16, tdgq, 10, 8, 17, 20))])
    _xlsx(folder / "nam.xlsx", [_row(1, "Đơn vị Một", (16, 15.5, 10, 8, 17, 20))])
    table = F.read(camp, 2024)
    assert F.SOURCE.period == "mean_quarters"
    mean = year_values(table, F.SOURCE.period).set_index(["unit", "indicator"])
    assert mean.loc[("U1", "tien_do"), "value"] == 18.0 and mean.loc[("U1", "tien_do_pct"), "value"] == 90.0
    assert period_label(mean.loc[("U1", "tien_do"), "period"]) == "bình quân quý 1, 2, 3"
    year = year_values(table, "year").set_index(["unit", "indicator"])
    assert year.loc[("U1", "tien_do"), "value"] == 15.5


def test_indicators_a_framework_line_may_name():
    assert F.SOURCE.indicator("tien_do").maximum == 20 and F.SOURCE.indicator("tien_do_pct").maximum == 100
    assert F.SOURCE.indicator("tttt") is not None and not F.FIELDS["tttt"].verified
    assert F.SOURCE.indicator("thanh_toan") is None and F.SOURCE.indicator("TDGQ") is None
    assert sum(F.FIELDS[k].maximum for k in ("cong_khai", "tien_do", "hai_long", "so_hoa")) + 22 == 100


# --- the feed where people decide: proposal, panel, kit check ----------------------------------------------------

TIERS = "        type: tiers\n"
FED_FRAMEWORK = FRAMEWORK_YML.replace(TIERS, TIERS + "        feed: dvc766.tien_do_pct\n", 1)


@pytest.fixture
def fed(tmp_path: Path) -> Campaign:
    """The tiny campaign whose criterion 1.2 (tiers of a %) takes the 766 index's "Tiến độ giải quyết" (% of its
    maximum); U1 claims 2 points (95,5 %) where the index says 60 % (1 point), U2 as much as the index says."""
    camp = load_campaign(write_campaign(tmp_path / "fed", framework=FED_FRAMEWORK))
    _xlsx(_folder(camp) / "quy-1.xlsx", [_row(1, "Đơn vị Một", (16, 12.0, 10, 8, 17, 20)),
                                         _row(2, "Đơn vị Hai", (16, 19.0, 10, 8, 17, 20))])
    for unit in ("U1", "U2", "U3"):
        submit(camp, unit)
    return camp


def test_the_proposal_of_a_fed_criterion_comes_from_the_feed(fed):
    _, report, _ = check_files(fed, 2024)
    long = year_results(fed, report).long.set_index(["unit", "code"])
    assert long.loc[("U1", "1.2"), "proposal"] == 1.0 and long.loc[("U2", "1.2"), "proposal"] == 2.0
    assert long.loc[("U1", "1.2"), "feed"] == "dvc766.tien_do_pct" and long.loc[("U1", "1.2"), "fed_value"] == 60
    assert long.loc[("U3", "1.2"), "proposal"] == 2.0  # no value on the portal: its own rate, as before


def test_the_panel_shows_the_766_value_beside_the_self_score(fed):
    with Gradebook.for_campaign(fed) as book:
        p = AppraisalPanel(Workspace.open(fed, 2024, book))
        info = {e.row.code: e.info.value for e in p.editors}
    assert "<b>tự chấm 2</b>; giá trị đo: 95,5 · <b style='color:#6a1b9a'>Theo Bộ chỉ số 766 (quý 1/2024): " \
           "Tiến độ giải quyết (TDGQ, % điểm tối đa) 60,00</b>" in info["1.2"]
    assert "đề xuất tự động <b>1</b>" in info["1.2"]
    assert "Bộ chỉ số 766" not in info["1.1"]


def _check(camp: Campaign, year: int = 2024) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["check", "--campaign", str(camp.root), "--year", str(year)])
    return code, out.getvalue()


def test_kit_check_lists_a_claim_the_feed_does_not_support(fed):
    code, text = _check(fed)
    lines = [line for line in text.splitlines() if "FEED_DISAGREES" in line]
    assert len(lines) == 1 and "[CẢNH BÁO FEED_DISAGREES] 2024/U1_2024.xlsx" in lines[0]
    assert "Đơn vị U1 (Đơn vị Một), tiêu chí 1.2 (Tỷ lệ hồ sơ trực tuyến): tự chấm 2 điểm; theo Bộ chỉ số 766 " \
           "(quý 1/2024): Tiến độ giải quyết (TDGQ, % điểm tối đa) 60,00, tương ứng 1 điểm — cao hơn " \
           "1 điểm, quá mức cho phép 0,5 điểm" in lines[0]
    assert code == 0  # a warning: the forms are valid, the evaluator decides


def test_the_tolerance_is_configured_per_source(fed):
    with (fed.root / "campaign.yml").open("a", encoding="utf-8") as f:
        f.write("feeds: {dvc766: {tolerance: 1}}\n")
    assert "FEED_DISAGREES" not in _check(load_campaign(fed.root))[1]
    assert tolerance(load_campaign(fed.root), "dvc766") == 1 and tolerance(fed, "dvc766") == DEFAULT_TOLERANCE


def test_kit_check_on_the_demo_lists_the_planted_over_claims_and_the_unmatched_name():
    _, text = _check(load_campaign(DEMO), 2025)
    flagged = re.findall(r"FEED_DISAGREES\] \S+: Đơn vị (\w+) .*?tiêu chí (\S+)", text)
    assert flagged == [("KTHT", "3.2"), ("TP", "3.2")]  # tools/demogen/feed766.py: drawn among those claiming 4
    assert "bình quân quý 1, 2/2025" in text and "FEED_NAME_UNMATCHED" in text
    assert re.findall(r"FEED_NAME_UNMATCHED\] [^:]+: Cơ quan \"([^\"]+)\"", text) == [
        "UBND xã Long Chữ - tỉnh Tây Ninh (mới) (MH.999)"]


# --- the yearly report's comparison section -----------------------------------------------------------------------

def test_the_yearly_report_compares_self_scores_with_the_feed_per_unit_and_area():
    yd = load_year(DEMO, 2025)
    by_unit = rd.fed_by_unit(yd).set_index("Đơn vị")
    assert by_unit.loc["Phòng Kinh tế và Hạ tầng", "Tự chấm vượt nguồn"] == 1
    assert by_unit.loc["Phòng Tư pháp", "Tự chấm vượt nguồn"] == 1
    assert by_unit["Tự chấm vượt nguồn"].sum() == 2 and (by_unit["Số tiêu chí có nguồn"] == 2).all()
    long = yd.results.long
    fed = long[long["feed"].str.startswith("dvc766.") & long["self"].notna()]
    claimed = fed[fed["unit"] == "KTHT"]
    assert by_unit.loc["Phòng Kinh tế và Hạ tầng", "Tự chấm"] == vn.points(claimed["self"].sum())
    assert by_unit.loc["Phòng Kinh tế và Hạ tầng", "Theo nguồn"] == vn.points(claimed["proposal"].sum())
    by_area = rd.fed_by_area(yd)
    assert list(by_area["Lĩnh vực"].unique()) == ["3. Cải cách thủ tục hành chính"]
    assert by_area["Số đơn vị"].sum() == len(by_unit)
    claims = rd.fed_claims(yd)
    assert list(claims["Đơn vị"]) == ["Phòng Kinh tế và Hạ tầng", "Phòng Tư pháp"]
    assert claims["Nguồn số liệu"].str.startswith("Bộ chỉ số 766 (bình quân quý 1, 2/2025): Tiến độ giải quyết").all()


def test_the_yearly_report_notebook_has_the_section(monkeypatch):
    """The notebook's cells up to the section, run on the demo's 2025 (as kit render runs them), show its tables."""
    shown: list[str] = []
    monkeypatch.setattr(display, "_display", shown.append)
    nb = json.loads((Path(__file__).resolve().parents[1] / "notebooks" / "10-bao-cao-nam.ipynb").read_text("utf-8"))
    cells = {c.get("id"): "".join(c["source"]) for c in nb["cells"]}
    assert "## 14. Đối chiếu điểm tự chấm với nguồn số liệu bên ngoài (Bộ chỉ số 766)" in cells["feeds-md"]
    namespace: dict[str, object] = {}
    exec(f"campaign = {str(DEMO)!r}\nyear = 2025\nrun = ''", namespace)  # the parameters cell, as papermill does
    exec("from kit.app.year import load_year\nfrom kit.reporting import data as rd\n"
         "from kit.reporting.display import show_table, show_text\nyd = load_year(campaign, year)", namespace)
    exec(cells["feeds-code"], namespace)
    page = "".join(shown)
    assert "Theo đơn vị" in page and "Phòng Kinh tế và Hạ tầng" in page and "FEED_DISAGREES" in page
    assert "Bộ chỉ số 766 (bình quân quý 1, 2/2025)" in page


def test_a_new_766_table_changes_exactly_what_it_changes(fed):
    """A new quarter's table naming only U1: the year's fingerprint (year and period reports) and U1's scorecard
    change; U2's (its quarters unchanged) and U3's (not on the portal) do not, so kit render leaves them."""
    def prints() -> tuple[str, dict[str, str]]:
        yd = load_year(fed, 2024)
        return yd.fingerprint.digest, {u: unit_fingerprint([yd], u).digest for u in ("U1", "U2", "U3")}

    year_before, units_before = prints()
    assert prints() == (year_before, units_before)
    _xlsx(_folder(fed) / "quy-2.xlsx", [_row(1, "Đơn vị Một", (16, 19.5, 10, 8, 17, 20))])
    year_after, units_after = prints()
    assert year_after != year_before
    assert [u for u in units_before if units_after[u] != units_before[u]] == ["U1"]
    long = load_year(fed, 2024).results.long.set_index(["unit", "code"])
    assert long.loc[("U1", "1.2"), "fed_value"] == (60 + 97.5) / 2 and long.loc[("U1", "1.2"), "proposal"] == 1
    (fed.root / F.MAPPING).write_text("Tên trên Cổng,Mã đơn vị\nSở Nội vụ,-\n", encoding="utf-8")
    assert prints()[0] != year_after  # the mapping file is one of the feed's files


def test_a_login_page_saved_as_json_and_a_broken_json_are_located(camp):
    folder = _folder(camp)
    (folder / "quy-1.json").write_text("<html><body>Đăng nhập hệ thống<input type=password></body></html>",
                                       encoding="utf-8")
    (folder / "quy-2.json").write_text('{"data": [\n{"TEN": "Đơn vị Một", "TDGQ": "19"\n', encoding="utf-8")
    feed = F.read(camp, 2024)
    assert [(p.code, p.file) for p in feed.problems] == [
        ("FEED_LOGIN_PAGE", "feeds/dvc766/2024/quy-1.json"), ("FEED_NO_TABLE", "feeds/dvc766/2024/quy-2.json")]
    assert feed.problems[1].row == 3 and "JSON" in feed.problems[1].message


def test_the_demos_2025_tables_list_merged_communes_which_are_left_to_their_successors():
    demo = load_campaign(DEMO)
    feed = F.read(demo, 2025)
    first = F.read_file(DEMO / "feeds" / "dvc766" / "2025" / "quy-1.xlsx", "quy-1.xlsx")[0]
    listed = {str(cells["name"]) for _, cells in first}
    assert "UBND xã An Bình - tỉnh Tây Ninh" in listed  # merged into Xã Châu Thành on 1/7/2025
    assert "ANBINH" in demo.departed(2025) and "ANBINH" not in set(feed.rows["unit"])
    assert [p.code for p in feed.problems] == ["FEED_NAME_UNMATCHED"]
    assert {"XCHAUTHANH", "KTHT", "TP"} <= set(feed.rows["unit"])


def test_a_year_without_any_fed_value_gives_empty_sections_not_an_error(tmp_path):
    """The tiny campaign has no feed line: the yearly report's section and kit check's comparison are empty (the
    first render after the merge failed on every such campaign with KeyError 'proposal': ``fed[[]]`` selected no
    columns rather than no rows)."""
    from kit.scoring.feed_checks import disagreements, fed_rows

    camp = load_campaign(write_campaign(tmp_path / "plain"))
    for unit in ("U1", "U2"):
        submit(camp, unit)
    yd = load_year(camp, 2024)
    assert fed_rows(camp, yd.results.long).empty and disagreements(camp, yd.results.long).empty
    assert rd.fed_by_unit(yd).empty and rd.fed_by_area(yd).empty and rd.fed_claims(yd).empty
