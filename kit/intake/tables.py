"""Campaign files kept as tables (registers, lists): found under a tolerant header, read row by row.

The movement's files and the inspection register share this reader; each loader then checks its own rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kit.core import problems as P
from kit.core.errors import FileProblem
from kit.core.values import cell_text, is_blank
from kit.intake.layout import header_key
from kit.intake.sheets import read_grids


@dataclass
class Table:
    """Rows that passed (as dicts, with their source row) and problems."""

    file: str
    rows: list[dict] = field(default_factory=list)
    problems: list[P.Problem] = field(default_factory=list)


def _header(rows: list[list[object]], columns: dict[str, set[str]], required: list[str]
            ) -> tuple[int, dict[str, int], list[str]]:
    """The header row (index, field -> column) and the required fields it lacks (empty when found)."""
    best: tuple[int, dict[str, int]] = (-1, {})
    for i, row in enumerate(rows[:20]):
        found = {name: j for j, cell in enumerate(row) for name, words in columns.items() if header_key(cell) in words}
        if set(required) <= set(found):
            return i, found, []
        if len(found) > len(best[1]):
            best = (i, found)
    return best[0], best[1], [c for c in required if c not in best[1]]


def read_table(path: Path, label: str, columns: dict[str, set[str]], required: list[str]
               ) -> tuple[Table, list[tuple[int, dict]], dict[str, str]]:
    """The rows of a campaign file under its header (row number, field -> cell), and where each field's column
    is, as a person finds it: the letter and the header as written ("C (Đơn vị)")."""
    table = Table(label)
    if not path.exists():
        return table, [], {}
    try:
        grid = read_grids(path)[0]
    except FileProblem as exc:
        table.problems.append(P.Problem(**{**exc.problem.to_dict(), "file": label}))
        return table, [], {}
    i, found, missing = _header(grid.rows, columns, required)
    if missing:
        for col in missing:
            table.problems.append(P.make(P.Code.COLUMN_MISSING, file=label, row=i + 1 if i >= 0 else None, value=col))
        return table, [], {}
    records = []
    for k in range(i + 1, len(grid.rows)):
        cells = {name: grid.rows[k][j] if j < len(grid.rows[k]) else None for name, j in found.items()}
        if all(is_blank(v) for v in cells.values()):
            continue
        records.append((k + 1, cells))
    where = {name: f"{P.column_letter(j + 1)} ({cell_text(grid.rows[i][j])})" for name, j in found.items()}
    return table, records, where


