"""A fingerprint of what a report was made from, so two reports can be told apart and reproduced.

It covers the configuration (campaign.yml, units.csv, criteria, surveys), the submissions of the
years concerned, and the gradebook's decisions of those years (their content, not the database
file, whose bytes change with housekeeping).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kit.campaign import Campaign
from kit.check import submission_files


@dataclass(frozen=True)
class Fingerprint:
    digest: str
    files: int
    decisions: int

    def __str__(self) -> str:
        return f"{self.digest[:16]} ({self.files} tệp, {self.decisions} quyết định)"


def _files(campaign: Campaign, years: list[int]) -> list[Path]:
    root = campaign.root
    config = [root / "campaign.yml", root / "units.csv", *sorted((root / "criteria").glob("*.yml"))]
    surveys = [root / "surveys" / f"{y}.csv" for y in years]
    submitted = [f for y in years for f in submission_files(campaign.submissions_dir(y))]
    received = [campaign.submissions_dir(y) / "received.csv" for y in years]
    return [p for p in config + surveys + submitted + received if p.exists()]


def fingerprint(campaign: Campaign, years: list[int], decisions=None) -> Fingerprint:
    """``decisions``: the gradebook history of ``years`` as a DataFrame (or None when not used)."""
    h = hashlib.sha256()
    files = _files(campaign, years)
    for path in files:
        h.update(path.relative_to(campaign.root).as_posix().encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    count = 0
    if decisions is not None and len(decisions):
        ordered = decisions.sort_values("id")
        h.update(ordered.to_csv(index=False).encode())
        count = len(ordered)
    return Fingerprint(h.hexdigest(), len(files), count)


def combined(prints: list[Fingerprint]) -> Fingerprint:
    """One fingerprint for a report made from several years."""
    h = hashlib.sha256("".join(p.digest for p in prints).encode())
    return Fingerprint(h.hexdigest(), sum(p.files for p in prints), sum(p.decisions for p in prints))
