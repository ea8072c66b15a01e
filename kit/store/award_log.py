"""Award events: human decisions on awards already granted (today only a revocation), kept like decisions.

The office's register of granted awards (award_history.csv) is never edited; a revocation is appended here
instead, naming the granting decision and the person or unit, who recorded it and why. The events have their own
chain and head beside the years' (``kit.store.ledger``, ``EVENT_FIELDS``), checked the same way before results
read them. A module apart from the decision log because nothing else is shared: another table, another chain,
another reader (``kit.app.revocation``).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Connection

from kit.core.errors import GradebookError
from kit.store.engine import RESTORE_HINT, Store, shown
from kit.store.ledger import EVENT_FIELDS, Head, contains, link, walk
from kit.store.schema import award_events, now, set_meta


@dataclass(frozen=True)
class AwardEvent:
    """A human decision on an award already granted: today only its revocation (Law 2022 Art. 93)."""

    decision: str  # the number of the decision that granted the award, as the office's register writes it
    subject: str  # the person id, or the unit code of a collective
    reason: str
    evaluator: str  # who recorded it
    title: str = ""
    number: str = ""  # the number of the revoking decision, when there is one
    effective: str = ""  # its date, ISO
    kind: str = "revocation"
    source: str = "cli"
    created_at: str = ""


class AwardLog(Store):
    """The award events of a campaign: append, read, verify."""

    def record_award_event(self, event: AwardEvent) -> int:
        """Append an award event, chained to the one before it, in one transaction holding the write lock."""
        if not event.evaluator.strip() or not event.reason.strip():
            raise GradebookError("Thu hồi khen thưởng phải ghi rõ người ghi nhận và lý do.")
        row: dict[str, object] = {"kind": event.kind, "decision": event.decision.strip(),
                                  "subject": event.subject.strip(),
               "title": event.title, "reason": event.reason.strip(), "evaluator": event.evaluator.strip(),
               "number": event.number.strip(), "effective": event.effective, "created_at": event.created_at or now(),
               "source": event.source}
        if self.restricted:  # an account: the owner's function sets the author, the time, the id and the chain
            with self._calling() as conn:
                done = conn.execute(text("SELECT kit_record_award_event(CAST(:item AS jsonb))"),
                                    {"item": json.dumps({k: v for k, v in row.items()
                                                         if k not in ("evaluator", "created_at")})}).scalar_one()
            head = Head(**done["head"])
            if self.ledger is not None:
                self.ledger.write(self.id, {}, awards=head)
            return int(done["id"])
        with self._locked() as conn:
            head = self._award_head(conn)
            new_id = int(conn.execute(select(func.coalesce(func.max(award_events.c.id), 0))).scalar_one()) + 1
            row["id"] = new_id
            row["chain"] = chain = link(head.chain, [row[f] for f in EVENT_FIELDS])
            conn.execute(insert(award_events).values(**row))
            head = Head(head.count + 1, new_id, chain)
            set_meta(conn, "award_ledger", json.dumps(dataclasses.asdict(head)))
        if self.ledger is not None:
            self.ledger.write(self.id, {}, awards=head)
        return new_id

    def _award_head(self, conn: Connection) -> Head:
        value = self._meta(conn, ["award_ledger"]).get("award_ledger")
        return Head(**json.loads(value)) if value else Head()

    def award_head(self) -> Head:
        with self._reading() as conn:
            return self._award_head(conn)

    def unchecked_award_events(self) -> tuple[pd.DataFrame, Head]:
        with self._reading() as conn:
            head = self._award_head(conn)
            result = conn.execute(select(award_events).order_by(award_events.c.id))
            return pd.DataFrame([tuple(r) for r in result], columns=list(result.keys())), head

    def award_events(self) -> pd.DataFrame:
        """Every award event, oldest first, checked against its chain and both recorded heads (like a year)."""
        frame, recorded = self.unchecked_award_events()
        damage = self.award_damage(frame, recorded)
        if damage:
            raise GradebookError(f"Sổ điểm {shown(self.url)} bị hỏng hoặc bị sửa ngoài kit: {damage} {RESTORE_HINT}")
        return frame

    def award_damage(self, frame: pd.DataFrame, recorded: Head) -> str:
        head, broken, chains = walk(zip(*(frame[f].tolist() for f in EVENT_FIELDS), strict=True) if len(frame)
                                    else [], frame["chain"].tolist() if len(frame) else [])
        if broken is not None:
            return (f"sự kiện khen thưởng số {broken.id} (quyết định {broken.unit}, đối tượng {broken.code}) không "
                    "khớp chuỗi kiểm chứng — dữ liệu đã bị thay đổi sau khi ghi.")
        file_id, _, in_file = self.ledger.read_all() if self.ledger else ("", {}, Head())
        for known in (recorded, in_file if file_id == self.id else Head()):
            if not contains(chains, known):
                return (f"đã ghi nhận {known.count} sự kiện thu hồi khen thưởng, sổ điểm chỉ còn {head.count} — có sự "
                        "kiện đã bị xóa, hoặc đây là bản sao lưu cũ.")
        return ""

    def award_revision(self) -> tuple[int, int, str]:
        """(count, highest id, the chain there): see ``DecisionLog.revision``."""
        with self._reading() as conn:
            count, top = conn.execute(select(func.count(award_events.c.id),
                                             func.coalesce(func.max(award_events.c.id), 0))).one()
            chain = conn.execute(select(award_events.c.chain).where(award_events.c.id == top)).scalar() or ""
        return int(count), int(top), str(chain)
