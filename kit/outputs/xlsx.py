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
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kit.core.atomic import replacing

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HEAD = PatternFill("solid", fgColor="1F4E79")


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


def _cell_value(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def write_xlsx(path: Path, sheets: dict[str, pd.DataFrame], notes: list[str]) -> Path:
    """One sheet per table plus a "Nguồn dữ liệu" sheet saying what the file was made from."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    for name, df in sheets.items():
        ws = wb.create_sheet(name[:31])
        ws.append(list(df.columns))
        for cell in ws[1]:
            cell.font, cell.fill = Font(bold=True, color="FFFFFF"), _HEAD
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for record in df.itertuples(index=False):
            ws.append([_cell_value(v) for v in record])
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, float):
                    cell.number_format = "0.00"
        for i, col in enumerate(df.columns, start=1):
            longest = max([len(str(col))] + [len(str(v)) for v in df.iloc[:200, i - 1].tolist()])
            ws.column_dimensions[get_column_letter(i)].width = min(max(10, longest + 2), 60)
        ws.freeze_panes = "A2"
        if len(df):
            ws.auto_filter.ref = ws.dimensions
    ws = wb.create_sheet("Nguồn dữ liệu")
    for line in notes:
        ws.append([line])
    ws.column_dimensions["A"].width = 120
    return save_workbook(wb, path)


def write_csv(path: Path, df: pd.DataFrame) -> Path:
    """UTF-8 with BOM so that Excel on Windows shows the diacritics."""
    with replacing(path) as temporary:
        df.map(csv_safe).to_csv(temporary, index=False, encoding="utf-8-sig")
    return path
