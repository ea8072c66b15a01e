"""Self-assessment forms (phiếu tự đánh giá): one .xlsx per unit and year, in Vietnamese.

The form is what units edit, so it guides them: drop-down lists where answers are fixed,
number validation on scores and values, structure cells locked (without a password, so a unit
that must fix something still can), and an instructions sheet. ``kit check`` reads it back.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kit.config.answers import TYPE_LABELS, allowed_answers, uses_value
from kit.config.campaign import Campaign, Unit
from kit.config.framework import Criterion, Framework, Parent, part_label
from kit.config.issuers import Issuer
from kit.core import vn
from kit.core.atomic import make_folder
from kit.intake.layout import COLUMNS, GUIDE_SHEET, META_ROWS, SHEET
from kit.outputs.sheet_print import (
    Heading,
    Signature,
    date_line,
    fit_rows,
    row_height,
    set_print,
    write_heading,
    write_signature,
)
from kit.outputs.xlsx import save_workbook

META_TOP = 6  # the identity rows (Mã đơn vị …) under the heading of the district's documents (rows 1–5)
HEADER_ROW = META_TOP + len(META_ROWS) + 1
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_INPUT = PatternFill("solid", fgColor="FFF7D6")
_AREA = PatternFill("solid", fgColor="DCE6F1")
_HEAD = PatternFill("solid", fgColor="1F4E79")
_OPEN = Protection(locked=False)
_WRAP = Alignment(wrap_text=True, vertical="top")
_COL = {field: i + 1 for i, (field, _, _) in enumerate(COLUMNS)}


def method_text(c: Criterion) -> str:
    """How a criterion is scored, in words a unit understands."""
    text = TYPE_LABELS[c.type]
    if c.type == "tiers":
        steps = "; ".join(f"≥ {vn.points(t.min)} → {vn.points(t.points)} đ" for t in c.tiers)
        text += f": {steps}; thấp hơn → 0 đ"
    elif c.type == "deduction":
        text += (f": trừ {vn.points(c.per_item)} đ mỗi trường hợp (giá trị đo = số trường hợp), "
                 f"tối đa {vn.points(-c.min)} đ")
    elif c.type == "survey":
        text += " (điểm = tối đa × tỷ lệ hài lòng %)"
    if c.na:
        text += ". Được chọn \"Không áp dụng\""
    if c.guide:
        text += f". Kiểm chứng: {c.guide}"
    return text


def form_name(unit: Unit, year: int) -> str:
    return f"{unit.code}_{year}.xlsx"


def meta_ref(key: str) -> str:
    """The cell of a fresh form holding identity field ``key`` ("unit", "year", "sent"…)."""
    return f"B{META_TOP + [k for k, _ in META_ROWS].index(key)}"


def issued_by(campaign: Campaign, year: int) -> Issuer:
    """The body whose heading the form of ``year`` carries: the one that receives it, in office on the
    submission deadline (or on the date the year's reports speak for, without a deadline)."""
    return campaign.issuer(campaign.deadline(year) or campaign.year_end(year))


def _header(ws: Worksheet, campaign: Campaign, unit: Unit, fw: Framework) -> None:
    last = len(COLUMNS)
    for i, (_, _, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    write_heading(ws, Heading(issued_by(campaign, fw.year),
                              f"PHIẾU TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CẢI CÁCH HÀNH CHÍNH NĂM {fw.year}", campaign.name,
                              (campaign.demo_note,)), last)
    values = {"unit": unit.code, "unit_name": unit.name, "year": fw.year,
              "group": campaign.groups[unit.group], "sent": None}
    for offset, (key, label) in enumerate(META_ROWS):
        row = META_TOP + offset
        ws.cell(row, 1, label).font = Font(bold=True)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
        cell = ws.cell(row, 2, values[key])
        if key == "sent":
            cell.protection, cell.fill, cell.number_format = _OPEN, _INPUT, "DD/MM/YYYY"
            ws.cell(row, 4, "← ngày đơn vị gửi phiếu (ngày/tháng/năm)").font = Font(italic=True, color="666666")
    for i, (_, title, _) in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, i, title)
        cell.font, cell.fill, cell.border = Font(bold=True, color="FFFFFF"), _HEAD, _BOX
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def _unit_signature(ws: Worksheet, row: int) -> int:
    """Where the unit's head signs, under the table in the "Tài liệu kiểm chứng" column: one column, never merged
    (rows inserted into the table by a program would leave a merged block behind), and outside the columns the
    reader takes answers from, so a signed form reads as before. Date and name are left open to type."""
    col = _COL["evidence"]
    end = write_signature(ws, row, col, col, Signature(("Thủ trưởng đơn vị",), date_line("", None),
                                                       "(Ký, ghi rõ họ tên, đóng dấu)", ""))
    for at in (row, end - 1):
        ws.cell(at, col).protection = _OPEN
    return end


def _criterion_row(ws: Worksheet, row: int, c: Criterion, lists: dict[str, DataValidation],
                   numbers: dict[tuple, DataValidation]) -> None:
    fixed = {"code": c.code, "content": part_label(c.content, c.parent.code if c.parent else ""),
             "max": c.max if c.type != "deduction" else c.min, "method": method_text(c)}
    for field, col in _COL.items():
        cell = ws.cell(row, col, fixed.get(field))
        cell.border, cell.alignment = _BOX, _WRAP
    choices = allowed_answers(c.type, c.na)
    inputs = ["self", "evidence", "explanation"] + (["answer"] if choices else []) + (
        ["value"] if uses_value(c.type) else [])
    for field in inputs:
        cell = ws.cell(row, _COL[field])
        cell.protection, cell.fill = _OPEN, _INPUT
    ref = ws.cell(row, _COL["answer"]).coordinate
    if choices:
        key = ",".join(choices)
        if key not in lists:
            lists[key] = DataValidation(type="list", formula1=f'"{key}"', allow_blank=True, showErrorMessage=True,
                                        errorTitle="Trả lời không hợp lệ", error="Hãy chọn trong danh sách.")
        lists[key].add(ref)
    bounds = [("self", c.min, c.max)] + ([("value", c.value_min, c.value_max)] if uses_value(c.type) else [])
    for field, low, high in bounds:
        if (low, high) not in numbers:
            numbers[(low, high)] = DataValidation(
                type="decimal", operator="between", formula1=f"{low:g}", formula2=f"{high:g}", allow_blank=True,
                showErrorMessage=True, errorTitle="Số không hợp lệ",
                error=f"Hãy nhập số từ {vn.points(low)} đến {vn.points(high)}.")
        numbers[(low, high)].add(ws.cell(row, _COL[field]).coordinate)


def _parent_row(ws: Worksheet, row: int, parent: Parent) -> None:
    """The heading of a criterion with sub-criteria: bold, locked, its points the sum (or cap) of the parts below."""
    method = ("Tổng điểm các tiêu chí thành phần, tối đa " + vn.points(parent.max) + " điểm" if parent.cap
              else "Tổng điểm các tiêu chí thành phần")
    fixed = {"code": parent.code, "content": parent.content, "max": parent.max, "method": method}
    for field, col in _COL.items():
        cell = ws.cell(row, col, fixed.get(field))
        cell.border, cell.alignment, cell.font = _BOX, _WRAP, Font(bold=True)


def _guide(wb: Workbook, campaign: Campaign, fw: Framework, unit: Unit) -> None:
    ws = wb.create_sheet(GUIDE_SHEET)
    deadline = campaign.deadline(fw.year)
    lines = [
        f"HƯỚNG DẪN ĐIỀN PHIẾU TỰ ĐÁNH GIÁ NĂM {fw.year}",
        "",
        "1. Chỉ nhập vào các ô nền vàng: Trả lời, Giá trị đo, Điểm tự chấm, Tài liệu kiểm chứng, Giải trình.",
        "2. Trả lời: chọn trong danh sách (Có / Không / Không áp dụng nếu tiêu chí cho phép).",
        "3. Giá trị đo: nhập số, ví dụ tỷ lệ hồ sơ trực tuyến 95,5 (%), hoặc số trường hợp vi phạm với điểm trừ.",
        "4. Điểm tự chấm: nhập số từ 0 đến điểm tối đa (điểm trừ nhập số âm), được dùng dấu phẩy thập phân: 2,5.",
        "5. Tài liệu kiểm chứng: ghi số, ngày văn bản hoặc đường dẫn; mỗi tiêu chí có điểm phải có kiểm chứng.",
        "6. Chọn \"Không áp dụng\" khi tiêu chí không thuộc chức năng của đơn vị: điểm tối đa giảm tương ứng.",
        "7. Không xóa, không đổi mã tiêu chí; không đặt mật khẩu cho tệp; giữ định dạng .xlsx.",
        f"8. Đặt tên tệp bắt đầu bằng mã đơn vị, ví dụ {form_name(unit, fw.year)}; ghi ngày gửi ở ô \"Ngày gửi\".",
        f"9. Hạn gửi: {deadline:%d/%m/%Y}." if deadline else
        f"9. Hạn gửi: theo văn bản của {issued_by(campaign, fw.year).name}.",
        "",
        f"Bộ tiêu chí: {fw.title} — tổng {vn.points(fw.total)} điểm.",
    ]
    if fw.parent_codes:
        lines.insert(-2, "10. Dòng chữ đậm có tiêu chí thành phần (đánh dấu └) bên dưới là dòng tiêu đề, không điền: "
                         "điểm của tiêu chí là tổng điểm các tiêu chí thành phần (không vượt điểm tối đa nếu có ghi).")
    if campaign.demo:
        lines.append("Dữ liệu minh họa: đơn vị, tiêu chí và số liệu trong tệp này là giả định.")
    for i, line in enumerate(lines, start=1):
        ws.cell(i, 1, line).font = Font(bold=(i == 1), size=13 if i == 1 else 11)
    ws.column_dimensions["A"].width = 120
    ws.row_dimensions[1].height = row_height(lines[0], 120, 13, bold=True)
    set_print(ws, None, 1, note=campaign.demo_note)


def build_form(campaign: Campaign, unit: Unit, year: int) -> Workbook:
    """The form of one unit and year, as an openpyxl workbook (not yet saved)."""
    fw = campaign.framework(year, unit.group)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    _header(ws, campaign, unit, fw)
    lists: dict[str, DataValidation] = {}
    numbers: dict[tuple, DataValidation] = {}
    row = HEADER_ROW + 1
    for area in fw.areas:
        mine = [c for c in area.criteria if c.applies(unit.kind)]  # a unit's form has only its kind's criteria
        if not mine:
            continue
        ws.cell(row, 1, area.code)
        ws.cell(row, 2, area.name)
        ws.cell(row, 3, area.max)
        for col in range(1, len(COLUMNS) + 1):
            ws.cell(row, col).fill, ws.cell(row, col).font = _AREA, Font(bold=True)
        row += 1
        heading = None
        for crit in mine:
            if crit.parent and crit.parent != heading:  # a criterion with parts: a heading row, never filled
                heading = crit.parent
                _parent_row(ws, row, crit.parent)
                row += 1
            _criterion_row(ws, row, crit, lists, numbers)
            row += 1
    for dv in [*lists.values(), *numbers.values()]:
        ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    fit_rows(ws, HEADER_ROW, row - 1)
    end = _unit_signature(ws, row + 1)
    set_print(ws, (HEADER_ROW, HEADER_ROW), len(COLUMNS), end - 1, campaign.demo_note)
    _guide(wb, campaign, fw, unit)
    wb.properties.creator = "kit"
    return wb


def write_forms(campaign: Campaign, year: int, out: Path, units: Iterable[Unit] | None = None) -> list[Path]:
    """Write one form per unit into ``out``; returns the paths written."""
    make_folder(out)
    paths = []
    for unit in units if units is not None else campaign.units_of(year):
        path = out / form_name(unit, year)
        save_workbook(build_form(campaign, unit, year), path)
        paths.append(path)
    return paths
