"""Units over time: when each unit exists, and which units took over from which (lineage).

On 1/7/2025 the district level was abolished and communes merged (Châu Thành's 15 became 8); district offices had
already been reorganised from 1/3/2025. So a unit has a validity (``valid_from``/``valid_to`` in units.csv) and
``lineage.csv`` says who succeeded whom: predecessor, successor, the share of a predecessor that was split, the
effective date and the legal basis. A predecessor from outside the campaign (a commune of another district merged
into a successor) is named, not scored.

Who takes part in a year follows one rule (``Roster``): a unit active during part of the year takes part for that
part (a district office to 30/6/2025), except a unit merged into successors during the year, which the successors
represent for that year ("Đã sáp nhập vào …"). A unit that no longer exists shows as merged or ceased, never as
"Chưa nộp".
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from kit.core import problems as P
from kit.core import vn
from kit.core.errors import FileProblem
from kit.core.textfile import csv_rows
from kit.core.values import cell_text, code_text, parse_date, parse_number
from kit.core.vocab import Status

LINEAGE_FILE = "lineage.csv"
# A unit code names its files (NV_2024.xlsx, reports/2024/don-vi/NV-2024.html), so it is letters and digits only:
# no path separators, no "-" or "_" (they end the code in a file name), not a device name Windows reserves.
UNIT_CODE = re.compile(r"[A-Z0-9]{1,20}")
# Unit kinds (loại đơn vị), the optional ``kind`` column of units.csv: criteria may apply to some kinds only
# (kit.config.framework ``applies_to`` / ``not_for``). The codes are free but must be listed here; the labels are what
# users read.
UNIT_KINDS: dict[str, str] = {
    "xa": "Xã",
    "thi_tran": "Thị trấn",
    "phuong": "Phường",
    "phong": "Phòng chuyên môn",
    "van_phong": "Văn phòng HĐND và UBND",
    "thanh_tra": "Thanh tra",
    "nganh_doc": "Cơ quan ngành dọc",
    "su_nghiep": "Đơn vị sự nghiệp",
    "so": "Sở",  # a province's departments (a province's own campaign: kit init --example tinh)
    "ban": "Ban",  # a province's boards (Ban Quản lý khu kinh tế…)
}
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    group: str
    valid_from: dt.date | None = None  # None: since before the campaign
    valid_to: dt.date | None = None  # None: still exists
    kind: str = ""  # a key of UNIT_KINDS, or "" (every criterion of the group's framework applies)
    parent: str = ""  # the body a unit of another hierarchy reports to (a vertical agency's: "Công an tỉnh …")

    def active_between(self, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
        """The part of [start, end] this unit exists in, or None."""
        first = max(start, self.valid_from or start)
        last = min(end, self.valid_to or end)
        return (first, last) if first <= last else None


@dataclass(frozen=True)
class Lineage:
    """One predecessor → successor link (a merged unit has one per successor when split)."""

    predecessor: str  # a unit code of the campaign, or "" for a unit from outside it
    predecessor_name: str  # how the documents name it (from units.csv for the campaign's own units)
    successor: str
    share: float  # the part of the predecessor the successor took over (1 when whole)
    effective: dt.date
    basis: str  # the legal basis, e.g. "Nghị quyết 1682/NQ-UBTVQH15"
    row: int


@dataclass(frozen=True)
class Departure:
    """Why a unit that existed takes no part in a year: merged (with its successors) or ceased."""

    status: Status  # Status.MERGED or Status.CEASED
    since: dt.date  # the first day it no longer existed
    successors: tuple[str, ...]  # successor names, for display

    @property
    def text(self) -> str:
        when = f"{self.since:%d/%m/%Y}"
        if self.status == Status.MERGED:
            return f"Đã sáp nhập vào {', '.join(self.successors)} từ {when}"
        return f"Ngừng hoạt động từ {when}"


def load_units(path: Path, groups: dict[str, str], problems: list[P.Problem]) -> list[Unit]:
    """units.csv: code, name, group, and optionally valid_from / valid_to (dd/mm/yyyy or yyyy-mm-dd), kind
    (UNIT_KINDS) and parent (the body above a vertical agency, which heads its documents)."""
    if not path.exists():
        problems.append(P.make(P.Code.CONFIG_MISSING, file=path, value="units.csv"))
        return []
    units: dict[str, Unit] = {}
    try:
        rows = csv_rows(path)
    except FileProblem as exc:
        problems.append(exc.problem)
        return []
    for row_no, row in enumerate(rows, start=2):
        code = code_text(row.get("code")).upper()
        dates = {}
        for name in ("valid_from", "valid_to"):
            raw = cell_text(row.get(name))
            dates[name] = parse_date(raw) if raw else None
            if raw and dates[name] is None:
                problems.append(P.make(P.Code.DATE_INVALID, file=path, row=row_no, column=name, value=raw))
        kind = cell_text(row.get("kind"))
        if kind and kind not in UNIT_KINDS:
            problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=row_no, column="kind",
                                   detail=f"loại đơn vị \"{kind}\" không có; dùng một trong: "
                                          f"{', '.join(UNIT_KINDS)} (hoặc để trống)"))
            kind = ""
        unit = Unit(code, cell_text(row.get("name")), cell_text(row.get("group")), dates["valid_from"],
                    dates["valid_to"], kind, cell_text(row.get("parent")))
        if not code or not unit.name:
            problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=row_no, detail="thiếu mã hoặc tên đơn vị"))
        elif not UNIT_CODE.fullmatch(code) or code in _RESERVED:
            problems.append(P.make(P.Code.UNIT_CODE_INVALID, file=path, row=row_no, column="code", value=code))
        elif unit.group not in groups:
            problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=row_no, column="group",
                                   detail=f"nhóm \"{unit.group}\" không có trong campaign.yml"))
        elif code in units and units[code].group != unit.group:
            problems.append(P.make(P.Code.UNIT_TWO_GROUPS, file=path, row=row_no, value=code,
                                   detail=f"{units[code].group} và {unit.group}"))
        elif code in units:
            problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=row_no, detail=f"đơn vị {code} bị lặp"))
        elif unit.valid_from and unit.valid_to and unit.valid_from > unit.valid_to:
            problems.append(P.make(P.Code.UNIT_DATES, file=path, row=row_no, column="valid_to", value=code,
                                   detail=f"kết thúc {unit.valid_to:%d/%m/%Y} trước khi bắt đầu "
                                          f"{unit.valid_from:%d/%m/%Y}"))
        else:
            units[code] = unit
    return list(units.values())


def load_lineage(path: Path, units: dict[str, Unit], problems: list[P.Problem]) -> list[Lineage]:
    """lineage.csv (optional): predecessor, successor, share, effective, basis, predecessor_name. Every problem is
    listed with its row: unknown units, shares of a split not adding to 1, a successor that begins before its
    predecessor ends, a predecessor still active on the effective date, cycles."""
    if not path.exists():
        return []
    try:
        rows = csv_rows(path)
    except FileProblem as exc:
        problems.append(exc.problem)
        return []
    links: list[Lineage] = []
    for row_no, row in enumerate(rows, start=2):
        before, after = code_text(row.get("predecessor")).upper(), code_text(row.get("successor")).upper()
        name = cell_text(row.get("predecessor_name"))
        raw_share, raw_date = cell_text(row.get("share")), cell_text(row.get("effective"))
        share = parse_number(raw_share) if raw_share else 1.0
        effective = parse_date(raw_date)
        where: P.AtRow = {"file": path, "row": row_no}
        bad = len(problems)
        if after not in units:
            problems.append(P.make(P.Code.LINEAGE_INVALID, **where, column="successor",
                                   detail=f"đơn vị kế thừa \"{after}\" không có trong units.csv"))
        if before and before not in units:
            problems.append(P.make(P.Code.LINEAGE_INVALID, **where, column="predecessor",
                                   detail=f"đơn vị \"{before}\" không có trong units.csv (đơn vị ngoài đợt thi đua: "
                                          "để trống cột predecessor và ghi tên ở cột predecessor_name)"))
        if not before and not name:
            problems.append(P.make(P.Code.LINEAGE_INVALID, **where, column="predecessor",
                                   detail="thiếu đơn vị cũ (mã ở cột predecessor hoặc tên ở cột predecessor_name)"))
        if share is None or not 0 < share <= 1:
            problems.append(P.make(P.Code.LINEAGE_INVALID, **where, column="share",
                                   detail=f"tỷ lệ \"{raw_share}\" phải là số trong khoảng (0; 1], ví dụ 0,5"))
        if effective is None:
            problems.append(P.make(P.Code.DATE_INVALID if raw_date else P.Code.VALUE_REQUIRED, **where,
                                   column="effective", value=raw_date or "ngày hiệu lực (cột effective)"))
        if len(problems) > bad:
            continue
        assert effective is not None and share is not None
        old, new = units.get(before), units[after]
        if before == after:
            problems.append(P.make(P.Code.LINEAGE_INVALID, **where, detail=f"{after} không thể kế thừa chính nó"))
            continue
        if old is not None and (old.valid_to is None or old.valid_to >= effective):
            problems.append(P.make(P.Code.LINEAGE_INVALID, **where, column="predecessor",
                                   detail=f"{before} vẫn hoạt động vào ngày hiệu lực {effective:%d/%m/%Y}: hãy ghi "
                                          f"valid_to của {before} trong units.csv (ngày cuối cùng còn hoạt động)"))
        if old is not None and old.valid_to is not None and new.valid_from is not None \
                and new.valid_from <= old.valid_to:
            problems.append(P.make(P.Code.LINEAGE_INVALID, **where, column="successor",
                                   detail=f"{after} bắt đầu ({new.valid_from:%d/%m/%Y}) trước khi {before} kết thúc "
                                          f"({old.valid_to:%d/%m/%Y})"))
        links.append(Lineage(before, old.name if old else name, after, share, effective,
                             cell_text(row.get("basis")), row_no))
    shares: dict[str, float] = defaultdict(float)
    for link in links:
        if link.predecessor:
            shares[link.predecessor] += link.share
    for code, total in shares.items():
        if abs(total - 1) > 1e-6:
            first = next(x for x in links if x.predecessor == code)
            problems.append(P.make(P.Code.LINEAGE_INVALID, file=path, row=first.row, column="share",
                                   detail=f"các phần của {code} cộng lại bằng {vn.points(total)}, phải bằng 1"))
    cycle = _cycle(links)
    if cycle:
        problems.append(P.make(P.Code.LINEAGE_INVALID, file=path, detail="vòng lặp kế thừa: " + " → ".join(cycle)))
    return links


def _cycle(links: list[Lineage]) -> list[str]:
    """A chain of successions that comes back to where it started, or []."""
    successors: dict[str, list[str]] = defaultdict(list)
    for link in links:
        if link.predecessor:
            successors[link.predecessor].append(link.successor)
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(code: str, path: list[str]) -> list[str]:
        state[code] = 1
        for nxt in successors.get(code, []):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], code, nxt] if nxt in path else [code, nxt]
            if state.get(nxt) is None:
                found = visit(nxt, [*path, code])
                if found:
                    return found
        state[code] = 2
        return []

    for code in list(successors):
        if state.get(code) is None:
            found = visit(code, [])
            if found:
                return found
    return []


@dataclass(frozen=True)
class Roster:
    """Who takes part in each year of a campaign, and why the others do not (the one rule; see the module)."""

    units: tuple[Unit, ...]
    lineage: tuple[Lineage, ...]
    period_end: dt.date

    @functools.cached_property
    def names(self) -> dict[str, str]:
        """Every unit's name by its code, past ones included (the one name map of the kit)."""
        return {u.code: u.name for u in self.units}

    def span(self, unit: Unit, year: int) -> tuple[dt.date, dt.date] | None:
        """The part of ``year`` (within the campaign's period) ``unit`` takes part for, or None."""
        end = min(dt.date(year, 12, 31), self.period_end)
        part = unit.active_between(dt.date(year, 1, 1), end)
        if part is None or self.departure(unit, year) is not None:
            return None
        return part

    def departure(self, unit: Unit, year: int) -> Departure | None:
        """Why an existing unit takes no part in ``year``: merged during or before it, or ceased before it."""
        if unit.valid_to is None or unit.valid_to >= min(dt.date(year, 12, 31), self.period_end):
            return None
        if unit.valid_from is not None and unit.valid_from > dt.date(year, 12, 31):
            return None  # not yet: simply not part of that year
        after = [x for x in self.lineage if x.predecessor == unit.code]
        since = unit.valid_to + dt.timedelta(days=1)
        names = self.names
        if after and since.year <= year:
            return Departure(Status.MERGED, since, tuple(names.get(x.successor, x.successor) for x in after))
        if since <= dt.date(year, 1, 1):
            return Departure(Status.CEASED, since, ())
        return None  # ceased during the year without successors: it takes part for the months it existed

    def taking_part(self, year: int) -> list[Unit]:
        return [u for u in self.units if self.span(u, year) is not None]

    def departed(self, year: int) -> dict[str, Departure]:
        return {u.code: d for u in self.units if (d := self.departure(u, year)) is not None}

    def partial(self, year: int) -> dict[str, tuple[dt.date, dt.date]]:
        """Units taking part for only part of ``year``: code → (first day, last day)."""
        full = (dt.date(year, 1, 1), dt.date(year, 12, 31))
        return {u.code: s for u in self.units if (s := self.span(u, year)) is not None and s != full}

    def heirs(self, last_year: int) -> list[Unit]:
        """Units that took over from others and exist at the end of the period (each gets its own final
        summing-up, carrying its predecessors' results)."""
        return [u for u in self.taking_part(last_year) if self.predecessors(u.code)
                and (u.valid_to is None or u.valid_to >= self.period_end)]

    def predecessors(self, code: str) -> list[Lineage]:
        return [x for x in self.lineage if x.successor == code]

    def successors(self, code: str) -> list[Lineage]:
        return [x for x in self.lineage if x.predecessor == code]


def never_active(roster: Roster, years: list[int], path: Path) -> list[P.Problem]:
    """A unit that takes part in no year of the campaign and is no one's predecessor is most likely a typo in its
    dates."""
    out = []
    for unit in roster.units:
        if all(roster.span(unit, y) is None for y in years) and not roster.successors(unit.code):
            out.append(P.make(P.Code.UNIT_DATES, P.WARNING, file=path, value=unit.code,
                              detail="không tham gia năm nào của đợt thi đua"))
    return out
