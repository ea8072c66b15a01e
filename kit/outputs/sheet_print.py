"""Spreadsheets that print like the office's documents: the one place that lays out a sheet for paper.

Printed before, the self-assessment form came out as nine pages in three vertical strips on Letter paper, and the
capitals of its title lost their accents ("PHIẾU" cut to "PHIEU": a 14 pt row kept Excel's 15 pt height). Every
sheet the kit writes for people to print now goes through here: A4, the orientation that suits the table's
width, fitted to the page width (never to its height: a long table runs on over as many pages as it needs),
the table's header row repeated on every page, a print area, the margins of Decree 30/2020, rows tall enough
for Vietnamese capitals; and, on sheets that are issued or signed, the heading of the office's documents (the
issuing body and the body above it top left, Quốc hiệu and Tiêu ngữ top right) and a signature block under the
table.

Heights are estimated, not measured: Excel does not grow a merged cell's row to fit its text, and LibreOffice
only grows rows without a set height, so a title row must say how tall it is.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kit.config.issuers import Issuer, letterhead
from kit.core import vn
from kit.outputs.official import FONT, GAP, MARGINS

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
# Widths above this many character units print landscape (A4 portrait between Decree 30's margins holds
# about 90 at full size).
LANDSCAPE_FROM = 100
_LINE = 1.4  # a line of Vietnamese text needs 1.4 × its size: stacked marks above capitals (Ế, Ỗ), hooks below (Ợ)
_MM_PER_INCH = 25.4
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Heading:
    """What stands above a printed table: who issues it, its title and what it is about; ``notes`` (demo data, a
    provisional list) are printed in red under them."""

    issuer: Issuer | None
    title: str
    subtitle: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signature:
    """The block under a signed table: the place-and-date line, the authority and title lines, a hint such as
    "(Ký, ghi rõ họ tên, đóng dấu)", room to sign, and the signer's name ("…" when not configured)."""

    lines: tuple[str, ...]
    date: str
    hint: str = ""
    name: str = GAP


def date_line(place: str, day: dt.date | None) -> str:
    """The place-and-date line ("Châu Thành, ngày 31 tháng 12 năm 2024"); without ``day``, its day, month and
    year are left to be written by hand when the sheet is signed."""
    d, m, y = vn.official_date(day) if day else (GAP, GAP, GAP)
    return f"{place or GAP}, ngày {d} tháng {m} năm {y}"


def signed_by(issuer: Issuer, date: str) -> Signature:
    """The issuer's signature block: authority and title ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH") and the signer's
    name, "…" where the configuration does not give them."""
    lines = tuple(line for line in issuer.signer.split("\n") if line.strip()) or (GAP,)
    return Signature(lines, date, name=issuer.signer_name or GAP)


def _width(ws: Worksheet, first: int, last: int) -> float:
    return sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(first, last + 1))


def row_height(text: str, width: float, size: float, *, bold: bool = False) -> float:
    """Points a row needs to show ``text`` wrapped in ``width`` character units at ``size`` pt. A unit is the
    width of a digit of the 11 pt default font; ordinary text fits about 1.1 characters in it, bold 0.8,
    capitals 0.65 (measured on LibreOffice's PDF), rounded down so that the estimate errs taller."""
    fit = 0.65 if text.isupper() else 0.8 if bold else 1.1
    per_line = max(1.0, width * 11 / size * fit)
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
    return round(lines * size * _LINE + 3, 1)


def fit_rows(ws: Worksheet, first: int, last: int) -> None:
    """Rows ``first``..``last`` as tall as their tallest cell needs: LibreOffice prints a row without a set
    height at the default 15 pt, whatever its wrapped text, so a criterion's wording or a proposal's reasons
    would print cut off. Merged cells are left to whoever merged them."""
    merged = {cell for rng in ws.merged_cells.ranges for cell in rng.cells}
    columns = ws.max_column  # measured once: ws[row] measures the whole sheet each time (quadratic in rows)
    for r, cells in enumerate(ws.iter_rows(min_row=first, max_row=last, max_col=columns), start=first):
        need = 0.0
        for cell in cells:
            if cell.value is None or (cell.row, cell.column) in merged:
                continue
            wrap = bool(cell.alignment and cell.alignment.wrap_text)
            text = str(cell.value)
            width = _width(ws, cell.column, cell.column) if wrap else 1e9
            need = max(need, row_height(text, width, cell.font.sz or 11, bold=bool(cell.font.b)))
        if need:
            ws.row_dimensions[r].height = max(ws.row_dimensions[r].height or 0, need)


def _block(ws: Worksheet, row: int, first: int, last: int, text: str, size: float, *, bold: bool = False,
           italic: bool = False, underline: bool = False, color: str | None = None) -> None:
    """Text centred across columns ``first``..``last`` of ``row`` (merged when more than one), its row made tall
    enough for it."""
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = ws.cell(row, first, text)
    cell.font = Font(name=FONT, size=size, bold=bold, italic=italic, underline="single" if underline else None,
                     color=color)
    cell.alignment = _CENTER
    need = row_height(text, _width(ws, first, last), size, bold=bold)
    ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 0, need)


def _split(ws: Worksheet, last: int) -> int:
    """The last column of the left block, which covers a good third of the table's width (Decree 30 gives the
    issuing body the narrower left part, the national motto the wider right one)."""
    total, running = _width(ws, 1, last), 0.0
    for col in range(1, last):
        running += _width(ws, col, col)
        if running >= 0.35 * total:
            return col
    return max(1, last - 1)


def write_heading(ws: Worksheet, heading: Heading, last: int) -> int:
    """The issuing body and Quốc hiệu (rows 1–2), the title (3), the subtitle (4) and the notes (5 on), across
    columns 1..``last`` (their widths set first); returns the first row after them."""
    if last < 2:
        raise ValueError("a heading needs at least two columns")
    above, body = letterhead(heading.issuer) if heading.issuer else ("", "")
    split = _split(ws, last)
    right = split + 1
    _block(ws, 1, 1, split, above, 12)
    _block(ws, 2, 1, split, body or GAP, 12, bold=True)
    _block(ws, 1, right, last, QUOC_HIEU, 12, bold=True)
    _block(ws, 2, right, last, TIEU_NGU, 13, bold=True, underline=True)
    _block(ws, 3, 1, last, heading.title.upper(), 14, bold=True)
    if heading.subtitle:
        _block(ws, 4, 1, last, heading.subtitle, 12, italic=True)
    row = 5
    for note in (n for n in heading.notes if n):
        _block(ws, row, 1, last, note, 11, bold=True, color="C00000")
        row += 1
    return row


def right_columns(ws: Worksheet, last: int, width: float = 45) -> int:
    """The first of the rightmost columns that together are at least ``width`` units wide (where a signature
    block goes)."""
    first = last
    while first > 1 and _width(ws, first, last) < width:
        first -= 1
    return first


def write_signature(ws: Worksheet, row: int, first: int, last: int, signature: Signature) -> int:
    """The signature block in columns ``first``..``last`` from ``row``; returns the row after it. A sheet that is
    read back keeps it clear of its input columns."""
    _block(ws, row, first, last, signature.date, 12, italic=True)
    for line in signature.lines:
        row += 1
        _block(ws, row, first, last, line.upper(), 12, bold=True)
    if signature.hint:
        row += 1
        _block(ws, row, first, last, signature.hint, 11, italic=True)
    row += 4  # room for the signature and the seal
    _block(ws, row, first, last, signature.name, 12, bold=True)
    return row + 1


def set_print(ws: Worksheet, header_rows: tuple[int, int] | None, last_col: int, last_row: int | None = None,
              note: str = "") -> None:
    """Prepare ``ws`` for paper: A4, landscape when the table is wider than a portrait page holds, one page wide
    and as many long as needed, rows ``header_rows`` repeated on every page, the print area from A1 to
    ``last_col`` × ``last_row`` (default: the last row used), Decree 30 margins, page numbers from page 2 and
    ``note`` at the top of every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    wide = _width(ws, 1, last_col) > LANDSCAPE_FROM
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if wide else ws.ORIENTATION_PORTRAIT
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    if header_rows:
        ws.print_title_rows = f"{header_rows[0]}:{header_rows[1]}"
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row or ws.max_row}"
    ws.print_options.horizontalCentered = True
    inch = {side: mm / _MM_PER_INCH for side, mm in MARGINS.items()}
    ws.page_margins.left, ws.page_margins.right = inch["left"], inch["right"]
    ws.page_margins.top, ws.page_margins.bottom = inch["top"], inch["bottom"]
    ws.page_margins.header = ws.page_margins.footer = 8 / _MM_PER_INCH
    ws.HeaderFooter.differentFirst = True
    ws.oddFooter.center.text = "Trang &P/&N"
    if note:
        for header in (ws.oddHeader, ws.firstHeader):
            header.center.text, header.center.color = note, "C00000"
