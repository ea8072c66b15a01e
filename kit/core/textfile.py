"""Text files people edit (campaign.yml, units.csv, surveys, registers), whatever their editor saved.

Excel on Windows saves CSV as UTF-16 ("Unicode text") or in the Vietnamese code page (Windows-1258);
Notepad may add a byte-order mark. UTF-8 (with or without the mark) and UTF-16 are read as they are;
anything else is refused with the file, the line and what to do, never a traceback. Text is returned
in NFC, the form Vietnamese diacritics compare equal in.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from pathlib import Path

from kit.core import problems as P
from kit.core.errors import FileProblem

_VIETNAMESE_1258 = set(b"\xc3\xd2\xde\xec\xf2\xfe\xe3\xd5\xcc\xf5\xdd")  # bytes Windows-1258 uses for Vietnamese


def read_text(path: Path, label: str | Path = "") -> str:
    """The file's text (NFC); raises ``FileProblem`` (FILE_ENCODING) naming the line that is not UTF-8."""
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return unicodedata.normalize("NFC", data.decode("utf-16"))
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        guess = "Windows-1258 (tiếng Việt)" if _VIETNAMESE_1258 & set(data) else "Windows-1252 hoặc bảng mã cũ"
        raise FileProblem(P.make(P.Code.FILE_ENCODING, file=label or path, row=line, detail=guess)) from None


def csv_rows(path: Path, label: str | Path = "") -> list[dict[str, str]]:
    """A CSV file with a header row, as dicts (what csv.DictReader gives), read by ``read_text``."""
    try:
        return list(csv.DictReader(io.StringIO(read_text(path, label), newline="")))
    except csv.Error:  # an unclosed quote or a field over the csv module's limit
        raise FileProblem(P.make(P.Code.CSV_FIELD_TOO_LONG, file=label or path,
                                 expected=f"{csv.field_size_limit():,}".replace(",", "."))) from None
