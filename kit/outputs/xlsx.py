"""Write tables people open in Excel: Vietnamese headers, formatted, and safe.

Text supplied by units (evidence, explanations) must never become a formula in the
district's spreadsheets: text starting with = + - @ is written as text in xlsx and prefixed
with an apostrophe in CSV (the usual CSV-injection defence).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kit.core.atomic import make_folder, replacing
from kit.core.values import clean
from kit.outputs.sheet_print import (
    Heading,
    Signature,
    fit_rows,
    right_columns,
    set_print,
    write_heading,
    write_signature,
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HEAD = PatternFill("solid", fgColor="1F4E79")
_WRAP = Alignment(wrap_text=True, vertical="top")


def csv_safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def save_workbook(wb: Workbook, path: Path) -> Path:
    """The one way the kit saves a workbook: no cell may be a formula (the kit writes none; any "=..." text that
    reached a cell — a unit name, a criterion, an evaluator's name — stays text), and the file appears whole."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    with replacing(path) as temporary:
        wb.save(temporary)
    return path


def text_safe(value: object) -> object:
    """``value`` as a cell may hold it: text without control characters (openpyxl refuses them, and an ESC in one
    comment stored before comments were cleaned stopped the whole year's file)."""
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        return clean(value)
    return value


def _cell_value(value: object) -> object:
    value = text_safe(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _column_width(header: object, values: list) -> float:
    """Wide enough for the values and the header's longest word (headers wrap), at most 40 (longer text wraps):
    a results table of twenty columns then prints one A4 page wide at a size still read."""
    words = max((len(w) for w in str(header).split()), default=0)
    longest = max((len(str(v)) for v in values if _cell_value(v) is not None), default=0)
    return min(max(8, words + 2, longest + 2), 40)


def write_xlsx(path: Path, sheets: dict[str, pd.DataFrame], notes: list[str], heading: Heading | None = None,
               signature: Signature | None = None) -> Path:
    """One sheet per table plus a "Nguồn dữ liệu" sheet saying what the file was made from; every sheet set up
    for A4 (``kit.outputs.sheet_print``). With ``heading``, the first table is the one issued: the heading of the
    office's documents above it and ``signature`` under it."""
    make_folder(path.parent)
    wb = Workbook()
    wb.remove(wb.active)
    for index, (name, df) in enumerate(sheets.items()):
        ws = wb.create_sheet(name[:31])
        last_col = max(1, len(df.columns))
        widths = [_column_width(col, df.iloc[:200, i].tolist()) for i, col in enumerate(df.columns)]
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        issued = heading if index == 0 else None
        top = write_heading(ws, issued, last_col) + 1 if issued else 1
        for i, col in enumerate(df.columns, start=1):
            cell = ws.cell(top, i, col)
            cell.font, cell.fill = Font(bold=True, color="FFFFFF"), _HEAD
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for r, record in enumerate(df.itertuples(index=False), start=top + 1):
            for c, value in enumerate(record, start=1):
                cell = ws.cell(r, c, _cell_value(value))
                if isinstance(cell.value, float):
                    cell.number_format = "0.00"
                elif isinstance(cell.value, str) and len(cell.value) > widths[c - 1] - 2:
                    cell.alignment = _WRAP
        end = top + len(df)
        fit_rows(ws, top, end)
        ws.freeze_panes = ws.cell(top + 1, 1)
        if len(df):
            ws.auto_filter.ref = f"A{top}:{get_column_letter(last_col)}{end}"
        if issued and signature:
            end = write_signature(ws, end + 2, right_columns(ws, last_col), last_col, signature) - 1
        set_print(ws, (top, top), last_col, end, heading.notes[0] if heading and heading.notes else "")
    ws = wb.create_sheet("Nguồn dữ liệu")
    for line in notes:
        ws.append([line])
    ws.column_dimensions["A"].width = 120
    set_print(ws, None, 1)
    return save_workbook(wb, path)


def write_csv(path: Path, df: pd.DataFrame) -> Path:
    """UTF-8 with BOM so that Excel on Windows shows the diacritics."""
    with replacing(path) as temporary:
        df.map(csv_safe).to_csv(temporary, index=False, encoding="utf-8-sig")
    return path
