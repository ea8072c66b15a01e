"""A year's state, built in one place: campaign → checked forms → decisions → results.

Every consumer (the CLI, the pipeline, report notebooks, the meeting view, the scoring workspace and the
offline import) takes its year from ``load_year``; nothing else checks forms or computes results. The only
cache lives here, keyed on the inputs' fingerprint: the files' content (forms are checked again only when
a file changed) and the gradebook's decisions (results are computed again only when a decision was added).
A batch of reports in one kernel therefore checks each year once.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kit.app.fingerprint import Fingerprint, decisions_digest, files_digest, fingerprint, input_files
from kit.config.campaign import Campaign, find_campaign, load_campaign
from kit.intake.check import CheckReport, check_year
from kit.intake.movement import Movement, load_movement
from kit.scoring.results import YearResults, year_results
from kit.store.gradebook import Gradebook, appraisals

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
        return _Checked(loaded, check_year(loaded, year, jobs=jobs, progress=progress), load_movement(loaded, year))

    checked = _cached(("checked files", str(root), year, digest), build)
    assert isinstance(checked, _Checked)
    return checked, digest, len(files)


def check_files(campaign: Campaign | str | Path, year: int, *, jobs: int | None = None,
                progress: Callable[[int], None] | None = None) -> tuple[Campaign, CheckReport, Movement]:
    """The year's checked files without the gradebook (``kit check`` opens no database)."""
    checked, _, _ = _checked(campaign, year, jobs, progress)
    return checked.campaign, checked.check, checked.movement


def load_year(campaign: Campaign | str | Path, year: int, *, gradebook: Gradebook | None = None,
              jobs: int | None = None, progress: Callable[[int], None] | None = None) -> YearState:
    """The state of ``year``: checked forms, the movement's files, decisions and results.

    ``campaign`` is a loaded campaign or its folder; ``gradebook`` an open gradebook (default: the
    campaign's, opened and closed here).
    """
    checked, digest, count = _checked(campaign, year, jobs, progress)
    loaded = checked.campaign
    if gradebook is None:  # opened for this call: a long-lived kernel must see a gradebook replaced on disk
        with Gradebook.for_campaign(loaded, readonly=True) as own:
            decisions, decided = _history(own, year)
            events = _events(own)
    else:
        decisions, decided = _history(gradebook, year)
        events = _events(gradebook)
    results = _cached(("results", str(_root(loaded)), year, Fingerprint(digest, decided, count, 0).digest),
                      lambda: year_results(loaded, checked.check, appraisals(decisions),
                                           checked.movement.inspections.rows))
    assert isinstance(results, YearResults)
    fp = Fingerprint(digest, decisions_digest(decisions, events), count, len(decisions))
    return YearState(loaded, year, checked.check, checked.movement, decisions, results, fp, events)


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
    movement = movement or load_movement(campaign, check.year)
    return YearState(campaign, check.year, check, movement, decisions,
                     year_results(campaign, check, appraisals(decisions), movement.inspections.rows), fp)


def load_years(campaign: Campaign | str | Path, years: list[int], *,
               gradebook: Gradebook | None = None) -> list[YearState]:
    """Several years (a period) of one campaign (a folder is loaded once per change of its files, by the cache)."""
    return [load_year(campaign, y, gradebook=gradebook) for y in years]


def data_print(campaign: Campaign, year: int, gradebook: Gradebook) -> str:
    """The fingerprint of what a year's outputs are made from (its files, decisions and the award events), the
    history read through this cache like every other reader's."""
    decisions, _ = _history(gradebook, year)
    return fingerprint(_root(campaign), [year], decisions, _events(gradebook)).digest
