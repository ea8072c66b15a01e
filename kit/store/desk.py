"""The evaluator's desk: reusable comments and where each evaluator stopped.

Working state, not decisions: neither is chained nor append-only (a comment is added once, a position replaced on
every move), and losing them loses no score. They live in the gradebook database so that evaluators on several
machines share the comment library and find their place again wherever they open the appraisal notebook.
"""

from __future__ import annotations

import json

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from kit.store.engine import Store
from kit.store.schema import comment_library, now, positions


class Desk(Store):
    """Reusable comments and positions; every write in its own locked transaction, like decisions."""

    def comments(self, by: str | None = None) -> list[str]:
        """The reusable comments; ``by``: only those an evaluator wrote (a blind second appraisal must not be
        offered the first evaluator's words)."""
        stmt = select(comment_library.c.text).order_by(comment_library.c.text)
        if by is not None:
            stmt = stmt.where(comment_library.c.created_by == by)
        with self._reading() as conn:
            return [r[0] for r in conn.execute(stmt)]

    def add_comment(self, text_: str, evaluator: str) -> None:
        text_ = text_.strip()
        if not text_:
            return
        with self._locked() as conn:
            if self.restricted:  # an account: no write lock to wait on; the database sets created_by
                conn.execute(pg_insert(comment_library).values(text=text_, created_by=evaluator, created_at=now())
                             .on_conflict_do_nothing(index_elements=["text"]))
                return
            exists = conn.execute(select(comment_library.c.id).where(comment_library.c.text == text_)).first()
            if not exists:
                conn.execute(insert(comment_library).values(text=text_, created_by=evaluator, created_at=now()))

    def save_position(self, evaluator: str, state: dict) -> None:
        """Replace an evaluator's position. An account (``restricted``) reads and writes only its own, whatever
        ``evaluator`` says: row-level security, and a trigger that records the login (``kit.store.roles``)."""
        if not evaluator.strip():
            return
        with self._locked() as conn:
            # an account deletes all it can see: its own position only (row-level security)
            conn.execute(positions.delete() if self.restricted else
                         positions.delete().where(positions.c.evaluator == evaluator))
            conn.execute(insert(positions).values(evaluator=evaluator, state=json.dumps(state, ensure_ascii=False),
                                                  updated_at=now()))

    def position(self, evaluator: str) -> dict | None:
        with self._reading() as conn:
            row = conn.execute(select(positions.c.state).where(positions.c.evaluator == evaluator)).first()
        return json.loads(row[0]) if row else None
