"""The gradebook: every appraisal decision, append-only, in a real database — opened here, kept by its parts.

``Gradebook`` is the one object callers hold (``Gradebook.for_campaign``), and this module the one place they
import from. It opens the database — telling a missing or replaced gradebook from a new one by the campaign's
ledger file; the schema created or migrated by a writer (a reader of an older gradebook opens one, once) — and
composes the parts, each a module with one job:

- ``kit.store.engine``: the URL, the engine, read and write transactions (``Store``, the parts' base);
- ``kit.store.schema``: the tables and their append-only triggers;
- ``kit.store.decision_log``: decisions appended and chained, histories read back checked, what counts;
- ``kit.store.award_log``: award events (revocations), chained like decisions;
- ``kit.store.anchors``: the anchor printed on what is issued, and the anchors of past states;
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
from kit.store.anchors import Anchors
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


class Gradebook(DecisionLog, AwardLog, Anchors, Desk, Maintenance):
    """Decisions of one campaign. Safe for several processes at once (each opens its own).

    ``ledger``: the campaign folder's ledger file (``Gradebook.for_campaign`` passes it), which lets a missing or
    replaced database be told from a new one. ``readonly``: never writes — not even to create, migrate or switch
    the journal (results, reports and meetings read; only appraisal and imports write).
    """

    def __init__(self, url: str, *, ledger: Path | None = None, readonly: bool = False, create: bool = False):
        self.url = driver_url(url)
        self.readonly = readonly
        self.ledger = LedgerFile(ledger) if ledger is not None else None
        self.path = sqlite_path(self.url)
        recorded_id, recorded = self.ledger.read() if self.ledger else ("", {})
        # a campaign's gradebook is begun only by ``create`` (kit gradebook init): opened otherwise, a missing
        # database or ledger file is an error, never a fresh start that would hide what was decided
        anchored = self.ledger is not None and not create
        empty = False
        if self.path is not None and not self.path.exists():
            if anchored:
                raise GradebookError(self._missing(recorded_id, recorded))
            if readonly:  # a bare URL with nothing in it: an empty gradebook in memory, without creating the file
                self.path, self.url, empty = None, "sqlite://", True
        self.readonly = readonly and not empty
        self.engine = open_engine(self.url, self.readonly)
        self._stat = None
        self.restricted = False
        if not self.url.startswith("sqlite"):
            self.restricted = self._access()
        if self.ledger is not None:
            self._check_anchored(create, recorded_id, recorded)
        self.id = self._migrate()  # (creates a new SQLite file)
        self._stat = self._file_identity()
        self.readonly = readonly
        if create and self.ledger is not None:
            self.ledger.write(self.id, {})
        if recorded_id and recorded_id != self.id:
            raise GradebookError(f"Sổ điểm {shown(self.url)} không phải sổ điểm đã ghi lần cuối của đợt thi đua này "
                                 f"(theo {self.ledger.path if self.ledger else ''}): có thể tệp đã bị thay bằng tệp "
                                 f"khác. {RESTORE_HINT}")

    def _check_anchored(self, create: bool, recorded_id: str, recorded: dict) -> None:
        """A campaign's gradebook and its ledger file exist together: ``create`` refuses when either exists, an
        opening when either is missing (dropped tables on PostgreSQL, an emptied file on SQLite)."""
        assert self.ledger is not None
        exists = self._exists()
        # a schema made by the database's owner (kit gradebook init --url) and still empty is begun, not refused
        if create and ((exists and self._holds_rows()) or self.ledger.path.exists()):
            what = f"sổ điểm {shown(self.url)}" if exists else f"tệp {self.ledger.path}"
            raise GradebookError(f"Đã có {what}: không tạo sổ điểm mới đè lên sổ điểm đang có. Kiểm tra sổ điểm bằng "
                                 "kit gradebook verify; khôi phục bằng kit gradebook restore TỆP_SAO_LƯU.")
        if create:
            return
        if not exists:
            raise GradebookError(self._missing(recorded_id, recorded))
        if not self.ledger.path.exists():
            raise GradebookError(
                f"Thiếu tệp {self.ledger.path} (đầu chuỗi kiểm chứng) bên cạnh sổ điểm {shown(self.url)}: tệp này "
                "không bao giờ tự mất. Không xếp hạng, không ghi thêm: hãy chép lại tệp từ bản sao lưu hoặc gói lưu "
                "trữ bàn giao (so-diem/gradebook.ledger.json); nếu chắc chắn sổ điểm đúng, chạy kit gradebook init "
                "--adopt rồi đối chiếu với các văn bản đã ban hành (kit gradebook verify --against reports).")

    def _missing(self, recorded_id: str, recorded: dict) -> str:
        """Why a campaign's gradebook that is not there cannot be opened, and what to do."""
        where = self.path or shown(self.url)
        if not recorded_id:
            return (f"Chưa có sổ điểm cho đợt thi đua này (không có {where}, không có "
                    f"{self.ledger.path if self.ledger else LEDGER_FILE}). Đợt mới: chạy kit gradebook init (một lần). "
                    f"Đã chấm điểm trước đây: không chấm tiếp, hãy khôi phục bản sao lưu (kit gradebook restore "
                    "TỆP_SAO_LƯU).")
        total = sum(h.count for h in recorded.values())
        gone = f"tệp sổ điểm {self.path}" if self.path else f"các bảng của sổ điểm {shown(self.url)}"
        return (f"Không thấy {gone}, trong khi đã ghi {total} quyết định vào đó (theo "
                f"{self.ledger.path if self.ledger else LEDGER_FILE}): sổ điểm đã bị xóa hoặc di chuyển. "
                f"{RESTORE_HINT}")

    @classmethod
    def initialize(cls, campaign) -> Gradebook:
        """Begin the campaign's gradebook and its ledger file (``kit gradebook init``; refuses an existing one)."""
        return cls(default_url(campaign.root, campaign.gradebook_url), ledger=campaign.root / LEDGER_FILE,
                   create=True)

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
