"""The spreadsheets people print: A4, one page wide, header rows repeated, the heading of the office's documents
with its diacritics, title rows tall enough, a signature block where the sheet is signed — read back with
openpyxl, and printed to PDF by LibreOffice (when installed) to see the pages.

Printed before (issue #13): the 2024 form of Phòng Nội vụ took 9 Letter pages in three vertical strips and its
title lost its accents; the proposal list ran 9 portrait pages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from kit.app.actor import signed_in
from kit.cli import main
from kit.config.campaign import load_campaign
from kit.core.vocab import Kind
from kit.intake.layout import COLUMNS, SHEET
from kit.intake.submission import read_submission
from kit.outputs.forms import HEADER_ROW
from kit.outputs.official import MARGINS
from kit.outputs.sheet_print import QUOC_HIEU, TIEU_NGU
from tests.helpers import DEMO, title_row
from tools.demogen import accounts as demo_accounts

A4 = (595.3, 841.9)  # points
FORM_HEADERS = [h for _, h, _ in COLUMNS]


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Path]:
    """Every workbook the kit writes for people to print, made from the demo campaign."""
    out = tmp_path_factory.mktemp("print")
    assert main(["forms", "--campaign", str(DEMO), "--year", "2024", "--out", str(out / "forms"),
                 "--units", "NV,TRIBINH"]) == 0
    assert main(["forms", "--campaign", str(DEMO), "--year", "2025", "--out", str(out / "forms25"),
                 "--units", "NV"]) == 0
    assert main(["results", "--campaign", str(DEMO), "--year", "2024", "--out", str(out / "ket-qua.xlsx")]) == 0
    assert main(["awards", "--campaign", str(DEMO), "--reports", str(out), "--year", "2024"]) == 0
    with signed_in(demo_accounts.LAN):  # the demo's evaluator of the offices
        assert main(["decisions", "export", "--campaign", str(DEMO), "--year", "2024", "--units", "NV", "--out",
                     str(out / "tham-dinh.xlsx")]) == 0
    return {"form": out / "forms" / "NV_2024.xlsx", "form_xa": out / "forms" / "TRIBINH_2024.xlsx",
            "form_2025": out / "forms25" / "NV_2025.xlsx", "results": out / "ket-qua.xlsx",
            "proposals": out / "2024" / "de-nghi-khen-thuong-2024.xlsx", "offline": out / "tham-dinh.xlsx"}


def _texts(ws, rows: range) -> list[str]:
    return [c.value for r in rows for c in ws[r] if isinstance(c.value, str)]


def _check_page(ws, header: int, last_col: int, *, landscape: bool = True) -> None:
    setup = ws.page_setup
    assert str(setup.paperSize) == ws.PAPERSIZE_A4
    assert setup.orientation == ("landscape" if landscape else "portrait")
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert title_row(ws) == header
    area = ws.print_area.split("!")[-1].replace("$", "")
    first, last = area.split(":")
    assert first == "A1" and re.match(r"[A-Z]+", last).group(0) == get_column_letter(last_col)
    assert int(re.search(r"\d+", last).group(0)) >= ws.max_row - 1  # the table and what is under it
    assert round(ws.page_margins.left * 25.4) == MARGINS["left"] and round(ws.page_margins.top * 25.4) == MARGINS["top"]


def _check_heading(ws, last_col: int, title: str, issuer: tuple[str, str]) -> None:
    """Issuing body top left, Quốc hiệu and Tiêu ngữ top right, the title on row 3 tall enough for its capitals."""
    assert (ws["A1"].value, ws["A2"].value) == issuer
    right = [ws.cell(r, c).value for r in (1, 2) for c in range(2, last_col + 1) if ws.cell(r, c).value]
    assert right == [QUOC_HIEU, TIEU_NGU]
    assert ws["A2"].font.b and ws.cell(2, [c.column for c in ws[2] if c.value == TIEU_NGU][0]).font.u == "single"
    cell = ws["A3"]
    assert cell.value == title and cell.alignment.wrap_text and cell.font.b
    assert ws.row_dimensions[3].height >= 1.35 * cell.font.sz  # 14 pt capitals with stacked marks: PHIẾU, not PHIEU
    assert any(str(rng).startswith("A3:") for rng in ws.merged_cells.ranges)


def test_the_form_prints_one_page_wide_with_the_districts_heading_and_the_units_signature(printed):
    ws = load_workbook(printed["form"])[SHEET]
    _check_page(ws, HEADER_ROW, len(COLUMNS))
    assert [c.value for c in ws[HEADER_ROW]] == FORM_HEADERS
    _check_heading(ws, len(COLUMNS), "PHIẾU TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CẢI CÁCH HÀNH CHÍNH NĂM 2024",
                   ("UBND HUYỆN CHÂU THÀNH", "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG"))
    assert ws["A5"].value == "Dữ liệu minh họa" and ws.oddHeader.center.text == "Dữ liệu minh họa"
    last = max(r for r in range(HEADER_ROW, ws.max_row + 1) if ws.cell(r, 1).value)
    below = {ws.cell(r, c).value: c for r in range(last + 1, ws.max_row + 1) for c in range(1, len(COLUMNS) + 1)
             if ws.cell(r, c).value}
    assert set(below) == {"…, ngày … tháng … năm …", "THỦ TRƯỞNG ĐƠN VỊ", "(Ký, ghi rõ họ tên, đóng dấu)"}
    assert set(below.values()) == {FORM_HEADERS.index("Tài liệu kiểm chứng") + 1}  # not a column read as an answer
    content = FORM_HEADERS.index("Nội dung tiêu chí") + 1
    long_row = max(range(HEADER_ROW + 1, last + 1), key=lambda r: len(str(ws.cell(r, content + 2).value or "")))
    assert ws.row_dimensions[long_row].height >= 3 * 15  # "Cách chấm" wraps over several lines; the row shows them
    guide = load_workbook(printed["form"])["Hướng dẫn"]
    assert str(guide.page_setup.paperSize) == guide.PAPERSIZE_A4 and guide.page_setup.fitToWidth == 1


def test_a_form_is_headed_by_the_body_in_office_when_it_is_returned(printed):
    ws = load_workbook(printed["form_2025"])[SHEET]  # due 28/11/2025: the district was abolished on 30/6/2025
    assert (ws["A1"].value, ws["A2"].value) == ("UBND TỈNH TÂY NINH", "SỞ NỘI VỤ")


def test_results_and_proposals_carry_heading_and_signature(printed):
    wb = load_workbook(printed["results"])
    ws = wb["Kết quả"]
    header = title_row(ws)
    headers = [c.value for c in ws[header]]
    _check_page(ws, header, len(headers))
    _check_heading(ws, len(headers), "KẾT QUẢ CHẤM ĐIỂM CẢI CÁCH HÀNH CHÍNH NĂM 2024",
                   ("UBND HUYỆN CHÂU THÀNH", "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG"))
    last = max(r for r in range(header, ws.max_row + 1) if ws.cell(r, 1).value)
    assert ws.auto_filter.ref == f"A{header}:{get_column_letter(len(headers))}{last}"
    assert _texts(ws, range(last + 1, ws.max_row + 1)) == ["Châu Thành, ngày … tháng … năm …", "TM. HỘI ĐỒNG",
                                                          "CHỦ TỊCH", "…"]
    for name in ("Theo lĩnh vực", "Chi tiết tiêu chí"):
        sheet = wb[name]
        _check_page(sheet, 1, sheet.max_column, landscape=True)
    units = len(load_campaign(DEMO).units_of(2024))
    assert last - header >= units  # every unit is a row of the printed table

    wb = load_workbook(printed["proposals"])
    ws = wb["Danh sách đề nghị"]
    header = title_row(ws)
    assert [c.value for c in ws[header]][:2] == ["STT", "Tên tập thể / Họ và tên"]
    _check_page(ws, header, 6)
    _check_heading(ws, 6, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", ("UBND HUYỆN CHÂU THÀNH", "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG"))
    signed = _texts(ws, range(header, ws.max_row + 1))
    assert signed[-4:] == ["Châu Thành, ngày 16 tháng 01 năm 2025", "TM. HỘI ĐỒNG", "CHỦ TỊCH", "…"]  # awards
    assert ws.row_dimensions[header + 2].height > 15  # a proposal's reasons wrap: the row is as tall as they are
    _check_page(wb["Xét duyệt chi tiết"], 1, 7)


def test_offline_workbook_prints_with_its_header_row_repeated(printed):
    from kit.app.offline import COLUMNS as OFFLINE
    from kit.app.offline import HEADER_ROW as OFFLINE_HEADER

    ws = load_workbook(printed["offline"]).active
    _check_page(ws, OFFLINE_HEADER, len(OFFLINE))
    assert ws.row_dimensions[1].height >= 1.35 * ws["A1"].font.sz


def test_filled_new_forms_and_old_forms_without_the_heading_read_the_same(tmp_path):
    """The demo's NV_2024 as the kit wrote it before the heading (table on row 10) and as it writes it now (row 12),
    filled alike: the same rows, the same problems, the same date sent; a signed form reads as an unsigned one."""
    campaign = load_campaign(DEMO)
    old = read_submission(Path(__file__).parent / "fixtures" / "NV_2024-mau-cu.xlsx", campaign, 2024)
    new = read_submission(DEMO / "submissions" / "2024" / "NV_2024.xlsx", campaign, 2024)
    assert old.rows and old.rows_read == new.rows_read == len(old.rows)
    assert [{k: v for k, v in r.items() if k not in ("row", "file")} for r in old.rows] == \
        [{k: v for k, v in r.items() if k not in ("row", "file")} for r in new.rows]
    assert [p.code for p in old.problems] == [p.code for p in new.problems] and old.sent == new.sent
    wb = load_workbook(DEMO / "submissions" / "2024" / "NV_2024.xlsx")
    ws = wb[SHEET]
    signature = [c for row in ws.iter_rows(min_row=HEADER_ROW + 1) for c in row if c.value == "THỦ TRƯỞNG ĐƠN VỊ"][0]
    ws.cell(signature.row - 1, signature.column).value = "Châu Thành, ngày 12 tháng 12 năm 2024"
    ws.cell(signature.row + 5, signature.column).value = "Trần Văn Bình"
    wb.save(tmp_path / "NV_2024.xlsx")
    signed = read_submission(tmp_path / "NV_2024.xlsx", campaign, 2024)
    assert [{k: v for k, v in r.items() if k != "file"} for r in signed.rows] == \
        [{k: v for k, v in r.items() if k != "file"} for r in new.rows]
    assert [p.code for p in signed.problems] == [p.code for p in new.problems]


# --- printed through LibreOffice -------------------------------------------------------------------------------

def _to_pdf(files: list[Path], out: Path) -> list[Path]:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs libreoffice-calc-nogui with apt)")
    profile = out / "profile"
    subprocess.run([office, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *map(str, files)], capture_output=True, timeout=300, check=False)
    return [out / f"{f.stem}.pdf" for f in files]


@pytest.fixture(scope="module")
def pdfs(printed, tmp_path_factory) -> dict[str, list[str]]:
    """The text of every page of the form and of the proposals, printed by LibreOffice; skipped without
    LibreOffice Calc (a workbook of one cell that does not convert tells it apart from a workbook of ours that
    does not)."""
    from pypdf import PdfReader

    out = tmp_path_factory.mktemp("pdf")
    probe = out / "probe.xlsx"
    wb = Workbook()
    wb.active["A1"] = "thử"
    wb.save(probe)
    made = _to_pdf([probe, printed["form"], printed["proposals"]], out)
    if not made[0].exists():
        pytest.skip("LibreOffice Calc is not installed (.ci/run installs libreoffice-calc-nogui with apt)")
    pages: dict[str, list[str]] = {}
    for name, pdf in zip(("form", "proposals"), made[1:], strict=True):
        assert pdf.exists(), f"LibreOffice did not print {pdf.stem}.xlsx"
        reader = PdfReader(pdf)
        for page in reader.pages:
            size = sorted((float(page.mediabox.width), float(page.mediabox.height)))
            assert abs(size[0] - A4[0]) < 2 and abs(size[1] - A4[1]) < 2, f"{name}: not A4"
        pages[name] = [" ".join(page.extract_text().split()) for page in reader.pages]
    return pages


@pytest.mark.libreoffice
def test_printed_form_is_one_page_wide_on_a4(pdfs):
    pages = pdfs["form"]
    form = [p for p in pages if "Mã tiêu chí" in p]  # the last page is the instructions sheet
    assert "HƯỚNG DẪN ĐIỀN PHIẾU" in pages[-1] and len(form) == len(pages) - 1
    assert 1 <= len(form) <= 4  # 44 criteria, one page wide (before: 9 pages in three vertical strips)
    first = form[0]
    assert "UBND HUYỆN CHÂU THÀNH" in first and QUOC_HIEU in first and TIEU_NGU in first
    assert "PHIẾU TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CẢI CÁCH HÀNH CHÍNH NĂM 2024" in first
    for page in form:  # every column on every page: the header row repeats and nothing is cut into strips
        assert all(header in page for header in FORM_HEADERS), page[:300]
    text = " ".join(form)
    fw = load_campaign(DEMO).framework(2024, "CQ")
    assert all(re.search(rf"(?:^| ){re.escape(c.code)} ", text) for c in fw.criteria)
    assert "THỦ TRƯỞNG ĐƠN VỊ" in form[-1] and "(Ký, ghi rõ họ tên, đóng dấu)" in form[-1]


@pytest.mark.libreoffice
def test_printed_proposals_list_carries_heading_every_proposal_and_the_signature(pdfs):
    from kit.app.pipeline import proposals
    from kit.app.year import load_years

    pages = pdfs["proposals"]
    listing = [p for p in pages if "Tóm tắt thành tích" in p]
    first = listing[0]
    assert QUOC_HIEU in first and TIEU_NGU in first and "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in first
    text = " ".join(listing)
    proposed = proposals(load_years(load_campaign(DEMO), [2024]), "yearly").proposed()
    assert proposed and all(f.candidate["name"] in text for f in proposed)
    assert {f.rule.kind for f in proposed} == {Kind.COLLECTIVE, Kind.INDIVIDUAL}
    # the signature block is printed (known limit: it may be split over the last two pages, see README)
    assert "TM. HỘI ĐỒNG CHỦ TỊCH" in text  # the council signs as itself (#22)



def test_fitting_rows_reads_the_sheets_width_once_not_once_per_row(monkeypatch):
    """openpyxl's ``ws[row]`` measures the whole sheet (max_column) each time: fitting a province's results book
    (2,420 criterion rows) took 3-4 s of `kit results`, quadratic in its rows."""
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from kit.outputs.sheet_print import fit_rows

    ws = Workbook().active
    for r in range(1, 301):
        ws.append([f"dòng {r}", "x" * (r % 40), r])
    calls = []
    measured = Worksheet.max_column
    monkeypatch.setattr(Worksheet, "max_column", property(lambda self: calls.append(1) or measured.fget(self)))
    fit_rows(ws, 1, 300)
    assert len(calls) <= 2
    assert ws.row_dimensions[39].height and ws.row_dimensions[39].height > 15  # still fitted
