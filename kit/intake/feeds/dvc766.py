"""The service index of Decision 766/QĐ-TTg (Bộ chỉ số phục vụ người dân, doanh nghiệp), as the portal gives it.

The National Public Service Portal (dichvucong.gov.vn) scores every agency and commune of a province on the
index, by year, half, quarter or month. An office saves the page's table (xlsx or CSV, Vietnamese headers or the
portal's field codes; a web page saved as .xls is read too), or the JSON the page loads, one file per period, in
``feeds/dvc766/<year>/``; the file's name says the period (``nam``, ``quy-1`` … ``quy-4``, ``6-thang-dau``/
``6-thang-cuoi``, ``thang-03``; or ``Q1``, ``H1``, ``M03``, optionally after the year: ``2025-Q1``). The portal
names agencies its own way, so a mapping file (``feeds/dvc766/mapping.csv``: name on the portal, the portal's
agency code MA_COQUAN, unit code, or "-" for an agency outside the campaign) says which unit each is; a name
exactly equal to one unit's name needs no line. A name that matches no unit, or several, is listed, never guessed.

Registered as the feed ``dvc766`` (kit.intake.feeds.registry); its indicators are the index's groups, in points
(``cong_khai``, ``tien_do``, ``clgq``, ``tttt``, ``hai_long``, ``so_hoa``, ``tong``) and, for a criterion scored
in tiers of a percentage, each group's points as a share of its maximum in % (``tien_do_pct`` …). The year's value
is the mean of the quarters unless campaign.yml or the criterion says otherwise.

What was verified, and from where, is in README ("Bộ chỉ số 766"): the five groups and their maxima from the
decision as published by provincial departments; the portal's field codes from a public client that reads the
page's JSON. The two online-service fields (TTTT, CLGQ) are not certain: the decision gives their group 22 points
together, the client splits them 10 and 12 and is not consistent about which is which, so each is checked only
against the larger share (``Field.verified`` is False for them) and neither has a name of its meaning.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from kit.config.campaign import Campaign
from kit.config.feedlinks import MEAN_OF_QUARTERS, YEAR
from kit.core import problems as P
from kit.core import vn
from kit.core.errors import FileProblem
from kit.core.textfile import read_text
from kit.core.values import cell_text, fold, is_blank, parse_number, person_key
from kit.intake.feeds.registry import FEED_COLUMNS, Collector, FeedKind, FeedTable, Indicator, register
from kit.intake.layout import header_key
from kit.intake.tables import _header, read_table

NAME = "dvc766"
TITLE = "Bộ chỉ số 766"
FOLDER = Path("feeds") / NAME
MAPPING = FOLDER / "mapping.csv"
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".json", ".htm", ".html")


@dataclass(frozen=True)
class Field:
    """One column of the portal's table: its field code in the page's JSON, its name, its maximum."""

    name: str  # the indicator's name in ``feed:`` lines
    code: str  # the field in the page's JSON
    label: str
    maximum: float
    verified: bool = True  # False: the maximum is an upper bound, not the decision's own figure
    headers: frozenset[str] = frozenset()  # header wordings (folded) a saved table may use


def _words(*texts: str) -> frozenset[str]:
    return frozenset(header_key(t) for t in texts)


FIELDS: dict[str, Field] = {f.name: f for f in (
    Field("cong_khai", "CKMB", "Công khai, minh bạch", 18, True,
          _words("CKMB", "Công khai, minh bạch", "Công khai minh bạch")),
    Field("tien_do", "TDGQ", "Tiến độ giải quyết", 20, True,
          _words("TDGQ", "Tiến độ giải quyết", "Tiến độ, kết quả giải quyết")),
    Field("clgq", "CLGQ", "Dịch vụ công trực tuyến", 12, False,
          _words("CLGQ", "Dịch vụ công trực tuyến", "Cung cấp dịch vụ công trực tuyến")),
    Field("tttt", "TTTT", "Thanh toán trực tuyến", 12, False, _words("TTTT", "Thanh toán trực tuyến")),
    Field("hai_long", "MDHL", "Mức độ hài lòng", 18, True, _words("MDHL", "Mức độ hài lòng")),
    Field("so_hoa", "MDSH", "Số hóa hồ sơ", 22, True, _words("MDSH", "Số hóa hồ sơ", "Mức độ số hóa")),
    Field("tong", "TONG_SCORE", "Tổng điểm", 100, True, _words("TONG_SCORE", "Tổng điểm", "Điểm tổng", "Tổng")),
)}
GROUPS = [name for name in FIELDS if name != "tong"]
PCT = "_pct"  # a group's points as a share of its maximum, in % (for criteria scored in tiers of a percentage)
INDICATORS: dict[str, Indicator] = {
    **{f.name: Indicator(f.name, f"{f.label} ({f.code}, điểm)", f.maximum) for f in FIELDS.values()},
    **{f.name + PCT: Indicator(f.name + PCT, f"{f.label} ({f.code}, % điểm tối đa)", 100.0)
       for f in FIELDS.values() if f.name != "tong"},
}

COLUMNS: dict[str, set[str]] = {
    "name": set(_words("TEN", "TEN_COQUAN", "Tên", "Tên cơ quan", "Tên đơn vị", "Cơ quan", "Đơn vị",
                       "Cơ quan, đơn vị")),
    "agency": set(_words("MA_COQUAN", "Mã cơ quan")),
    **{name: set(f.headers) for name, f in FIELDS.items()},
}
MAPPING_COLUMNS: dict[str, set[str]] = {
    "name": set(_words("Tên trên Cổng", "Tên trên Cổng DVC", "Tên trên Cổng Dịch vụ công", "Tên cơ quan", "TEN",
                       "portal name")),
    "agency": set(_words("Mã cơ quan", "MA_COQUAN", "agency")),
    "unit": set(_words("Mã đơn vị", "unit")),
}
IGNORE = "-"  # a mapping line whose unit is "-": an agency that takes no part in the campaign


# --- periods, from the file's name -------------------------------------------------------------------------------

NAMING = "nam, quy-1 … quy-4, 6-thang-dau, 6-thang-cuoi, thang-01 … thang-12 (hoặc 2025-Q1, 2025-H1, 2025-M01)"
_NAME = re.compile(r"(?:(\d{4})-*)?(.*)")
_KINDS: list[tuple[re.Pattern[str], str, int | None]] = [
    (re.compile(r"nam|ca-?nam|year|n"), "Y", 1),
    (re.compile(r"6-?thang-?dau(?:-?nam)?"), "H", 1),
    (re.compile(r"6-?thang-?cuoi(?:-?nam)?"), "H", 2),
    (re.compile(r"(?:h|6-?thang-?|nua-?nam-?)(\d{1,2})"), "H", None),
    (re.compile(r"(?:q|quy-?)(\d{1,2})"), "Q", None),
    (re.compile(r"(?:m|t|thang-?)(\d{1,2})"), "M", None),
]
_COUNT = {"Y": 1, "H": 2, "Q": 4, "M": 12}


def period_of_name(stem: str) -> tuple[int | None, str | None]:
    """The year (when the name starts with one) and the period (a code of kit.config.feedlinks ``PERIODS``) a
    file's name says: "2025-quy-1" → (2025, "Q1"), "6 tháng đầu năm" → (None, "H1"), "nam" → (None, "year")."""
    text = re.sub(r"[\s_.]+", "-", fold(stem)).strip("-")
    m = _NAME.fullmatch(text)
    assert m is not None  # the pattern matches every text
    year, rest = (int(m.group(1)) if m.group(1) else None), m.group(2).strip("-")
    if year is not None and not rest:
        return year, YEAR
    for pattern, kind, fixed in _KINDS:
        found = pattern.fullmatch(rest)
        if found is None:
            continue
        number = fixed or int(found.group(1))
        if not 1 <= number <= _COUNT[kind]:
            return year, None
        return year, {"Y": YEAR, "H": f"H{number}", "Q": f"Q{number}", "M": f"M{number:02d}"}[kind]
    return year, None


def first_month(period: str) -> int:
    """The month a period starts (year, H2 → 7, Q3 → 7, M05 → 5)."""
    if period == YEAR:
        return 1
    number = int(period[1:])
    return {"H": (number - 1) * 6 + 1, "Q": (number - 1) * 3 + 1, "M": number}[period[0]]


def period_words(period: str, year: int) -> str:
    """A period as a sentence says it: "quý 2/2025", "6 tháng đầu năm 2025", "năm 2025"."""
    if period == YEAR:
        return f"năm {year}"
    number = int(period[1:])
    if period[0] == "H":
        return f"6 tháng {'đầu' if number == 1 else 'cuối'} năm {year}"
    return f"{'quý' if period[0] == 'Q' else 'tháng'} {number}/{year}"


# --- the mapping of the portal's names to unit codes --------------------------------------------------------

@dataclass
class Mapping:
    """Portal agency code or portal name (_name_key) → unit codes ("-" for an agency outside the campaign)."""

    by_agency: dict[str, set[str]]
    by_name: dict[str, set[str]]
    units_by_name: dict[str, set[str]]  # the year's units by name (_name_key): an exact equal name needs no line
    units_by_fold: dict[str, set[str]] = field(default_factory=dict)  # by folded name: only to suggest a line

    def units(self, agency: str, name: str) -> set[str]:
        if agency and agency in self.by_agency:
            return self.by_agency[agency]
        key = _name_key(name)
        return self.by_name.get(key) or self.units_by_name.get(key, set())


def _name_key(name: object) -> str:
    """A name as matched: case and spaces do not matter, diacritics do (folded, "Xã Tân Ân" was "Xã Tân An" and
    its values fed another unit silently)."""
    return person_key(cell_text(name))


def _suggestion(mapping: Mapping, name: str) -> str:
    """The mapping line to add when ``name`` differs from one unit's name only by diacritics (never applied)."""
    near = mapping.units_by_fold.get(" ".join(fold(name).split()), set())
    if len(near) != 1:
        return ""
    return f"; tên gần giống đơn vị {next(iter(near))}: nếu đúng là đơn vị đó, thêm dòng \"{name},{next(iter(near))}\""


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
    units_by_fold: dict[str, set[str]] = {}
    for u in campaign.units_of(year):
        units_by_name.setdefault(_name_key(u.name), set()).add(u.code)
        units_by_fold.setdefault(" ".join(fold(u.name).split()), set()).add(u.code)
    return Mapping(by_agency, by_name, units_by_name, units_by_fold), problems


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
    """A web page saved under a spreadsheet's (or JSON's) name: the portal's table, or its login page."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(2048).lstrip().lower()
    except OSError:
        return False
    return head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta", b"<head", b"\xef\xbb\xbf<"))


def _login_page(text: str, parser: _Tables) -> bool:
    words = fold(text)
    return parser.password or any(w in words for w in ("dang nhap", "login", "mat khau", "password"))


Records = list[tuple[int, dict[str, object]]]


def _from_rows(rows: list[list[object]], label: str) -> tuple[Records, dict[str, str], list[P.Problem]]:
    i, found, missing = _header(rows, COLUMNS, ["name"])
    if missing or not set(FIELDS) & set(found):
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
    except json.JSONDecodeError as exc:
        return [], {}, [P.make(P.Code.FEED_NO_TABLE, file=label, row=exc.lineno, detail="nội dung JSON không hợp lệ")]
    items = data.get("data") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
        return [], {}, [P.make(P.Code.FEED_NO_TABLE, file=label, detail="JSON không phải danh sách cơ quan")]
    fields = {**{f.code: f.name for f in FIELDS.values()}, "TEN": "name", "MA_COQUAN": "agency"}
    records = [(n, {fields[k]: v for k, v in item.items() if k in fields}) for n, item in enumerate(items, start=1)]
    if items and not any("name" in cells for _, cells in records):
        return [], {}, [P.make(P.Code.FEED_NO_TABLE, file=label, detail="JSON không có trường TEN")]
    return records, {"name": "TEN", "agency": "MA_COQUAN", **{f.name: f.code for f in FIELDS.values()}}, []


def read_file(path: Path, label: str) -> tuple[Records, dict[str, str], list[P.Problem]]:
    """One saved table: (record number, field → raw value), where each field is, and why it cannot be read."""
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
    if path.suffix.lower() == ".json":
        return _from_json(path, label)
    table, records, where = read_table(path, label, COLUMNS, ["name"])
    if table.problems:
        return [], {}, table.problems
    if not set(FIELDS) & set(where):
        return [], {}, [P.make(P.Code.FEED_NO_TABLE, file=label, detail="không có cột điểm các nhóm chỉ số")]
    return records, where, []


# --- the year's feed --------------------------------------------------------------------------------------------

def files(root: Path, year: int) -> list[Path]:
    """What the feed reads for ``year``: the saved tables of its folder and the mapping file (the fingerprint)."""
    folder = root / FOLDER / str(year)
    tables = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES) \
        if folder.is_dir() else []
    return [*tables, root / MAPPING]


def read(campaign: Campaign, year: int) -> FeedTable:
    """Every saved table of ``year``, mapped to units and checked; a bad row or value is left out, located."""
    mapping, problems = load_mapping(campaign, year)
    departed = campaign.departed(year)
    rows: list[pd.DataFrame] = []
    labels: list[str] = []
    unmatched: dict[str, list[str]] = {}
    near: dict[str, str] = {}
    by_period: dict[str, list[tuple[Path, str]]] = {}
    for path in files(campaign.root, year)[:-1]:
        label = (FOLDER / str(year) / path.name).as_posix()
        named_year, period = period_of_name(path.stem)
        if period is None:
            problems.append(P.make(P.Code.FEED_PERIOD_INVALID, file=label, value=path.name, expected=NAMING))
            continue
        if named_year is not None and named_year != year or first_month(period) > _last_month(campaign, year):
            problems.append(P.make(P.Code.FEED_PERIOD_OUTSIDE_YEAR, file=label,
                                   value=period_words(period, named_year or year), expected=year))
            continue
        by_period.setdefault(period, []).append((path, label))
    for period, paths in by_period.items():
        if len(paths) > 1:
            problems.append(P.make(P.Code.FEED_PERIOD_TWICE, file=paths[0][1], value=period_words(period, year),
                                   detail=", ".join(p.name for p, _ in paths)))
            continue
        path, label = paths[0]
        labels.append(label)
        records, where, found = read_file(path, label)
        problems += found
        collect = Collector(SOURCE, campaign, year, label, where)
        for row, cells in records:
            name, agency = cell_text(cells.get("name")), cell_text(cells.get("agency"))
            units = mapping.units(agency, name)
            shown = f"{name} ({agency})" if agency else name
            if not units:
                unmatched.setdefault(shown, []).append(f"{path.name} dòng {row}")
                near[shown] = "" if agency else _suggestion(mapping, name)
                continue
            if units == {IGNORE}:
                continue
            if len(units) > 1:
                collect.problem(P.Code.FEED_NAME_AMBIGUOUS, row, "name", value=shown, detail=", ".join(sorted(units)),
                                expected=MAPPING.as_posix())
                continue
            if next(iter(units)) in departed:  # merged or ceased: its year is its successor's, never carried over
                continue
            unit = collect.unit(next(iter(units)), row, "name")
            if unit is None:
                continue
            _add(collect, unit, period, cells, row)
        problems += collect.problems
        rows.append(collect.table().rows)
    for shown, places in unmatched.items():
        more = f" (gặp ở {', '.join(places[:3])}{' …' if len(places) > 3 else ''}){near.get(shown, '')}"
        problems.append(P.make(P.Code.FEED_NAME_UNMATCHED, P.WARNING, file=f"{FOLDER.as_posix()}/{year}",
                               value=shown, detail=more, expected=MAPPING.as_posix()))
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=FEED_COLUMNS)
    return FeedTable(NAME, year, frame, problems, tuple(labels))


def _add(collect: Collector, unit: str, period: str, cells: dict[str, object], row: int) -> None:
    """One unit's row of one period: each group's points (and their share of its maximum), the total checked
    against the groups' sum."""
    values = {}
    for name, f in FIELDS.items():
        raw = cells.get(name)
        if is_blank(raw) or not collect.add(unit, name, raw, row, period=period, field_name=name):
            continue
        values[name] = float(parse_number(raw) or 0.0)
        if name != "tong":
            collect.add(unit, name + PCT, values[name] * 100 / f.maximum, row, period=period, field_name=name)
    parts = [values[k] for k in GROUPS if k in values]
    if "tong" in values and len(parts) == len(GROUPS) and abs(sum(parts) - values["tong"]) > 0.05:
        collect.problem(P.Code.FEED_TOTAL_MISMATCH, row, "tong", P.WARNING, value=vn.number(values["tong"]),
                        expected=vn.number(sum(parts)))


def _last_month(campaign: Campaign, year: int) -> int:
    """The last month of ``year`` inside the campaign (12 unless the campaign ends earlier that year)."""
    end = campaign.year_end(year)
    return end.month if end.year == year else 12


SOURCE = register(FeedKind(NAME, TITLE, read, files, indicators=INDICATORS, period=MEAN_OF_QUARTERS))
