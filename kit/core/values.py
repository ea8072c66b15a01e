"""Reading what people type into cells: numbers with a decimal comma, codes, header wording.

Forms come back from Excel and LibreOffice in Vietnamese locales, so "2,5" means 2.5 and a
header may lose its diacritics; these helpers make such variants compare equal.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from typing import Any

import numpy as np

_SPACES = re.compile(r"\s+")
_MICRO = 1_000_000  # scores are written with at most a few decimals; float sums carry noise below a millionth
# Terminal escape sequences, C0/C1 control characters except tab and newline, and the invisible
# characters that make two equal-looking codes differ (zero-width space/joiners, BOM, soft hyphen).
_CONTROL = re.compile("\x1b\\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2060\ufeff\u00ad]")
_GROUPED = re.compile(r"\d{1,3}([.,])\d{3}")  # "1.250" or "1,250": thousands or decimals?


def fold(text: object) -> str:
    """Lowercase, strip Vietnamese diacritics (đ -> d) and collapse spaces, for tolerant matching."""
    s = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", s).strip().lower()


def person_key(name: object) -> str:
    """A person's name as compared (evaluators in the gradebook and the assignments): spaces and case do not
    matter, diacritics do (Lan is not Lân)."""
    return " ".join(clean(str(name)).split()).casefold()


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def clean(text: str) -> str:
    """Text as the kit keeps it: NFC (so equal diacritics compare equal), no control or invisible characters."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", text))


def parse_number(value: object) -> float | None:
    """Parse a typed number: 2, 2.5, "2,5", " 95 % ", "1.250,5", "1,250.5". None when it is not a number.

    With one kind of separator it is the decimal mark (a comma, as Vietnamese write it, or a dot);
    with both, the last one is the decimal mark and the other groups thousands. "1.250" alone is
    read as 1.25: ``ambiguous_number`` tells when a reading may be the other one.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    if not isinstance(value, str):
        return None
    s = value.strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
    if not s:
        return None
    if "," in s and "." in s:
        thousands = "." if s.rfind(",") > s.rfind(".") else ","
        s = s.replace(thousands, "").replace(",", ".")
    else:
        s = s.replace(",", ".")
    try:
        number = float(s)
    except ValueError:
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def optional_float(value: object) -> float | None:
    """A numeric table value as a float; None for the missing ones (None, NaN, pd.NA) and for non-numbers."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
        return None
    return float(value)


def _micro(values: object) -> np.ndarray:
    """Numbers as written, in exact integer millionths (scores have a few decimals; a float sum such as
    40.980000000000004 is 40 980 000 millionths, as written)."""
    return np.rint(np.asarray(values, dtype=float) * _MICRO).astype(np.int64)


def round_half_up(values: Any, decimals: int = 2) -> Any:
    """Round as officials do (Excel's ROUND: half away from zero) the number as written, not its binary
    approximation: 80.125 → 80.13, 2.675 → 2.68 (Python's and NumPy's round give 80.12 and 2.67).

    Exact fixed-point arithmetic on whole arrays (results round ~10^6 numbers); a scalar gives a float.
    NaN and infinities stay as they are.
    """
    x = np.asarray(values, dtype=float)
    usable = np.isfinite(x)
    micro = _micro(np.where(usable, x, 0.0))
    step = 10 ** (6 - decimals)
    rounded = np.sign(micro) * ((np.abs(micro) + step // 2) // step) / 10**decimals
    out = np.where(usable, rounded, x)
    return float(out) if out.ndim == 0 else out


def percent(points: Any, maximum: Any) -> Any:
    """points / maximum × 100, rounded half up to 2 decimals in exact decimal (fixed-point) arithmetic: the one
    rule for tỷ lệ đạt (40.98 / 80 → 51.23, where binary floating point gives 51.224999… → 51.22). The
    bands classify this rounded value. NaN without a maximum. Scalars or arrays."""
    p, m = np.asarray(points, dtype=float), np.asarray(maximum, dtype=float)
    usable = np.isfinite(p) & np.isfinite(m) & (m > 0)
    num, den = _micro(np.where(usable, p, 0.0)), _micro(np.where(usable, m, 1.0))
    hundredths = np.sign(num) * ((2 * np.abs(num) * 10_000 + den) // (2 * den))  # half away from zero
    out = np.where(usable, hundredths / 100, np.nan)
    return float(out) if out.ndim == 0 else out


def ambiguous_number(value: object) -> bool:
    """Text like "1.250" or "1,250": 1.25 with a decimal mark, or 1250 with a thousands separator."""
    return isinstance(value, str) and _GROUPED.fullmatch(value.strip().replace(" ", "")) is not None


def cell_text(value: object) -> str:
    """A cell as text (``clean``): numbers without a spurious ".0", blanks as ""."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(str(value)).strip()


def code_text(value: object) -> str:
    """A unit or criterion code as typed, without any space; Excel may have turned "1.2" into the number 1.2."""
    text = cell_text(value)
    return "".join(text.split()).upper() if isinstance(value, str) else text


def parse_date(value: object) -> dt.date | None:
    """A date as Excel or a person wrote it: a date cell, 15/12/2022, 2022-12-15, or an Excel serial."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    number = parse_number(value) if not isinstance(value, str) else None
    if number is not None and 20000 < number < 80000:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(number))
    text = cell_text(value)
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
