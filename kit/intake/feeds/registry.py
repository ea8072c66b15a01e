"""The feed seam: tables of values per (unit, year, period, indicator) that come from outside systems.

A feed is what the kit is told rather than what a unit claims: the satisfaction surveys, the inspection register,
the service index of Decision 766. Each source is one module of ``kit.intake.feeds`` with a reader and one
``register(FeedKind(…))``; everything else is shared:

- reading and checking (here): a reader returns a ``FeedTable`` — rows in ``FEED_COLUMNS`` and located problems.
  ``Collector`` does the checks every feed needs (unknown unit, a unit twice in one period, a value outside
  0..maximum, a period outside the year) so a reader only finds its cells;
- the year's state (kit.intake.check ``CheckReport.feeds``, read once per year by ``check_year``; kit.app.year)
  and its fingerprint (``FeedKind.files``, listed by kit.app.fingerprint ``input_files``);
- the mapping to criteria (kit.config.framework ``feed:`` lines, checked against this registry by
  ``link_problems``) and the conversion to points (kit.scoring.feeds).

Why a registry and not a field per source: the inspection register once took eleven files in five floors; a
new source is now one reader and one registration.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kit.config.campaign import Campaign
from kit.config.feedlinks import MEAN_OF_QUARTERS, PERIODS, QUARTERS, YEAR, YEAR_VALUE_SETTINGS, FeedLink
from kit.core import problems as P
from kit.core import vn
from kit.core.values import cell_text, code_text, fold, is_blank, parse_number
from kit.intake.tables import Table

FEED_COLUMNS = ["feed", "year", "unit", "period", "indicator", "value", "row"]
PERIOD_LABELS = {YEAR: "năm", **{q: f"quý {q[1]}" for q in QUARTERS}, "H1": "6 tháng đầu năm",
                 "H2": "6 tháng cuối năm", **{f"M{m:02d}": f"tháng {m}" for m in range(1, 13)},
                 MEAN_OF_QUARTERS: "bình quân các quý"}


@dataclass(frozen=True)
class Indicator:
    """One measure a feed gives per unit: its name in ``feed:`` lines, its Vietnamese label and its maximum
    (None: open-ended, e.g. a count of violations — a ``share`` conversion then cannot be used)."""

    name: str
    label: str
    maximum: float | None = None


@dataclass
class FeedTable:
    """What one feed says for one year: values in ``FEED_COLUMNS`` and every problem found reading it.

    ``detail`` holds the source's own records where they matter beyond the values (the inspection register's
    findings, followed up by date); ``files`` the labels of the files read (as problems name them)."""

    name: str
    year: int
    rows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FEED_COLUMNS))
    problems: list[P.Problem] = field(default_factory=list)
    files: tuple[str, ...] = ()
    detail: Table | None = None


@dataclass(frozen=True)
class FeedKind:
    """A registered source.

    ``read(campaign, year)`` returns the year's ``FeedTable`` (an absent file: an empty table, no problem);
    ``files(root, year)`` the files it may read (present or not: the fingerprint lists those that exist);
    ``indicators`` the measures it gives, by name — empty when its indicators are the criteria's own codes
    (surveys, inspections); ``serves`` an answer type whose criteria take this feed by their own code without a
    ``feed:`` line (with ``convert``); ``period`` the year's value when several periods are given (a period of
    ``PERIODS`` or ``MEAN_OF_QUARTERS``; a criterion's ``feed_period`` or campaign.yml may say otherwise).
    """

    name: str
    title: str  # Vietnamese, as people see it ("Bộ chỉ số 766")
    read: Callable[[Campaign, int], FeedTable]
    files: Callable[[Path, int], list[Path]]
    indicators: Mapping[str, Indicator] = field(default_factory=dict)
    serves: str = ""
    convert: str = "value"
    period: str = YEAR

    def indicator(self, name: str) -> Indicator | None:
        return self.indicators.get(name)


_KINDS: dict[str, FeedKind] = {}


def register(kind: FeedKind) -> FeedKind:
    """Add a source (again under the same name: replaced, so a module reloaded in a kernel does not fail)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", kind.name):
        raise ValueError(f"feed name {kind.name!r}: lower-case letters, digits and _")
    if kind.period not in YEAR_VALUE_SETTINGS:
        raise ValueError(f"feed {kind.name}: period {kind.period!r} not in {YEAR_VALUE_SETTINGS}")
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a source (tests that add a toy feed)."""
    _KINDS.pop(name, None)


def kinds() -> list[FeedKind]:
    """Every registered source, in registration order."""
    return list(_KINDS.values())


def kind(name: str) -> FeedKind | None:
    return _KINDS.get(name)


def serving(answer_type: str) -> FeedKind | None:
    """The source that feeds criteria of ``answer_type`` by their own code (``FeedKind.serves``), if any."""
    return next((k for k in _KINDS.values() if k.serves == answer_type), None)


@dataclass
class Feeds:
    """Every feed of a year, by name, with the problems of the framework's ``feed:`` lines (``link_problems``)."""

    year: int = 0
    tables: dict[str, FeedTable] = field(default_factory=dict)
    link_problems: list[P.Problem] = field(default_factory=list)

    def __getitem__(self, name: str) -> FeedTable:
        return self.tables[name]

    def __contains__(self, name: object) -> bool:
        return name in self.tables

    def __iter__(self) -> Iterator[FeedTable]:
        return iter(self.tables.values())

    def get(self, name: str) -> FeedTable | None:
        return self.tables.get(name)

    @property
    def problems(self) -> list[P.Problem]:
        return self.link_problems + [p for t in self.tables.values() for p in t.problems]

    @property
    def listed_problems(self) -> list[P.Problem]:
        """The problems a year's check lists as its own: all but those of a source kept with its records
        (``detail``: the inspection register, one of the movement's files, listed with them)."""
        return self.link_problems + [p for t in self.tables.values() if t.detail is None for p in t.problems]


def read_feeds(campaign: Campaign, year: int) -> Feeds:
    """Every registered feed of ``year``, each checked on its own (one unreadable file never stops the others),
    and the framework's ``feed:`` lines checked against the registry."""
    return Feeds(year, {k.name: read_feed(k, campaign, year) for k in kinds()}, link_problems(campaign, year))


def read_feed(source: FeedKind, campaign: Campaign, year: int) -> FeedTable:
    table = source.read(campaign, year)
    table.rows = table.rows.reindex(columns=FEED_COLUMNS)
    return table


# -- the checks every feed needs --------------------------------------------------------------------------------
_PERIOD_WORDS = {"nam": YEAR, "ca nam": YEAR, "year": YEAR, "": YEAR, "6 thang dau nam": "H1",
                 "6 thang cuoi nam": "H2", "nua dau nam": "H1", "nua cuoi nam": "H2"}


def parse_period(raw: object, year: int) -> str | None:
    """A period as written ("Quý 2", "Q2/2025", "quy II", "6 tháng đầu năm", "Tháng 3", "2025", "năm 2025")
    → a code of ``PERIODS``; None when it cannot be read or names another year than ``year``."""
    text = fold(cell_text(raw))
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", text)]
    if any(y != year for y in years):
        return None
    text = re.sub(r"[/\-\s]*(nam\s*)?(?<!\d)20\d\d(?!\d)", "", text).strip(" ,.-/")
    if text in _PERIOD_WORDS:
        return _PERIOD_WORDS[text]
    roman = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
    if m := re.fullmatch(r"(?:quy|q)\s*(\d|i{1,3}|iv)", text):
        n = int(m.group(1)) if m.group(1).isdigit() else roman[m.group(1)]
        return f"Q{n}" if 1 <= n <= 4 else None
    if m := re.fullmatch(r"(?:6 thang|h)\s*(\d)", text):
        return f"H{m.group(1)}" if m.group(1) in "12" else None
    if m := re.fullmatch(r"(?:thang|m)\s*(\d{1,2})", text):
        return f"M{int(m.group(1)):02d}" if 1 <= int(m.group(1)) <= 12 else None
    upper = text.upper()
    return upper if upper in PERIODS else None


class Collector:
    """Builds a ``FeedTable`` row by row with the checks every feed shares, each problem located at the file, row
    and column (``columns``: field → column as a person finds it, e.g. "C (Tiến độ)")."""

    def __init__(self, source: FeedKind, campaign: Campaign, year: int, file: str,
                 columns: Mapping[str, str] | None = None):
        self.source, self.campaign, self.year, self.file = source, campaign, year, file
        self.columns = dict(columns or {})
        self.rows: list[tuple] = []
        self.problems: list[P.Problem] = []
        self._taking_part = {u.code for u in campaign.units_of(year)}
        self._departed = campaign.departed(year)
        self._seen: dict[tuple[str, str, str], int] = {}
        self._duplicate_rows: set[int] = set()

    def problem(self, code: P.Code, row: int | None, field_name: str = "", severity: P.Severity = P.ERROR,
                **details: object) -> None:
        self.problems.append(P.make(code, severity, file=self.file, row=row,
                                    column=self.columns.get(field_name, field_name), **details))  # type: ignore[arg-type]

    def unit(self, raw: object, row: int | None, field_name: str = "unit") -> str | None:
        """A unit code of the campaign taking part in the year, or None (with its problem)."""
        code = code_text(raw).upper()
        if not code:
            self.problem(P.Code.VALUE_REQUIRED, row, field_name, value="mã đơn vị")
            return None
        if self.campaign.unit(code) is None:
            self.problem(P.Code.UNIT_UNKNOWN, row, field_name, value=code)
            return None
        if code not in self._taking_part:
            why = self._departed[code].text if code in self._departed else "chưa thành lập"
            self.problem(P.Code.UNIT_NOT_IN_YEAR, row, field_name, value=code, expected=self.year, detail=why)
            return None
        return code

    def period(self, raw: object, row: int | None, field_name: str = "period") -> str | None:
        """A period of the year (``parse_period``), or None with FEED_PERIOD_OUTSIDE_YEAR."""
        found = parse_period(raw, self.year)
        if found is None:
            self.problem(P.Code.FEED_PERIOD_OUTSIDE_YEAR, row, field_name, value=cell_text(raw), expected=self.year)
        return found

    def add(self, unit: str, indicator: str, raw: object, row: int | None, *, period: str = YEAR,
            field_name: str = "", maximum: float | None = None) -> bool:
        """One value; False (with its problem) when blank, not a number, outside 0..maximum (the indicator's,
        unless given) or a second value for the unit, period and indicator."""
        limit = maximum if maximum is not None else (
            ind.maximum if (ind := self.source.indicator(indicator)) is not None else None)
        number = parse_number(raw)
        if is_blank(raw):
            self.problem(P.Code.VALUE_REQUIRED, row, field_name or indicator, value=indicator)
            return False
        if number is None or not np.isfinite(number) or number < 0 or (limit is not None and number > limit):
            expected = f"0 - {vn.points(limit)}" if limit is not None else "từ 0 trở lên"
            self.problem(P.Code.FEED_VALUE_OUT_OF_RANGE, row, field_name or indicator, value=cell_text(raw),
                         expected=expected, detail=self.source.title)
            return False
        key = (unit, period, indicator)
        if key in self._seen:
            if row not in self._duplicate_rows:
                self._duplicate_rows.add(row if row is not None else -1)
                self.problem(P.Code.FEED_UNIT_TWICE, row, "unit", value=unit, expected=self._seen[key],
                             detail=PERIOD_LABELS.get(period, period))
            return False
        self._seen[key] = row if row is not None else 0
        self.rows.append((self.source.name, self.year, unit, period, indicator, float(number), row))
        return True

    def table(self, files: tuple[str, ...] = (), detail: Table | None = None) -> FeedTable:
        return FeedTable(self.source.name, self.year, pd.DataFrame(self.rows, columns=FEED_COLUMNS), self.problems,
                         files or (self.file,), detail)


# -- the year's value -------------------------------------------------------------------------------------------
def year_values(table: FeedTable, setting: str) -> pd.DataFrame:
    """One value per (unit, indicator) for the year: the rows of the configured period, or the mean of the
    quarters present (``MEAN_OF_QUARTERS``). Columns: unit, indicator, value, period (what was used: a code of
    ``PERIODS``, or "Q1+Q2+Q4" for a mean)."""
    rows = table.rows
    if not len(rows):
        return pd.DataFrame(columns=["unit", "indicator", "value", "period"])
    if setting != MEAN_OF_QUARTERS:
        chosen = rows[rows["period"] == setting]
        return chosen[["unit", "indicator", "value", "period"]].reset_index(drop=True)
    quarters = rows[rows["period"].isin(QUARTERS)].sort_values("period", kind="stable")
    grouped = quarters.groupby(["unit", "indicator"], sort=False)
    out = grouped["value"].mean().reset_index()
    out["period"] = grouped["period"].agg("+".join).to_numpy()
    return out


def period_label(period: str) -> str:
    """How a document names the period a value is for: "quý 2", "năm", "bình quân quý 1, 2, 4"."""
    if "+" in period:
        return "bình quân quý " + ", ".join(q[1] for q in period.split("+"))
    return PERIOD_LABELS.get(period, period)


# -- the framework's feed: lines against the registry ----------------------------------------------------------------
def link_of(campaign: Campaign, year: int, group: str, code: str) -> FeedLink | None:
    """The feed a criterion takes: its ``feed:`` line, else the source that serves its answer type by code."""
    crit = campaign.framework(year, group).by_code().get(code)
    if crit is None:
        return None
    return crit.feed or implicit_link(crit.type, crit.code)


def implicit_link(answer_type: str, code: str) -> FeedLink | None:
    source = serving(answer_type)
    return FeedLink(source.name, code, source.convert) if source else None


def link_problems(campaign: Campaign, year: int) -> list[P.Problem]:
    """Each ``feed:`` line of the year's frameworks that names an unknown feed or indicator, or converts by share an
    indicator without a maximum: located at the criteria file and line."""
    problems: list[P.Problem] = []
    for group in campaign.groups:
        fw = campaign.framework(year, group)
        for c in fw.criteria:
            link = c.feed
            if link is None:
                continue
            where = {"file": f"criteria/{fw.path.name}" if fw.path else "", "row": link.row}
            source = kind(link.feed)
            if source is None:
                problems.append(P.make(P.Code.FEED_UNKNOWN, **where, value=link.feed, detail=c.code,  # type: ignore[arg-type]
                                       expected=", ".join(k.name for k in kinds()) or "(chưa có)"))
                continue
            ind = source.indicator(link.indicator)
            if source.indicators and ind is None and not source.serves:
                problems.append(P.make(P.Code.FEED_INDICATOR_UNKNOWN, **where, value=link.indicator,  # type: ignore[arg-type]
                                       detail=f"{c.code}: {source.title}", expected=", ".join(source.indicators)))
            elif link.convert == "share" and (ind is None or ind.maximum is None) and not source.serves:
                problems.append(P.make(P.Code.FEED_CONVERSION_INVALID, **where, value=link.source,  # type: ignore[arg-type]
                                       detail=f"tiêu chí {c.code}: chỉ số không có điểm tối đa nên không quy đổi "
                                              "theo tỷ lệ (share) được; dùng value hoặc tiers"))
    return problems


def maximum_of(link: FeedLink) -> float | None:
    """The maximum of a link's indicator (None when open-ended or unknown); a source serving criteria by code
    gives its maximum as the indicator named "*" (surveys: 100 %)."""
    source = kind(link.feed)
    if source is None:
        return None
    ind = source.indicator(link.indicator) or source.indicator("*")
    return ind.maximum if ind else None


def year_setting(campaign: Campaign, link: FeedLink) -> str:
    """The year's value of a link: the criterion's ``feed_period``, else campaign.yml's ``feeds: {name: {period}}``,
    else the source's own setting."""
    if link.period:
        return link.period
    configured = campaign.feed_settings.get(link.feed, {}).get("period")
    if configured:
        return str(configured)
    source = kind(link.feed)
    return source.period if source else YEAR
