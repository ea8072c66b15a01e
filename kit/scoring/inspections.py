"""Inspection findings as tables: which criterion and area each concerns, how many violations it counts towards
the deduction proposal, and where it stands on a date (fixed on time, fixed late, open, open past its deadline).

The register is read and checked by kit.intake.inspections; this is pure computation on its accepted rows.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kit.core import vn
from kit.core.vocab import FindingState

FINDING_COLUMNS = ["year", "unit", "group", "date", "body", "reference", "finding", "code", "key", "area",
                   "area_name", "content", "violations", "deadline", "fixed_on", "row"]


def findings_frame(rows: list[dict], criteria: pd.DataFrame, groups: dict[str, str]) -> pd.DataFrame:
    """The register's accepted rows with the group, area and content of their criterion.

    ``criteria``: kit.scoring.totals.criteria_table of the year; ``groups``: unit code -> group code.
    """
    if not rows:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    frame = pd.DataFrame(rows).assign(group=lambda f: f["unit"].map(groups))
    named = frame.merge(criteria[["year", "group", "code", "area", "area_name", "content"]],
                        on=["year", "group", "code"], how="left")
    return named[FINDING_COLUMNS].sort_values(["date", "unit", "row"], kind="stable").reset_index(drop=True)


def found_counts(findings: pd.DataFrame) -> pd.DataFrame:
    """Violations found per (year, unit, criterion code): what the deduction proposal counts at least."""
    return findings.groupby(["year", "unit", "code"], as_index=False)["violations"].sum().rename(
        columns={"violations": "found"})


def state(deadline: dt.date | None, fixed_on: dt.date | None, on: dt.date) -> FindingState:
    """Where one finding stands on ``on``: a fix after ``on`` is not known yet; no deadline means never overdue."""
    if fixed_on is not None and fixed_on <= on:
        return FindingState.FIXED_LATE if deadline is not None and fixed_on > deadline else FindingState.FIXED
    return FindingState.OVERDUE if deadline is not None and deadline < on else FindingState.OPEN


def states(findings: pd.DataFrame, on: dt.date) -> pd.Series:
    """``state`` of every finding, on ``on``."""
    return pd.Series([state(_date(d), _date(f), on) for d, f in zip(findings["deadline"], findings["fixed_on"],
                                                                      strict=True)], index=findings.index, dtype=object)


def overdue(findings: pd.DataFrame, on: dt.date) -> dict[str, int]:
    """Per unit, the findings still open past their deadline on ``on`` (a commendation may require none)."""
    late = findings[states(findings, on) == FindingState.OVERDUE] if len(findings) else findings
    return late.groupby("unit").size().astype(int).to_dict()


def reference(row: dict | pd.Series) -> str:
    """How a decision or a report cites a finding: "Biên bản 12/BB-KT ngày 05/04/2024 (Phòng Nội vụ): 2 vi phạm"."""
    day = _date(row["date"])
    when = f" ngày {vn.date(day)}" if day else ""
    return f"{row['reference']}{when} ({row['body']}): {int(row['violations'])} vi phạm"


def _date(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None
