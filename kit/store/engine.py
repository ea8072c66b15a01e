"""Where the gradebook is and how it is talked to: its URL, the engine, read and write transactions.

By default one SQLite file in the campaign folder (``gradebook.sqlite``); the URL can point elsewhere
(``gradebook:`` in campaign.yml or the ``KIT_GRADEBOOK_URL`` environment variable), which is why this goes
through SQLAlchemy Core rather than ``sqlite3``. This module holds everything that depends on the backend and
the file rather than on what is stored: SQLite's pragmas and read-only opening, the write lock (BEGIN IMMEDIATE,
an advisory lock on PostgreSQL), a file deleted or replaced while in use, and the Vietnamese message an evaluator
reads when the database refuses. ``Store`` is the base every part of the gradebook (``kit.store.gradebook``)
builds on: the parts only say what to read and write, inside ``_reading`` or ``_locked``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.pool import StaticPool

from kit.core.errors import GradebookError
from kit.store.ledger import LedgerFile
from kit.store.roles import LOCK_KEY
from kit.store.schema import kit_meta

URL_ENV = "KIT_GRADEBOOK_URL"
RESTORE_HINT = ("Không xếp hạng, không ghi thêm trên sổ điểm này. Hãy khôi phục bản sao lưu gần nhất "
                "(kit gradebook restore TỆP_SAO_LƯU), rồi chạy kit gradebook verify.")


def default_url(root: Path, configured: str = "") -> str:
    """The gradebook's URL: the environment's, campaign.yml's, or gradebook.sqlite in the campaign folder. A
    relative SQLite path is the campaign folder's, whatever the current folder (else two processes started in
    different folders would silently keep two gradebooks)."""
    url = os.environ.get(URL_ENV) or configured or "sqlite:///gradebook.sqlite"
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////") and url != "sqlite:///:memory:":
        url = f"sqlite:///{(root / url.removeprefix('sqlite:///')).resolve()}"
    return url


def driver_url(url: str) -> str:
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


def open_engine(url: str, readonly: bool) -> Engine:
    """The engine of a gradebook URL (``driver_url`` already applied)."""
    return _sqlite_engine(url, readonly) if url.startswith("sqlite") else create_engine(url, pool_pre_ping=True)


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
    state = str(getattr(exc.orig, "sqlstate", "") or "")
    if state.startswith("KT"):  # a refusal the owner's functions word themselves (kit.store.roles)
        diag = getattr(exc.orig, "diag", None)
        return str(getattr(diag, "message_primary", "") or exc.orig)
    if state == "42501" and not url.startswith("sqlite"):  # an account without the right (kit gradebook grant)
        return (f"Tài khoản đang kết nối sổ điểm {where} không có quyền làm việc này: CHƯA có gì được lưu. Nếu "
                "công việc được giao cho bạn, hãy nhờ cán bộ vận hành kiểm tra vai trò của bạn trong accounts.csv "
                "và chạy lại kit gradebook grant.")
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


class Store:
    """An open gradebook database: what every part of ``Gradebook`` reads and writes through.

    ``Gradebook.__init__`` sets the attributes (the opening checks the ledger file and migrates, which needs every
    part); the parts use ``_reading`` for a consistent read and ``_locked`` for a write holding the write lock.
    """

    url: str
    readonly: bool
    ledger: LedgerFile | None  # the campaign folder's ledger file, when the gradebook belongs to a campaign
    path: Path | None  # the SQLite file, None for another database or one in memory
    engine: Engine
    id: str  # the gradebook's identity (kit_meta), recorded in the ledger file
    restricted: bool = False  # an account's connection after kit gradebook grant: writes through the functions
    _stat: tuple[int, int] | None  # the SQLite file's (device, inode) when opened

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
    def _calling(self) -> Iterator[Connection]:
        """An account's connection for one call of the owner's functions, in autocommit: the function is its own
        transaction, committed by the server at its end, so the write lock it takes is never held across a round
        trip to a busy client (``kit.store.roles``; the role's lock_timeout bounds any other wait)."""
        if self.readonly:
            raise GradebookError("Sổ điểm đang mở ở chế độ chỉ đọc.")
        try:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                yield conn
        except DBAPIError as exc:
            raise GradebookError(_failure(self.url, exc)) from None

    def _meta(self, conn: Connection, keys: list[str]) -> dict[str, str]:
        """``kit_meta``'s values for ``keys``; an account reads them through the owner's function (it has no right
        on the table)."""
        if self.restricted:
            rows = conn.execute(text("SELECT key, value FROM kit_meta_read()")).all()
        else:
            rows = conn.execute(select(kit_meta.c.key, kit_meta.c.value).where(kit_meta.c.key.in_(keys))).all()
        return {str(k): str(v) for k, v in rows if k in keys and v is not None}

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
        creation made by several processes at once then run one after the other). An account's connection
        (``restricted``) takes no lock here (its desk writes touch only its own rows): the owner's functions take
        it with a timeout (``kit.store.roles``, ``_calling``)."""
        if self.readonly:
            raise GradebookError("Sổ điểm đang mở ở chế độ chỉ đọc.")
        self._still_there()
        try:
            with self.engine.connect() as conn, conn.execution_options(kit_write=True).begin():
                if conn.dialect.name == "postgresql" and not self.restricted:
                    conn.execute(text(f"SELECT pg_advisory_xact_lock({LOCK_KEY})"))
                yield conn
        except IntegrityError:  # a constraint: a bug to see, not a state of the disk
            raise
        except DBAPIError as exc:
            raise GradebookError(_failure(self.url, exc)) from None
