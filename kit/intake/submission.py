"""Read one returned self-assessment form and check it against its framework.

Tolerant by design: the header row and columns are found by wording, blank rows and extra
columns are skipped, rows may be in any order, numbers may be text with a decimal comma.
Every problem is collected; a row with an error is rejected, the rest of the file is kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kit.config.answers import NA, allowed_answers, is_automatic, normalize_answer, proposal, uses_value
from kit.config.campaign import Campaign
from kit.config.framework import Criterion, Framework
from kit.config.units import UNIT_KINDS
from kit.core import problems as P
from kit.core import vn
from kit.core.errors import FileProblem
from kit.core.values import ambiguous_number, cell_text, code_text, fold, is_blank, parse_date, parse_number
from kit.intake.layout import SHEET, field_of, meta_of
from kit.intake.sheets import Grid, read_grids

_NAME_CODE = re.compile(r"[A-Za-z0-9]+")
_EPS = 1e-9
INPUT_FIELDS = ("answer", "value", "self", "evidence", "explanation")


@dataclass
class Submission:
    """What one file yielded: its identity, accepted rows, and every problem found."""

    file: Path
    year: int
    unit: str = ""
    sheet: str = ""
    sent: dt.date | None = None
    identified: bool = False  # unit and year settled, so the file counts as that unit's submission
    evidence_column: str = ""  # letter of the "Tài liệu kiểm chứng" column, where evidence problems point
    rows_read: int = 0
    rows: list[dict] = field(default_factory=list)
    problems: list[P.Problem] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How problems name the file: its year folder and name, e.g. 2022/NV_2022.xlsx."""
        return f"{self.file.parent.name}/{self.file.name}"

    @property
    def rejected(self) -> int:
        return self.rows_read - len(self.rows)


def unit_from_name(path: Path) -> str:
    """Units name files after their code: NV_2022.xlsx, NV.xlsx, nv-2022-final.csv, "NV 2024.xlsx", "NV (1).xlsx",
    NV.2024.xlsx: the code is the letters and digits before the first other character."""
    found = _NAME_CODE.match(unicodedata.normalize("NFC", path.name).strip())
    return found.group(0).upper() if found else ""


def _find_header(grid: Grid) -> tuple[int, dict[str, int]] | None:
    """Index of the header row and field -> column index, or None if this sheet has no table."""
    for i, row in enumerate(grid.rows):  # anywhere: some units paste a letter above the table
        columns: dict[str, int] = {}
        for j, cell in enumerate(row):
            name = field_of(cell) if isinstance(cell, str) else None
            if name and name not in columns:
                columns[name] = j
        if "code" in columns and "self" in columns:
            return i, columns
    return None


def _meta(grid: Grid, header: int) -> tuple[dict[str, object], dict[str, tuple[int, str]]]:
    """The identity fields above the table, and where each value is (Excel row, column letter) for messages."""
    meta: dict[str, object] = {}
    at: dict[str, tuple[int, str]] = {}
    for i, row in enumerate(grid.rows[:header]):
        for j, cell in enumerate(row):
            name = meta_of(cell) if isinstance(cell, str) else None
            if name and name not in meta:
                k = next((k for k in range(j + 1, len(row)) if not is_blank(row[k])), None)
                meta[name] = row[k] if k is not None else None
                at[name] = (i + 1, P.column_letter((k if k is not None else j + 1) + 1))
    return meta, at


def _pick(grids: list[Grid]) -> tuple[Grid, int, dict[str, int]] | None:
    ordered = sorted(grids, key=lambda g: g.sheet != SHEET)
    for grid in ordered:
        found = _find_header(grid)
        if found:
            return grid, found[0], found[1]
    return None


class _RowChecker:
    """Checks one criterion row; collects problems located at the row's cells."""

    def __init__(self, sub: Submission, grid: Grid, columns: dict[str, int], excel_row: int):
        self.sub, self.grid, self.columns, self.row = sub, grid, columns, excel_row
        self.errors = 0

    def report(self, code: P.Code, fieldname: str, severity: P.Severity = P.ERROR, **kw: object) -> None:
        col = self.columns.get(fieldname)
        self.sub.problems.append(P.make(code, severity, file=self.sub.label, sheet=self.grid.sheet, row=self.row,
                                        column=P.column_letter(col + 1) if col is not None else "", **kw))
        self.errors += severity == P.ERROR

    def number(self, cells: dict, fieldname: str, code: P.Code) -> float | None:
        raw = cells.get(fieldname)
        if is_blank(raw):
            return None
        number = parse_number(raw)
        if number is None:
            self.report(code, fieldname, value=cell_text(raw))
        elif fieldname == "value" and ambiguous_number(raw):
            self.report(P.Code.VALUE_AMBIGUOUS, fieldname, P.WARNING, value=cell_text(raw),
                        expected=vn.points(number), detail=vn.points(number * 1000))
        return number

    def check(self, c: Criterion, cells: dict) -> dict | None:
        for fieldname in INPUT_FIELDS:
            col = self.columns.get(fieldname)
            if col is not None and (self.row, col + 1) in self.grid.formulas_without_value:
                formula = self.grid.formulas_without_value[(self.row, col + 1)]
                self.report(P.Code.FORMULA_NO_VALUE, fieldname, value=formula)
        if self.errors:
            return None
        if c.type != "survey" and all(is_blank(cells.get(f)) for f in ("answer", "value", "self")):
            self.report(P.Code.ROW_EMPTY, "self", P.WARNING)
            return {"answer": "", "value": None, "self": None, "evidence": cell_text(cells.get("evidence")),
                    "explanation": cell_text(cells.get("explanation"))}
        answer = self._answer(c, cells.get("answer"))
        value = self.number(cells, "value", P.Code.VALUE_NOT_NUMBER) if uses_value(c.type) else None
        score = self.number(cells, "self", P.Code.SCORE_NOT_NUMBER)
        if answer == NA:
            if score is not None and score != 0:
                self.report(P.Code.NA_WITH_SCORE, "self", P.WARNING, value=vn.points(score))
            score = value = None
        else:
            self._ranges(c, value, score)
        if self.errors:
            return None
        if answer != NA and c.type != "survey" and score is None and is_blank(cells.get("self")):
            self.report(P.Code.SCORE_MISSING, "self", P.WARNING)
        evidence = cell_text(cells.get("evidence"))
        if answer != NA and score is not None and score > 0 and not evidence:
            self.report(P.Code.EVIDENCE_MISSING, "evidence", P.WARNING, value=vn.points(score))
        if answer != NA and is_automatic(c.type) and c.type != "survey" and score is not None:
            auto = proposal(c.type, max_points=c.max, min_points=c.min, answer=answer, value=value,
                            self_score=score, tiers=c.tiers, per_item=c.per_item)
            if score > auto + _EPS:
                self.report(P.Code.SCORE_OVER_CLAIM, "self", P.WARNING, value=vn.points(score),
                            expected=vn.points(auto))
        return {"answer": answer or "", "value": value, "self": score, "evidence": evidence,
                "explanation": cell_text(cells.get("explanation"))}

    def _answer(self, c: Criterion, raw: object) -> str | None:
        choices = allowed_answers(c.type, c.na)
        if is_blank(raw):
            if c.type == "yes_no":
                self.report(P.Code.ANSWER_MISSING, "answer", expected=" / ".join(choices))
            return None
        answer = normalize_answer(cell_text(raw))
        if answer == NA and not c.na:
            self.report(P.Code.NA_NOT_ALLOWED, "answer")
        elif answer not in choices:
            self.report(P.Code.ANSWER_NOT_ALLOWED, "answer", value=cell_text(raw),
                        expected=" / ".join(choices) if choices else "để trống")
        return answer

    def _ranges(self, c: Criterion, value: float | None, score: float | None) -> None:
        if uses_value(c.type) and value is None and c.type == "tiers" and not self.errors:
            self.report(P.Code.VALUE_MISSING, "value")
        if value is not None and not c.value_min <= value <= c.value_max:
            self.report(P.Code.VALUE_OUT_OF_RANGE, "value", value=vn.points(value),
                        expected=f"{vn.points(c.value_min)} - {vn.points(c.value_max)}")
        if score is not None and score > c.max + _EPS:
            self.report(P.Code.SCORE_ABOVE_MAX, "self", value=vn.points(score), expected=vn.points(c.max))
        if score is not None and score < c.min - _EPS:
            self.report(P.Code.SCORE_BELOW_MIN, "self", value=vn.points(score), expected=vn.points(c.min))


def _identity(sub: Submission, found: tuple[dict, dict[str, tuple[int, str]]], campaign: Campaign,
              sheet: str) -> bool:
    """Settle unit and year; False when the whole file must be rejected. A unit name that is not the code's
    (a form copied from another unit and renamed) and a date that is no date are said, not passed over."""
    meta, at = found
    where: P.Where = {"file": sub.label, "sheet": sheet}
    from_name = unit_from_name(sub.file)
    stated = code_text(meta.get("unit")).upper()
    ok = True
    if not stated:
        sub.problems.append(P.make(P.Code.UNIT_NOT_STATED, P.WARNING, **where, expected=from_name))
        stated = from_name
    elif stated != from_name:
        sub.problems.append(P.make(P.Code.UNIT_MISMATCH, **where, value=stated, expected=from_name))
        sub.unit = from_name
        return False
    sub.unit = stated
    unit = campaign.unit(stated)
    if unit is None:
        sub.problems.append(P.make(P.Code.UNIT_UNKNOWN, **where, value=stated))
        ok = False
    elif (named := cell_text(meta.get("unit_name"))) and fold(named) != fold(unit.name):
        row, column = at["unit_name"]
        sub.problems.append(P.make(P.Code.UNIT_NAME_MISMATCH, P.WARNING, **where, row=row, column=column,
                                   value=named, expected=unit.name, detail=stated))
    year = parse_number(meta.get("year"))
    if year is not None and int(year) != sub.year:
        sub.problems.append(P.make(P.Code.YEAR_MISMATCH, **where, value=cell_text(meta.get("year")), expected=sub.year))
        ok = False
    sub.sent = parse_date(meta.get("sent"))
    # "31/11/2024" is no day, not "no date"; the form's own hint beside an empty cell has no digit
    if sub.sent is None and re.search(r"\d", cell_text(meta.get("sent"))):
        row, column = at["sent"]
        sub.problems.append(P.make(P.Code.DATE_INVALID, P.WARNING, **where, row=row, column=column,
                                   value=cell_text(meta.get("sent"))))
    sub.identified = ok
    return ok


def _scan_rows(sub: Submission, grid: Grid, header: int, columns: dict[str, int], fw: Framework | None) -> dict:
    """Walk the table; returns code -> list of (excel_row, cells) for criterion-like rows."""
    area_codes = ({a.code for a in fw.areas} | fw.parent_codes) if fw else set()  # headings, not scored rows
    found: dict[str, list[tuple[int, dict]]] = {}
    for i in range(header + 1, len(grid.rows)):
        row = grid.rows[i]
        cells = {name: row[j] if j < len(row) else None for name, j in columns.items()}
        has_input = any(not is_blank(cells.get(f)) for f in ("answer", "value", "self"))
        code = code_text(cells.get("code"))
        if (not has_input and (not code or code in area_codes)) or (fw and code in fw.parent_codes):
            continue  # blank, area heading, signature or note rows
        sub.rows_read += 1
        found.setdefault(code, []).append((i + 1, cells))
    return found


def read_submission(path: Path, campaign: Campaign, year: int) -> Submission:
    """Read and check one file; never raises for a user's mistake."""
    sub = Submission(path, year)
    try:
        grids = read_grids(path)
    except FileProblem as exc:
        sub.problems.append(dataclasses.replace(exc.problem, file=sub.label))
        sub.unit = unit_from_name(path)
        return sub
    picked = _pick(grids)
    if picked is None:
        sub.problems.append(P.make(P.Code.FILE_NO_HEADER, file=sub.label))
        sub.unit = unit_from_name(path)
        return sub
    grid, header, columns = picked
    sub.sheet = grid.sheet
    sub.evidence_column = P.column_letter(columns["evidence"] + 1) if "evidence" in columns else ""
    sub.problems += [dataclasses.replace(p, file=sub.label) for p in grid.problems]
    identity_ok = _identity(sub, _meta(grid, header), campaign, grid.sheet)
    unit = campaign.unit(sub.unit)
    fw = campaign.framework(year, unit.group) if unit else None
    found = _scan_rows(sub, grid, header, columns, fw)
    if not identity_ok or fw is None:
        return sub
    kind = unit.kind if unit else ""
    every, by_code = fw.by_code(), {c.code: c for c in fw.criteria_for(kind)}
    where: P.Where = {"file": sub.label, "sheet": grid.sheet}
    for code, occurrences in found.items():
        crit = by_code.get(code)
        if crit is None and code in every:  # a criterion of another kind of unit (e.g. an older form): not counted
            sub.problems.append(P.make(P.Code.CRITERION_NOT_FOR_KIND, P.WARNING, **where, row=occurrences[0][0],
                                       value=code, expected=UNIT_KINDS.get(kind, kind)))
            continue
        if crit is None:
            for excel_row, _ in occurrences:
                col = P.column_letter(columns["code"] + 1)
                sub.problems.append(P.make(P.Code.CRITERION_UNKNOWN, **where, row=excel_row, column=col,
                                           value=code or "(trống)", expected=year))
            continue
        if len(occurrences) > 1:
            rows = ", ".join(str(r) for r, _ in occurrences)
            sub.problems.append(P.make(P.Code.CRITERION_DUPLICATE, **where, row=occurrences[0][0], value=code,
                                       detail=rows))
            continue
        excel_row, cells = occurrences[0]
        checked = _RowChecker(sub, grid, columns, excel_row).check(crit, cells)
        if checked is not None and unit is not None:
            sub.rows.append({"year": year, "unit": sub.unit, "group": unit.group, "code": crit.code, "key": crit.key,
                             "area": crit.area, **checked, "file": sub.label, "row": excel_row})
    for crit in by_code.values():
        if crit.code not in found:
            sub.problems.append(P.make(P.Code.CRITERION_MISSING, **where, value=crit.code))
    filled = [r for r in sub.rows if r["answer"] or r["value"] is not None or r["self"] is not None]
    if sub.rows and not filled:  # the template sent back as it was: not a submission
        sub.problems = [p for p in sub.problems if p.code != P.Code.ROW_EMPTY] + [P.make(P.Code.FORM_BLANK, **where)]
        sub.rows = []
    return sub
