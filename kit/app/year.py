"""A year's state, built in one place: campaign → checked forms → decisions → results.

Every consumer (the CLI, the pipeline, report notebooks, the meeting view, the scoring workspace and the
offline import) takes its year from ``load_year``; nothing else checks forms or computes results. The only
cache lives here, keyed on the inputs' fingerprint: the files' content (forms are checked again only when
a file changed) and the gradebook's decisions (results are computed again only when a decision was added).
A batch of reports in one kernel therefore checks each year once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kit.app.fingerprint import Fingerprint, decisions_digest, files_digest, fingerprint, input_files
from kit.config.campaign import Campaign, find_campaign, load_campaign
from kit.core.errors import UsageError
from kit.core.vocab import Status
from kit.intake.check import CheckReport, check_year
from kit.intake.feeds import Feeds
from kit.intake.movement import Movement, load_movement
from kit.intake.tables import Table
from kit.scoring.results import YearResults, year_results
from kit.store.gradebook import Gradebook, appraisals
from kit.store.ledger import Anchor

log = logging.getLogger(__name__)
_CACHE_SIZE = 48  # entries (checked files, histories, results: three per year) kept per process


@dataclass(frozen=True)
class _Checked:
    campaign: Campaign
    check: CheckReport
    movement: Movement


@dataclass(frozen=True)
class YearState:
    """Everything known about one year. Treat as read-only: it may be shared through the cache."""

    campaign: Campaign
    year: int
    check: CheckReport
    movement: Movement
    decisions: pd.DataFrame  # the gradebook's history of the year (every stage), oldest first
    results: YearResults
    fingerprint: Fingerprint
    award_events: pd.DataFrame | None = None  # the gradebook's award events (revocations), campaign-wide
    on: dt.date | None = None  # the state as known on this day (``load_year(on=…)``); None: everything known
    anchor: Anchor | None = None  # the gradebook's anchor when read (printed on the documents made from it)

    @property
    def feeds(self) -> Feeds:
        """Every outside source's table of the year (kit.intake.feeds), read with the forms; as of ``on`` when
        given, the inspection register as known that day (its findings: ``movement.inspections``)."""
        return self.check.feeds

    @property
    def revocations(self) -> list[dict]:
        return [] if self.award_events is None else self.award_events.to_dict("records")


_cache: OrderedDict[tuple, object] = OrderedDict()


def _cached(key: tuple, build: Callable[[], object]) -> object:
    """``key``: (what, where, year, version of the inputs)."""
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    start = time.perf_counter()
    value = _cache[key] = build()
    log.debug("%s of %s: built in %.3f s", key[0], key[2], time.perf_counter() - start)  # no paths, no URLs
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return value


def _root(campaign: Campaign | str | Path) -> Path:
    return (campaign.root if isinstance(campaign, Campaign) else find_campaign(campaign)).resolve()


def _checked(campaign: Campaign | str | Path, year: int, jobs: int | None,
             progress: Callable[[int], None] | None) -> tuple[_Checked, str, int]:
    """The checked files of a year, the files' digest and their count; checked again only when a file changed."""
    root = _root(campaign)
    files = input_files(root, [year])
    digest = files_digest(root, files)

    def build() -> _Checked:
        loaded = campaign if isinstance(campaign, Campaign) else load_campaign(root)
        loaded.require_year(year)
        check = check_year(loaded, year, jobs=jobs, progress=progress)  # with every feed of the year, read once
        return _Checked(loaded, check, load_movement(loaded, year, check.feeds))

    checked = _cached(("checked files", str(root), year, digest), build)
    assert isinstance(checked, _Checked)
    return checked, digest, len(files)


def check_files(campaign: Campaign | str | Path, year: int, *, jobs: int | None = None,
                progress: Callable[[int], None] | None = None) -> tuple[Campaign, CheckReport, Movement]:
    """The year's checked files without the gradebook (``kit check`` opens no database)."""
    checked, _, _ = _checked(campaign, year, jobs, progress)
    return checked.campaign, checked.check, checked.movement


def load_year(campaign: Campaign | str | Path, year: int, *, gradebook: Gradebook | None = None,
              jobs: int | None = None, progress: Callable[[int], None] | None = None,
              on: dt.date | None = None) -> YearState:
    """The state of ``year``: checked forms, the movement's files, decisions and results.

    ``campaign`` is a loaded campaign or its folder; ``gradebook`` an open gradebook (default: the
    campaign's, opened and closed here). ``on``: the state as it was known on that day (``as_of``): what a
    document dated then could say, the same every time from the same files and ledger.
    """
    checked, digest, count = _checked(campaign, year, jobs, progress)
    loaded = checked.campaign
    if on is not None:
        require_day(loaded, on)
    if gradebook is None:  # opened for this call: a long-lived kernel must see a gradebook replaced on disk
        with Gradebook.for_campaign(loaded, readonly=True) as own:
            decisions, decided = _history(own, year)
            events = _events(own)
            anchor = own.anchor()
    else:
        decisions, decided = _history(gradebook, year)
        events = _events(gradebook)
        anchor = gradebook.anchor()
    check, movement = checked.check, checked.movement
    if on is not None:
        check, movement = check_as_of(check, on), movement_as_of(movement, on)
        decisions, events = known_by(decisions, on), known_by(events, on)
        decided = decisions_digest(decisions) + f"|{on.isoformat()}"
    results = _cached(("results", str(_root(loaded)), year, Fingerprint(digest, decided, count, 0).digest),
                      lambda: year_results(loaded, check, appraisals(decisions), movement.inspections.rows))
    assert isinstance(results, YearResults)
    # a state as of a day differs from today's in its forms and movement, not only in its decisions: the day is part
    # of what it was made from
    known = decisions_digest(decisions, events) + (f"|{on.isoformat()}" if on is not None else "")
    fp = Fingerprint(digest, known, count, len(decisions))
    return YearState(loaded, year, check, movement, decisions, results, fp, events, on, anchor)


# -- what was known on a day -------------------------------------------------------------------------------------
def campaign_span(campaign: Campaign) -> tuple[dt.date, dt.date]:
    """The days a campaign's documents can be dated: from the first day of its first year to the end of its period
    or its last configured deadline (a year's commendations are proposed after the year)."""
    first = dt.date(min(campaign.years), 1, 1)
    last = max([campaign.roster.period_end, *(d for days in campaign.deadlines.values() for d in days.values())])
    return first, last


def require_day(campaign: Campaign, day: dt.date) -> None:
    """A located message for a day outside the campaign (``--on``), never a traceback."""
    first, last = campaign_span(campaign)
    if not first <= day <= last:
        raise UsageError(f"Ngày {day:%d/%m/%Y} nằm ngoài đợt thi đua \"{campaign.name}\" (từ {first:%d/%m/%Y} đến "
                         f"{last:%d/%m/%Y}: các năm và hạn trong {campaign.root / 'campaign.yml'}). Hãy chọn một ngày "
                         "trong khoảng này.")


def _day(value: object) -> dt.date | None:
    """A stored moment ("2025-06-20T08:03:00+07:00", local time) or date, as the day it happened."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def known_by(frame: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    """The gradebook's rows (decisions, award events) recorded by the end of ``on``: the ledger keeps the time of
    each, in the office's local time."""
    if not len(frame) or "created_at" not in frame:
        return frame
    days = frame["created_at"].map(_day)
    return frame[days.map(lambda d: d is None or d <= on)]


def check_as_of(check: CheckReport, on: dt.date) -> CheckReport:
    """The forms received by ``on`` (the office's received.csv, else the date the form gives): a form that
    arrived later was not known, so its unit had not sent one yet."""
    def arrived(sub) -> bool:
        day = check.received.get(sub.unit) if sub.rows else sub.sent
        return day is None or day <= on

    kept = [s for s in check.submissions if arrived(s)]
    units = {s.unit for s in kept}
    later = {s.unit for s in check.submissions if not arrived(s)} - units
    statuses = {u: Status.MISSING if u in later and (s.scored or s == Status.REJECTED) else s
                for u, s in check.statuses.items()}
    return dataclasses.replace(
        check, submissions=kept, missing=sorted(set(check.missing) | (later & set(check.statuses))),
        late={u: d for u, d in check.late.items() if u in units},
        received={u: d for u, d in check.received.items() if u in units}, statuses=statuses)


def _rows(table: Table, keep: Callable[[dict], bool], change: Callable[[dict], dict] | None = None) -> Table:
    rows = [change(r) if change else r for r in table.rows if keep(r)]
    return dataclasses.replace(table, rows=rows)


def movement_as_of(movement: Movement, on: dt.date) -> Movement:
    """The movement's files as known on ``on``: registrations made, initiatives recognised, inspections held
    (a correction made later is not yet made), holds begun, and awards whose decision is dated by then."""
    def by(name: str) -> Callable[[dict], bool]:
        return lambda row: (d := _day(row.get(name))) is None or d <= on

    def unfixed(row: dict) -> dict:
        fixed = _day(row.get("fixed_on"))
        return row if fixed is None or fixed <= on else {**row, "fixed_on": None}

    records = movement.records
    past = _rows(records.history, lambda a: (_day(a.get("date")) or dt.date(int(a["year"]) + 1, 1, 1)) <= on)
    return dataclasses.replace(
        movement, registrations=_rows(movement.registrations, by("registered")),
        initiatives=_rows(movement.initiatives, by("recognised_on")),
        inspections=_rows(movement.inspections, by("date"), unfixed),
        records=dataclasses.replace(records, history=past, holds=_rows(records.holds, by("start"))))


def _events(gradebook: Gradebook) -> pd.DataFrame:
    """The award events (revocations), read again only when one was added."""
    found = _cached(("award events", gradebook.url, 0, gradebook.award_revision()), gradebook.award_events)
    assert isinstance(found, pd.DataFrame)
    return found


def _history(gradebook: Gradebook, year: int) -> tuple[pd.DataFrame, str]:
    """The year's decisions and their digest, read again only when the gradebook's revision moved."""
    def read() -> tuple[pd.DataFrame, str]:
        history = gradebook.history(year)
        return history, decisions_digest(history)

    found = _cached(("decisions", gradebook.url, year, gradebook.revision(year)), read)
    assert isinstance(found, tuple)
    return found


def year_state(campaign: Campaign, check: CheckReport, decisions: pd.DataFrame,
               movement: Movement | None = None) -> YearState:
    """A year's state from parts already in memory (benchmarks and tests of synthetic years); not cached."""
    root = _root(campaign)
    files = input_files(root, [check.year])
    fp = Fingerprint(files_digest(root, files), decisions_digest(decisions), len(files), len(decisions))
    movement = movement or load_movement(campaign, check.year, check.feeds)
    return YearState(campaign, check.year, check, movement, decisions,
                     year_results(campaign, check, appraisals(decisions), movement.inspections.rows), fp)


def load_years(campaign: Campaign | str | Path, years: list[int], *,
               gradebook: Gradebook | None = None, on: dt.date | None = None) -> list[YearState]:
    """Several years (a period) of one campaign (a folder is loaded once per change of its files, by the cache);
    ``on``: as known that day (``load_year``)."""
    return [load_year(campaign, y, gradebook=gradebook, on=on) for y in years]


def data_print(campaign: Campaign, year: int, gradebook: Gradebook) -> str:
    """The fingerprint of what a year's outputs are made from (its files, decisions and the award events), the
    history read through this cache like every other reader's."""
    decisions, _ = _history(gradebook, year)
    return fingerprint(_root(campaign), [year], decisions, _events(gradebook)).digest
