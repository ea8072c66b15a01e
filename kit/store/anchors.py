"""The gradebook's anchor now, and every anchor it has had: what issued reports and documents are checked against.

``Gradebook.anchor`` is the digest of the heads the database records (``kit.store.ledger.anchor_of``), read in one
transaction; ``anchors_at`` walks the stored chains in id order — decision ids are given under the write lock, so
each prefix is a state the gradebook was really in — and gives the anchors it had when it held a given number of
decisions (one per number of award events, which are counted apart). An anchor printed on an issued document that
is none of these was made from another gradebook, or from this one before it was rewritten.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import select

from kit.store.engine import Store
from kit.store.ledger import Anchor, Head, anchor_of, heads_from_json
from kit.store.schema import award_events, decisions


class Anchors(Store):
    """The anchor of the recorded heads, and the anchors of past states for ``kit gradebook verify --against``."""

    def anchor(self) -> Anchor:
        with self._reading() as conn:
            meta = self._meta(conn, ["ledger", "award_ledger"])
        awards = Head(**json.loads(meta["award_ledger"])) if meta.get("award_ledger") else Head()
        return anchor_of(heads_from_json(meta.get("ledger")), awards)

    def anchors_at(self, counts: Iterable[int]) -> tuple[int, dict[int, set[str]]]:
        """(decisions held now, {n: the digests the gradebook had when it held n decisions}) for each ``n`` of
        ``counts`` it has reached."""
        wanted = set(counts)
        with self._reading() as conn:
            rows = conn.execute(select(decisions.c.id, decisions.c.year, decisions.c.chain)
                                .order_by(decisions.c.id)).all()
            events = conn.execute(select(award_events.c.id, award_events.c.chain).order_by(award_events.c.id)).all()
        award_heads = [Head()]
        for number, (event_id, chain) in enumerate(events, 1):
            award_heads.append(Head(number, int(event_id), str(chain)))
        heads: dict[int, Head] = {}
        found: dict[int, set[str]] = {}
        for n in range(len(rows) + 1):
            if n:
                row_id, year, chain = rows[n - 1]
                heads[int(year)] = Head(heads.get(int(year), Head()).count + 1, int(row_id), str(chain))
            if n in wanted:
                found[n] = {anchor_of(heads, awards).digest for awards in award_heads}
        return len(rows), found
