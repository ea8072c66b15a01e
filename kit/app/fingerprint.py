"""A fingerprint of what a report was made from, so two reports can be told apart and reproduced.

It covers the configuration (campaign.yml, units.csv, criteria, commendation rules), the movement's
files, every registered feed's files (kit.intake.feeds: surveys, inspection registers, …) and the submissions of
the years concerned, and the gradebook's
decisions of those years (their content, not the database file, whose bytes change with housekeeping). The year state
(``kit.app.year``) keys its cache on it: whatever changes the fingerprint changes the results.

A unit's scorecard shows one unit, so its fingerprint (``unit_fingerprint``) covers what the scorecard shows of
the year — that unit's forms, decisions and results, and what it shows of the others (its rank, its group's
averages) — not the whole year: another unit's decision changes it only when it changes what this scorecard
shows. ``code_digest`` covers the kit itself, for the run manifest (``kit.app.pipeline``).
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kit.config.campaign import Campaign
from kit.config.units import LINEAGE_FILE
from kit.core import vn
from kit.core.filememo import FileMemo, sha256
from kit.intake.check import RECEIVED_REGISTER, submission_files
from kit.intake.feeds import kinds as feed_kinds
from kit.scoring.awards import proposals_date  # the date a scorecard's findings are followed up to
from kit.store.ledger import LEDGER_FILE

if TYPE_CHECKING:
    from kit.app.year import YearState

CONFIG_FILES = ("campaign.yml", "units.csv", "commendation.yml", "registrations.csv", "initiatives.csv", "people.csv",
                "people.xlsx", "collectives.csv", "collectives.xlsx", "award_history.csv", "award_history.xlsx",
                "holds.csv", "holds.xlsx", "assignments.csv", "assignments.xlsx", "accounts.csv", "accounts.xlsx")


@dataclass(frozen=True)
class Fingerprint:
    files_digest: str
    decisions_digest: str
    files: int
    decisions: int

    @property
    def digest(self) -> str:
        return hashlib.sha256((self.files_digest + self.decisions_digest).encode()).hexdigest()

    def __str__(self) -> str:
        return f"{self.digest[:16]} ({vn.integer(self.files)} tệp, {vn.integer(self.decisions)} quyết định)"


def input_files(root: Path, years: list[int]) -> list[Path]:
    """Every file a year's results and reports read, in a stable order (needs no loaded campaign)."""
    config = [root / name for name in CONFIG_FILES] + sorted((root / "criteria").glob("*.yml"))
    per_year = []
    for year in years:
        folder = root / "submissions" / str(year)
        per_year += [root / "nominations" / f"{year}.csv", root / "nominations" / f"{year}.xlsx",
                     *(path for source in feed_kinds() for path in source.files(root, year)),  # every feed's files
                     *submission_files(folder), folder / RECEIVED_REGISTER]
    return [p for p in config + per_year if p.is_file()]


def history_files(campaign: Campaign) -> list[Path]:
    """What ``history_from`` reads (kit.app.previous): the handover archive, or the previous campaign's folder —
    its configuration and lineage, every year's movement files, forms and surveys, and its gradebook (the SQLite
    file and its ledger of heads, which moves with every decision and award event, whatever the database)."""
    source = campaign.history_from
    if source is None:
        return []
    if source.archive or not source.path.is_dir():
        return [source.path] if source.path.is_file() else []
    root = source.path
    years = sorted({int(p.stem if p.is_file() else p.name) for folder in ("submissions", "surveys", "nominations",
                                                                            "inspections")
                    for p in (root / folder).glob("*") if (p.stem if p.is_file() else p.name).isdigit()})
    # the ledger file is rewritten with every decision and award event appended (the -wal file a reader opens is
    # not: reading the gradebook would change the digest)
    extra = [root / LINEAGE_FILE, root / LEDGER_FILE, root / "gradebook.sqlite"]
    return input_files(root, years) + [p for p in extra if p.is_file()]


def history_digest(campaign: Campaign) -> str:
    """The digest of what ``history_from`` reads ("" when campaign.yml names no previous campaign), with where it is
    and how its units are mapped: a changed previous campaign changes the proposals made with it, and only them."""
    source = campaign.history_from
    if source is None:
        return ""
    h = hashlib.sha256(repr((str(source.path.resolve()), source.units)).encode())
    for path in history_files(campaign):
        name = path.name if source.archive else path.relative_to(source.path).as_posix()
        h.update(name.encode() + _content_digest(path))
    return h.hexdigest()


def files_digest(root: Path, files: list[Path]) -> str:
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(root).as_posix().encode())
        h.update(_content_digest(path))
    return h.hexdigest()


_seen: FileMemo[bytes] = FileMemo()


def _content_digest(path: Path) -> bytes:
    """A file's SHA-256, read again only when its size or modification time moved (a kernel rendering a batch
    of reports asks for the same forty files again and again)."""
    stat = path.stat()

    def read() -> bytes:
        with open(path, "rb") as fh:
            return sha256(fh).digest()

    return _seen.get(path, (stat.st_size, stat.st_mtime_ns), read)


def decisions_digest(decisions: pd.DataFrame | None, events: pd.DataFrame | None = None) -> str:
    """``decisions``: a gradebook history (all stages) as a DataFrame, or None when not used; ``events``: the award
    events (revocations), which change proposals and honour rolls of every year."""
    digest = ""
    if decisions is not None and len(decisions):
        rows = pd.util.hash_pandas_object(decisions.sort_values("id"), index=False)  # one hash per row, every column
        digest = hashlib.sha256(rows.to_numpy().tobytes()).hexdigest()
    if events is not None and len(events):
        rows = pd.util.hash_pandas_object(events.sort_values("id"), index=False)
        digest = hashlib.sha256(digest.encode() + rows.to_numpy().tobytes()).hexdigest()
    return digest


def fingerprint(root: Path, years: list[int], decisions: pd.DataFrame | None = None,
                events: pd.DataFrame | None = None) -> Fingerprint:
    files = input_files(root, years)
    return Fingerprint(files_digest(root, files), decisions_digest(decisions, events), len(files),
                       0 if decisions is None else len(decisions))


def combined(prints: list[Fingerprint]) -> Fingerprint:
    """One fingerprint for a report made from several years."""
    def join(parts: list[str]) -> str:
        return hashlib.sha256("".join(parts).encode()).hexdigest()

    return Fingerprint(join([p.files_digest for p in prints]), join([p.decisions_digest for p in prints]),
                       sum(p.files for p in prints), sum(p.decisions for p in prints))


def unit_fingerprint(years: list[YearState], unit: str) -> Fingerprint:
    """What the scorecard of ``unit`` for the last of ``years`` shows (the earlier years: its history rows).

    Files: the unit's forms of that year. The rest: the campaign's header, the deadline, the unit's result row
    of each year (score, percentage, band, rank, basis), its criteria rows and area percentages, its group's
    average per area, its decisions, its inspection findings, its form status and problems.
    """
    yd = years[-1]
    c = yd.campaign
    areas = yd.results.areas
    mine = areas["unit"] == unit
    forms = [s for s in yd.check.submissions if s.unit == unit]
    h = hashlib.sha256(repr((c.name, c.district, c.province, c.demo_note if c.demo else "", c.groups,
                             c.deadline(yd.year), proposals_date(c, "yearly", [yd.year]), unit,
                             yd.check.statuses.get(unit),
                             [(p.file, p.where(), p.message, p.is_error) for s in forms for p in s.problems])).encode())
    for frame in [*(y.results.units for y in years), yd.results.long, areas, yd.decisions, yd.results.findings]:
        h.update(_rows_digest(frame, frame["unit"] == unit))
    means = _kept(areas, "group means", lambda: areas.groupby(["group", "area", "area_name"])["percent"].mean()
                  .reset_index())
    if mine.any():
        h.update(_rows_digest(means, means["group"] == areas.loc[mine, "group"].iloc[0]))
    files = hashlib.sha256(b"".join(s.file.name.encode() + _content_digest(s.file) for s in forms if s.file.is_file()))
    return Fingerprint(files.hexdigest(), h.hexdigest(), len(forms), int((yd.decisions["unit"] == unit).sum()))


_kept_values: dict[int, tuple[weakref.ref, dict[str, object]]] = {}


def _kept(frame: pd.DataFrame, what: str, build: Callable[[], Any]) -> Any:
    """``build()``, computed once while ``frame`` lives (frames of a cached year state are never modified): a
    batch of scorecards hashes each year's tables once, not once per unit."""
    known = _kept_values.get(id(frame))
    if known is None or known[0]() is not frame:
        for key in [k for k, (ref, _) in _kept_values.items() if ref() is None]:
            del _kept_values[key]
        known = _kept_values[id(frame)] = weakref.ref(frame), {}
    if what not in known[1]:
        known[1][what] = build()
    return known[1][what]


def _rows_digest(frame: pd.DataFrame, rows: pd.Series) -> bytes:
    """The content of ``rows`` of ``frame``: column names and one hash per row, every column."""
    hashes = _kept(frame, "row hashes", lambda: pd.util.hash_pandas_object(frame, index=False).to_numpy())
    return repr(list(frame.columns)).encode() + hashes[rows.to_numpy()].tobytes()


def code_digest() -> str:
    """The kit's code and report templates: the same data rendered by other code may make another report."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode())
            h.update(_content_digest(path))
    return h.hexdigest()
