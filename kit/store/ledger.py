"""The gradebook's ledger: each decision chained to the one before it, so damage and edits show.

Every decision carries ``chain`` = SHA-256 of the previous decision's chain (same year) and of its own
content, id included; a changed byte, a removed row or rows put in another order break the chain at the
first damaged decision. The head of each year (how many decisions, the last id, the last chain) is kept
twice: in the database, in the transaction that adds the decisions, and in a small file in the campaign
folder (``gradebook.ledger.json``) that outlives the database, so a deleted, emptied, replaced or older
gradebook (a restored backup) is noticed even when it is consistent in itself. The file may lag behind the
database (a writer killed between its commit and the file, another evaluator's machine): its head then
lies inside the chain, which is fine; a head the database does not contain is not.

A hash chain does not stop someone who rewrites every chain after an edit; it stops silent damage (a bad
disk, a copy cut short, a hand edit with a database tool), which is what happens to district offices.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from kit.core.atomic import write_text
from kit.core.errors import GradebookError

LEDGER_FILE = "gradebook.ledger.json"
FIELDS = ("id", "year", "unit", "code", "criterion_key", "stage", "score", "na", "evaluator", "comment",
          "created_at", "self_score", "evidence_hash", "source")
# award events (revocations) have their own chain, beside the years' (kit.store.schema.award_events)
EVENT_FIELDS = ("id", "kind", "decision", "subject", "title", "reason", "evaluator", "number", "effective",
                "created_at", "source")


@dataclass(frozen=True)
class Head:
    count: int = 0
    last_id: int = 0
    chain: str = ""


@dataclass(frozen=True)
class Break:
    """The first decision whose stored chain is not what its content and its predecessor give."""

    position: int  # 0-based, in id order within the year
    id: int
    unit: str
    code: str


def _text(value: object) -> str:
    """One field as it enters the hash: the same text whether it comes from the insert or from a read-back."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "\x00"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value + 0.0)  # -0.0 reads back from SQLite as 0.0
    return str(value)


def link(previous: str, values: Sequence[object]) -> str:
    """The chain of a decision whose ``FIELDS`` are ``values``, after a decision whose chain is ``previous``."""
    return hashlib.sha256("\x1f".join([previous, *map(_text, values)]).encode()).hexdigest()


def walk(rows: Iterable[Sequence[object]], chains: Iterable[str]) -> tuple[Head, Break | None, list[str]]:
    """Recompute a year's chain over its decisions in id order (``rows``: their ``FIELDS``); returns the head,
    the first break (None when intact) and the stored chains, for comparing against a recorded head."""
    previous, count, last_id = "", 0, 0
    stored: list[str] = []
    for values, chain in zip(rows, chains, strict=True):
        number = int(str(values[0]))
        if link(previous, values) != chain:
            return Head(count, last_id, previous), Break(count, number, str(values[2]), str(values[3])), stored
        stored.append(chain)
        previous, count, last_id = chain, count + 1, number
    return Head(count, last_id, previous), None, stored


def walk_hidden(entries: Iterable[tuple[int, str, str, str, Sequence[object] | None, bool | None]]
                ) -> tuple[Head, Break | None, list[str]]:
    """``walk`` for a reader who may not see every row (an evaluator before a reconciliation,
    ``kit.store.roles``): ``entries`` are every row of the year in id order as (id, unit, code, stored chain,
    its ``FIELDS`` when visible else None, the server's check of a hidden row). A visible row is recomputed here
    on what was read; a hidden one counts as intact only when the server found its chain to be its link."""
    previous, count, last_id = "", 0, 0
    stored: list[str] = []
    for number, unit, code, chain, values, ok in entries:
        intact = link(previous, values) == chain if values is not None else bool(ok)
        if not intact:
            return Head(count, last_id, previous), Break(count, number, unit, code), stored
        stored.append(chain)
        previous, count, last_id = chain, count + 1, number
    return Head(count, last_id, previous), None, stored


def heads_from_json(text: str | None) -> dict[int, Head]:
    return {int(year): Head(**value) for year, value in json.loads(text).items()} if text else {}


def heads_to_json(heads: dict[int, Head]) -> str:
    return json.dumps({str(y): asdict(h) for y, h in sorted(heads.items())}, sort_keys=True)


def contains(chains: Sequence[str], head: Head) -> bool:
    """Whether a recorded head lies on this chain: the database holds at least that many decisions and the one at
    that position is the recorded one (a head recorded earlier may lag behind; it may not be missing)."""
    return head.count == 0 or (len(chains) >= head.count and chains[head.count - 1] == head.chain)


@dataclass(frozen=True)
class LedgerFile:
    """The campaign folder's record of the gradebook it last wrote to: its identity and each year's head."""

    path: Path

    def read(self) -> tuple[str, dict[int, Head]]:
        """(gradebook id, heads); ("", {}) when there is no file yet. A damaged file counts as damage."""
        gradebook_id, heads, _ = self.read_all()
        return gradebook_id, heads

    def read_all(self) -> tuple[str, dict[int, Head], Head]:
        """(gradebook id, the years' heads, the award events' head)."""
        if not self.path.exists():
            return "", {}, Head()
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return (str(raw["gradebook"]), {int(y): Head(**h) for y, h in raw["years"].items()},
                    Head(**raw.get("awards", {})))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise GradebookError(f"Tệp {self.path} (bản ghi đầu chuỗi của sổ điểm) bị hỏng ({exc}). Hãy khôi phục "
                                 "tệp này từ bản sao lưu cùng với sổ điểm.") from None

    def write(self, gradebook_id: str, heads: dict[int, Head], *, replace: bool = False,
              awards: Head | None = None) -> None:
        """Record the heads, never going back: a year's head (and the award events' head) is replaced only by a
        longer one (two writers may finish in either order); ``replace`` (a restored backup) records exactly
        ``heads`` and ``awards``."""
        known_id, known, known_awards = self.read_all()
        same = known_id == gradebook_id and not replace
        merged = dict(known) if same else {}
        for year, head in heads.items():
            if head.count >= merged.get(year, Head()).count:
                merged[year] = head
        events = known_awards if same else Head()
        if awards is not None and awards.count >= events.count:
            events = awards
        body = {"gradebook": gradebook_id, "years": {str(y): asdict(h) for y, h in sorted(merged.items())},
                "note": "Đầu chuỗi kiểm chứng của sổ điểm — không sửa, không xóa (xem kit gradebook verify)."}
        if events.count:
            body["awards"] = asdict(events)
        write_text(self.path, json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


# -- the anchor: the heads in a form short enough to print on a report and type back from a signed paper -------
ANCHOR_LABEL = "Mã sổ điểm"
_ANCHOR = re.compile(ANCHOR_LABEL + r":?\s*([0-9a-f]{16})\s*\(([\d.]*\d)\s*quyết định")


@dataclass(frozen=True)
class Anchor:
    """Every chain's head at one moment, in 16 hex digits, and how many decisions the gradebook then held.

    Printed on what leaves the office (reports, documents, archives), it is a copy of the heads that no one who
    can rewrite the database can reach: a gradebook rewritten whole, its chains and both recorded heads
    recomputed, no longer has this digest at this count (``kit gradebook verify --against``)."""

    digest: str
    decisions: int

    def __str__(self) -> str:
        return f"{self.digest} ({self.decisions:,} quyết định)".replace(",", ".")

    @property
    def line(self) -> str:
        return f"{ANCHOR_LABEL}: {self}"


def anchor_of(heads: dict[int, Head], awards: Head) -> Anchor:
    """The anchor of a state: every year's head and the award events' head (those with rows), in one digest."""
    parts = [f"{year}:{h.count}:{h.last_id}:{h.chain}" for year, h in sorted(heads.items()) if h.count]
    if awards.count:
        parts.append(f"awards:{awards.count}:{awards.last_id}:{awards.chain}")
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
    return Anchor(digest, sum(h.count for h in heads.values()))


def anchors_in(text: str) -> list[Anchor]:
    """Every anchor printed in ``text`` ("Mã sổ điểm: 0123456789abcdef (1.234 quyết định)")."""
    return [Anchor(m.group(1), int(m.group(2).replace(".", ""))) for m in _ANCHOR.finditer(text)]
