"""The gradebook: every appraisal decision, append-only, in a real database.

By default one SQLite file in the campaign folder (``gradebook.sqlite``); the URL can point
elsewhere (``gradebook:`` in campaign.yml or the ``KIT_GRADEBOOK_URL`` environment variable),
which is why this goes through SQLAlchemy Core rather than ``sqlite3``. The schema is created
and migrated on open by writers; readers never write. Decisions are never updated or deleted (triggers
refuse it, on SQLite and PostgreSQL) and each is chained to the one before (``kit.store.ledger``), so
damage is found before anything is ranked on it. The current score of a criterion is its latest
appraisal or final decision, and the whole history stays readable: self score → appraisal →
explanation → final decision.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
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
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.pool import StaticPool

from kit.core.atomic import replacing
from kit.core.errors import GradebookError
from kit.core.values import optional_float
from kit.core.vocab import COUNTED_STAGES, Stage
from kit.store.ledger import (
    EVENT_FIELDS,
    FIELDS,
    LEDGER_FILE,
    Head,
    LedgerFile,
    contains,
    heads_from_json,
    heads_to_json,
    link,
    walk,
)

SCHEMA_VERSION = 4
URL_ENV = "KIT_GRADEBOOK_URL"
ANY_BASE = object()  # record_if_current: no check (explanations, imports of demo data)



def stage_check(stages: Iterable[Stage]) -> str:
    """The database's own refusal of an unknown stage (schema 4 added the second appraisal and reconciliation)."""
    return "stage IN (" + ", ".join(f"'{s.value}'" for s in stages) + ")"


metadata = MetaData()
kit_meta = Table("kit_meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text))
decisions = Table(
    "decisions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # given under the write lock: it is in the chain
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
    Column("chain", String(64), nullable=False, default=""),
    CheckConstraint(stage_check(Stage), name="ck_stage"),
    CheckConstraint("length(trim(evaluator)) > 0", name="ck_evaluator"),
    CheckConstraint("na OR score IS NOT NULL", name="ck_score_or_na"),
    Index("ix_decisions_lookup", "year", "unit", "code", "id"),
)
# Events on awards already granted (the office's register, award_history.csv, is never edited): a revocation
# names the decision and the person or unit, who recorded it and why. Append-only and chained like decisions.
award_events = Table(
    "award_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(16), nullable=False),
    Column("decision", String(128), nullable=False),
    Column("subject", String(64), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("reason", Text, nullable=False),
    Column("evaluator", String(128), nullable=False),
    Column("number", String(128), nullable=False, default=""),
    Column("effective", String(10), nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
    Column("source", String(32), nullable=False, default="cli"),
    Column("chain", String(64), nullable=False),
    CheckConstraint("kind IN ('revocation')", name="ck_event_kind"),
    CheckConstraint("length(trim(evaluator)) > 0", name="ck_event_evaluator"),
    CheckConstraint("length(trim(reason)) > 0", name="ck_event_reason"),
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
# Decisions are never updated or deleted, whoever connects: triggers in the database itself. On PostgreSQL the
# app's role should also lack UPDATE/DELETE/TRUNCATE grants on ``decisions`` (README); the triggers hold even
# for the owner, and the ledger shows what someone with the rights to drop them changed.
_APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions "
        "BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions "
        "BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS award_events_no_update BEFORE UPDATE ON award_events "
        "BEGIN SELECT RAISE(ABORT, 'award events are append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS award_events_no_delete BEFORE DELETE ON award_events "
        "BEGIN SELECT RAISE(ABORT, 'award events are append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION kit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'decisions are append-only'; END $$",
        "DROP TRIGGER IF EXISTS decisions_no_change ON decisions",
        "CREATE TRIGGER decisions_no_change BEFORE UPDATE OR DELETE ON decisions "
        "FOR EACH ROW EXECUTE FUNCTION kit_append_only()",
        "DROP TRIGGER IF EXISTS decisions_no_truncate ON decisions",
        "CREATE TRIGGER decisions_no_truncate BEFORE TRUNCATE ON decisions "
        "FOR EACH STATEMENT EXECUTE FUNCTION kit_append_only()",
        "DROP TRIGGER IF EXISTS award_events_no_change ON award_events",
        "CREATE TRIGGER award_events_no_change BEFORE UPDATE OR DELETE ON award_events "
        "FOR EACH ROW EXECUTE FUNCTION kit_append_only()",
        "DROP TRIGGER IF EXISTS award_events_no_truncate ON award_events",
        "CREATE TRIGGER award_events_no_truncate BEFORE TRUNCATE ON award_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION kit_append_only()",
    ],
}
_DROP_APPEND_ONLY = {  # only while migrating an old gradebook (its rows get their chain), in the same transaction
    "sqlite": ["DROP TRIGGER IF EXISTS decisions_no_update", "DROP TRIGGER IF EXISTS decisions_no_delete"],
    "postgresql": ["DROP TRIGGER IF EXISTS decisions_no_change ON decisions"],
}
RESTORE_HINT = ("Không xếp hạng, không ghi thêm trên sổ điểm này. Hãy khôi phục bản sao lưu gần nhất "
                "(kit gradebook restore TỆP_SAO_LƯU), rồi chạy kit gradebook verify.")


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


def _driver_url(url: str) -> str:
    """``postgresql://`` means the driver the kit declares (``pip install .[postgres]``: psycopg 3)."""
    return "postgresql+psycopg://" + url.removeprefix("postgresql://") if url.startswith("postgresql://") else url


def shown(url: str) -> str:
    """A database URL for messages: never its password."""
    return make_url(url).render_as_string(hide_password=True)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None: another database, or in memory)."""
    parsed = make_url(url)
    in_file = parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
    return Path(str(parsed.database)) if in_file else None


def _sqlite_engine(url: str, readonly: bool) -> Engine:
    path = sqlite_path(url)
    if readonly and path is not None:  # never creates, migrates or switches the journal: a read-only folder works
        engine = create_engine("sqlite://", creator=lambda: _read_only_connection(path))
    else:
        memory = {"poolclass": StaticPool} if path is None else {}  # one connection: one in-memory database
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False}, **memory)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # documented pysqlite recipe: we issue BEGIN ourselves
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        if not readonly:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")  # an acknowledged decision survives a crash
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # writes take the write lock up front (no upgrade deadlocks); reads do not block writers
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("kit_write") else "BEGIN")

    return engine


def _read_only_connection(path: Path) -> sqlite3.Connection:
    """A read-only connection; on read-only media, where SQLite cannot create the WAL index, the file is opened as
    immutable (nobody can write there either)."""
    uri = path.resolve().as_uri()
    connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=60, check_same_thread=False)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        if "unable to open" not in str(exc) and "readonly" not in str(exc):
            raise
        connection.close()
        connection = sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False)
    return connection


def _failure(url: str, exc: DBAPIError) -> str:
    """What an evaluator or operator reads when the database refuses: what happened, that nothing was saved when a
    write failed, and what to do."""
    detail = str(exc.orig).lower()
    where = shown(url)
    if "readonly" in detail or "read-only" in detail or "permission denied" in detail:
        return (f"Sổ điểm {where} chỉ cho phép đọc (thư mục hoặc tệp không ghi được): quyết định CHƯA được lưu, "
                "điểm vừa nhập vẫn còn trên bảng. Hãy nhờ người quản trị cấp quyền ghi, hoặc chấm bằng tệp Excel "
                "(kit decisions export) rồi nhập sau.")
    if "disk is full" in detail or "no space" in detail or "database or disk is full" in detail:
        return ("Ổ đĩa chứa sổ điểm đã đầy: quyết định CHƯA được lưu, điểm vừa nhập vẫn còn trên bảng. Hãy giải "
                "phóng dung lượng rồi bấm Lưu lại.")
    if "malformed" in detail or "not a database" in detail or "corrupt" in detail:
        return f"Sổ điểm {where} bị hỏng ({exc.orig}). {RESTORE_HINT}"
    if "locked" in detail or "busy" in detail:
        return "Sổ điểm đang bận (máy khác đang ghi quá lâu): quyết định CHƯA được lưu. Hãy chờ một lát rồi Lưu lại."
    return f"Không dùng được sổ điểm {where} ({exc.orig}). Hãy kiểm tra kết nối hoặc tệp sổ điểm rồi thử lại."


class Gradebook:
    """Decisions of one campaign. Safe for several processes at once (each opens its own).

    ``ledger``: the campaign folder's ledger file (``Gradebook.for_campaign`` passes it), which lets a missing or
    replaced database be told from a new one. ``readonly``: never writes — not even to create, migrate or switch
    the journal (results, reports and meetings read; only appraisal and imports write).
    """

    def __init__(self, url: str, *, ledger: Path | None = None, readonly: bool = False):
        self.url = _driver_url(url)
        self.readonly = readonly
        self.ledger = LedgerFile(ledger) if ledger is not None else None
        self.path = sqlite_path(self.url)
        recorded_id, recorded = self.ledger.read() if self.ledger else ("", {})
        empty = False
        if self.path is not None and not self.path.exists():
            if any(h.count for h in recorded.values()):
                total = sum(h.count for h in recorded.values())
                raise GradebookError(f"Không thấy tệp sổ điểm {self.path}, trong khi đã ghi {total} quyết định "
                                     f"vào đó (theo {self.ledger.path if self.ledger else ''}). {RESTORE_HINT}")
            if readonly:  # nothing decided yet: an empty gradebook in memory, without creating the file
                self.path, self.url, empty = None, "sqlite://", True
        self.readonly = readonly and not empty
        self.engine = (_sqlite_engine(self.url, self.readonly) if self.url.startswith("sqlite")
                       else create_engine(self.url, pool_pre_ping=True))
        self._stat: tuple[int, int] | None = None
        self.id = self._migrate()  # (creates a new SQLite file)
        self._stat = self._file_identity()
        self.readonly = readonly
        if recorded_id and recorded_id != self.id and any(h.count for h in recorded.values()):
            raise GradebookError(f"Sổ điểm {shown(self.url)} không phải sổ điểm đã ghi lần cuối của đợt thi đua này "
                                 f"(theo {self.ledger.path if self.ledger else ''}): có thể tệp đã bị thay bằng tệp "
                                 f"khác. {RESTORE_HINT}")

    @classmethod
    def for_campaign(cls, campaign, *, readonly: bool = False) -> Gradebook:
        return cls(default_url(campaign.root, campaign.gradebook_url), ledger=campaign.root / LEDGER_FILE,
                   readonly=readonly)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------------------------------
    def _migrate(self) -> str:
        """Create or bring the schema up to date (writers only); returns the gradebook's id."""
        with self._reading() as conn:
            meta = dict(tuple(r) for r in conn.execute(select(kit_meta))) if self._has_meta(conn) else {}
        version = int(meta.get("schema_version", 0))
        if version > SCHEMA_VERSION:
            raise GradebookError(f"Sổ điểm được tạo bởi phiên bản kit mới hơn (lược đồ {version}); hãy cập nhật kit.")
        if version == SCHEMA_VERSION:
            return meta["gradebook_id"]
        if self.readonly:  # an older gradebook: migrate it once with a writer, then read
            with Gradebook(self.url) as writer:
                return writer.id
        with self._locked() as conn:
            kit_meta.create(conn, checkfirst=True)
            meta = {k: v for k, v in conn.execute(select(kit_meta))}
            version = int(meta.get("schema_version", 0))  # another process may have migrated meanwhile
            if version < 1:
                metadata.create_all(conn, checkfirst=True)
            elif version < 2:
                self._add_chains(conn)
            if version < 3:  # schema 2 → 3: the award events (revocations)
                award_events.create(conn, checkfirst=True)
            if 1 <= version < 4:  # schema 3 → 4: the second appraisal and the reconciliation are stages
                set_stages(conn, list(Stage))
            if version < SCHEMA_VERSION:
                for ddl in _APPEND_ONLY.get(conn.dialect.name, []):
                    conn.exec_driver_sql(ddl)
                self._set_meta(conn, "schema_version", str(SCHEMA_VERSION))
                meta.setdefault("gradebook_id", uuid.uuid4().hex)
                self._set_meta(conn, "gradebook_id", meta["gradebook_id"])
            return meta["gradebook_id"]

    @staticmethod
    def _has_meta(conn: Connection) -> bool:
        return inspect(conn).has_table("kit_meta")

    def _add_chains(self, conn: Connection) -> None:
        """Schema 1 → 2: every decision gets its chain, in id order (the triggers are lifted in this transaction
        only, the one time the rows are completed)."""
        conn.exec_driver_sql("ALTER TABLE decisions ADD COLUMN chain VARCHAR(64) NOT NULL DEFAULT ''")
        for ddl in _DROP_APPEND_ONLY.get(conn.dialect.name, []):
            conn.exec_driver_sql(ddl)
        heads: dict[int, Head] = {}
        for row in conn.execute(select(*[decisions.c[f] for f in FIELDS]).order_by(decisions.c.id)).all():
            head = heads.get(row.year, Head())
            chain = link(head.chain, tuple(row))
            conn.execute(decisions.update().where(decisions.c.id == row.id).values(chain=chain))
            heads[row.year] = Head(head.count + 1, row.id, chain)
        self._set_meta(conn, "ledger", heads_to_json(heads))

    @staticmethod
    def _set_meta(conn: Connection, key: str, value: str) -> None:
        conn.execute(kit_meta.delete().where(kit_meta.c.key == key))
        conn.execute(insert(kit_meta).values(key=key, value=value))

    def _file_identity(self) -> tuple[int, int] | None:
        if self.path is None:
            return None
        info = self.path.stat()
        return info.st_dev, info.st_ino

    def _still_there(self) -> None:
        """The SQLite file this gradebook opened is still the one at its path: a deleted or replaced file would
        otherwise take decisions nobody will ever read."""
        if self._stat is None:
            return
        try:
            same = self._file_identity() == self._stat
        except FileNotFoundError:
            raise GradebookError(f"Tệp sổ điểm {self.path} đã bị xóa hoặc di chuyển trong lúc đang dùng: quyết "
                                 f"định CHƯA được lưu. {RESTORE_HINT}") from None
        if not same:
            raise GradebookError(f"Tệp sổ điểm {self.path} đã bị thay bằng tệp khác trong lúc đang dùng: quyết định "
                                 "CHƯA được lưu. Hãy mở lại sổ tay thẩm định (Run All Cells).")

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Connection]:
        self._still_there()
        try:
            with self.engine.begin() as conn:
                yield conn
        except DBAPIError as exc:
            raise GradebookError(_failure(self.url, exc)) from None
        except UnicodeDecodeError as exc:  # a damaged page in the schema's or a row's text
            raise GradebookError(f"Sổ điểm {shown(self.url)} bị hỏng ({exc.reason}). {RESTORE_HINT}") from None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[Connection]:
        """A write transaction holding the gradebook's write lock from its first statement: SQLite's BEGIN
        IMMEDIATE; on PostgreSQL a transaction-level advisory lock (checks, upserts, ids, chains and schema
        creation made by several processes at once then run one after the other)."""
        if self.readonly:
            raise GradebookError("Sổ điểm đang mở ở chế độ chỉ đọc.")
        self._still_there()
        try:
            with self.engine.connect() as conn, conn.execution_options(kit_write=True).begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(4242)"))
                yield conn
        except IntegrityError:  # a constraint: a bug to see, not a state of the disk
            raise
        except DBAPIError as exc:
            raise GradebookError(_failure(self.url, exc)) from None

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
        recorded and the other is refused (the lost-update race of a check and an insert made apart). Each
        decision gets the next id and its chain in the same transaction, and so does the year's head.

        Returns the new ids (in the order of the recorded decisions) and the decisions refused.
        """
        rows = [(_row(d), base) for d, base in items]
        if not rows:
            return [], []
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
                self._set_meta(conn, "ledger", heads_to_json(heads))
        if touched and self.ledger is not None:
            self.ledger.write(self.id, touched)
        return ids, refused

    @staticmethod
    def _heads(conn: Connection) -> dict[int, Head]:
        return heads_from_json(conn.execute(select(kit_meta.c.value).where(kit_meta.c.key == "ledger")).scalar())

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
        frame, heads = self._frame(select(decisions).where(decisions.c.year == year).order_by(decisions.c.id))
        return frame, heads.get(year, Head())

    def heads(self) -> dict[int, Head]:
        with self._reading() as conn:
            return self._heads(conn)

    def damage(self, year: int, frame: pd.DataFrame, recorded: Head) -> str:
        """What is wrong with a year's decisions (``frame``, in id order) against their chain, the head recorded
        in the database and the one in the ledger file; "" when nothing is."""
        head, broken, chains = walk(zip(*(frame[f].tolist() for f in FIELDS), strict=True) if len(frame) else [],
                                    frame["chain"].tolist() if len(frame) else [])
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

    def years(self) -> list[int]:
        with self._reading() as conn:
            try:
                found = {int(y) for (y,) in conn.execute(select(decisions.c.year).distinct())}
            except (TypeError, ValueError):  # a damaged page can turn a year into bytes
                raise GradebookError(f"Sổ điểm {shown(self.url)} bị hỏng: có năm không đọc được. {RESTORE_HINT}"
                                     ) from None
            return sorted(found | set(self._heads(conn)))

    def revision(self, year: int) -> tuple[int, int]:
        """(number of decisions, highest id) of a year: changes whenever a decision is added, and decisions are
        never changed or removed (append-only), so an unchanged revision means an unchanged history."""
        stmt = select(func.count(decisions.c.id), func.coalesce(func.max(decisions.c.id), 0)).where(
            decisions.c.year == year)
        with self._reading() as conn:
            count, top = conn.execute(stmt).one()
        return int(count), int(top)

    def latest(self, year: int) -> pd.DataFrame:
        """The decisions that count now in ``year``, one per (unit, code)."""
        return latest(self.history(year))

    def count(self) -> int:
        with self._reading() as conn:
            return int(conn.execute(select(func.count()).select_from(decisions)).scalar_one())

    # -- award events (revocations) -------------------------------------------------------------------------
    def record_award_event(self, event: AwardEvent) -> int:
        """Append an award event, chained to the one before it, in one transaction holding the write lock."""
        if not event.evaluator.strip() or not event.reason.strip():
            raise GradebookError("Thu hồi khen thưởng phải ghi rõ người ghi nhận và lý do.")
        row: dict[str, object] = {"kind": event.kind, "decision": event.decision.strip(),
                                  "subject": event.subject.strip(),
               "title": event.title, "reason": event.reason.strip(), "evaluator": event.evaluator.strip(),
               "number": event.number.strip(), "effective": event.effective, "created_at": event.created_at or now(),
               "source": event.source}
        with self._locked() as conn:
            head = self._award_head(conn)
            new_id = int(conn.execute(select(func.coalesce(func.max(award_events.c.id), 0))).scalar_one()) + 1
            row["id"] = new_id
            row["chain"] = chain = link(head.chain, [row[f] for f in EVENT_FIELDS])
            conn.execute(insert(award_events).values(**row))
            head = Head(head.count + 1, new_id, chain)
            self._set_meta(conn, "award_ledger", json.dumps(dataclasses.asdict(head)))
        if self.ledger is not None:
            self.ledger.write(self.id, {}, awards=head)
        return new_id

    @staticmethod
    def _award_head(conn: Connection) -> Head:
        value = conn.execute(select(kit_meta.c.value).where(kit_meta.c.key == "award_ledger")).scalar()
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

    def award_revision(self) -> tuple[int, int]:
        with self._reading() as conn:
            count, top = conn.execute(select(func.count(award_events.c.id),
                                             func.coalesce(func.max(award_events.c.id), 0))).one()
        return int(count), int(top)

    # -- reusable comments and where each evaluator stopped ---------------------------------------------
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
        with self._reading() as conn:
            row = conn.execute(select(positions.c.state).where(positions.c.evaluator == evaluator)).first()
        return json.loads(row[0]) if row else None

    # -- the whole gradebook -----------------------------------------------------------------------------
    def integrity(self) -> str:
        """The database engine's own check of its pages ("ok" when sound; PostgreSQL checks its own)."""
        if self.engine.dialect.name != "sqlite":
            return "ok"
        with self._reading() as conn:
            found = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
        return "ok" if found == ["ok"] else "; ".join(found[:5])

    def backup(self, target: Path) -> Path:
        """A consistent copy, even while evaluators save: SQLite's online backup API, ``pg_dump`` on PostgreSQL."""
        with replacing(target) as temporary:
            if self.engine.dialect.name == "sqlite":
                raw = self.engine.raw_connection()
                try:
                    copy = sqlite3.connect(temporary)
                    with copy:
                        raw.driver_connection.backup(copy)  # type: ignore[union-attr]
                    copy.close()
                finally:
                    raw.close()
            else:
                dump = shutil.which("pg_dump")
                if dump is None:
                    raise GradebookError("Máy này không có lệnh pg_dump (gói postgresql-client) để sao lưu sổ điểm "
                                         "PostgreSQL. Hãy cài gói đó hoặc nhờ người quản trị cơ sở dữ liệu sao lưu.")
                url = make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
                done = subprocess.run([dump, "--no-owner", "--file", str(temporary), url], capture_output=True,
                                      text=True)
                if done.returncode != 0:
                    raise GradebookError(f"pg_dump không sao lưu được sổ điểm {shown(self.url)}: "
                                         f"{done.stderr.strip().replace(url, shown(self.url))}")
        return target


def _stage_table(stages: Sequence[Stage]) -> Table:
    """``decisions`` as created, with the stage check over ``stages``."""
    table = decisions.to_metadata(MetaData())
    for constraint in [c for c in table.constraints if c.name == "ck_stage"]:
        table.constraints.discard(constraint)
    table.append_constraint(CheckConstraint(stage_check(stages), name="ck_stage"))
    return table


def set_stages(conn: Connection, stages: Sequence[Stage]) -> None:
    """Make the database accept exactly ``stages`` (schema 3 → 4), rows, ids and chains unchanged. PostgreSQL
    swaps the constraint; SQLite cannot alter one, so the table is rebuilt in this transaction (its documented
    procedure: a new table, the rows copied, the old one dropped), and its triggers made again by the caller."""
    check = stage_check(stages)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ALTER TABLE decisions DROP CONSTRAINT IF EXISTS ck_stage")
        conn.exec_driver_sql(f"ALTER TABLE decisions ADD CONSTRAINT ck_stage CHECK ({check})")
        return
    for ddl in _DROP_APPEND_ONLY["sqlite"]:
        conn.exec_driver_sql(ddl)
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_decisions_lookup")
    conn.exec_driver_sql("ALTER TABLE decisions RENAME TO decisions_before_schema4")
    _stage_table(stages).create(conn)
    columns = ", ".join(c.name for c in decisions.columns)
    conn.exec_driver_sql(f"INSERT INTO decisions ({columns}) SELECT {columns} FROM decisions_before_schema4")
    conn.exec_driver_sql("DROP TABLE decisions_before_schema4")
    for ddl in _APPEND_ONLY["sqlite"]:
        conn.exec_driver_sql(ddl)


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
