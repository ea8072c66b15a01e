"""An official list of units (xlsx, ods or csv: name, kind, group) turned into a campaign's units.csv.

A province's list has names, not codes, yet a code names every file of a unit (its form NV_2026.xlsx, its scorecard),
so the code is derived from the name: the kind's letter(s) then the name without diacritics ("Phường Tân Ninh" →
PTANNINH, "Sở Văn hóa, Thể thao và Du lịch" → SVHTTDL: initials when the whole name is long). Two names that give
the same code are told apart by a number, in the list's order, so importing the same list twice gives the same codes;
every such code is reported. A kind left empty is read from the first word of the name ("Xã …", "Phường …", "Sở …").
Every problem of the list (a name twice, a kind that cannot be found, an unknown group, a code that cannot name a
file) is reported with its row and column, all at once, and nothing is written while any remains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kit.config.units import _RESERVED, UNIT_CODE, UNIT_KINDS
from kit.core import problems as P
from kit.core.values import cell_text, code_text, fold
from kit.intake.tables import read_table

COLUMNS: dict[str, set[str]] = {
    "name": {"ten don vi", "ten", "name", "don vi", "ten co quan don vi"},
    "kind": {"loai", "loai don vi", "kind"},
    "group": {"nhom", "nhom don vi", "group", "khoi"},
    "code": {"ma", "ma don vi", "code"},
    "parent": {"co quan cap tren", "co quan chu quan", "parent"},
}
LABELS = {"name": "Tên đơn vị", "kind": "Loại", "group": "Nhóm", "code": "Mã đơn vị", "parent": "Cơ quan cấp trên"}
# The first words of a name that say its kind (folded), longest first so "thi tran" wins over "thi"…
KIND_WORDS: list[tuple[str, str]] = sorted([
    ("xa", "xa"), ("phuong", "phuong"), ("thi tran", "thi_tran"), ("so", "so"), ("ban", "ban"),
    ("van phong", "van_phong"), ("thanh tra", "thanh_tra"), ("phong", "phong"), ("dac khu", "xa"),
], key=lambda w: -len(w[0]))
# The letters a derived code starts with, by kind (the demo's communes: XCHAUTHANH, PTANNINH).
PREFIX = {"xa": "X", "phuong": "P", "thi_tran": "TT", "so": "S", "ban": "B", "van_phong": "VP", "thanh_tra": "TTR"}
LONG_NAME = 12  # letters: longer names give initials
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class ListedUnit:
    code: str
    name: str
    group: str
    kind: str
    parent: str
    row: int


@dataclass
class UnitList:
    """What the import found: the units (empty when any problem is an error), the problems, and the codes that
    had to be told apart ("PTANNINH2 (Phường Tân Ninh, dòng 14): PTANNINH đã dùng cho dòng 3")."""

    units: list[ListedUnit]
    problems: list[P.Problem]
    renamed: list[str]


def kind_of_name(name: str) -> str:
    """The kind the name's first word says ("Phường Tân Ninh" → phuong), or ""."""
    folded = fold(name)
    for words, kind in KIND_WORDS:
        if folded == words or folded.startswith(words + " "):
            return kind
    return ""


def kind_from_cell(text: str) -> str | None:
    """A kind column's cell as a kind: a code of UNIT_KINDS, its label, or a type word ("Phường"); None: unknown."""
    if not text:
        return ""
    if text in UNIT_KINDS:
        return text
    folded = fold(text)
    for kind, label in UNIT_KINDS.items():
        if folded in (fold(label), kind.replace("_", " ")):
            return kind
    return kind_of_name(text) or None


def derive_code(name: str, kind: str) -> str:
    """A short stable code from a name: the kind's prefix, then the rest of the name without diacritics (initials
    when long)."""
    words = _WORD.findall(fold(name))
    for type_words, _ in KIND_WORDS:
        head = type_words.split()
        if words[: len(head)] == head and len(words) > len(head):
            words = words[len(head):]
            break
    whole = "".join(words)
    body = whole if len(whole) <= LONG_NAME else "".join(w[0] if not w.isdigit() else w for w in words if w != "va")
    return (PREFIX.get(kind, "") + body).upper()[:20]


def _group_of(text: str, groups: dict[str, str]) -> str | None:
    if not text and len(groups) == 1:
        return next(iter(groups))
    for code, name in groups.items():
        if text.upper() == code.upper() or fold(text) == fold(name):
            return code
    return None


def read_unit_list(path: Path, groups: dict[str, str]) -> UnitList:
    """Read and check an official unit list; see the module's docstring."""
    label = path.name
    if not path.exists():
        return UnitList([], [P.make(P.Code.UNIT_LIST_INVALID, file=path, detail="không tìm thấy tệp danh sách đơn "
                                    "vị; hãy chỉ đúng đường dẫn (--units TỆP.xlsx hoặc .csv)")], [])
    table, records, where = read_table(path, label, COLUMNS, ["name"])
    problems = list(table.problems)
    units: list[ListedUnit] = []
    renamed: list[str] = []
    names: dict[str, int] = {}
    codes: dict[str, int] = {}
    group_list = ", ".join(f"{c} ({n})" for c, n in groups.items())
    for row, cells in records:
        def bad(column: str, detail: str, row: int = row) -> None:
            problems.append(P.make(P.Code.UNIT_LIST_INVALID, file=label, row=row,
                                   column=where.get(column, f"{LABELS[column]} (thêm cột này)"), detail=detail))

        name = " ".join(cell_text(cells.get("name")).split())
        if not name:
            bad("name", "thiếu tên đơn vị; hãy ghi tên hoặc xóa dòng này")
            continue
        key = name.casefold()  # case and spacing do not tell two units apart; letters and marks do
        if key in names:
            bad("name", f"\"{name}\" trùng tên với dòng {names[key]}; mỗi đơn vị chỉ ghi một dòng (xóa dòng lặp, "
                        "hoặc ghi tên đầy đủ để phân biệt)")
            continue
        names[key] = row
        kind_text = cell_text(cells.get("kind"))
        kind = kind_from_cell(kind_text) if kind_text else kind_of_name(name)
        if kind is None:
            bad("kind", f"loại \"{kind_text}\" của {name} không có; ghi một trong: "
                        f"{', '.join(UNIT_KINDS.values())}")
            continue
        if not kind and not kind_text:
            bad("kind", f"không suy ra được loại của \"{name}\" từ tên (tên không bắt đầu bằng Xã, Phường, Sở, Ban, "
                        "Văn phòng…); hãy ghi cột Loại")
            continue
        group_text = cell_text(cells.get("group"))
        group = _group_of(group_text, groups)
        if group is None:
            bad("group", f"nhóm \"{group_text}\" không có trong đợt thi đua; ghi mã hoặc tên một nhóm: {group_list}"
                if group_text else f"thiếu nhóm của {name}; ghi mã hoặc tên một nhóm: {group_list}")
            continue
        given = code_text(cells.get("code")).upper()
        code = given or derive_code(name, kind)
        if not UNIT_CODE.fullmatch(code) or code in _RESERVED:
            bad("code" if given else "name", f"mã \"{code}\" của {name} không đặt được tên tệp (chỉ chữ không dấu và "
                "số, tối đa 20 ký tự, không trùng tên thiết bị của Windows như CON, PRN); hãy ghi cột Mã đơn vị")
            continue
        if code in codes:
            if given:
                bad("code", f"mã \"{code}\" đã dùng cho dòng {codes[code]}; hãy ghi mã khác")
                continue
            base, n = code[:18], 2
            while f"{base}{n}" in codes:
                n += 1
            renamed.append(f"{base}{n} ({name}, dòng {row}): mã {code} đã dùng cho dòng {codes[code]}")
            code = f"{base}{n}"
        codes[code] = row
        units.append(ListedUnit(code, name, group, kind, cell_text(cells.get("parent")), row))
    return UnitList([] if P.has_errors(problems) else units, problems, renamed)
