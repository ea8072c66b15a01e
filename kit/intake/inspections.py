"""The inspection register: what inspection visits found at the units, which deduction criterion it concerns.

``inspections/<year>.csv`` (or ``.xlsx``) in the campaign, one row per finding, headers in Vietnamese or
English: date, unit, inspecting body, decision or minutes number, finding, criterion (its code that year or its
key), violations counted, deadline to fix, fixed on. Checked like every other input: each problem names the
file, the row and the column (letter and header as written); a bad row is left out, the others are kept.

A finding counts towards the deduction criterion it names (the register is a feed, kit.intake.feeds.inspections:
the automatic proposal counts at least its violations), so it must name a deduction criterion of the unit's
framework that year; a finding with no violation counted (a recommendation) is kept, listed and followed up, and
deducts nothing.
"""

from __future__ import annotations

from pathlib import Path

from kit.config.campaign import Campaign
from kit.core import problems as P
from kit.core.values import cell_text, code_text, is_blank, parse_date, parse_number
from kit.intake.tables import Table, read_table

COLUMNS = {
    "date": {"ngay kiem tra", "ngay", "date"},
    "unit": {"ma don vi", "don vi", "don vi duoc kiem tra", "unit"},
    "body": {"co quan kiem tra", "doan kiem tra", "don vi kiem tra", "inspecting body", "body"},
    "reference": {"so quyet dinh bien ban", "so bien ban", "so quyet dinh", "so van ban", "so hieu", "reference"},
    "finding": {"noi dung phat hien", "phat hien", "ket luan", "noi dung", "finding"},
    "criterion": {"tieu chi", "ma tieu chi", "tieu chi lien quan", "criterion"},
    "violations": {"so vi pham", "so truong hop vi pham", "vi pham", "violations"},
    "deadline": {"han khac phuc", "thoi han khac phuc", "deadline"},
    "fixed_on": {"ngay khac phuc", "da khac phuc ngay", "ngay hoan thanh khac phuc", "fixed on"},
}
REQUIRED = ["date", "unit", "body", "reference", "finding", "criterion", "violations"]
_WHAT = {"date": "ngày kiểm tra", "unit": "mã đơn vị", "body": "cơ quan kiểm tra",
         "reference": "số quyết định/biên bản", "finding": "nội dung phát hiện", "criterion": "mã tiêu chí",
         "violations": "số vi phạm"}


class _Reporter:
    """Adds a problem located at one row of the register, in the column of a field."""

    def __init__(self, problems: list[P.Problem], file: str, row: int, where: dict[str, str]):
        self.problems, self.file, self.row, self.where = problems, file, row, where

    def __call__(self, code: P.Code, field: str, **details: object) -> None:
        self.problems.append(P.make(code, file=self.file, row=self.row, column=self.where.get(field, field),
                                    value=details.get("value", ""), expected=details.get("expected", ""),
                                    detail=details.get("detail", "")))


def register_path(root: Path, year: int) -> Path:
    """The year's register: the .csv, else the .xlsx (the .csv when neither exists)."""
    csv = root / "inspections" / f"{year}.csv"
    return csv if csv.exists() or not csv.with_suffix(".xlsx").exists() else csv.with_suffix(".xlsx")


def load_inspections(campaign: Campaign, year: int) -> Table:
    """The year's findings (rows with the criterion's code that year) and every problem of the register."""
    path = register_path(campaign.root, year)
    table, records, where = read_table(path, f"inspections/{path.name}", COLUMNS, REQUIRED)
    taking_part, departed = {u.code for u in campaign.units_of(year)}, campaign.departed(year)
    for row, cells in records:
        problems: list[P.Problem] = []
        bad = _Reporter(problems, table.file, row, where)
        for name in REQUIRED:
            if is_blank(cells.get(name)):
                bad(P.Code.VALUE_REQUIRED, name, value=_WHAT[name])
        dates = {}
        for name in ("date", "deadline", "fixed_on"):
            raw = cells.get(name)
            dates[name] = parse_date(raw) if not is_blank(raw) else None
            if not is_blank(raw) and dates[name] is None:
                bad(P.Code.DATE_INVALID, name, value=cell_text(raw))
        day = dates["date"]
        if day is not None and day.year != year:
            bad(P.Code.FINDING_OUTSIDE_YEAR, "date", value=f"{day:%d/%m/%Y}", expected=year)
        for name, what in (("deadline", "Hạn khắc phục"), ("fixed_on", "Ngày khắc phục")):
            later = dates[name]
            if day is not None and later is not None and later < day:
                bad(P.Code.FINDING_DATES, name, value=f"{later:%d/%m/%Y}", expected=f"{day:%d/%m/%Y}", detail=what)
        raw = cells.get("violations")
        count = parse_number(raw)
        if not is_blank(raw) and (count is None or count < 0 or count != int(count)):
            bad(P.Code.VIOLATIONS_INVALID, "violations", value=cell_text(raw))
        unit = code_text(cells.get("unit")).upper()
        criterion = None
        if unit and campaign.unit(unit) is None:
            bad(P.Code.UNIT_UNKNOWN, "unit", value=unit)
        elif unit and unit not in taking_part:
            why = departed[unit].text if unit in departed else "chưa thành lập"
            bad(P.Code.UNIT_NOT_IN_YEAR, "unit", value=unit, expected=year, detail=why)
        elif unit:
            framework = campaign.framework(year, campaign.units_by_code[unit].group)
            wanted = code_text(cells.get("criterion"))
            criterion = next((c for c in framework.criteria if wanted in (c.code, c.key.upper())), None)
            deductions = ", ".join(f"{c.code} {c.content}" for c in framework.criteria if c.type == "deduction")
            if wanted and criterion is None:
                bad(P.Code.CRITERION_UNKNOWN, "criterion", value=wanted, expected=year)
            elif criterion is not None and criterion.type != "deduction":
                bad(P.Code.FINDING_NOT_DEDUCTION, "criterion", value=wanted, expected=deductions)
        table.problems += problems
        if problems or criterion is None or count is None:
            continue
        table.rows.append({"year": year, "unit": unit, "date": day, "body": cell_text(cells.get("body")),
                           "reference": cell_text(cells.get("reference")), "finding": cell_text(cells.get("finding")),
                           "code": criterion.code, "key": criterion.key, "violations": int(count),
                           "deadline": dates["deadline"], "fixed_on": dates["fixed_on"], "row": row})
    return table
