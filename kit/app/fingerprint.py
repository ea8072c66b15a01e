"""A fingerprint of what a report was made from, so two reports can be told apart and reproduced.

It covers the configuration (campaign.yml, units.csv, criteria, commendation rules), the movement's
files, the surveys and submissions of the years concerned, and the gradebook's decisions of those
years (their content, not the database file, whose bytes change with housekeeping). The year state
(``kit.app.year``) keys its cache on it: whatever changes the fingerprint changes the results.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kit.core import vn
from kit.intake.check import RECEIVED_REGISTER, submission_files

CONFIG_FILES = ("campaign.yml", "units.csv", "commendation.yml", "registrations.csv", "initiatives.csv")


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
        per_year += [root / "surveys" / f"{year}.csv", root / "nominations" / f"{year}.csv",
                     root / "nominations" / f"{year}.xlsx", *submission_files(folder), folder / RECEIVED_REGISTER]
    return [p for p in config + per_year if p.is_file()]


def files_digest(root: Path, files: list[Path]) -> str:
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(root).as_posix().encode())
        h.update(_content_digest(path))
    return h.hexdigest()


_seen: dict[Path, tuple[int, int, bytes]] = {}


def _content_digest(path: Path) -> bytes:
    """A file's SHA-256, read again only when its size or modification time moved (a kernel rendering a batch
    of reports asks for the same forty files again and again)."""
    stat = path.stat()
    known = _seen.get(path)
    if known and known[:2] == (stat.st_size, stat.st_mtime_ns):
        return known[2]
    digest = hashlib.sha256(path.read_bytes()).digest()
    _seen[path] = (stat.st_size, stat.st_mtime_ns, digest)
    return digest


def decisions_digest(decisions: pd.DataFrame | None) -> str:
    """``decisions``: a gradebook history (all stages) as a DataFrame, or None when not used."""
    if decisions is None or not len(decisions):
        return ""
    rows = pd.util.hash_pandas_object(decisions.sort_values("id"), index=False)  # one hash per row, every column
    return hashlib.sha256(rows.to_numpy().tobytes()).hexdigest()


def fingerprint(root: Path, years: list[int], decisions: pd.DataFrame | None = None) -> Fingerprint:
    files = input_files(root, years)
    return Fingerprint(files_digest(root, files), decisions_digest(decisions), len(files),
                       0 if decisions is None else len(decisions))


def combined(prints: list[Fingerprint]) -> Fingerprint:
    """One fingerprint for a report made from several years."""
    def join(parts: list[str]) -> str:
        return hashlib.sha256("".join(parts).encode()).hexdigest()

    return Fingerprint(join([p.files_digest for p in prints]), join([p.decisions_digest for p in prints]),
                       sum(p.files for p in prints), sum(p.decisions for p in prints))
