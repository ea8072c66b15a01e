"""The gradebook: every appraisal decision, append-only, in a real database.

By default one SQLite file in the campaign folder (``gradebook.sqlite``); the URL can point
elsewhere (``gradebook:`` in campaign.yml or the ``KIT_GRADEBOOK_URL`` environment variable),
which is why this goes through SQLAlchemy Core rather than ``sqlite3``. The schema is created
and migrated on open. Decisions are never updated or deleted (SQLite triggers refuse it); the
current score of a criterion is its latest appraisal or final decision, and the whole history
stays readable: self score → appraisal → explanation → final decision.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import OperationalError

from kit.core.errors import GradebookError
from kit.core.vocab import COUNTED_STAGES, Stage

SCHEMA_VERSION = 1
URL_ENV = "KIT_GRADEBOOK_URL"
ANY_BASE = object()  # record_if_current: no check (explanations, imports of demo data)

metadata = MetaData()
kit_meta = Table("kit_meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text))
decisions = Table(
    "decisions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("year", Integer, nullable=False),
    Column("unit", String(32), nullable=False),
    Column("code", String(32), nullable=False),
    Column("criterion_key", String(64), nullable=False, default=""),
    Column("stage", String(16), nullable=False),
    Column("score", Float),
    Column("na", Boolean, nullable=False, default=False),
    Column("evaluator", String(128), nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
    Column("self_score", Float),
    Column("evidence_hash", String(16), nullable=False, default=""),
    Column("source", String(32), nullable=False, default="notebook"),
    CheckConstraint("stage IN ('appraisal', 'explanation', 'final')", name="ck_stage"),
    CheckConstraint("length(trim(evaluator)) > 0", name="ck_evaluator"),
    CheckConstraint("na OR score IS NOT NULL", name="ck_score_or_na"),
    Index("ix_decisions_lookup", "year", "unit", "code", "id"),
)
comment_library = Table(
    "comment_library", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("text", Text, nullable=False, unique=True),
    Column("created_by", String(128), nullable=False),
    Column("created_at", String(40), nullable=False),
)
positions = Table(
    "positions", metadata,
    Column("evaluator", String(128), primary_key=True),
    Column("state", Text, nullable=False),
    Column("updated_at", String(40), nullable=False),
)
_APPEND_ONLY = [
    "CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions "
    "BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions "
    "BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END",
]


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


def now() -> str:
    """Local time with its offset, to the microsecond (order still comes from the id)."""
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="microseconds")


def evidence_hash(evidence: object) -> str:
    """A short fingerprint of the evidence text, to notice when a resubmission changed it."""
    text_ = "" if evidence is None or (isinstance(evidence, float) and evidence != evidence) else str(evidence)
    return hashlib.sha1(text_.strip().encode("utf-8")).hexdigest()[:12] if text_.strip() else ""


def default_url(root: Path, configured: str = "") -> str:
    """The gradebook's URL: the environment's, campaign.yml's, or gradebook.sqlite in the campaign folder. A
    relative SQLite path is the campaign folder's, whatever the current folder (else two processes started in
    different folders would silently keep two gradebooks)."""
    url = os.environ.get(URL_ENV) or configured or "sqlite:///gradebook.sqlite"
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////") and url != "sqlite:///:memory:":
        url = f"sqlite:///{(root / url.removeprefix('sqlite:///')).resolve()}"
    return url


def shown(url: str) -> str:
    """A database URL for messages: never its password."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # documented pysqlite recipe: we issue BEGIN ourselves
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")  # an acknowledged decision survives a crash
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock up front: no upgrade deadlocks

    return engine


class Gradebook:
    """Decisions of one campaign. Safe for several processes at once (each opens its own)."""

    def __init__(self, url: str):
        self.url = url
        self.engine = _sqlite_engine(url) if url.startswith("sqlite") else create_engine(url)
        self._migrate()

    @classmethod
    def for_campaign(cls, campaign) -> Gradebook:
        return cls(default_url(campaign.root, campaign.gradebook_url))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------------------------------
    def _migrate(self) -> None:
        try:
            with self._locked() as conn:
                kit_meta.create(conn, checkfirst=True)
                row = conn.execute(select(kit_meta.c.value).where(kit_meta.c.key == "schema_version")).first()
                version = int(row[0]) if row else 0
                if version > SCHEMA_VERSION:
                    raise GradebookError(f"Sổ điểm được tạo bởi phiên bản kit mới hơn (lược đồ {version}); "
                                         "hãy cập nhật kit.")
                if version < 1:
                    metadata.create_all(conn, checkfirst=True)
                    if conn.dialect.name == "sqlite":
                        for ddl in _APPEND_ONLY:
                            conn.exec_driver_sql(ddl)
                    conn.execute(insert(kit_meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
        except OperationalError as exc:
            raise GradebookError(f"Không mở được sổ điểm {shown(self.url)}: {exc.orig}") from None

    # -- decisions ---------------------------------------------------------------------------------------
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
        recorded and the other is refused (the lost-update race of a check and an insert made apart).

        Returns the new ids (in the order of the recorded decisions) and the decisions refused.
        """
        rows: list[tuple[dict, int | None | object]] = []
        for d, base in items:
            if not d.evaluator or not d.evaluator.strip():
                raise GradebookError("Chưa nhập tên cán bộ thẩm định: mỗi quyết định phải ghi rõ người chấm.")
            try:
                stage = Stage(d.stage)
            except ValueError:
                raise GradebookError(f"Giai đoạn \"{d.stage}\" không hợp lệ.") from None
            if not d.na and d.score is None:
                raise GradebookError(f"Tiêu chí {d.code} của {d.unit}: chưa có điểm hoặc \"Không áp dụng\".")
            rows.append(({**d.__dict__, "stage": stage.value, "evaluator": d.evaluator.strip(),
                          "created_at": d.created_at or now(),
                          "score": None if d.na or d.score is None else float(d.score)}, base))
        if not rows:
            return [], []
        ids: list[int] = []
        refused: list[Decision] = []
        with self._locked() as conn:
            for (row, base), d in zip(rows, [d for d, _ in items], strict=True):
                if base is not ANY_BASE and self._current_id(conn, row["year"], row["unit"], row["code"]) != base:
                    refused.append(d)
                    continue
                ids.append(self._insert(conn, row))
        return ids, refused

    @contextlib.contextmanager
    def _locked(self) -> Iterator[Connection]:
        """A write transaction holding the gradebook's write lock from its first statement: SQLite's BEGIN
        IMMEDIATE; on PostgreSQL a transaction-level advisory lock (checks, upserts and schema creation made by
        several processes at once then run one after the other)."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(4242)"))
            yield conn

    @staticmethod
    def _current_id(conn, year: int, unit: str, code: str) -> int | None:
        stmt = select(func.max(decisions.c.id)).where(decisions.c.year == year, decisions.c.unit == unit,
                                                      decisions.c.code == code,
                                                      decisions.c.stage.in_([s.value for s in COUNTED_STAGES]))
        return conn.execute(stmt).scalar()

    @staticmethod
    def _insert(conn, row: dict) -> int:
        return int(conn.execute(insert(decisions).values(**row)).inserted_primary_key[0])

    def _frame(self, stmt) -> pd.DataFrame:
        with self.engine.begin() as conn:
            result = conn.execute(stmt)
            # plain tuples: pandas probes every Row object otherwise (10x slower on a year's history)
            return pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()))

    def history(self, year: int, unit: str | None = None, code: str | None = None) -> pd.DataFrame:
        """Every decision, oldest first."""
        stmt = select(decisions).where(decisions.c.year == year)
        if unit is not None:
            stmt = stmt.where(decisions.c.unit == unit)
        if code is not None:
            stmt = stmt.where(decisions.c.code == code)
        return self._frame(stmt.order_by(decisions.c.id))

    def revision(self, year: int) -> tuple[int, int]:
        """(number of decisions, highest id) of a year: changes whenever a decision is added, and decisions are
        never changed or removed (append-only), so an unchanged revision means an unchanged history."""
        stmt = select(func.count(decisions.c.id), func.coalesce(func.max(decisions.c.id), 0)).where(
            decisions.c.year == year)
        with self.engine.begin() as conn:
            count, top = conn.execute(stmt).one()
        return int(count), int(top)

    def latest(self, year: int) -> pd.DataFrame:
        """The decisions that count now in ``year``, one per (unit, code)."""
        return latest(self.history(year))

    def count(self) -> int:
        with self.engine.begin() as conn:
            return int(conn.execute(select(func.count()).select_from(decisions)).scalar_one())

    # -- reusable comments and where each evaluator stopped ---------------------------------------------
    def comments(self) -> list[str]:
        with self.engine.begin() as conn:
            return [r[0] for r in conn.execute(select(comment_library.c.text).order_by(comment_library.c.text))]

    def add_comment(self, text_: str, evaluator: str) -> None:
        text_ = text_.strip()
        if not text_:
            return
        with self._locked() as conn:
            exists = conn.execute(select(comment_library.c.id).where(comment_library.c.text == text_)).first()
            if not exists:
                conn.execute(insert(comment_library).values(text=text_, created_by=evaluator, created_at=now()))

    def save_position(self, evaluator: str, state: dict) -> None:
        if not evaluator.strip():
            return
        with self._locked() as conn:
            conn.execute(positions.delete().where(positions.c.evaluator == evaluator))
            conn.execute(insert(positions).values(evaluator=evaluator, state=json.dumps(state, ensure_ascii=False),
                                                  updated_at=now()))

    def position(self, evaluator: str) -> dict | None:
        with self.engine.begin() as conn:
            row = conn.execute(select(positions.c.state).where(positions.c.evaluator == evaluator)).first()
        return json.loads(row[0]) if row else None

    def integrity_ok(self) -> bool:
        with self.engine.begin() as conn:
            return conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


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
    """Explanations with no later appraisal or final decision on the same criterion (awaiting the council)."""
    last = history.sort_values("id").groupby(["unit", "code"], sort=False).tail(1)
    return last[last["stage"] == Stage.EXPLANATION.value].sort_values("id")
