"""Numbers and dates as Vietnamese officials write them: 1.234,56 — 85,58 % — 15/12/2024 — 08:30 15/12/2024.

Reports, tables shown on screen and messages use these; spreadsheets keep real numbers and dates with a
number format, so that Excel shows them in the reader's own locale and they still add up.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers

import pandas as pd

from kit.core.values import round_half_up
from kit.core.vocab import label

_NA = pd.NA

POINTS_FORMAT = "0.00"  # xlsx: points and percentages, always two decimals
COUNT_FORMAT = "0"
DATE_FORMAT = "DD/MM/YYYY"


def _missing(value: object) -> bool:
    return value is None or value is _NA or (isinstance(value, float) and math.isnan(value))


def points(value: object, missing: str = "—") -> str:
    """Points as typed and compared with the form, without trailing zeros: 1.5 → "1,5", 2.0 → "2", -0.25 → "-0,25"
    (``number`` fixes the decimals, for tables; this one is for a score in a sentence, a choice or a message)."""
    if _missing(value):
        return missing
    return f"{float(value):g}".replace(".", ",")  # type: ignore[arg-type]


def number(value: object, decimals: int = 2, missing: str = "—") -> str:
    """85.575 → "85,58"; 1234.5 → "1.234,50"; None/NaN → "—". Rounded half away from zero, as Excel's ROUND."""
    if _missing(value):
        return missing
    text = f"{round_half_up(float(value), decimals):,.{decimals}f}"  # type: ignore[arg-type]
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def integer(value: object, missing: str = "—", grouped: bool = True) -> str:
    """A count: 44.0 → "44", 131072 → "131.072"; a year (``grouped=False``) stays 2025."""
    if _missing(value):
        return missing
    return f"{int(round(float(value))):{',' if grouped else ''}}".replace(",", ".")  # type: ignore[arg-type]


def date(value: object, missing: str = "") -> str:
    """A date (or the date of a datetime, or an ISO text) as dd/mm/yyyy."""
    if _missing(value) or value == "":
        return missing
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.date)
    return f"{value:%d/%m/%Y}"


def official_date(day: dt.date) -> tuple[str, str, str]:
    """Day, month and year as a document's date line writes them (Decree 30/2020): a zero before days below 10
    and before the months 1 and 2 only — "ngày 05 tháng 02 năm 2025", "ngày 31 tháng 12 năm 2024"."""
    return f"{day.day:02d}", f"{day.month:02d}" if day.month < 3 else str(day.month), str(day.year)


def moment(value: object, missing: str = "") -> str:
    """A time stamp (datetime or ISO text, as the gradebook stores it) as "08:30 15/12/2024", local time.
    Text that is not a time stamp ("vừa lưu") is returned as it is."""
    if _missing(value) or value == "":
        return missing
    try:
        stamp = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return str(value)
    assert isinstance(stamp, dt.datetime)
    return f"{stamp:%H:%M %d/%m/%Y}"


def text(value: object) -> str:
    """Any table cell as shown: states by their label, numbers and dates the Vietnamese way, missing as "—"."""
    if _missing(value) or value is pd.NaT:
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, numbers.Integral):
        return integer(value, grouped=not 1900 < int(value) < 2200)  # a year is not "2.025"
    if isinstance(value, numbers.Real):
        return number(value)
    if isinstance(value, dt.datetime):
        return moment(value)
    if isinstance(value, dt.date):
        return date(value)
    return str(label(value))


def table(frame: pd.DataFrame) -> pd.DataFrame:
    """A table ready to show (every cell a string, see ``text``): integer columns (Int64: counts, ranks) as
    integers, other numbers with two decimals, so 44 criteria never read "44.0" and pd.NA never reads "<NA>"."""
    shown = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_integer_dtype(column.dtype):
            year = str(name).startswith("Năm") or str(name) == "year"
            shown[name] = [integer(v, grouped=not year) for v in column]
        else:
            shown[name] = [text(v) for v in column]
    return pd.DataFrame(shown, index=frame.index, columns=frame.columns)
