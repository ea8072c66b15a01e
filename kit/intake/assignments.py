"""Who appraises what: the assignment table of the campaign (``assignments.csv`` or ``.xlsx``).

One row per assignment, headers in Vietnamese or English: year, evaluator, and what is given to them — a unit,
a whole group, an area (by its code in that year's framework), or a unit's area — and the round: 1, the
appraisal (default), or 2, the independent second appraisal of the sampled criteria. Checked like every other
input: each problem names the file, the row and the column (letter and header as written); a bad row is left
out, the others are kept. What an assignment covers, criterion by criterion, is computed by
kit.scoring.agreement.assigned; the table only says who was given what.
"""

from __future__ import annotations

from pathlib import Path

from kit.config.campaign import Campaign
from kit.core import problems as P
from kit.core.values import cell_text, code_text, fold, is_blank, parse_number, person_key
from kit.core.vocab import Role
from kit.intake.accounts import Accounts, load_accounts
from kit.intake.tables import Table, read_table

COLUMNS = {
    "year": {"nam", "nam tham dinh", "year"},
    "evaluator": {"can bo tham dinh", "can bo", "nguoi tham dinh", "ho ten can bo", "evaluator"},
    "unit": {"ma don vi", "don vi", "unit"},
    "group": {"nhom", "ma nhom", "group"},
    "area": {"linh vuc", "ma linh vuc", "area"},
    "round": {"luot", "luot tham dinh", "vong", "round"},
}
REQUIRED = ["year", "evaluator"]
_SECOND = {"2", "lan 2", "tham dinh lan 2", "second"}
_FIRST = {"", "1", "lan 1", "tham dinh", "tham dinh lan 1", "first"}


class _Reporter:
    """Adds a problem located at one row of the table, in the column of a field."""

    def __init__(self, problems: list[P.Problem], file: str, row: int, where: dict[str, str]):
        self.problems, self.file, self.row, self.where = problems, file, row, where

    def __call__(self, code: P.Code, field: str, severity: P.Severity = P.ERROR, **details: object) -> None:
        self.problems.append(P.make(code, severity, file=self.file, row=self.row, column=self.where.get(field, field),
                                    value=details.get("value", ""), expected=details.get("expected", ""),
                                    detail=details.get("detail", "")))


def assignments_path(root: Path) -> Path:
    """The campaign's table: the .csv, else the .xlsx (the .csv when neither exists)."""
    csv = root / "assignments.csv"
    return csv if csv.exists() or not csv.with_suffix(".xlsx").exists() else csv.with_suffix(".xlsx")


def load_assignments(campaign: Campaign, accounts: Accounts | None = None) -> Table:
    """Every assignment that passed (year, evaluator, unit, group, area, round, row) and every problem. With a
    registry, ``evaluator`` is the account the row names."""
    accounts = load_accounts(campaign) if accounts is None else accounts
    path = assignments_path(campaign.root)
    table, records, where = read_table(path, path.name, COLUMNS, REQUIRED)
    seen: dict[tuple, int] = {}

    for row, cells in records:
        problems: list[P.Problem] = []

        bad = _Reporter(problems, table.file, row, where)

        raw_year = cells.get("year")
        year_number = parse_number(raw_year)
        year = int(year_number) if year_number is not None and year_number == int(year_number) else None
        if is_blank(raw_year):
            bad(P.Code.VALUE_REQUIRED, "year", value="năm")
        elif year not in campaign.years:
            bad(P.Code.YEAR_NOT_IN_CAMPAIGN, "year", value=cell_text(raw_year),
                expected=", ".join(map(str, campaign.years)))
            year = None
        evaluator = " ".join(cell_text(cells.get("evaluator")).split())
        if not evaluator:
            bad(P.Code.VALUE_REQUIRED, "evaluator", value="họ tên cán bộ thẩm định")
        elif accounts.present:
            account = accounts.resolve(evaluator)
            if account is None:
                bad(P.Code.ASSIGNMENT_NO_ACCOUNT, "evaluator", value=evaluator, expected=accounts.file)
            elif Role.EVALUATOR not in account.roles:
                bad(P.Code.ASSIGNMENT_NOT_EVALUATOR, "evaluator", value=account.account, expected=accounts.file,
                    detail=account.name)
            else:
                evaluator = account.account
        unit, group, area = (code_text(cells.get(name)) for name in ("unit", "group", "area"))
        unit, group = unit.upper(), group.upper()
        if not (unit or group or area):
            bad(P.Code.ASSIGNMENT_EMPTY, "unit")
        if group and group not in campaign.groups:
            bad(P.Code.GROUP_UNKNOWN, "group", value=group, expected=", ".join(campaign.groups))
            group = ""
        if unit and campaign.unit(unit) is None:
            bad(P.Code.UNIT_UNKNOWN, "unit", value=unit)
            unit = ""
        elif unit and year is not None and unit not in {u.code for u in campaign.units_of(year)}:
            departed = campaign.departed(year)
            bad(P.Code.UNIT_NOT_IN_YEAR, "unit", value=unit, expected=year,
                detail=departed[unit].text if unit in departed else "chưa thành lập")
            unit = ""
        elif unit and group and campaign.units_by_code[unit].group != group:
            bad(P.Code.GROUP_UNKNOWN, "group", value=group,
                expected=f"đơn vị {unit} thuộc nhóm {campaign.units_by_code[unit].group}")
        if area and year is not None:
            groups = [campaign.units_by_code[unit].group] if unit else [group] if group else list(campaign.groups)
            if not any(area in {a.code for a in campaign.framework(year, g).areas} for g in groups):
                bad(P.Code.AREA_UNKNOWN, "area", value=area, expected=year,
                    detail=f" (nhóm {', '.join(groups)})" if unit or group else "")
        round_text = fold(cell_text(cells.get("round")))
        if round_text not in _FIRST | _SECOND:
            bad(P.Code.ROUND_INVALID, "round", value=cell_text(cells.get("round")))
        if problems:
            table.problems += problems
            continue
        key = (year, person_key(evaluator), unit, group, area, round_text in _SECOND)
        if key in seen:
            bad(P.Code.ASSIGNMENT_DUPLICATE, "evaluator", P.WARNING,
                value=f"{evaluator} — {unit or group or 'mọi đơn vị'}{f', lĩnh vực {area}' if area else ''}",
                expected=seen[key])
            table.problems += problems
            continue
        seen[key] = row
        table.rows.append({"year": year, "evaluator": evaluator, "unit": unit, "group": group, "area": area,
                           "round": 2 if round_text in _SECOND else 1, "row": row})
    return table
