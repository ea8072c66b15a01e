"""What the office keeps about people and collectives: records, award history and holds.

Files in the campaign (CSV UTF-8 or .xlsx, headers in Vietnamese or English, checked like every other input;
each optional):
    people.csv         person_id, name, gender (Nam/Nữ), birth_date (optional), position
    collectives.csv    unit, headcount, women (how many of them are women)
    award_history.csv  person_id (empty for a collective), unit, title, decision, date, issuer, year, thematic
    holds.csv          person_id (empty for a collective), unit, kind, start, end, reference, note

The award history is the office's register of decisions already issued (the kit never writes it); a revocation
is a human decision recorded in the gradebook (``kit awards revoke``) and applied on top when the history is
read, so the register and the revocation both stay as they were written. A hold (discipline being considered,
inspection, complaint, press case) blocks a proposal while it is open; a discipline blocks during its term and,
after it, only achievements after its end count (Decree 152/2025 Art. 4, as the pack in force cites it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kit.config.campaign import Campaign
from kit.config.rules import Title
from kit.core import problems as P
from kit.core.values import cell_text, code_text, is_blank, parse_date, parse_number
from kit.core.vocab import Gender, Hold, Kind, parse
from kit.intake.layout import header_key
from kit.intake.movement import at
from kit.intake.tables import Table, read_table

PEOPLE_COLUMNS = {"person": {"ma ca nhan", "ma cong chuc", "ma dinh danh", "person id", "person_id"},
                  "name": {"ho ten", "ho va ten", "name"}, "gender": {"gioi tinh", "gender"},
                  "birth_date": {"ngay sinh", "birth date", "birth_date"}, "position": {"chuc vu", "position"}}
COLLECTIVE_COLUMNS = {"unit": {"ma don vi", "don vi", "unit"},
                      "headcount": {"so nguoi", "tong so", "bien che", "headcount"},
                      "women": {"so nu", "nu", "women"}}
HISTORY_COLUMNS = {"person": PEOPLE_COLUMNS["person"], "unit": {"ma don vi", "don vi", "unit"},
                   "title": {"hinh thuc", "hinh thuc khen thuong", "danh hieu", "title"},
                   "decision": {"so quyet dinh", "quyet dinh", "decision"},
                   "date": {"ngay quyet dinh", "ngay", "date"}, "issuer": {"cap khen", "nguoi ky", "co quan", "issuer"},
                   "year": {"nam thanh tich", "nam", "year"}, "thematic": {"theo chuyen de", "chuyen de", "thematic"}}
HOLD_COLUMNS = {"person": PEOPLE_COLUMNS["person"], "unit": {"ma don vi", "don vi", "unit"},
                "kind": {"loai", "truong hop", "kind"}, "start": {"tu ngay", "ngay bat dau", "start"},
                "end": {"den ngay", "ngay ket thuc", "end"}, "reference": {"so van ban", "can cu", "reference"},
                "note": {"ghi chu", "note"}}
_HOLD_WORDS = {"xem xet ky luat": Hold.DISCIPLINE_REVIEW, "ky luat": Hold.DISCIPLINE, "thanh tra": Hold.INSPECTION,
               "kiem tra": Hold.INSPECTION, "khieu nai": Hold.COMPLAINT, "to cao": Hold.COMPLAINT,
               "bao chi": Hold.PRESS}
_YES = {"co", "x", "yes", "1", "true"}
_NO = {"khong", "no", "0", "false", ""}


def decision_key(number: object) -> str:
    """A decision number as compared: "123/QĐ-UBND", "123/qđ-ubnd " and "123 / QD-UBND" are one decision."""
    return "".join(header_key(number).split())


@dataclass
class Records:
    """People, collectives, the award history and the holds, each a checked table."""

    people: Table
    collectives: Table
    history: Table
    holds: Table

    @property
    def problems(self) -> list[P.Problem]:
        return self.people.problems + self.collectives.problems + self.history.problems + self.holds.problems

    def person(self, ident: str) -> dict | None:
        return next((p for p in self.people.rows if p["person"] == ident), None)

    def women_first(self, kind: Kind, subject: str) -> bool:
        """The legal priority: a woman, or a collective at least 70 % of whose members are women."""
        if kind == Kind.INDIVIDUAL:
            person = self.person(subject)
            return person is not None and person["gender"] == Gender.FEMALE
        row = next((c for c in self.collectives.rows if c["unit"] == subject), None)
        return row is not None and row["women"] >= 0.7 * row["headcount"] > 0

    def history_of(self, kind: Kind, subject: str, revoked: dict[str, dict] | None = None) -> list[dict]:
        """The subject's awards, each marked ``revoked`` (with the revocation) when a revocation names it."""
        out = []
        for a in self.history.rows:
            if a["kind"] == kind and a["subject"] == subject:
                event = (revoked or {}).get(f"{decision_key(a['decision'])}|{subject}")
                out.append({**a, "revoked": event is not None, "revocation": event})
        return out

    def holds_of(self, kind: Kind, subject: str) -> list[dict]:
        return [h for h in self.holds.rows if h["kind_of"] == kind and h["subject"] == subject]


def _file(root: Path, name: str) -> Path:
    path = root / name
    return path if path.exists() or not path.with_suffix(".xlsx").exists() else path.with_suffix(".xlsx")


def _date(table: Table, row: int, cells: dict, name: str) -> tuple[dt.date | None, bool]:
    """(the date, whether the cell was fine): a blank cell is None and fine."""
    raw = cells.get(name)
    if is_blank(raw):
        return None, True
    day = parse_date(raw)
    if day is None:
        table.problems.append(P.make(P.Code.DATE_INVALID, **at(table, row, name), value=cell_text(raw)))
    return day, day is not None


def _subject(campaign: Campaign, table: Table, row: int, cells: dict, known: set[str] | None
             ) -> tuple[Kind, str, str] | None:
    """(kind, subject, unit): a person by id (checked against people.csv), else a collective by unit code."""
    person, unit = code_text(cells.get("person")).upper(), code_text(cells.get("unit")).upper()
    if unit and campaign.unit(unit) is None:
        table.problems.append(P.make(P.Code.UNIT_UNKNOWN, **at(table, row, "unit"), value=unit))
        return None
    if person:
        if known is not None and person not in known:
            table.problems.append(P.make(P.Code.PERSON_UNKNOWN, **at(table, row, "person"), value=person))
            return None
        return Kind.INDIVIDUAL, person, unit
    if not unit:
        table.problems.append(P.make(P.Code.VALUE_REQUIRED, **at(table, row, "unit"),
                                     value="mã cá nhân (cá nhân) hoặc mã đơn vị (tập thể)"))
        return None
    return Kind.COLLECTIVE, unit, unit


def load_people(campaign: Campaign) -> Table:
    table, records, _ = read_table(_file(campaign.root, "people.csv"), "people.csv", PEOPLE_COLUMNS, ["person", "name"])
    seen: dict[str, int] = {}
    for row, cells in records:
        ident, name = code_text(cells.get("person")).upper(), " ".join(cell_text(cells.get("name")).split())
        if not ident or not name:
            table.problems.append(P.make(P.Code.VALUE_REQUIRED, **at(table, row), value="mã cá nhân và họ tên"))
            continue
        if ident in seen:
            table.problems.append(P.make(P.Code.RECORD_DUPLICATE, **at(table, row, "person"), value=ident,
                                         expected=seen[ident]))
            continue
        gender = _gender(cells.get("gender"))
        if gender is None and not is_blank(cells.get("gender")):
            table.problems.append(P.make(P.Code.RECORD_INVALID, **at(table, row, "gender"), detail=(
                f"Giới tính \"{cell_text(cells.get('gender'))}\" không hợp lệ; ghi Nam hoặc Nữ.")))
            continue
        born, fine = _date(table, row, cells, "birth_date")
        if not fine:
            continue
        seen[ident] = row
        table.rows.append({"person": ident, "name": name, "gender": gender, "birth_date": born,
                           "position": cell_text(cells.get("position")), "row": row})
    return table


def _gender(value: object) -> Gender | None:
    return parse(Gender, value) or {"f": Gender.FEMALE, "m": Gender.MALE}.get(header_key(value))


def load_collectives(campaign: Campaign) -> Table:
    table, records, _ = read_table(_file(campaign.root, "collectives.csv"), "collectives.csv", COLLECTIVE_COLUMNS,
                                ["unit", "headcount", "women"])
    seen: dict[str, int] = {}
    for row, cells in records:
        unit = code_text(cells.get("unit")).upper()
        if campaign.unit(unit) is None:
            table.problems.append(P.make(P.Code.UNIT_UNKNOWN, **at(table, row, "unit"), value=unit))
            continue
        if unit in seen:
            table.problems.append(P.make(P.Code.RECORD_DUPLICATE, **at(table, row, "unit"), value=unit,
                                         expected=seen[unit]))
            continue
        headcount, women = parse_number(cells.get("headcount")), parse_number(cells.get("women"))
        if headcount is None or women is None or headcount < 1 or not 0 <= women <= headcount \
                or headcount != int(headcount) or women != int(women):
            table.problems.append(P.make(P.Code.RECORD_INVALID, **at(table, row, "women"), detail=(
                "Số người và số nữ phải là số nguyên, số người ≥ 1 và số nữ không quá số người "
                f"(đang ghi: {cell_text(cells.get('headcount'))}, {cell_text(cells.get('women'))}).")))
            continue
        seen[unit] = row
        table.rows.append({"unit": unit, "headcount": int(headcount), "women": int(women), "row": row})
    return table


def load_history(campaign: Campaign, titles: dict[str, Title], people: Table) -> Table:
    """The office's register of awards; a row naming an unknown person or unit, without a decision number or a
    valid date is refused with its row; a title the rules do not know is kept (warned) but never counted."""
    table, records, _ = read_table(_file(campaign.root, "award_history.csv"), "award_history.csv", HISTORY_COLUMNS,
                                ["title", "decision", "date"])
    known = {p["person"] for p in people.rows}
    seen: dict[tuple[str, str, str], int] = {}
    for row, cells in records:
        subject = _subject(campaign, table, row, cells, known)
        if subject is None:
            continue
        kind, ident, unit = subject
        decision, written = cell_text(cells.get("decision")).strip(), cell_text(cells.get("title")).strip()
        if not decision or not written:
            table.problems.append(P.make(P.Code.VALUE_REQUIRED, **at(table, row), value="số quyết định và hình thức"))
            continue
        day, fine = _date(table, row, cells, "date")
        if day is None:
            if fine:
                table.problems.append(P.make(P.Code.VALUE_REQUIRED, **at(table, row, "date"), value="ngày quyết định"))
            continue
        title = _title(written, kind, titles)
        if title is None:
            table.problems.append(P.make(P.Code.AWARD_TITLE_UNKNOWN, P.WARNING, **at(table, row, "title"),
                                         value=written))
        year = parse_number(cells.get("year"))
        thematic = header_key(cells.get("thematic"))
        if thematic not in _YES | _NO:
            table.problems.append(P.make(P.Code.RECORD_INVALID, **at(table, row, "thematic"), detail=(
                f"Cột \"theo chuyên đề\" ghi \"{cell_text(cells.get('thematic'))}\"; ghi Có hoặc Không.")))
            continue
        key = (decision_key(decision), ident, title.code if title else written)
        if key in seen:
            table.problems.append(P.make(P.Code.RECORD_DUPLICATE, P.WARNING, **at(table, row, "decision"),
                                         value=f"{decision} — {ident}", expected=seen[key]))
            continue
        seen[key] = row
        table.rows.append({"kind": kind, "subject": ident, "unit": unit, "code": title.code if title else "",
                           "title": title.name if title else written, "decision": decision, "date": day,
                           "issuer": cell_text(cells.get("issuer")), "year": int(year) if year else day.year,
                           "thematic": thematic in _YES if thematic else bool(title and title.thematic), "row": row})
    return table


def _title(written: str, kind: Kind, titles: dict[str, Title]) -> Title | None:
    """A title by its code, or by its name for the subject's kind (the office writes names)."""
    if written in titles:
        return titles[written]
    wanted = header_key(written)
    return next((t for t in titles.values() if t.kind == kind and header_key(t.name) == wanted), None)


def load_holds(campaign: Campaign, people: Table) -> Table:
    table, records, _ = read_table(_file(campaign.root, "holds.csv"), "holds.csv", HOLD_COLUMNS, ["kind", "start"])
    known = {p["person"] for p in people.rows}
    for row, cells in records:
        subject = _subject(campaign, table, row, cells, known)
        if subject is None:
            continue
        written = header_key(cells.get("kind"))
        kind = parse(Hold, cells.get("kind")) or next((h for word, h in _HOLD_WORDS.items() if word in written), None)
        if kind is None:
            table.problems.append(P.make(P.Code.RECORD_INVALID, **at(table, row, "kind"), detail=(
                f"Loại \"{cell_text(cells.get('kind'))}\" không có; dùng: " + "; ".join(h.label for h in Hold) + ".")))
            continue
        start, fine_start = _date(table, row, cells, "start")
        end, fine_end = _date(table, row, cells, "end")
        if not (fine_start and fine_end):
            continue
        if start is None or (end is not None and end < start):
            table.problems.append(P.make(P.Code.RECORD_INVALID, **at(table, row, "end"), detail=(
                "Cần ngày bắt đầu; ngày kết thúc (nếu có) không được trước ngày bắt đầu.")))
            continue
        table.rows.append({"kind_of": subject[0], "subject": subject[1], "unit": subject[2], "kind": kind,
                           "start": start, "end": end, "reference": cell_text(cells.get("reference")),
                           "note": cell_text(cells.get("note")), "row": row})
    return table


def load_records(campaign: Campaign) -> Records:
    titles = campaign.rules.titles if campaign.rules else {}
    people = load_people(campaign)
    return Records(people, load_collectives(campaign), load_history(campaign, titles, people),
                   load_holds(campaign, people))


def revoked_index(events: list[dict]) -> dict[str, dict]:
    """``decision key|subject`` → the revocation event (the first one recorded counts)."""
    out: dict[str, dict] = {}
    for e in sorted(events, key=lambda e: e["id"]):
        out.setdefault(f"{decision_key(e['decision'])}|{e['subject']}", e)
    return out
