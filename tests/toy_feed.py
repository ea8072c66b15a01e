"""A toy source: everything a new feed needs is this module (a reader and one registration) and a framework line.

``toy/<year>.csv`` (or .xlsx, .xls: unit, period, score 0–100), several periods a year; the year's value is the
mean of the quarters unless configured otherwise. Imported by tests/test_feeds.py, which unregisters it afterwards.
"""

from __future__ import annotations

from pathlib import Path

from kit.config.campaign import Campaign
from kit.intake.feeds.registry import Collector, FeedKind, FeedTable, Indicator, register
from kit.intake.tables import read_table

COLUMNS = {"unit": {"ma don vi", "unit"}, "period": {"ky", "ky so lieu", "period"}, "diem": {"diem", "score"}}


def files(root: Path, year: int) -> list[Path]:
    return [root / "toy" / f"{year}{suffix}" for suffix in (".csv", ".xlsx", ".xls")]


def read(campaign: Campaign, year: int) -> FeedTable:
    path = next((p for p in files(campaign.root, year) if p.exists()), files(campaign.root, year)[0])
    table, records, where = read_table(path, f"toy/{path.name}", COLUMNS, list(COLUMNS))
    rows = Collector(TOY, campaign, year, table.file, where)
    rows.problems += table.problems
    for row, cells in records:
        unit, period = rows.unit(cells.get("unit"), row), rows.period(cells.get("period"), row)
        if unit and period:
            rows.add(unit, "diem", cells.get("diem"), row, period=period, field_name="diem")
    return rows.table()


TOY = register(FeedKind("toy", "Nguồn thử", read, files, indicators={"diem": Indicator("diem", "Điểm thử", 100.0)},
                        period="mean_quarters"))
