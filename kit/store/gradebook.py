"""The gradebook: every appraisal decision, append-only, in a real database — opened here, kept by its parts.

``Gradebook`` is the one object callers hold (``Gradebook.for_campaign``), and this module the one place they
import from. It opens the database — telling a missing or replaced gradebook from a new one by the campaign's
ledger file; the schema created or migrated by a writer (a reader of an older gradebook opens one, once) — and
composes the parts, each a module with one job:

- ``kit.store.engine``: the URL, the engine, read and write transactions (``Store``, the parts' base);
- ``kit.store.schema``: the tables and their append-only triggers;
- ``kit.store.decision_log``: decisions appended and chained, histories read back checked, what counts;
- ``kit.store.award_log``: award events (revocations), chained like decisions;
- ``kit.store.desk``: the evaluator's desk, reusable comments and where each evaluator stopped;
- ``kit.store.maintenance``: migration, the engine's integrity check, backups (restore: ``kit.app.audit``).

The parts are mixins over ``Store`` rather than objects the façade forwards to: every method keeps its one
signature and docstring where it is implemented, ``Gradebook`` stays the type callers and tests name (a test
replaces ``Gradebook._insert`` to force a race), and each part builds only on what is below it (``Store``, the
schema, the ledger), never on another part (``tests/test_layers.py``).
"""

from __future__ import annotations

from pathlib import Path

from kit.core.errors import GradebookError
from kit.store.award_log import AwardEvent, AwardLog
from kit.store.decision_log import (
    ANY_BASE,
    Decision,
    DecisionLog,
    appraisals,
    evidence_hash,
    latest,
    open_explanations,
)
from kit.store.desk import Desk
from kit.store.engine import (
    RESTORE_HINT,
    URL_ENV,
    default_url,
    driver_url,
    open_engine,
    shown,
    sqlite_path,
)
from kit.store.ledger import LEDGER_FILE, LedgerFile
from kit.store.maintenance import Maintenance, set_stages
from kit.store.schema import (
    SCHEMA_VERSION,
    award_events,
    comment_library,
    decisions,
    kit_meta,
    metadata,
    now,
    positions,
    stage_check,
)

__all__ = [
    "ANY_BASE", "RESTORE_HINT", "SCHEMA_VERSION", "URL_ENV", "AwardEvent", "Decision", "Gradebook", "appraisals",
    "award_events", "comment_library", "decisions", "default_url", "evidence_hash", "kit_meta", "latest", "metadata",
    "now", "open_explanations", "positions", "set_stages", "shown", "sqlite_path", "stage_check",
]


class Gradebook(DecisionLog, AwardLog, Desk, Maintenance):
    """Decisions of one campaign. Safe for several processes at once (each opens its own).

    ``ledger``: the campaign folder's ledger file (``Gradebook.for_campaign`` passes it), which lets a missing or
    replaced database be told from a new one. ``readonly``: never writes — not even to create, migrate or switch
    the journal (results, reports and meetings read; only appraisal and imports write).
    """

    def __init__(self, url: str, *, ledger: Path | None = None, readonly: bool = False):
        self.url = driver_url(url)
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
        self.engine = open_engine(self.url, self.readonly)
        self._stat = None
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

    def _migrate(self) -> str:
        """The gradebook's id, its schema created or brought up to date first (by writers only)."""
        current = self._schema_id()
        if current is not None:
            return current
        if self.readonly:  # an older gradebook: migrate it once with a writer, then read
            with Gradebook(self.url) as writer:
                return writer.id
        return self._upgrade()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
