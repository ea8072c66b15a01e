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
from kit.core import vn
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


def csv_table(path: Path, label: str | Path = "") -> list[list[object]]:
    """A CSV file's rows, separated by comma, semicolon (Excel in a decimal-comma locale) or tab."""
    text = read_text(path, label)
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))]
    except csv.Error:  # a field over the csv module's limit: usually an unclosed quote swallowing the file
        raise FileProblem(P.make(P.Code.CSV_FIELD_TOO_LONG, file=label or path,
                                 expected=vn.integer(csv.field_size_limit()))) from None


def csv_rows(path: Path, label: str | Path = "") -> list[dict[str, str]]:
    """A CSV file with a header row, as dicts keyed by the header's cells."""
    table = csv_table(path, label)
    header = [str(h).strip() for h in table[0]] if table else []
    return [dict(zip(header, (str(v) for v in row), strict=False)) for row in table[1:]]


def _delimiter(text: str) -> str:
    """The separator on most of the first lines (tab, then semicolon, win ties); csv.Sniffer is fooled by
    decimal commas ("95,5") in semicolon files."""
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    counts = {d: sum(d in line for line in lines) for d in ("\t", ";", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
