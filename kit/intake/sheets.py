"""Turn a returned file into grids of cells, or say precisely why it cannot be read.

Values come from python-calamine (an order of magnitude faster than openpyxl on forms; see
bench/check_forms.py). Calamine reads cached values only, so formula cells are found by a
light scan of the sheet XML: a formula with no cached value would otherwise read as blank.

Calamine allocates a sheet's whole used range, so one value typed at XFD1048576 would ask for
billions of cells. The same scan measures each sheet first: a sheet reaching beyond what a form
can hold is read by streaming (openpyxl, read-only) up to ``MAX_ROWS`` × ``MAX_COLUMNS`` and the
far cells are reported; an XML part too big to be a form is refused. Memory follows the content.
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook, PasswordError

from kit.core import problems as P
from kit.core.errors import FileProblem
from kit.core.textfile import csv_table

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION = "EncryptionInfo".encode("utf-16-le")
_SHEET_TAG = re.compile(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL_TAG = re.compile(r'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"|'
                      r'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')
_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
MAX_ROWS, MAX_COLUMNS = 2_000, 200  # a form has ~100 rows and ~12 columns; anything beyond is not form content
MAX_PART_BYTES = 50 * 2**20  # an uncompressed sheet or string table larger than this is not a form
_ROW_TAG = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_CELL_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"')
# A cell or row beyond MAX_COLUMNS (GR = 200) or MAX_ROWS (2000): three-letter columns, two letters from GS,
# rows of five digits or above 2000.
_BEYOND_ROW = rb"(?:\d{5,}|[3-9]\d{3}|2[1-9]\d\d|20[1-9]\d|200[1-9])\b"
_FAR = re.compile(rb'<c\b[^>]*?\br="(?:(?:[A-Z]{3}|[H-Z][A-Z]|G[S-Z])\d|[A-Z]{1,2}' + _BEYOND_ROW
                  + rb')|<row\b[^>]*?\br="' + _BEYOND_ROW)


@dataclass
class Grid:
    """One sheet's cells; ``rows[i][j]`` is Excel row i+1, column j+1."""

    sheet: str
    rows: list[list[object]]
    formulas_without_value: dict[tuple[int, int], str] = field(default_factory=dict)
    problems: list[P.Problem] = field(default_factory=list)  # what reading this sheet left out, if anything


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


@dataclass
class _SheetScan:
    formulas_without_value: dict[tuple[int, int], str] = field(default_factory=dict)
    rows: int = 0  # the highest row and column holding a cell, whatever the <dimension> claims
    columns: int = 0
    far: str = ""  # the first cell found beyond the limits, e.g. XFD1048576


def _scan(path: Path) -> dict[str, _SheetScan]:
    """Per sheet name: its real extent and the cells holding a formula but no cached value."""
    found: dict[str, _SheetScan] = {}
    with zipfile.ZipFile(path) as zf:
        oversized = [i for i in zf.infolist() if i.file_size > MAX_PART_BYTES]
        if oversized:
            raise FileProblem(P.make(P.Code.FILE_TOO_LARGE, file=path, value=oversized[0].filename,
                                     detail=f"{oversized[0].file_size / 2**20:,.0f} MB"))
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return found
        rels = {}
        for m in _REL_TAG.finditer(zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")):
            rid, target = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
            rels[rid] = target.lstrip("/") if target.startswith("/") else "xl/" + target
        for m in _SHEET_TAG.finditer(zf.read("xl/workbook.xml").decode("utf-8", "replace")):
            part = rels.get(m.group(2))
            if part not in names:
                continue
            data = zf.read(part)
            scan = found[html.unescape(m.group(1))] = _SheetScan()
            if _FAR.search(data):  # rare: measure the sheet (one C-speed search decides for the usual forms)
                for cm in _CELL_REF.finditer(data):
                    row, col = int(cm.group(2)), _col_number(cm.group(1).decode())
                    scan.rows, scan.columns = max(scan.rows, row), max(scan.columns, col)
                    if not scan.far and (row > MAX_ROWS or col > MAX_COLUMNS):
                        scan.far = f"{cm.group(1).decode()}{row}"
                scan.rows = max([scan.rows, *(int(r) for r in _ROW_TAG.findall(data))])
            if b"<f" not in data:
                continue
            for cm in _CELL.finditer(data):
                body = cm.group(3) or b""
                if b"<f" in body and not re.search(rb"<v>[^<]", body):
                    formula = re.search(rb"<f[^>]*>(.*?)</f>", body, re.S)
                    text = html.unescape(formula.group(1).decode("utf-8", "replace")) if formula else "?"
                    scan.formulas_without_value[(int(cm.group(2)), _col_number(cm.group(1).decode()))] = "=" + text
    return found


def _read_bounded(path: Path) -> list[Grid]:
    """Stream every sheet up to MAX_ROWS × MAX_COLUMNS (openpyxl read-only): for sheets calamine cannot hold."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return [Grid(ws.title, [list(row) for row in ws.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS,
                                                                   values_only=True)])
                for ws in wb.worksheets]
    finally:
        wb.close()


def _read_xlsx(path: Path) -> list[Grid]:
    scans: dict[str, _SheetScan] = {}
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            scans = _scan(path)
        # NotImplementedError and RuntimeError: a damaged header asking for an unknown method or a password
        except (zipfile.BadZipFile, OSError, KeyError, EOFError, zlib.error, NotImplementedError, RuntimeError):
            raise FileProblem(P.make(P.Code.FILE_CORRUPT, file=path, detail="tệp nén .xlsx bị hỏng")) from None
    beyond = {name: s for name, s in scans.items() if s.rows > MAX_ROWS or s.columns > MAX_COLUMNS}
    try:
        if beyond:
            grids = _read_bounded(path)
        else:
            wb = CalamineWorkbook.from_path(str(path))
            grids = [Grid(name, [list(row) for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)])
                     for name in wb.sheet_names]
    except PasswordError:
        raise FileProblem(P.make(P.Code.FILE_ENCRYPTED, file=path)) from None
    except Exception:  # calamine and openpyxl raise many types for damaged files; none is the user's to read
        raise FileProblem(P.make(P.Code.FILE_CORRUPT, file=path, detail="không đọc được nội dung bảng tính")) from None
    for grid in grids:
        scan = scans.get(grid.sheet, _SheetScan())
        grid.formulas_without_value = scan.formulas_without_value
        if grid.sheet in beyond:
            grid.problems.append(P.make(P.Code.SHEET_BEYOND_LIMITS, P.WARNING, file=path, sheet=grid.sheet,
                                        value=scan.far, expected=f"{MAX_ROWS} dòng × {MAX_COLUMNS} cột"))
    return grids


def read_grids(path: Path) -> list[Grid]:
    """Every sheet of a returned file as grids; raises ``FileProblem`` when nothing can be read."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise FileProblem(P.make(P.Code.FILE_TYPE, file=path, detail=suffix or "(không có đuôi)"))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileProblem(P.make(P.Code.FILE_CORRUPT, file=path, detail=exc.strerror)) from None
    if not data.strip():
        raise FileProblem(P.make(P.Code.FILE_EMPTY, file=path))
    if suffix == ".csv":
        return [Grid(path.name, csv_table(path))]
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTION in data:
            raise FileProblem(P.make(P.Code.FILE_ENCRYPTED, file=path))
        if suffix == ".xls":
            try:
                return _read_xlsx(path)
            except FileProblem:
                raise FileProblem(P.make(P.Code.FILE_OLD_XLS, file=path)) from None
        raise FileProblem(P.make(P.Code.FILE_OLD_XLS, file=path))
    if data.lstrip()[:100].lower().startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")):
        raise FileProblem(P.make(P.Code.FILE_HTML, file=path))
    if suffix == ".xls":
        raise FileProblem(P.make(P.Code.FILE_OLD_XLS, file=path))
    if not data.startswith(b"PK"):
        raise FileProblem(P.make(P.Code.FILE_CORRUPT, file=path, detail="không phải tệp .xlsx"))
    return _read_xlsx(path)
