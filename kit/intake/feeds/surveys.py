"""The satisfaction surveys as a feed: ``surveys/<year>.csv`` (unit, code, value in %), one value per unit and
survey criterion, the criterion's code as the indicator.

Survey criteria (answer type ``survey``) take it without a ``feed:`` line: points = max × % / 100 (``share`` of
a maximum of 100). The file is checked like forms: an unknown unit or criterion, or a value outside 0–100, is a
located problem and the row is left out.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kit.config.campaign import Campaign
from kit.core import problems as P
from kit.core.errors import FileProblem
from kit.core.textfile import csv_rows
from kit.core.values import cell_text, code_text, parse_number
from kit.intake.feeds.registry import FEED_COLUMNS, YEAR, FeedKind, FeedTable, Indicator, register

NAME = "surveys"


def files(root: Path, year: int) -> list[Path]:
    return [root / "surveys" / f"{year}.csv"]


def read(campaign: Campaign, year: int) -> FeedTable:
    """Satisfaction survey results, checked like forms."""
    path = files(campaign.root, year)[0]
    label = f"surveys/{path.name}"
    rows: list[tuple] = []
    problems: list[P.Problem] = []
    if not path.exists():
        return FeedTable(NAME, year, pd.DataFrame(rows, columns=FEED_COLUMNS), problems, ())
    try:
        records = csv_rows(path, label)
    except FileProblem as exc:
        return FeedTable(NAME, year, pd.DataFrame(rows, columns=FEED_COLUMNS), [exc.problem], (label,))
    for row_no, row in enumerate(records, start=2):
        unit = campaign.unit(code_text(row.get("unit")).upper())
        code = code_text(row.get("code"))
        value = parse_number(row.get("value"))
        if unit is None:
            problems.append(P.make(P.Code.UNIT_UNKNOWN, file=label, row=row_no, column="unit",
                                   value=cell_text(row.get("unit"))))
        elif code not in campaign.framework(year, unit.group).by_code():
            problems.append(P.make(P.Code.CRITERION_UNKNOWN, file=label, row=row_no, column="code", value=code,
                                   expected=year))
        elif value is None or not 0 <= value <= 100:
            problems.append(P.make(P.Code.VALUE_OUT_OF_RANGE, file=label, row=row_no, column="value",
                                   value=cell_text(row.get("value")), expected="0 - 100"))
        else:
            rows.append((NAME, year, unit.code, YEAR, code, value, row_no))
    return FeedTable(NAME, year, pd.DataFrame(rows, columns=FEED_COLUMNS), problems, (label,))


SURVEYS = register(FeedKind(NAME, "Kết quả khảo sát sự hài lòng", read, files,
                            indicators={"*": Indicator("*", "Tỷ lệ hài lòng (%)", 100.0)}, serves="survey",
                            convert="share"))
