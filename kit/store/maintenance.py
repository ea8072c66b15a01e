"""The gradebook as a whole: its schema brought up to date, its pages checked, a consistent copy made.

None of this is an evaluator's work: it runs when a writer opens an older gradebook (``_upgrade``, each step from
schema 1 to ``SCHEMA_VERSION`` in one locked transaction, rows, ids and chains kept) and when an operator runs
``kit gradebook verify`` or ``backup`` (``kit.app.audit``, which also restores). Kept apart from the decision log
so that the one-time rewrites a migration needs (adding the chains, rebuilding a table) are never beside the code
that appends, and the append-only triggers are lifted only here, inside the migrating transaction.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import CheckConstraint, MetaData, Table, inspect, select
from sqlalchemy.engine import Connection, make_url

from kit.core.atomic import replacing
from kit.core.errors import GradebookError
from kit.core.vocab import Stage
from kit.store.engine import Store, shown
from kit.store.ledger import FIELDS, Head, heads_to_json, link
from kit.store.roles import restricted
from kit.store.schema import (
    APPEND_ONLY,
    DROP_APPEND_ONLY,
    SCHEMA_VERSION,
    award_events,
    decisions,
    kit_meta,
    metadata,
    set_meta,
    stage_check,
)


class Maintenance(Store):
    """Migration on open, the engine's own integrity check, and backups."""

    def _schema_id(self) -> str | None:
        """The gradebook's id when its schema is current; None when it is new or older (to be migrated)."""
        with self._reading() as conn:
            meta = (self._meta(conn, ["schema_version", "gradebook_id"]) if self.restricted else
                    dict(tuple(r) for r in conn.execute(select(kit_meta))) if self._has_meta(conn) else {})
        version = int(meta.get("schema_version", 0))
        if version > SCHEMA_VERSION:
            raise GradebookError(f"Sổ điểm được tạo bởi phiên bản kit mới hơn (lược đồ {version}); hãy cập nhật kit.")
        if self.restricted and version < SCHEMA_VERSION:
            raise GradebookError(f"Sổ điểm {shown(self.url)} cần được cập nhật lược đồ bởi chủ sổ điểm: hãy nhờ cán "
                                 "bộ vận hành mở sổ điểm một lần bằng tài khoản chủ (kit gradebook verify).")
        return meta["gradebook_id"] if version == SCHEMA_VERSION else None

    def _access(self) -> bool:
        """Whether this connection is an account's after ``kit gradebook grant`` (``kit.store.roles``)."""
        with self._reading() as conn:
            return restricted(conn)

    def _upgrade(self) -> str:
        """Create or bring the schema up to date (writers only), in one locked transaction; returns the id."""
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
                for ddl in APPEND_ONLY.get(conn.dialect.name, []):
                    conn.exec_driver_sql(ddl)
                set_meta(conn, "schema_version", str(SCHEMA_VERSION))
                meta.setdefault("gradebook_id", uuid.uuid4().hex)
                set_meta(conn, "gradebook_id", meta["gradebook_id"])
            return meta["gradebook_id"]

    def _exists(self) -> bool:
        """Whether the database holds a gradebook at all (any schema): a file with no tables, or a PostgreSQL
        database whose tables were dropped, does not."""
        with self._reading() as conn:
            return inspect(conn).has_table("decisions")

    def _holds_rows(self) -> bool:
        """Whether an existing gradebook holds any decision or award event (one that does is never begun again)."""
        with self._reading() as conn:
            tables = [t for t in (decisions, award_events) if inspect(conn).has_table(t.name)]
            return any(conn.execute(select(t.c.id).limit(1)).first() for t in tables)

    @staticmethod
    def _has_meta(conn: Connection) -> bool:
        return inspect(conn).has_table("kit_meta")

    @staticmethod
    def _add_chains(conn: Connection) -> None:
        """Schema 1 → 2: every decision gets its chain, in id order (the triggers are lifted in this transaction
        only, the one time the rows are completed)."""
        conn.exec_driver_sql("ALTER TABLE decisions ADD COLUMN chain VARCHAR(64) NOT NULL DEFAULT ''")
        for ddl in DROP_APPEND_ONLY.get(conn.dialect.name, []):
            conn.exec_driver_sql(ddl)
        heads: dict[int, Head] = {}
        for row in conn.execute(select(*[decisions.c[f] for f in FIELDS]).order_by(decisions.c.id)).all():
            head = heads.get(row.year, Head())
            chain = link(head.chain, tuple(row))
            conn.execute(decisions.update().where(decisions.c.id == row.id).values(chain=chain))
            heads[row.year] = Head(head.count + 1, row.id, chain)
        set_meta(conn, "ledger", heads_to_json(heads))

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
    for ddl in DROP_APPEND_ONLY["sqlite"]:
        conn.exec_driver_sql(ddl)
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_decisions_lookup")
    conn.exec_driver_sql("ALTER TABLE decisions RENAME TO decisions_before_schema4")
    _stage_table(stages).create(conn)
    columns = ", ".join(c.name for c in decisions.columns)
    conn.exec_driver_sql(f"INSERT INTO decisions ({columns}) SELECT {columns} FROM decisions_before_schema4")
    conn.exec_driver_sql("DROP TABLE decisions_before_schema4")
    for ddl in APPEND_ONLY["sqlite"]:
        conn.exec_driver_sql(ddl)
