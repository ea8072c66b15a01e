"""The gradebook checked against what left the office: the anchors printed on issued reports, documents, archives.

A hash chain with its heads kept in the database and in the campaign folder shows damage, but not a rewrite by
someone who can write both: edit a score, recompute every chain after it and both heads, and the gradebook is
consistent again. What such a person cannot reach is what was already issued — the report published, the document
signed, the archive handed over — each printing the anchor of the gradebook it was made from
(``kit.store.ledger.Anchor``). ``kit gradebook verify --against`` reads those anchors back (or one typed from a
signed paper) and says, for each, whether the gradebook is where it was (``CURRENT``), has added decisions since
(``AHEAD``, how many), holds fewer than the document cites (``BEHIND``), or had another content at that count
(``REWRITTEN``).
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from kit.core import problems as P
from kit.core.errors import UsageError
from kit.store.gradebook import Gradebook
from kit.store.ledger import ANCHOR_LABEL, Anchor, anchors_in

MANIFEST_KEY = "ledger_head"  # in an archive's MANIFEST.json: {"digest": …, "decisions": …}
_ISSUED = (".html", ".htm", ".docx", ".zip")
_TAG = re.compile(r"<[^>]+>")


class Standing(Enum):
    CURRENT = "current"  # the gradebook is where it was when the file was issued
    AHEAD = "ahead"  # the issued anchor is on the chain; decisions were added since
    BEHIND = "behind"  # the file cites more decisions than the gradebook holds
    REWRITTEN = "rewritten"  # at the file's count, the chain had another head


@dataclass(frozen=True)
class Issued:
    source: str  # the file (or "typed") the anchor was read from
    anchor: Anchor
    counted: bool = True  # False: typed without its count (every count is searched)


@dataclass(frozen=True)
class Compared:
    issued: Issued
    standing: Standing
    since: int = 0  # decisions recorded since the issued anchor (AHEAD)
    held: int = 0  # decisions the gradebook holds now

    def problem(self) -> P.Problem | None:
        a = self.issued
        if self.standing is Standing.BEHIND:
            return P.make(P.Code.LEDGER_BEHIND, value=a.source, expected=a.anchor.line, detail=self.held)
        if self.standing is Standing.REWRITTEN:
            at = a.anchor.decisions if a.counted else f"từ 0 đến {self.held}"
            return P.make(P.Code.LEDGER_REWRITTEN, value=a.source, expected=a.anchor.line, detail=at)
        return None

    def format(self) -> str:
        problem = self.problem()
        if problem is not None:
            return problem.format()
        if self.standing is Standing.CURRENT:
            return f"  ✓ {self.issued.source}: {self.issued.anchor.line} — khớp sổ điểm hiện tại."
        return (f"  ✓ {self.issued.source}: {self.issued.anchor.line} — có trên chuỗi kiểm chứng; sổ điểm đã ghi thêm "
                f"{self.since} quyết định từ đó.")


def _text_of_docx(path: Path) -> str:
    """The text of a Word document's properties, body, headers and footers (tags removed: a line split into runs
    reads whole)."""
    with zipfile.ZipFile(path) as zf:
        parts = [n for n in zf.namelist() if n == "docProps/core.xml" or
                 (n.startswith("word/") and n.endswith(".xml") and n.split("/")[-1].startswith(("document", "footer",
                                                                                               "header")))]
        return "\n".join(html.unescape(_TAG.sub("", zf.read(n).decode("utf-8", "replace"))) for n in parts)


def _in_archive(path: Path) -> list[Anchor]:
    with zipfile.ZipFile(path) as zf:
        if "MANIFEST.json" not in zf.namelist():
            return []
        head = json.loads(zf.read("MANIFEST.json").decode("utf-8")).get(MANIFEST_KEY)
    return [Anchor(str(head["digest"]), int(head["decisions"]))] if isinstance(head, dict) else []


def anchors_of_file(path: Path) -> list[Anchor]:
    """The anchors a file issued by the kit prints (none for another file)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".docx":
            found = anchors_in(_text_of_docx(path))
        elif suffix == ".zip":
            found = _in_archive(path)
        elif suffix in (".html", ".htm"):
            found = anchors_in(html.unescape(_TAG.sub("", path.read_text(encoding="utf-8", errors="replace"))))
        else:
            found = []
    except (OSError, zipfile.BadZipFile, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"Không đọc được {path} để tìm {ANCHOR_LABEL} ({exc}).") from None
    return list(dict.fromkeys(found))


def issued_in(path: Path) -> list[Issued]:
    """The anchors found in a file, or in every report, document and archive below a folder."""
    if not path.exists():
        raise UsageError(f"Không thấy {path}.")
    files = sorted(p for p in path.rglob("*") if p.suffix.lower() in _ISSUED and p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(path).parts)) if path.is_dir() else [path]
    return [Issued(str(f), a) for f in files for a in anchors_of_file(f)]


def typed(text: str) -> Issued:
    """An anchor typed from a signed paper: its 16 hex digits, and the number of decisions printed beside them
    when given ("0123456789abcdef 1.234", "0123456789abcdef (1.234 quyết định)")."""
    digest = re.search(r"\b[0-9a-fA-F]{16}\b", text)
    if digest is None:
        raise UsageError(f"\"{text}\": {ANCHOR_LABEL} gồm 16 chữ số và chữ cái a–f (ví dụ 0123456789abcdef), "
                         "có thể kèm số quyết định in bên cạnh.")
    rest = text[:digest.start()] + " " + text[digest.end():]
    count = re.search(r"\d[\d.]*", rest)
    number = int(count.group().replace(".", "")) if count else 0
    return Issued(f"mã nhập tay {digest.group().lower()}", Anchor(digest.group().lower(), number), count is not None)


def compare(gradebook: Gradebook, issued: list[Issued]) -> list[Compared]:
    """Each issued anchor against the anchors the gradebook has had (one walk of its chains)."""
    if not issued:
        return []
    held = gradebook.count()
    searched = {i.anchor.decisions for i in issued if i.counted}
    if any(not i.counted for i in issued):
        searched |= set(range(held + 1))
    held, states = gradebook.anchors_at(searched)
    now = gradebook.anchor().digest  # current only when nothing was added since, an award event included
    out = []
    for i in issued:
        n = i.anchor.decisions
        if i.counted and n > held:
            out.append(Compared(i, Standing.BEHIND, held=held))
            continue
        at = [n] if i.counted else sorted(states)
        match = next((k for k in at if i.anchor.digest in states.get(k, set())), None)
        if match is None:
            out.append(Compared(i, Standing.REWRITTEN, held=held))
        else:
            out.append(Compared(i, Standing.CURRENT if i.anchor.digest == now else Standing.AHEAD, held - match,
                                held))
    return out
