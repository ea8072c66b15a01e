"""The movement around the scores: registrations, individual nominations, the initiatives registry.

Files in the campaign (CSV UTF-8 or .xlsx, read with the same tolerant grid reader as forms):
    registrations.csv      year, unit, registered (date), plan_number, plan_date
    initiatives.csv        id, title, authors (separated by ";"), unit, recognised_by, recognised_on, scope
    nominations/<year>.csv name, unit, position, rating, initiative (an id of the registry), discipline
Each loader returns rows that passed and every problem found; one bad row never stops the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from kit.config.campaign import Campaign
from kit.core import problems as P
from kit.core.values import cell_text, code_text, is_blank, parse_date, parse_number
from kit.core.vocab import Registration
from kit.intake.accounts import Accounts
from kit.intake.feeds import Feeds, read_feed
from kit.intake.feeds.inspections import INSPECTIONS
from kit.intake.layout import header_key
from kit.intake.tables import Table, read_table

if TYPE_CHECKING:
    from kit.intake.records import Records

RATINGS = ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
           "Không hoàn thành nhiệm vụ"]
_RATING_KEYS = {header_key(r): r for r in RATINGS} | {"htxsnv": RATINGS[0], "httnv": RATINGS[1], "htnv": RATINGS[2],
                                                       "khtnv": RATINGS[3]}
_YES = {"co", "x", "yes", "1", "bi ky luat"}

# field -> accepted header wordings (compared without diacritics)
REGISTRATION_COLUMNS = {"year": {"nam", "year"}, "unit": {"ma don vi", "don vi", "unit"},
                        "registered": {"ngay dang ky", "dang ky", "registered"},
                        "plan_number": {"so ke hoach", "ke hoach so", "plan number", "so hieu ke hoach"},
                        "plan_date": {"ngay ke hoach", "ngay ban hanh ke hoach", "plan date"}}
INITIATIVE_COLUMNS = {"id": {"ma sang kien", "ma", "id"}, "title": {"ten sang kien", "sang kien", "title"},
                      "authors": {"tac gia", "authors"}, "unit": {"ma don vi", "don vi", "unit"},
                      "recognised_by": {"cap cong nhan", "co quan cong nhan", "recognised by"},
                      "recognised_on": {"ngay cong nhan", "recognised on"},
                      "scope": {"pham vi ap dung", "pham vi", "scope"}}
NOMINATION_COLUMNS = {"name": {"ho ten", "ho va ten", "name"}, "unit": {"ma don vi", "don vi", "unit"},
                      "position": {"chuc vu", "position"},
                      "rating": {"muc hoan thanh nhiem vu", "xep loai", "danh gia", "rating"},
                      "initiative": {"ma sang kien", "sang kien", "initiative"},
                      "discipline": {"ky luat", "bi ky luat", "discipline"},
                      "person_id": {"ma ca nhan", "ma cong chuc", "ma dinh danh", "ma so", "person id"}}
REQUIRED = {"registrations": ["year", "unit"], "initiatives": ["id", "title", "unit"],
            "nominations": ["name", "unit", "rating"]}


def at(table: Table, row: int, column: str = "") -> P.AtCell:
    return {"file": table.file, "row": row, "column": column}


def load_registrations(campaign: Campaign) -> Table:
    table, records, _ = read_table(campaign.root / "registrations.csv", "registrations.csv", REGISTRATION_COLUMNS,
                                REQUIRED["registrations"])
    seen: dict[tuple[int, str], int] = {}
    for row, cells in records:
        year, unit = parse_number(cells.get("year")), code_text(cells.get("unit")).upper()
        if year is None or int(year) not in campaign.years:
            table.problems.append(P.make(P.Code.YEAR_UNKNOWN, **at(table, row, "year")))
            continue
        if campaign.unit(unit) is None:
            table.problems.append(P.make(P.Code.UNIT_UNKNOWN, **at(table, row, "unit"), value=unit))
            continue
        if (int(year), unit) in seen:
            table.problems.append(P.make(P.Code.REGISTRATION_DUPLICATE, P.WARNING, **at(table, row), value=unit,
                                         expected=int(year)))
            continue
        dates = {}
        for name in ("registered", "plan_date"):
            raw = cells.get(name)
            dates[name] = parse_date(raw) if not is_blank(raw) else None
            if not is_blank(raw) and dates[name] is None:
                table.problems.append(P.make(P.Code.DATE_INVALID, **at(table, row, name), value=cell_text(raw)))
        seen[(int(year), unit)] = row
        table.rows.append({"year": int(year), "unit": unit, **dates,
                           "plan_number": cell_text(cells.get("plan_number")), "row": row})
    return table


def registration_status(campaign: Campaign, year: int, registrations: Table) -> pd.DataFrame:
    """Per unit: on time / late / not registered (``Registration``), against the year's registration deadline."""
    deadline = campaign.deadline(year, "registration")
    rows = {r["unit"]: r for r in registrations.rows if r["year"] == year}
    out = []
    for u in campaign.units_of(year):  # only units that exist (and take part) that year register
        r = rows.get(u.code)
        when = (r["plan_date"] or r["registered"]) if r else None
        status = Registration.NONE if not r else (
            Registration.LATE if deadline and when and when > deadline else Registration.ON_TIME)
        out.append({"group": u.group, "unit": u.code, "unit_name": u.name, "status": status,
                    "registered": r["registered"] if r else None, "plan_number": r["plan_number"] if r else "",
                    "plan_date": r["plan_date"] if r else None, "deadline": deadline})
    return pd.DataFrame(out)


def load_initiatives(campaign: Campaign) -> Table:
    table, records, _ = read_table(campaign.root / "initiatives.csv", "initiatives.csv", INITIATIVE_COLUMNS,
                                REQUIRED["initiatives"])
    seen: dict[str, int] = {}
    for row, cells in records:
        ident, unit = code_text(cells.get("id")).upper(), code_text(cells.get("unit")).upper()
        if not ident or is_blank(cells.get("title")):
            table.problems.append(P.make(P.Code.VALUE_REQUIRED, **at(table, row), value="mã hoặc tên sáng kiến"))
            continue
        if ident in seen:
            table.problems.append(P.make(P.Code.INITIATIVE_DUPLICATE, **at(table, row, "id"), value=ident,
                                         expected=seen[ident]))
            continue
        if campaign.unit(unit) is None:
            table.problems.append(P.make(P.Code.UNIT_UNKNOWN, **at(table, row, "unit"), value=unit))
            continue
        raw = cells.get("recognised_on")
        recognised = parse_date(raw) if not is_blank(raw) else None
        if not is_blank(raw) and recognised is None:
            table.problems.append(P.make(P.Code.DATE_INVALID, **at(table, row, "recognised_on"),
                                         value=cell_text(raw)))
            continue
        seen[ident] = row
        table.rows.append({"id": ident, "title": cell_text(cells.get("title")), "unit": unit,
                           "authors": [a.strip() for a in cell_text(cells.get("authors")).split(";") if a.strip()],
                           "recognised_by": cell_text(cells.get("recognised_by")), "recognised_on": recognised,
                           "scope": cell_text(cells.get("scope")), "row": row})
    return table


def load_nominations(campaign: Campaign, year: int, initiatives: Table) -> Table:
    path = campaign.root / "nominations" / f"{year}.csv"
    if not path.exists() and path.with_suffix(".xlsx").exists():
        path = path.with_suffix(".xlsx")
    table, records, _ = read_table(path, f"nominations/{path.name}", NOMINATION_COLUMNS, REQUIRED["nominations"])
    known = {r["id"] for r in initiatives.rows}
    taking_part, departed = {u.code for u in campaign.units_of(year)}, campaign.departed(year)
    seen: dict[tuple[str, str], int] = {}
    for row, cells in records:
        name, unit = " ".join(cell_text(cells.get("name")).split()), code_text(cells.get("unit")).upper()
        if not name:
            table.problems.append(P.make(P.Code.VALUE_REQUIRED, **at(table, row, "name"), value="họ tên"))
            continue
        if campaign.unit(unit) is None:
            table.problems.append(P.make(P.Code.UNIT_UNKNOWN, **at(table, row, "unit"), value=unit))
            continue
        if unit not in taking_part:  # the unit where the person worked that year: it must exist that year
            why = departed[unit].text if unit in departed else "chưa thành lập"
            table.problems.append(P.make(P.Code.UNIT_NOT_IN_YEAR, **at(table, row, "unit"), value=unit,
                                         expected=year, detail=why))
            continue
        person = code_text(cells.get("person_id")).upper()
        key = (person, "") if person else (header_key(name), unit)  # a person id follows the person across units
        if key in seen:
            table.problems.append(P.make(P.Code.PERSON_DUPLICATE, **at(table, row, "name"), value=name, detail=unit,
                                         expected=seen[key]))
            continue
        rating = _RATING_KEYS.get(header_key(cells.get("rating")))
        if rating is None:
            table.problems.append(P.make(P.Code.RATING_UNKNOWN, **at(table, row, "rating"),
                                         value=cell_text(cells.get("rating")), expected="; ".join(RATINGS)))
            continue
        initiative = code_text(cells.get("initiative")).upper()
        if initiative and initiative not in known:
            table.problems.append(P.make(P.Code.INITIATIVE_UNKNOWN, **at(table, row, "initiative"),
                                         value=initiative))
            continue
        seen[key] = row
        table.rows.append({"year": year, "name": name, "unit": unit, "position": cell_text(cells.get("position")),
                           "person": person or f"{header_key(name)}|{unit}",
                           "rating": rating, "initiative": initiative,
                           "discipline": header_key(cells.get("discipline")) in _YES, "row": row})
    return table


@dataclass
class Movement:
    """The movement's files as a year sees them: campaign-wide registrations and initiatives, the year's nominations."""

    registrations: Table
    initiatives: Table
    nominations: Table
    records: Records  # campaign-wide: people, collectives, award history, holds (kit.intake.records)
    inspections: Table = field(default_factory=lambda: Table("inspections"))  # the year's: the inspections feed's
    assignments: Table = field(default_factory=lambda: Table("assignments.csv"))  # campaign-wide: who appraises what
    registry: Accounts = field(default_factory=Accounts)  # campaign-wide: who may act (kit.intake.accounts)

    @property
    def problems(self) -> list[P.Problem]:
        return self.registrations.problems + self.initiatives.problems + self.nominations.problems \
            + self.inspections.problems + self.assignments.problems + self.registry.problems


def load_movement(campaign: Campaign, year: int, feeds: Feeds | None = None) -> Movement:
    """The movement's files of ``year``; the inspection register is the inspections feed's detail (``feeds``:
    the year's feeds already read, kit.intake.check ``CheckReport.feeds``; otherwise read here)."""
    from kit.intake.accounts import load_accounts
    from kit.intake.assignments import load_assignments
    from kit.intake.records import load_records  # records read tables the way this module does

    initiatives = load_initiatives(campaign)
    table = feeds.get(INSPECTIONS.name) if feeds is not None else None
    register = table.detail if table is not None and table.detail is not None else \
        read_feed(INSPECTIONS, campaign, year).detail
    assert register is not None, "the inspections feed keeps its register"
    accounts = load_accounts(campaign)
    return Movement(load_registrations(campaign), initiatives, load_nominations(campaign, year, initiatives),
                    load_records(campaign), register, load_assignments(campaign, accounts), accounts)
