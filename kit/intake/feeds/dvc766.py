"""The service index of Decision 766/QĐ-TTg (Bộ chỉ số phục vụ người dân, doanh nghiệp), as the portal gives it.

The National Public Service Portal (dichvucong.gov.vn) scores every agency and commune of a province on the
index, by year, half, quarter or month. An office saves the page's table (xlsx or CSV, Vietnamese headers or the
portal's field codes), or the JSON the page loads, one file per period, in ``feeds/dvc766/<year>/``; the file's
name says the period (``nam``, ``quy-1`` … ``quy-4``, ``6-thang-dau``/``6-thang-cuoi``, ``thang-03``; or
``Q1``, ``H1``, ``M03``, optionally after the year: ``2025-Q1``). The portal names agencies its own way, so a
mapping file (``feeds/dvc766/mapping.csv``: name on the portal, the portal's agency code MA_COQUAN, unit code)
says which unit each is; a name exactly equal to one unit's name needs no line. A name that matches no unit, or
several, is listed, never guessed.

What was verified, and from where, is in README ("Bộ chỉ số 766"): the five groups and their maxima from the
decision as published by provincial departments; the portal's field codes from a public client that reads the
page's JSON. The two online-service fields (TTTT, CLGQ) are not certain: the decision gives their group 22 points
together, the client splits them 10 and 12 and is not consistent about which is which, so each is checked only
against the larger share (``Indicator.verified`` is False for them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from kit.config.campaign import Campaign
from kit.core import problems as P
from kit.core import vn
from kit.core.errors import FileProblem
from kit.core.textfile import read_text
from kit.core.values import cell_text, fold, is_blank, parse_number
from kit.intake.layout import header_key
from kit.intake.tables import _header, read_table

NAME = "dvc766"
FOLDER = Path("feeds") / NAME
MAPPING = FOLDER / "mapping.csv"
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".json", ".htm", ".html")
SOURCE = "Bộ chỉ số 766"


@dataclass(frozen=True)
class Indicator:
    """One column of the portal's table: its field code in the page's JSON, its name, its maximum."""

    key: str
    field: str
    label: str
    maximum: float
    verified: bool = True  # False: the maximum is an upper bound, not the decision's own figure
    headers: frozenset[str] = frozenset()  # header wordings (folded) a saved table may use


def _words(*texts: str) -> frozenset[str]:
    return frozenset(header_key(t) for t in texts)


INDICATORS: dict[str, Indicator] = {i.key: i for i in (
    Indicator("ckmb", "CKMB", "Công khai, minh bạch", 18, True, _words("CKMB", "Công khai, minh bạch",
                                                                        "Công khai minh bạch")),
    Indicator("tdgq", "TDGQ", "Tiến độ giải quyết", 20, True, _words("TDGQ", "Tiến độ giải quyết",
                                                                      "Tiến độ, kết quả giải quyết")),
    Indicator("clgq", "CLGQ", "Dịch vụ công trực tuyến", 12, False, _words("CLGQ", "Dịch vụ công trực tuyến",
                                                                           "Cung cấp dịch vụ công trực tuyến")),
    Indicator("tttt", "TTTT", "Thanh toán trực tuyến", 12, False, _words("TTTT", "Thanh toán trực tuyến")),
    Indicator("mdhl", "MDHL", "Mức độ hài lòng", 18, True, _words("MDHL", "Mức độ hài lòng")),
    Indicator("mdsh", "MDSH", "Số hóa hồ sơ", 22, True, _words("MDSH", "Số hóa hồ sơ", "Mức độ số hóa")),
    Indicator("tong", "TONG_SCORE", "Tổng điểm", 100, True, _words("TONG_SCORE", "Tổng điểm", "Điểm tổng",
                                                                     "Tổng")),
)}
GROUPS = [k for k in INDICATORS if k != "tong"]
# Names a framework line may use besides the field codes (``feed: dvc766.tien_do``); none for TTTT and CLGQ,
# whose meaning is not certain.
ALIASES = {"cong_khai": "ckmb", "tien_do": "tdgq", "hai_long": "mdhl", "so_hoa": "mdsh", "tong_diem": "tong"}

COLUMNS: dict[str, set[str]] = {
    "name": set(_words("TEN", "TEN_COQUAN", "Tên", "Tên cơ quan", "Tên đơn vị", "Cơ quan", "Đơn vị",
                       "Cơ quan, đơn vị")),
    "agency": set(_words("MA_COQUAN", "Mã cơ quan")),
    **{k: set(i.headers) for k, i in INDICATORS.items()},
}
MAPPING_COLUMNS: dict[str, set[str]] = {
    "name": set(_words("Tên trên Cổng", "Tên trên Cổng DVC", "Tên trên Cổng Dịch vụ công", "Tên cơ quan", "TEN",
                       "portal name")),
    "agency": set(_words("Mã cơ quan", "MA_COQUAN", "agency")),
    "unit": set(_words("Mã đơn vị", "unit")),
}
IGNORE = "-"  # a mapping line whose unit is "-": an agency that takes no part in the campaign


def indicator(name: str) -> Indicator | None:
    """The indicator a framework line names: its field code in any case ("TDGQ", "tdgq") or an alias."""
    key = name.strip().lower()
    return INDICATORS.get(ALIASES.get(key, key))


class PeriodKind(str, Enum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"


_COUNT = {PeriodKind.YEAR: 1, PeriodKind.HALF: 2, PeriodKind.QUARTER: 4, PeriodKind.MONTH: 12}
_ORDER = list(PeriodKind)


@dataclass(frozen=True)
class Period:
    """A period the portal scores: the year, a half, a quarter or a month (``number`` 1-based, 1 for the year)."""

    kind: PeriodKind
    number: int = 1

    @property
    def code(self) -> str:
        """As kept in tables: N, H1, Q3, M07."""
        return {PeriodKind.YEAR: "N", PeriodKind.HALF: f"H{self.number}", PeriodKind.QUARTER: f"Q{self.number}",
                PeriodKind.MONTH: f"M{self.number:02d}"}[self.kind]

    def label(self, year: int) -> str:
        """In Vietnamese, as a report writes it: "quý 2/2025", "6 tháng đầu năm 2025", "năm 2025"."""
        if self.kind is PeriodKind.YEAR:
            return f"năm {year}"
        if self.kind is PeriodKind.HALF:
            return f"6 tháng {'đầu' if self.number == 1 else 'cuối'} năm {year}"
        return f"{'quý' if self.kind is PeriodKind.QUARTER else 'tháng'} {self.number}/{year}"

    def first_month(self) -> int:
        return (self.number - 1) * 12 // _COUNT[self.kind] + 1

    @classmethod
    def of(cls, code: str) -> Period | None:
        """The period a table code names (``code`` above), or None."""
        m = re.fullmatch(r"N|([HQM])(\d{1,2})", code.strip().upper())
        if m is None:
            return None
        if not m.group(1):
            return cls(PeriodKind.YEAR)
        kind = {"H": PeriodKind.HALF, "Q": PeriodKind.QUARTER, "M": PeriodKind.MONTH}[m.group(1)]
        number = int(m.group(2))
        return cls(kind, number) if 1 <= number <= _COUNT[kind] else None


NAMING = "nam, quy-1 … quy-4, 6-thang-dau, 6-thang-cuoi, thang-01 … thang-12 (hoặc 2025-Q1, 2025-H1, 2025-M01)"
_NAME = re.compile(r"(?:(\d{4})[-_. ]*)?(.*)")
_KINDS = [(re.compile(r"(?:nam|ca-?nam|year|n)"), PeriodKind.YEAR, None),
          (re.compile(r"6-?thang-?dau(?:-?nam)?"), PeriodKind.HALF, 1),
          (re.compile(r"6-?thang-?cuoi(?:-?nam)?"), PeriodKind.HALF, 2),
          (re.compile(r"(?:h|6-?thang-?|nua-?nam-?)(\d{1,2})"), PeriodKind.HALF, None),
          (re.compile(r"(?:q|quy-?)(\d{1,2})"), PeriodKind.QUARTER, None),
          (re.compile(r"(?:m|t|thang-?)(\d{1,2})"), PeriodKind.MONTH, None)]


def period_of_name(stem: str) -> tuple[int | None, Period | None]:
    """The year (when the name starts with one) and the period a file's name says ("2025-quy-1" → 2025, Q1)."""
    text = re.sub(r"[\s_.]+", "-", fold(stem)).strip("-")
    m = _NAME.fullmatch(text)
    assert m is not None  # the pattern matches every text
    year, rest = (int(m.group(1)) if m.group(1) else None), m.group(2).strip("-")
    if year is not None and not rest:
        return year, Period(PeriodKind.YEAR)
    for pattern, kind, fixed in _KINDS:
        found = pattern.fullmatch(rest)
        if found is None:
            continue
        number = fixed or (int(found.group(1)) if found.groups() else 1)
        return year, (Period(kind, number) if 1 <= number <= _COUNT[kind] else None)
    return year, None


# --- the mapping of the portal's names to unit codes --------------------------------------------------------

@dataclass
class Mapping:
    """Portal agency code or folded portal name → unit codes ("-" for an agency outside the campaign)."""

    by_agency: dict[str, set[str]]
    by_name: dict[str, set[str]]
    units_by_name: dict[str, set[str]]  # the year's units by folded name: an exact equal name needs no line
    file: str

    def units(self, agency: str, name: str) -> set[str]:
        if agency and agency in self.by_agency:
            return self.by_agency[agency]
        key = _name_key(name)
        return self.by_name.get(key) or self.units_by_name.get(key, set())


def _name_key(name: object) -> str:
    return " ".join(fold(cell_text(name)).split())


def load_mapping(campaign: Campaign, year: int) -> tuple[Mapping, list[P.Problem]]:
    """The campaign's mapping file (absent: names must equal the units' names), with its problems."""
    label = MAPPING.as_posix()
    table, records, where = read_table(campaign.root / MAPPING, label, MAPPING_COLUMNS, ["name", "unit"])
    problems = list(table.problems)
    by_agency: dict[str, set[str]] = {}
    by_name: dict[str, set[str]] = {}
    for row, cells in records:
        unit = "".join(cell_text(cells.get("unit")).split()).upper()
        name, agency = _name_key(cells.get("name")), cell_text(cells.get("agency"))
        if not name and not agency:
            problems.append(P.make(P.Code.VALUE_REQUIRED, file=label, row=row, column=where.get("name", ""),
                                   value="tên cơ quan trên Cổng Dịch vụ công"))
            continue
        if not unit:
            problems.append(P.make(P.Code.VALUE_REQUIRED, file=label, row=row, column=where.get("unit", ""),
                                   value="mã đơn vị (ghi \"-\" nếu cơ quan không tham gia đợt thi đua)"))
            continue
        if unit != IGNORE and campaign.unit(unit) is None:
            problems.append(P.make(P.Code.UNIT_UNKNOWN, file=label, row=row, column=where.get("unit", ""),
                                   value=unit))
            continue
        if agency:
            by_agency.setdefault(agency, set()).add(unit)
        if name:
            by_name.setdefault(name, set()).add(unit)
    units_by_name: dict[str, set[str]] = {}
    for u in campaign.units_of(year):
        units_by_name.setdefault(_name_key(u.name), set()).add(u.code)
    return Mapping(by_agency, by_name, units_by_name, label), problems


# --- reading one saved file -----------------------------------------------------------------------------------

class _Tables(HTMLParser):
    """The cells of every <table> of a saved web page, row by row (a page saved as .xls is often one)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[object]] = []
        self.password = False
        self._row: list[object] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input" and any(k == "type" and (v or "").lower() == "password" for k, v in attrs):
            self.password = True
        elif tag == "tr":
            self._row = []
            self.rows.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _looks_like_html(path: Path) -> bool:
    head = path.read_bytes()[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta", b"<head", b"\xef\xbb\xbf<"))


def _login_page(text: str, parser: _Tables) -> bool:
    words = fold(text)
    return parser.password or any(w in words for w in ("dang nhap", "login", "mat khau", "password"))


Records = list[tuple[int, dict[str, object]]]


def _from_rows(rows: list[list[object]], label: str) -> tuple[Records, dict[str, str], list[P.Problem]]:
    i, found, missing = _header(rows, COLUMNS, ["name"])
    if missing or not set(INDICATORS) & set(found):
        what = "tên cơ quan" if missing else "điểm các nhóm chỉ số"
        return [], {}, [P.make(P.Code.FEED_NO_TABLE, file=label, detail=f"không có cột {what}")]
    records = []
    for k in range(i + 1, len(rows)):
        cells = {name: rows[k][j] if j < len(rows[k]) else None for name, j in found.items()}
        if not all(is_blank(v) for v in cells.values()):
            records.append((k + 1, cells))
    where = {name: f"{P.column_letter(j + 1)} ({cell_text(rows[i][j])})" for name, j in found.items()}
    return records, where, []


def _from_json(path: Path, label: str) -> tuple[Records, dict[str, str], list[P.Problem]]:
    try:
        data = json.loads(read_text(path, label))
    except FileProblem as exc:
        return [], {}, [P.Problem(**{**exc.problem.to_dict(), "file": label})]
    except ValueError as exc:
        return [], {}, [P.make(P.Code.FEED_NO_TABLE, file=label, detail=f"JSON không hợp lệ: {exc}")]
    items = data.get("data") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
        return [], {}, [P.make(P.Code.FEED_NO_TABLE, file=label, detail="JSON không phải danh sách cơ quan")]
    fields = {**{i.field: i.key for i in INDICATORS.values()}, "TEN": "name", "MA_COQUAN": "agency"}
    records = [(n, {fields[k]: v for k, v in item.items() if k in fields}) for n, item in enumerate(items, start=1)]
    if items and not any("name" in cells for _, cells in records):
        return [], {}, [P.make(P.Code.FEED_NO_TABLE, file=label, detail="JSON không có trường TEN")]
    return records, {"name": "TEN", "agency": "MA_COQUAN", **{i.key: i.field for i in INDICATORS.values()}}, []


def read_file(path: Path, label: str) -> tuple[Records, dict[str, str], list[P.Problem]]:
    """One saved table: (record number, field → raw value), where each field is, and why it cannot be read."""
    if path.suffix.lower() == ".json":
        return _from_json(path, label)
    if _looks_like_html(path) or path.suffix.lower() in (".htm", ".html"):
        try:
            text = read_text(path, label)
        except FileProblem as exc:
            return [], {}, [P.Problem(**{**exc.problem.to_dict(), "file": label})]
        parser = _Tables()
        parser.feed(text)
        records, where, problems = _from_rows(parser.rows, label)
        if problems and _login_page(text, parser):
            return [], {}, [P.make(P.Code.FEED_LOGIN_PAGE, file=label)]
        return records, where, problems
    table, records, where = read_table(path, label, COLUMNS, ["name"])
    if table.problems:
        return [], {}, table.problems
    if not set(INDICATORS) & set(where):
        return [], {}, [P.make(P.Code.FEED_NO_TABLE, file=label, detail="không có cột điểm các nhóm chỉ số")]
    return records, where, []


# --- the year's feed --------------------------------------------------------------------------------------------

@dataclass
class Feed766:
    """A year's scores per unit, period and indicator (``frame``: unit, period, indicator, value, file, row) and
    every problem found reading them."""

    year: int
    frame: pd.DataFrame
    problems: list[P.Problem]
    files: list[Path]


FRAME_COLUMNS = ["unit", "period", "indicator", "value", "file", "row"]


def feed_files(root: Path, year: int) -> list[Path]:
    """The saved tables of ``year`` (every input file the feed reads, with the mapping file)."""
    folder = root / FOLDER / str(year)
    found = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES) \
        if folder.is_dir() else []
    return found


def read_766(campaign: Campaign, year: int) -> Feed766:
    """Every saved table of ``year``, mapped to units and checked; a bad row or value is left out, located."""
    mapping, problems = load_mapping(campaign, year)
    taking_part = {u.code for u in campaign.units_of(year)}
    out: list[tuple] = []
    unmatched: dict[str, list[str]] = {}
    files = feed_files(campaign.root, year)
    by_period: dict[Period, list[tuple[Path, str]]] = {}
    for path in files:
        label = (FOLDER / str(year) / path.name).as_posix()
        named_year, period = period_of_name(path.stem)
        if period is None:
            problems.append(P.make(P.Code.FEED_PERIOD_INVALID, file=label, value=path.name, expected=NAMING))
            continue
        outside = named_year is not None and named_year != year
        late = _last_month(campaign, year) < period.first_month()
        if outside or late:
            detail = "" if outside else f" của đợt thi đua (đợt kết thúc {vn.date(campaign.year_end(year))})"
            problems.append(P.make(P.Code.FEED_PERIOD_OUTSIDE_YEAR, file=label,
                                   value=period.label(named_year or year), expected=year, detail=detail))
            continue
        by_period.setdefault(period, []).append((path, label))
    for period, paths in sorted(by_period.items(), key=lambda kv: (_ORDER.index(kv[0].kind), kv[0].number)):
        if len(paths) > 1:
            problems.append(P.make(P.Code.FEED_PERIOD_TWICE, file=paths[0][1], value=period.label(year),
                                   detail=", ".join(p.name for p, _ in paths)))
            continue
        path, label = paths[0]
        records, where, found = read_file(path, label)
        problems += found
        rows_of: dict[str, list[int]] = {}
        kept: list[tuple] = []
        for row, cells in records:
            name, agency = cell_text(cells.get("name")), cell_text(cells.get("agency"))
            units = mapping.units(agency, name)
            shown = f"{name} ({agency})" if agency else name
            if not units:
                unmatched.setdefault(shown, []).append(f"{path.name} dòng {row}")
                continue
            if units == {IGNORE}:
                continue
            if len(units) > 1:
                problems.append(P.make(P.Code.FEED_NAME_AMBIGUOUS, file=label, row=row,
                                       column=where.get("name", ""), value=shown,
                                       detail=", ".join(sorted(units)), expected=MAPPING.as_posix()))
                continue
            unit = next(iter(units))
            if unit not in taking_part:
                continue
            rows_of.setdefault(unit, []).append(row)
            values = {}
            for key, ind in INDICATORS.items():
                raw = cells.get(key)
                if is_blank(raw):
                    continue
                value = parse_number(raw)
                if value is None or not 0 <= value <= ind.maximum:
                    problems.append(P.make(P.Code.FEED_VALUE_OUT_OF_RANGE, file=label, row=row,
                                           column=where.get(key, ind.field), value=cell_text(raw),
                                           expected=vn.points(ind.maximum), detail=f"{ind.field} ({ind.label})"))
                    continue
                values[key] = value
            parts = [values[k] for k in GROUPS if k in values]
            if "tong" in values and len(parts) == len(GROUPS) and abs(sum(parts) - values["tong"]) > 0.05:
                problems.append(P.make(P.Code.FEED_TOTAL_MISMATCH, P.WARNING, file=label, row=row,
                                       column=where.get("tong", "TONG_SCORE"), value=vn.number(values["tong"]),
                                       expected=vn.number(sum(parts))))
            kept += [(unit, period.code, key, value, label, row) for key, value in values.items()]
        for unit, rows in rows_of.items():
            if len(rows) > 1:
                problems.append(P.make(P.Code.FEED_UNIT_TWICE, file=label, row=rows[1], value=unit,
                                       expected=period.label(year), detail="dòng " + ", ".join(map(str, rows))))
        twice = {u for u, rows in rows_of.items() if len(rows) > 1}
        out += [r for r in kept if r[0] not in twice]
    for shown, places in unmatched.items():
        more = f" (gặp ở {', '.join(places[:3])}{' …' if len(places) > 3 else ''})"
        problems.append(P.make(P.Code.FEED_NAME_UNMATCHED, P.WARNING, file=FOLDER.as_posix() + f"/{year}",
                               value=shown, detail=more, expected=MAPPING.as_posix()))
    frame = pd.DataFrame(out, columns=FRAME_COLUMNS)
    return Feed766(year, frame, problems, files)


def _last_month(campaign: Campaign, year: int) -> int:
    """The last month of ``year`` inside the campaign (12 unless the campaign ends earlier that year)."""
    end = campaign.year_end(year)
    return end.month if end.year == year else 12


# --- the year's value --------------------------------------------------------------------------------------------

AUTO = "auto"
MEAN_OF_QUARTERS = "quarters"


def year_values(frame: pd.DataFrame, year: int, period: str = AUTO) -> pd.DataFrame:
    """One value per unit and indicator for the year, with the label of where it comes from (``basis``).

    ``period``: a period code (N, H1, Q4 …: that period only), ``quarters`` (the mean of the quarters there
    are) or ``auto``: the year's table when there is one, else the mean of the quarters, else of the halves,
    else of the months — decided per unit, so a unit missing from the year's table still gets its quarters."""
    columns = ["unit", "indicator", "value", "basis"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    kinds = frame["period"].map(lambda c: Period.of(c).kind)  # type: ignore[union-attr]
    if period not in (AUTO, MEAN_OF_QUARTERS):
        chosen = Period.of(period)
        picked = frame[frame["period"] == (chosen.code if chosen else period)]
        out = picked.assign(basis=chosen.label(year) if chosen else period)
        return out[columns].reset_index(drop=True)
    order = [PeriodKind.QUARTER] if period == MEAN_OF_QUARTERS else _ORDER
    rank = kinds.map({k: i for i, k in enumerate(order)})
    usable = frame.assign(kind=kinds, rank=rank).dropna(subset=["rank"])
    best = usable.groupby("unit")["rank"].transform("min")
    chosen_rows = usable[usable["rank"] == best]
    grouped = chosen_rows.groupby(["unit", "indicator"], sort=True)
    result = grouped["value"].mean().reset_index()
    periods = chosen_rows.groupby("unit")["period"].agg(lambda s: sorted(set(s)))
    result["basis"] = result["unit"].map(lambda u: _basis(periods[u], year))
    return result[columns]


def _basis(codes: list[str], year: int) -> str:
    """Where a year's value comes from, in words: "năm 2025", "quý 2/2025", "trung bình quý 1, 2, 3, 4/2025"."""
    periods = [p for p in (Period.of(c) for c in codes) if p is not None]
    if len(periods) == 1:
        return periods[0].label(year)
    kind = periods[0].kind
    numbers = ", ".join(str(p.number) for p in periods)
    if kind is PeriodKind.HALF:
        return f"trung bình 2 kỳ 6 tháng năm {year}"
    return f"trung bình {'quý' if kind is PeriodKind.QUARTER else 'tháng'} {numbers}/{year}"
