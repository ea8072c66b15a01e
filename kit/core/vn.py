"""Numbers and dates as Vietnamese officials write them: 1.234,56 — 85,58 % — 15/12/2024 — 08:30 15/12/2024.

Reports, tables shown on screen and messages use these; spreadsheets keep real numbers and dates with a
number format, so that Excel shows them in the reader's own locale and they still add up.
"""

from __future__ import annotations

import datetime as dt
import math

from kit.core.values import round_half_up

POINTS_FORMAT = "0.00"  # xlsx: points and percentages, always two decimals
COUNT_FORMAT = "0"
DATE_FORMAT = "DD/MM/YYYY"


def _missing(value: object) -> bool:
    return value is None or value is _NA or (isinstance(value, float) and math.isnan(value))


try:  # pandas' missing value, without importing pandas for callers that do not use it
    from pandas import NA as _NA
except ImportError:  # pragma: no cover
    _NA = None


def number(value: object, decimals: int = 2, missing: str = "—") -> str:
    """85.575 → "85,58"; 1234.5 → "1.234,50"; None/NaN → "—". Rounded half away from zero, as Excel's ROUND."""
    if _missing(value):
        return missing
    text = f"{round_half_up(float(value), decimals):,.{decimals}f}"  # type: ignore[arg-type]
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def integer(value: object, missing: str = "—") -> str:
    """A count: 44.0 → "44", 131072 → "131.072"."""
    if _missing(value):
        return missing
    return f"{int(round(float(value))):,}".replace(",", ".")  # type: ignore[arg-type]


def date(value: object, missing: str = "") -> str:
    """A date (or the date of a datetime, or an ISO text) as dd/mm/yyyy."""
    if _missing(value) or value == "":
        return missing
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.date)
    return f"{value:%d/%m/%Y}"


def moment(value: object, missing: str = "") -> str:
    """A time stamp (datetime or ISO text, as the gradebook stores it) as "08:30 15/12/2024", local time."""
    if _missing(value) or value == "":
        return missing
    stamp = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(stamp, dt.datetime)
    return f"{stamp:%H:%M %d/%m/%Y}"
