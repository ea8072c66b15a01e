"""Turn a returned file into grids of cells, or say precisely why it cannot be read.

Values come from python-calamine (an order of magnitude faster than openpyxl on forms; see
bench/check_forms.py). Calamine reads cached values only, so formula cells are found by a
light scan of the sheet XML: a formula with no cached value would otherwise read as blank.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook, PasswordError

from kit.core import problems as P
from kit.core.errors import FileProblem

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION = "EncryptionInfo".encode("utf-16-le")
_SHEET_TAG = re.compile(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL_TAG = re.compile(r'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"|'
                      r'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')
_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")


@dataclass
class Grid:
    """One sheet's cells; ``rows[i][j]`` is Excel row i+1, column j+1."""

    sheet: str
    rows: list[list[object]]
    formulas_without_value: dict[tuple[int, int], str] = field(default_factory=dict)


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _formula_scan(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Per sheet name, the cells holding a formula but no cached value, with the formula text."""
    found: dict[str, dict[tuple[int, int], str]] = {}
    with zipfile.ZipFile(path) as zf:
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
            if b"<f" not in data:
                continue
            cells = {}
            for cm in _CELL.finditer(data):
                body = cm.group(3) or b""
                if b"<f" in body and not re.search(rb"<v>[^<]", body):
                    formula = re.search(rb"<f[^>]*>(.*?)</f>", body, re.S)
                    text = html.unescape(formula.group(1).decode("utf-8", "replace")) if formula else "?"
                    cells[(int(cm.group(2)), _col_number(cm.group(1).decode()))] = "=" + text
            if cells:
                found[html.unescape(m.group(1))] = cells
    return found


def _read_xlsx(path: Path) -> list[Grid]:
    try:
        wb = CalamineWorkbook.from_path(str(path))
        grids = [Grid(name, [list(row) for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)])
                 for name in wb.sheet_names]
    except PasswordError:
        raise FileProblem(P.make(P.Code.FILE_ENCRYPTED, file=path)) from None
    except Exception as exc:  # calamine raises several types for damaged files
        raise FileProblem(P.make(P.Code.FILE_CORRUPT, file=path, detail=type(exc).__name__)) from None
    if path.suffix.lower() != ".xls":
        try:
            scan = _formula_scan(path)
        except (zipfile.BadZipFile, OSError, KeyError) as exc:
            raise FileProblem(P.make(P.Code.FILE_CORRUPT, file=path, detail=type(exc).__name__)) from None
        for grid in grids:
            grid.formulas_without_value = scan.get(grid.sheet, {})
    return grids


def _read_csv(path: Path, data: bytes) -> list[Grid]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(P.make(P.Code.FILE_ENCODING, file=path)) from None
    return [Grid(path.name, [list(r) for r in csv.reader(io.StringIO(text), delimiter=_delimiter(text))])]


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel in a decimal-comma locale) or tab: the one on most of the first lines.

    csv.Sniffer is fooled by decimal commas ("95,5") in semicolon files, hence this count.
    """
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    counts = {d: sum(d in line for line in lines) for d in ("\t", ";", ",")}
    best = max(counts, key=lambda d: counts[d])  # ties keep the first: tab, then semicolon
    return best if counts[best] else ","


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
        return _read_csv(path, data)
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTION in data:
            raise FileProblem(P.make(P.Code.FILE_ENCRYPTED, file=path))
        if suffix == ".xls":
            try:
                return _read_xlsx(path)
            except FileProblem:
                raise FileProblem(P.make(P.Code.FILE_OLD_XLS, file=path)) from None
        raise FileProblem(P.make(P.Code.FILE_OLD_XLS, file=path))
    if suffix == ".xls":
        raise FileProblem(P.make(P.Code.FILE_OLD_XLS, file=path))
    if not data.startswith(b"PK"):
        raise FileProblem(P.make(P.Code.FILE_CORRUPT, file=path, detail="không phải tệp .xlsx"))
    return _read_xlsx(path)
