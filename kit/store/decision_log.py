"""The decision log: every appraisal decision, appended, chained, and read back checked.

Decisions are never updated or deleted (triggers refuse it, ``kit.store.schema``) and each is chained to the one
before in its year (``kit.store.ledger``), so damage is found before anything is ranked on it. The current score of
a criterion is its latest counted decision (``COUNTED_STAGES``), and the whole history stays readable: self
score → appraisal → explanation → final decision. This module is the one implementation of both halves:
``DecisionLog`` writes and reads the log; ``latest``, ``appraisals`` and ``open_explanations`` say what counts in
a history (the workspace, results and reports all use these).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Connection

from kit.core.errors import GradebookError
from kit.core.values import optional_float
from kit.core.vocab import COUNTED_STAGES, Stage
from kit.store.engine import RESTORE_HINT, Store, shown
from kit.store.ledger import FIELDS, Head, contains, heads_from_json, heads_to_json, link, walk, walk_hidden
from kit.store.schema import decisions, now, set_meta

ANY_BASE = object()  # record_if_current: no check (explanations, imports of demo data)


@dataclass(frozen=True)
class Decision:
    year: int
    unit: str
    code: str
    stage: Stage
    score: float | None
    evaluator: str
    comment: str = ""
    na: bool = False
    criterion_key: str = ""
    self_score: float | None = None
    evidence_hash: str = ""
    source: str = "notebook"
    created_at: str = field(default="")


def evidence_hash(evidence: object) -> str:
    """A short fingerprint of the evidence text, to notice when a resubmission changed it."""
    text_ = "" if evidence is None or (isinstance(evidence, float) and evidence != evidence) else str(evidence)
    return hashlib.sha1(text_.strip().encode("utf-8")).hexdigest()[:12] if text_.strip() else ""


def _row(d: Decision) -> dict:
    """A decision as stored, with plain Python values (the chain is computed on exactly what is read back)."""
    if not d.evaluator or not d.evaluator.strip():
        raise GradebookError("Chưa nhập tên cán bộ thẩm định: mỗi quyết định phải ghi rõ người chấm.")
    try:
        stage = Stage(d.stage)
    except ValueError:
        raise GradebookError(f"Giai đoạn \"{d.stage}\" không hợp lệ.") from None
    if not d.na and d.score is None:
        raise GradebookError(f"Tiêu chí {d.code} của {d.unit}: chưa có điểm hoặc \"Không áp dụng\".")
    return {"year": int(d.year), "unit": str(d.unit), "code": str(d.code), "criterion_key": str(d.criterion_key or ""),
            "stage": stage.value, "score": None if d.na or d.score is None else float(d.score), "na": bool(d.na),
            "evaluator": d.evaluator.strip(), "comment": str(d.comment or ""), "created_at": d.created_at or now(),
            "self_score": optional_float(d.self_score), "evidence_hash": str(d.evidence_hash or ""),
            "source": str(d.source or "")}


class DecisionLog(Store):
    """The decisions of a campaign: append (checked against what the author saw), read, verify."""

    _listed: tuple[pd.DataFrame, list[tuple]] | None = None  # restricted reads: every row's chain, for ``damage``

    def record(self, items: Decision | Sequence[Decision]) -> list[int]:
        """Append decisions in one transaction; returns their ids once committed (durable)."""
        batch = [items] if isinstance(items, Decision) else list(items)
        ids, _ = self.record_if_current([(d, ANY_BASE) for d in batch])
        return ids

    def record_if_current(self, items: Sequence[tuple[Decision, int | None | object]]
                          ) -> tuple[list[int], list[Decision]]:
        """Append each decision only if the criterion's current decision is still the one its author saw (``base``:
        that decision's id, None when there was none, ANY_BASE for no check). The checks and the inserts happen in
        one transaction holding the write lock, so of two evaluators saving at the same moment exactly one is
        recorded and the other is refused (the lost-update race of a check and an insert made apart). Each
        decision gets the next id and its chain in the same transaction, and so does the year's head.

        Returns the new ids (in the order of the recorded decisions) and the decisions refused.
        """
        rows = [(_row(d), base) for d, base in items]
        if not rows:
            return [], []
        if self.restricted:
            return self._record_through_function(rows, [d for d, _ in items])
        ids: list[int] = []
        refused: list[Decision] = []
        with self._locked() as conn:
            heads = self._heads(conn)
            touched: dict[int, Head] = {}
            next_id = int(conn.execute(select(func.coalesce(func.max(decisions.c.id), 0))).scalar_one()) + 1
            for (row, base), d in zip(rows, [d for d, _ in items], strict=True):
                if base is not ANY_BASE and self._current_id(conn, row["year"], row["unit"], row["code"],
                                                                 row["stage"]) != base:
                    refused.append(d)
                    continue
                head = heads.get(row["year"], Head())
                row["id"], next_id = next_id, next_id + 1
                row["chain"] = link(head.chain, [row[f] for f in FIELDS])
                self._insert(conn, row)
                heads[row["year"]] = touched[row["year"]] = Head(head.count + 1, row["id"], row["chain"])
                ids.append(row["id"])
            if touched:
                set_meta(conn, "ledger", heads_to_json(heads))
        if touched and self.ledger is not None:
            self.ledger.write(self.id, touched)
        return ids, refused

    def _record_through_function(self, rows: list[tuple[dict, object]], batch: list[Decision]
                                 ) -> tuple[list[int], list[Decision]]:
        """An account's save (after ``kit gradebook grant``): the owner's function checks the bases, sets the
        author, the time, the ids and the chains, and returns the new heads; the client sends only the content."""
        items = [{**{k: v for k, v in row.items() if k not in ("evaluator", "created_at")},
                  "check": base is not ANY_BASE, "base": None if base is ANY_BASE else base} for row, base in rows]
        with self._calling() as conn:
            done = conn.execute(text("SELECT kit_record_decisions(CAST(:items AS jsonb))"),
                                {"items": json.dumps(items, allow_nan=False)}).scalar_one()
        ids = [int(i) for i in done["ids"] if i is not None]
        refused = [d for d, i in zip(batch, done["ids"], strict=True) if i is None]
        touched = {int(y): Head(**h) for y, h in done["heads"].items()}
        if touched and self.ledger is not None:
            self.ledger.write(self.id, touched)
        return ids, refused

    def _heads(self, conn: Connection) -> dict[int, Head]:
        return heads_from_json(self._meta(conn, ["ledger"]).get("ledger"))

    @staticmethod
    def _current_id(conn, year: int, unit: str, code: str, stage: str) -> int | None:
        """The decision a new one of ``stage`` is checked against: the latest counted decision, or for a second
        appraisal the latest second appraisal (the first one is hidden from its author, so it cannot conflict)."""
        stages = [Stage.SECOND.value] if stage == Stage.SECOND.value else [s.value for s in COUNTED_STAGES]
        stmt = select(func.max(decisions.c.id)).where(decisions.c.year == year, decisions.c.unit == unit,
                                                      decisions.c.code == code, decisions.c.stage.in_(stages))
        return conn.execute(stmt).scalar()

    @staticmethod
    def _insert(conn: Connection, row: dict) -> None:
        conn.execute(insert(decisions).values(**row))

    def _frame(self, stmt) -> tuple[pd.DataFrame, dict[int, Head]]:
        with self._reading() as conn:
            heads = self._heads(conn)  # before the rows: a decision added in between only lengthens the chain
            result = conn.execute(stmt)
            # plain tuples: pandas probes every Row object otherwise (10x slower on a year's history)
            return pd.DataFrame([tuple(row) for row in result], columns=list(result.keys())), heads

    def history(self, year: int, unit: str | None = None, code: str | None = None) -> pd.DataFrame:
        """Every decision, oldest first. A whole year is checked against its chain and recorded heads first
        (``GradebookError`` when damaged: nothing is ranked on a damaged gradebook)."""
        if unit is None and code is None:
            frame, recorded = self.unchecked_history(year)
            damage = self.damage(year, frame, recorded)
            self._listed = None
            if damage:
                raise GradebookError(f"Sổ điểm {shown(self.url)} bị hỏng hoặc bị sửa ngoài kit: {damage} "
                                     f"{RESTORE_HINT}")
            return frame
        stmt = select(decisions).where(decisions.c.year == year)
        if unit is not None:
            stmt = stmt.where(decisions.c.unit == unit)
        if code is not None:
            stmt = stmt.where(decisions.c.code == code)
        return self._frame(stmt.order_by(decisions.c.id))[0]

    def unchecked_history(self, year: int) -> tuple[pd.DataFrame, Head]:
        """A year's decisions as stored and the head the database records for it (for ``kit gradebook verify``,
        which reports every problem instead of stopping at the first)."""
        stmt = select(decisions).where(decisions.c.year == year).order_by(decisions.c.id)
        if not self.restricted:
            frame, heads = self._frame(stmt)
            return frame, heads.get(year, Head())
        with self._reading() as conn:  # one snapshot: the heads, the visible rows and every row's chain agree
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            heads = self._heads(conn)
            result = conn.execute(stmt)
            frame = pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()))
            # beside the frame, not in its attrs (pandas deep-copies those on every column read)
            self._listed = (frame, self._chains(conn, year))
        return frame, heads.get(year, Head())

    def heads(self) -> dict[int, Head]:
        with self._reading() as conn:
            return self._heads(conn)

    def damage(self, year: int, frame: pd.DataFrame, recorded: Head) -> str:
        """What is wrong with a year's decisions (``frame``, in id order) against their chain, the head recorded
        in the database and the one in the ledger file; "" when nothing is. An account that may not see every row
        checks the visible ones itself and the hidden ones through the server (``kit.store.roles``)."""
        if self.restricted:
            head, broken, chains = walk_hidden(self._entries(year, frame))
        else:
            head, broken, chains = walk(zip(*(frame[f].tolist() for f in FIELDS), strict=True) if len(frame)
                                        else [], frame["chain"].tolist() if len(frame) else [])
        if broken is not None:
            return (f"năm {year}, quyết định số {broken.id} (đơn vị {broken.unit}, tiêu chí {broken.code}) không khớp "
                    "chuỗi kiểm chứng — dữ liệu đã bị thay đổi sau khi ghi.")
        if not contains(chains, recorded):
            return (f"năm {year}: sổ điểm ghi nhận {recorded.count} quyết định, chỉ còn đọc được {head.count} — có "
                    "quyết định đã bị xóa hoặc không đọc được.")
        file_id, in_file = self.ledger.read() if self.ledger else ("", {})
        known = in_file.get(year, Head()) if file_id == self.id else Head()
        if not contains(chains, known):
            return (f"năm {year}: lần ghi cuối trên máy này có {known.count} quyết định, sổ điểm hiện có {head.count} "
                    "và không chứa quyết định cuối đã ghi — có thể đây là bản sao lưu cũ hoặc tệp khác.")
        return ""

    def _entries(self, year: int, frame: pd.DataFrame) -> list[tuple]:
        """Every row of ``year`` for ``walk_hidden``: the visible ones with the content read in ``frame``, the
        hidden ones with the server's check. The list comes from the snapshot the rows were read in
        (``unchecked_history``); a visible row missing from ``frame`` or read with another chain counts as changed."""
        kept = self._listed
        listed = kept[1] if kept is not None and kept[0] is frame else None
        if listed is None:
            with self._reading() as conn:
                listed = self._chains(conn, year)
        visible = {int(r[0]): (r[:-1], str(r[-1]))
                   for r in zip(*(frame[f].tolist() for f in (*FIELDS, "chain")), strict=True)} if len(frame) else {}
        out: list[tuple] = []
        for number, unit, code, chain, hidden, ok in listed:
            seen = visible.get(int(number))
            if hidden or seen is None or seen[1] != chain:
                out.append((int(number), unit, code, chain, None, bool(hidden) and bool(ok)))
            else:
                out.append((int(number), unit, code, chain, seen[0], None))
        return out

    @staticmethod
    def _chains(conn: Connection, year: int) -> list[tuple]:
        return [tuple(r) for r in conn.execute(text("SELECT id, unit, code, chain, hidden, ok FROM "
                                                    "kit_year_chains(:y)"), {"y": int(year)})]

    def years(self) -> list[int]:
        with self._reading() as conn:
            try:
                found = {int(y) for (y,) in conn.execute(select(decisions.c.year).distinct())}
            except (TypeError, ValueError):  # a damaged page can turn a year into bytes
                raise GradebookError(f"Sổ điểm {shown(self.url)} bị hỏng: có năm không đọc được. {RESTORE_HINT}"
                                     ) from None
            return sorted(found | set(self._heads(conn)))

    def revision(self, year: int) -> tuple[int, int, str]:
        """(number of decisions, highest id, the chain at that id) of a year: changes whenever a decision is added
        and, since the chain covers every row before it, when a history is rewritten with the same count (the
        triggers forbid it, a file edited outside the kit does not): a reader's cache never outlives either."""
        stmt = select(func.count(decisions.c.id), func.coalesce(func.max(decisions.c.id), 0)).where(
            decisions.c.year == year)
        with self._reading() as conn:
            count, top = conn.execute(stmt).one()
            chain = conn.execute(select(decisions.c.chain).where(decisions.c.id == top)).scalar() or ""
        return int(count), int(top), str(chain)

    def latest(self, year: int) -> pd.DataFrame:
        """The decisions that count now in ``year``, one per (unit, code)."""
        return latest(self.history(year))

    def count(self) -> int:
        with self._reading() as conn:
            return int(conn.execute(select(func.count()).select_from(decisions)).scalar_one())


# -- what counts, from a history (one implementation: the workspace, results and reports all use these) ----
def latest(history: pd.DataFrame, stages: Iterable[Stage] = COUNTED_STAGES) -> pd.DataFrame:
    """The latest decision of the given stages per (unit, code): the current score is the latest appraisal or
    final decision; an explanation is the unit's request and never counts by itself."""
    wanted = history[history["stage"].isin([s.value for s in stages])]
    return wanted.sort_values("id").groupby(["unit", "code"], sort=False).tail(1).sort_values("id")


def appraisals(history: pd.DataFrame) -> pd.DataFrame:
    """Current scores (year, unit, code, appraised, appraised_na) for scoring.totals.with_decisions."""
    cur = latest(history)
    return pd.DataFrame({"year": cur["year"], "unit": cur["unit"], "code": cur["code"],
                         "appraised": pd.to_numeric(cur["score"], errors="coerce"),
                         "appraised_na": cur["na"].astype(bool)})


def open_explanations(history: pd.DataFrame) -> pd.DataFrame:
    """Explanations with no later appraisal or final decision on the same criterion (awaiting the council); a
    second appraisal made since is an opinion, not an answer to the unit."""
    decided = history[history["stage"] != Stage.SECOND.value]
    last = decided.sort_values("id").groupby(["unit", "code"], sort=False).tail(1)
    return last[last["stage"] == Stage.EXPLANATION.value].sort_values("id")
