"""What the kit remembers of files between calls: a file's content digest, kept while its size and mtime stay.

A kernel rendering a batch of reports, and a scoring panel moving between units, ask for the same forms and evidence
files again and again; reading a 5 MB PDF each time would cost more than the work around it. The memo is bounded
(least recently used out first), so a long-lived kernel that sees many campaigns or files keeps a fixed amount.
The caches of composed state live in ``kit.app.year``; this one only spares re-reading bytes.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import IO, Generic, TypeVar

CHUNK = 1 << 20  # streamed: a file of any size costs one chunk of memory

T = TypeVar("T")


def sha256(fh: IO[bytes]) -> hashlib._Hash:
    """The SHA-256 of what ``fh`` reads from here to its end, read in chunks."""
    h = hashlib.sha256()
    while chunk := fh.read(CHUNK):
        h.update(chunk)
    return h


class FileMemo(Generic[T]):
    """A bounded memo keyed by what identifies a file (path, member…) and the stamp its value is valid for
    (size, mtime): a new stamp computes again and replaces the entry."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[Hashable, T]] = OrderedDict()

    def get(self, key: Hashable, stamp: Hashable, compute: Callable[[], T]) -> T:
        known = self._entries.get(key)
        if known is not None and known[0] == stamp:
            self._entries.move_to_end(key)
            return known[1]
        value = compute()
        self._entries[key] = (stamp, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)
