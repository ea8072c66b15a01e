"""The gradebook's tables, and the database's own refusal to change what is appended.

One place for the schema: the decision log, the award events, the evaluator's desk and the migrations
(``kit.store.maintenance``) all name these tables, and ``SCHEMA_VERSION`` moves here together with the migration
step that reaches it. The append-only triggers are part of the schema (created with it, made again after a
rebuild), so they live beside the tables they guard. ``now`` is the one format of every ``created_at`` and
``updated_at`` column; ``set_meta`` the one way to write a ``kit_meta`` key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

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
    insert,
)
from sqlalchemy.engine import Connection

from kit.core.vocab import Stage

SCHEMA_VERSION = 4


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
APPEND_ONLY = {
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
DROP_APPEND_ONLY = {  # only while migrating an old gradebook (its rows get their chain), in the same transaction
    "sqlite": ["DROP TRIGGER IF EXISTS decisions_no_update", "DROP TRIGGER IF EXISTS decisions_no_delete"],
    "postgresql": ["DROP TRIGGER IF EXISTS decisions_no_change ON decisions"],
}


def now() -> str:
    """Local time with its offset, to the microsecond (order still comes from the id)."""
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="microseconds")


def set_meta(conn: Connection, key: str, value: str) -> None:
    """Write one ``kit_meta`` key (schema version, gradebook id, the recorded heads) in the caller's transaction."""
    conn.execute(kit_meta.delete().where(kit_meta.c.key == key))
    conn.execute(insert(kit_meta).values(key=key, value=value))
