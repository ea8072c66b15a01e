"""The self-assessment form's layout, shared by the writer (forms) and the reader (submission).

The reader does not rely on positions: it finds the header row and columns by their wording,
so a unit that moves, inserts or renames columns is still read. The synonyms below are the
wordings seen or expected in returned forms, compared without diacritics.
"""

from __future__ import annotations

import re

from kit.core.values import fold

SHEET = "Phiếu tự đánh giá"
GUIDE_SHEET = "Hướng dẫn"

# (field, header printed on the form, column width)
COLUMNS: list[tuple[str, str, int]] = [
    ("code", "Mã tiêu chí", 10),
    ("content", "Nội dung tiêu chí", 60),
    ("max", "Điểm tối đa", 9),
    ("method", "Cách chấm", 30),
    ("answer", "Trả lời", 15),
    ("value", "Giá trị đo", 11),
    ("self", "Điểm tự chấm", 10),
    ("evidence", "Tài liệu kiểm chứng", 40),
    ("explanation", "Giải trình, ghi chú", 40),
]
FIELD_HEADERS = {f: h for f, h, _ in COLUMNS}

SYNONYMS: dict[str, set[str]] = {
    "code": {"ma tieu chi", "ma tc", "ma", "ma so", "so tt tieu chi", "criterion"},
    "content": {"noi dung tieu chi", "noi dung", "tieu chi", "ten tieu chi"},
    "max": {"diem toi da", "toi da", "diem chuan", "thang diem"},
    "method": {"cach cham", "phuong phap cham", "cach tinh diem"},
    "answer": {"tra loi", "cau tra loi", "lua chon", "co khong"},
    "value": {"gia tri do", "gia tri", "so lieu", "ty le", "so lieu ty le", "gia tri do ty le"},
    "self": {"diem tu cham", "tu cham", "diem tu danh gia", "diem don vi tu cham", "tu danh gia"},
    "evidence": {"tai lieu kiem chung", "kiem chung", "minh chung", "tai lieu minh chung"},
    "explanation": {"giai trinh ghi chu", "giai trinh", "ghi chu", "thuyet minh"},
}
# Labels of the identity cells above the table (value in the next non-empty cell to the right).
META_LABELS: dict[str, set[str]] = {
    "unit": {"ma don vi"},
    "unit_name": {"ten don vi"},
    "year": {"nam", "nam danh gia", "nam cham diem"},
    "sent": {"ngay gui", "ngay gui phieu", "ngay lap phieu"},
}
META_ROWS: list[tuple[str, str]] = [
    ("unit", "Mã đơn vị"), ("unit_name", "Tên đơn vị"), ("year", "Năm"), ("group", "Nhóm"), ("sent", "Ngày gửi"),
]

_NOISE = re.compile(r"\(.*?\)|[^0-9a-z ]")


def header_key(text: object) -> str:
    """Fold a header: no diacritics, no bracketed units like "(%)", no punctuation."""
    return " ".join(_NOISE.sub(" ", fold(text)).split())


def _lookup(text: object, table: dict[str, set[str]]) -> str | None:
    key = header_key(text)
    return next((name for name, words in table.items() if key in words), None)


def field_of(text: object) -> str | None:
    """The form field a table header names ("Điểm tự đánh giá" -> "self"), or None."""
    return _lookup(text, SYNONYMS)


def meta_of(text: object) -> str | None:
    """The identity field a label above the table names ("Mã đơn vị:" -> "unit"), or None."""
    return _lookup(text, META_LABELS)
