"""Appraising in Excel for evaluators without the notebook: export a workbook, import it back.

The export carries, per row, the id of the decision the evaluator saw; on import, a row whose
criterion got a newer decision in the meantime is refused and listed, never applied over it.
Reading reuses the form reader's tolerance and problem reporting.

A workbook belongs to an account: it is exported for the acting evaluator (kit.app.actor) and holds the criteria
assigned to them; on import its decisions are recorded under the acting account, and a workbook exported for
another account is refused, naming it (what the file says never decides who is recorded).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from kit.app.actor import Actor, current_actor
from kit.app.appraisal import Entry, Workspace
from kit.app.year import load_year
from kit.config.answers import TYPE_LABELS
from kit.config.framework import part_label
from kit.core import problems as P
from kit.core import vn
from kit.core.errors import FileProblem
from kit.core.values import cell_text, code_text, is_blank, parse_number
from kit.core.vocab import Role, Stage
from kit.intake.accounts import load_accounts
from kit.intake.layout import header_key
from kit.intake.sheets import read_grids
from kit.outputs.sheet_print import fit_rows, set_print
from kit.outputs.xlsx import save_workbook, text_safe

SHEET = "Thẩm định"
HEADER_ROW = 8
# (field, header, width, input?)
COLUMNS = [
    ("unit", "Mã đơn vị", 10, False), ("unit_name", "Tên đơn vị", 24, False), ("code", "Mã tiêu chí", 9, False),
    ("content", "Nội dung tiêu chí", 50, False), ("max", "Điểm tối đa", 8, False), ("method", "Cách chấm", 18, False),
    ("self", "Tự chấm", 8, False), ("proposal", "Đề xuất tự động", 9, False),
    ("evidence", "Tài liệu kiểm chứng", 36, False), ("explanation", "Giải trình của đơn vị", 30, False),
    ("current", "Điểm thẩm định hiện tại", 10, False), ("current_by", "Người chấm", 16, False),
    ("base", "Mã quyết định", 9, False),
    ("score", "Điểm thẩm định", 10, True), ("na", "Không áp dụng", 10, True), ("comment", "Nhận xét", 40, True),
]
_KEYS = {header_key(h): f for f, h, _, _ in COLUMNS}
_META = {"nam": "year", "can bo tham dinh": "evaluator", "tai khoan": "account", "xuat luc": "exported",
         "dot thi dua": "campaign"}
_INPUT = PatternFill("solid", fgColor="FFF7D6")


def export_workbook(ws_: Workspace, out: Path, units: list[str] | None = None) -> Path:
    """Write, for the workspace's actor, the rows of ``units`` (default: every unit with a submission) that are
    theirs to appraise (with a registry and assignments: their assignment) for offline appraisal."""
    actor = ws_.actor
    actor.require(Role.EVALUATOR, act="xuất phiếu thẩm định")
    campaign = ws_.campaign
    wb = Workbook()
    sheet = wb.active
    sheet.title = SHEET
    sheet["A1"] = f"PHIẾU THẨM ĐỊNH ĐIỂM CCHC NĂM {ws_.year} (làm ngoài máy)"
    sheet["A1"].font = Font(bold=True, size=14)
    exported = vn.moment(dt.datetime.now())
    meta = [("Năm", ws_.year), ("Cán bộ thẩm định", actor.name), ("Tài khoản", actor.account),
            ("Xuất lúc", exported), ("Đợt thi đua", f"{campaign.identity} — {campaign.name}")]
    for i, (label, value) in enumerate(meta, start=2):
        sheet.cell(i, 1, label).font = Font(bold=True)
        sheet.cell(i, 3, value)
    sheet["A7"] = ("Dữ liệu minh họa. " if campaign.demo else "") + (
        "Chỉ nhập vào các cột nền vàng. Không sửa cột \"Mã quyết định\": kit dùng nó để không ghi đè quyết định mới "
        "hơn.")
    for col, (_, header, width, _) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, col, header)
        cell.font, cell.alignment = Font(bold=True), Alignment(wrap_text=True)
        sheet.column_dimensions[cell.column_letter].width = width
    na_list = DataValidation(type="list", formula1='"Có"', allow_blank=True)
    sheet.add_data_validation(na_list)
    row_no = HEADER_ROW
    wanted = units or [u.code for u in campaign.units if u.code in ws_.rows]
    for unit in wanted:
        for r in ws_.unit_rows(unit):
            if ws_.not_mine(r, Stage.APPRAISAL) is not None:
                continue  # someone else's assignment
            row_no += 1
            cur = r.current or {}
            values = {"unit": r.unit, "unit_name": r.unit_name, "code": r.code,
                      "content": part_label(r.content, r.parent, r.parent_content, flat=True),
                      "max": r.max,
                      "method": TYPE_LABELS[r.type], "self": r.self_score, "proposal": r.proposal,
                      "evidence": r.evidence, "explanation": r.explanation,
                      "current": "Không áp dụng" if cur.get("na") else cur.get("score"),
                      "current_by": ws_.name_of(cur["evaluator"]) if cur else None, "base": cur.get("id")}
            for col, (fieldname, _, _, is_input) in enumerate(COLUMNS, start=1):
                cell = sheet.cell(row_no, col)
                cell.value = text_safe(values.get(fieldname))  # save_workbook keeps any "=..." as text
                if is_input:
                    cell.protection, cell.fill = Protection(locked=False), _INPUT
            na_list.add(sheet.cell(row_no, [f for f, *_ in COLUMNS].index("na") + 1).coordinate)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 4)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = sheet.protection.formatRows = False
    fit_rows(sheet, 1, row_no)  # a working paper the evaluator may print: no heading, no signature
    set_print(sheet, (HEADER_ROW, HEADER_ROW), len(COLUMNS), row_no, campaign.demo_note)
    return save_workbook(wb, out)


@dataclass
class ImportReport:
    file: str
    evaluator: str = ""  # the acting account's họ tên
    account: str = ""  # the acting account: what the decisions are recorded under
    year: int | None = None
    rows_read: int = 0
    recorded: int = 0
    unchanged: int = 0
    problems: list[P.Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not P.has_errors(self.problems)

    def format(self) -> str:
        lines = [f"NHẬP PHIẾU THẨM ĐỊNH {self.file}" + (f" — năm {self.year}, cán bộ {self.evaluator}" if self.year
                                                        else "")]
        lines += [f"    {p.format()}" for p in self.problems]
        refused = sum(p.code == P.Code.DECISION_NEWER for p in self.problems)
        errors = sum(p.is_error for p in self.problems) - refused
        lines.append(f"Đọc {self.rows_read} dòng có điểm: ghi {self.recorded} quyết định, {self.unchanged} không đổi, "
                     f"{refused} bị từ chối vì có quyết định mới hơn, {errors} dòng lỗi.")
        return "\n".join(lines)


def _locate(rows: list[list[object]]) -> tuple[int, dict[str, int], dict[str, object]] | None:
    meta: dict[str, object] = {}
    for i, row in enumerate(rows[:40]):
        cols = {_KEYS[k]: j for j, cell in enumerate(row) if (k := header_key(cell)) in _KEYS}
        if {"unit", "code", "score"} <= set(cols):
            return i, cols, meta
        for j, cell in enumerate(row):
            name = _META.get(header_key(cell))
            if name:
                meta[name] = next((v for v in row[j + 1:] if not is_blank(v)), None)
    return None


def _is_yes(value: object) -> bool:
    return header_key(value) in {"co", "x", "khong ap dung", "kad", "na", "n a"}


def _read_rows(ws_: Workspace, rows: list[list[object]], header: int, cols: dict[str, int], report: ImportReport,
               where: dict[tuple[str, str], P.AtRow]) -> list[Entry]:
    entries = []
    for i in range(header + 1, len(rows)):
        cells = {f: rows[i][j] if j < len(rows[i]) else None for f, j in cols.items()}
        na = _is_yes(cells.get("na"))
        if is_blank(cells.get("score")) and not na:
            continue  # not decided in this workbook
        report.rows_read += 1
        unit, code = code_text(cells.get("unit")).upper(), code_text(cells.get("code"))
        at: P.AtRow = {"file": report.file, "sheet": SHEET, "row": i + 1}
        col = {f: P.column_letter(j + 1) for f, j in cols.items()}
        first = where.setdefault((unit, code), at)
        if first is not at:  # the same criterion twice: the first row counts, the copy is flagged
            report.problems.append(P.make(P.Code.ROW_DUPLICATE, **at, column=col["code"], value=code, detail=unit,
                                          expected=first.get("row")))
            continue
        row = ws_.rows.get(unit, {}).get(code)
        if unit not in ws_.rows:
            known = ws_.campaign.unit(unit) is not None
            code_ = P.Code.NOT_SUBMITTED if known else P.Code.UNIT_UNKNOWN
            report.problems.append(P.make(code_, **at, column=col["unit"], value=unit, expected=ws_.year))
            continue
        if row is None:
            report.problems.append(P.make(P.Code.CRITERION_UNKNOWN, **at, column=col["code"], value=code,
                                          expected=ws_.year))
            continue
        score = None if na else parse_number(cells.get("score"))
        if not na and score is None:
            report.problems.append(P.make(P.Code.SCORE_NOT_NUMBER, **at, column=col["score"],
                                          value=cell_text(cells.get("score"))))
            continue
        problem = row.problem(score, na, cell_text(cells.get("comment")))
        if problem:
            code_ = P.Code.NA_NOT_ALLOWED if na else P.Code.APPRAISAL_NOT_ALLOWED
            report.problems.append(P.make(code_, **at, column=col["na" if na else "score"],
                                          value=vn.points(score) if score is not None else "", detail=problem))
            continue
        base = parse_number(cells.get("base"))
        entry = Entry(unit, code, score, na, cell_text(cells.get("comment")), int(base) if base is not None else None)
        cur = row.current
        if cur and cur["evaluator"] == report.account:
            entry.base_id = cur["id"]  # the latest decision is the evaluator's own (an earlier import): not a conflict
        # compared as it would be stored: the findings a row rests on are added to its comment when saved
        if cur and entry.base_id == cur["id"] and bool(cur["na"]) == na \
                and row.decision_comment(entry.comment) == (cur["comment"] or "") \
                and (na or score is not None and abs(float(cur["score"]) - score) < 1e-9):
            report.unchanged += 1
            continue
        entries.append(entry)
    return entries


def import_workbook(campaign, gradebook, path: Path, actor: Actor | None = None) -> ImportReport:
    """Read an appraisal workbook and append its decisions under the acting account (default: whoever is logged
    in); see ``ImportReport``."""
    accounts = load_accounts(campaign)
    actor = current_actor(campaign, accounts) if actor is None else actor
    report = ImportReport(path.name, actor.name, actor.account)
    try:
        grids = read_grids(path)
    except FileProblem as exc:
        report.problems.append(P.Problem(**{**exc.problem.to_dict(), "file": path.name}))
        return report
    found = next(((g, loc) for g in grids if (loc := _locate(g.rows))), None)
    if found is None:
        report.problems.append(P.make(P.Code.FILE_NO_HEADER, file=path.name))
        return report
    grid, (header, cols, meta) = found
    year = parse_number(meta.get("year"))
    if year is None or int(year) not in campaign.years:
        report.problems.append(P.make(P.Code.YEAR_UNKNOWN, file=path.name, sheet=grid.sheet))
        return report
    report.year = int(year)
    stated = cell_text(meta.get("campaign")).split(" — ")[0]
    if stated != campaign.identity:  # another campaign's workbook (or one without its identity)
        report.problems.append(P.make(P.Code.CAMPAIGN_MISMATCH, file=path.name, sheet=grid.sheet,
                                      value=stated or "(không ghi)", expected=f"{campaign.identity} — {campaign.name}"))
        return report
    stated = cell_text(meta.get("account")).strip() or cell_text(meta.get("evaluator")).strip()
    owner = accounts.resolve(stated) if stated else None
    if owner is not None and owner.account != actor.account:  # exported for someone else: theirs to import
        report.problems.append(P.make(P.Code.WORKBOOK_OTHER_ACCOUNT, file=path.name, sheet=grid.sheet,
                                      value=f"{owner.name} ({owner.account})",
                                      expected=f"{actor.name} ({actor.account})"))
        return report
    ws_ = Workspace(load_year(campaign, report.year, gradebook=gradebook), gradebook, actor, accounts)
    where: dict[tuple[str, str], P.AtRow] = {}
    entries = _read_rows(ws_, grid.rows, header, cols, report, where)
    result = ws_.save(entries, source="import")
    report.recorded = len(result.saved)
    for unit, code, current in result.conflicts:
        who = f"{ws_.name_of(current.get('evaluator', '?'))}, {vn.moment(current.get('created_at', ''))}, " \
              f"điểm {'Không áp dụng' if current.get('na') else current.get('score')}"
        report.problems.append(P.make(P.Code.DECISION_NEWER, **where[(unit, code)], detail=who))
    for unit, code, problem in result.invalid:
        report.problems.append(P.make(P.Code.APPRAISAL_NOT_ALLOWED, **where[(unit, code)], detail=problem))
    return report
