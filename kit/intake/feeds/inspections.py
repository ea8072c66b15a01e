"""The inspection register as a feed: violations found per unit and deduction criterion (the criterion's code as
the indicator), the register's findings kept as the feed's ``detail`` (followed up by date, cited by decisions).

The register is read and checked by kit.intake.inspections; deduction criteria take it without a ``feed:`` line
(the count of violations, ``value``): the proposal counts at least what inspections found.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kit.config.campaign import Campaign
from kit.intake.feeds.registry import FEED_COLUMNS, YEAR, FeedKind, FeedTable, Indicator, register
from kit.intake.inspections import load_inspections
from kit.intake.tables import Table

NAME = "inspections"


def files(root: Path, year: int) -> list[Path]:
    return [root / "inspections" / f"{year}.csv", root / "inspections" / f"{year}.xlsx"]


def values(year: int, findings: list[dict]) -> pd.DataFrame:
    """Violations per unit and criterion code, in ``FEED_COLUMNS`` (a recommendation, 0 violations, counts 0)."""
    if not findings:
        return pd.DataFrame(columns=FEED_COLUMNS)
    frame = pd.DataFrame(findings)
    summed = frame.groupby(["unit", "code"], as_index=False, sort=False).agg(value=("violations", "sum"),
                                                                            row=("row", "first"))
    return summed.rename(columns={"code": "indicator"}).assign(feed=NAME, year=year, period=YEAR)[FEED_COLUMNS]


def as_feed(year: int, register: Table) -> FeedTable:
    """A register's accepted findings (as read, or as known on a day) as the feed's table."""
    return FeedTable(NAME, year, values(year, register.rows), register.problems, (register.file,), register)


def read(campaign: Campaign, year: int) -> FeedTable:
    return as_feed(year, load_inspections(campaign, year))


INSPECTIONS = register(FeedKind(NAME, "Kết quả kiểm tra", read, files,
                                indicators={"*": Indicator("*", "Số vi phạm", None)}, serves="deduction",
                                convert="value"))
