"""Reading what people type into cells: numbers with a decimal comma, codes, header wording.

Forms come back from Excel and LibreOffice in Vietnamese locales, so "2,5" means 2.5 and a
header may lose its diacritics; these helpers make such variants compare equal.
"""

from __future__ import annotations

import math
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: object) -> str:
    """Lowercase, strip Vietnamese diacritics (đ -> d) and collapse spaces, for tolerant matching."""
    s = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", s).strip().lower()


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def parse_number(value: object) -> float | None:
    """Parse a typed number: 2, 2.5, "2,5", " 95 % ". Returns None when it is not a number.

    A comma is a decimal comma (Vietnamese usage) unless a dot is also present, in which case
    the comma is taken as a thousands separator.
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
        s = s.replace(",", "")
    else:
        s = s.replace(",", ".")
    try:
        number = float(s)
    except ValueError:
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def optional_float(value: object) -> float | None:
    """A numeric table value as a float; None for the missing ones (None, NaN, pd.NA) and for non-numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or isinstance(value, float) and math.isnan(value):
        return None
    return float(value)


def cell_text(value: object) -> str:
    """A cell as text: numbers without a spurious ".0", blanks as ""."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def code_text(value: object) -> str:
    """A unit or criterion code as typed; Excel may have turned "1.2" into the number 1.2."""
    return cell_text(value).upper() if isinstance(value, str) else cell_text(value)
