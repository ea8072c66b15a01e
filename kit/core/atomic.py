"""Every file the kit writes appears whole or not at all: written beside its target, then renamed over it.

An operator who opens a report while ``kit render`` runs, or a crash halfway through a workbook, must never
leave a half-written file that looks like a finished one.

This is also the one place storage failures become words. A reports folder on a read-only share, a full disk,
a folder that is gone (a USB stick pulled out) or a file held open by Excel raises ``StorageError``: one
Vietnamese message naming the folder and what to do, which the command line prints without a traceback (exit 1).
Nothing half-written is left: the temporary file is removed whatever happens, and temporary files a killed run
left behind (named ``.<name>.~kit-<host>-<pid>-….<ext>``) are removed the next time the kit writes in that folder.

Files are created with the user's umask (``mkstemp`` makes them 0600, which hid every report from colleagues
sharing the folder): umask 022 gives 0644, as any other program's files.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import os
import socket
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from kit.core.errors import StorageError

_TAG = ".~kit-"
_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]
STALE_AFTER = 24 * 3600  # a temporary file this old is a dead run's whatever its name says (another computer's)
_swept: set[str] = set()


def _codes(*names: str) -> set[int]:
    return {getattr(errno, n) for n in names if hasattr(errno, n)}  # Windows lacks some


_READ_ONLY = _codes("EROFS", "EACCES", "EPERM")
_FULL = _codes("ENOSPC", "EDQUOT", "EFBIG")
_MISSING = _codes("ENOENT", "ENOTDIR", "ENODEV", "ENXIO", "EIO")
_LOCKED = _codes("EBUSY", "ETXTBSY")
_STORAGE = _READ_ONLY | _FULL | _MISSING | _LOCKED


def storage_error(exc: OSError, target: Path) -> StorageError:
    """``exc``, met while writing ``target``, as one message naming the folder and what to do."""
    folder = target.parent
    code = exc.errno
    if getattr(exc, "winerror", None) in (32, 33):  # Windows: the file is open in another program
        code = errno.EBUSY
    if code in _FULL:
        text = (f"Không ghi được {target.name} vào thư mục {folder}: ổ đĩa đã đầy (hoặc hết hạn mức dung lượng). "
                "Hãy giải phóng dung lượng (xóa tệp không cần, dọn thùng rác) hoặc chọn thư mục trên ổ khác "
                "(--reports, --out), rồi chạy lại. Không có tệp nào bị ghi dở.")
    elif code in _LOCKED or (code in (errno.EACCES, errno.EPERM) and os.name == "nt" and target.exists()):
        text = (f"Không ghi được {target}: tệp đang được chương trình khác mở (Excel, Word…) hoặc bị khóa. Hãy "
                "đóng tệp đó rồi chạy lại. Tệp cũ vẫn giữ nguyên.")
    elif code in _READ_ONLY:
        text = (f"Không ghi được vào thư mục {folder}: thư mục chỉ cho đọc hoặc tài khoản này không có quyền ghi. "
                "Hãy cấp quyền ghi cho thư mục (hoặc chọn thư mục khác bằng --reports, --out), rồi chạy lại.")
    elif code in _MISSING:
        text = (f"Không ghi được vào thư mục {folder}: thư mục không còn truy cập được (đường dẫn sai, một phần "
                "đường dẫn là tệp, hoặc ổ mạng/USB đã bị ngắt). Hãy kiểm tra đường dẫn rồi chạy lại.")
    else:
        text = f"Không ghi được {target} ({exc.strerror or exc}). Hãy kiểm tra thư mục {folder} rồi chạy lại."
    return StorageError(text)


def _is_storage(exc: OSError, target: Path) -> bool:
    """An error of the target's storage, not of something the writer was reading (a missing template...)."""
    if exc.errno not in _STORAGE and getattr(exc, "winerror", None) not in (32, 33):
        return False
    named = exc.filename
    if named is None or exc.errno in _FULL:
        return True
    return os.path.dirname(os.path.realpath(os.fspath(named))) == os.path.realpath(target.parent)


def make_folder(folder: Path) -> Path:
    """``folder`` and its parents, or ``StorageError`` saying why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # a file where the folder should be
        raise storage_error(OSError(errno.ENOTDIR, exc.strerror, exc.filename), folder / "x") from None
    except OSError as exc:
        raise storage_error(exc, folder / "x") from None
    return folder


def _umask() -> int:
    """The process's umask (read without changing it where the system allows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, another user's
    return True


def sweep(folder: Path, *, force: bool = False) -> list[Path]:
    """Remove the temporary files killed runs left in ``folder`` (once per folder and process unless ``force``);
    those of a live run (same computer, process still there) are kept. Returns what was removed."""
    key = str(folder)
    if key in _swept and not force:
        return []
    _swept.add(key)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not entry.name.startswith(".") or _TAG not in entry.name:
            continue
        try:
            host, pid = entry.name.split(_TAG, 1)[1].split("-")[:2]
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER
            dead = host == _HOST and os.name == "posix" and not _alive(int(pid))
            if (old or dead) and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except (OSError, ValueError):
            continue
    return removed


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path in the target's folder; renamed over ``path`` when the block ends without error.

    Storage failures anywhere (making the folder, writing, renaming) raise ``StorageError``; the temporary file
    never outlives the block."""
    make_folder(path.parent)
    sweep(path.parent)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.stem}{_TAG}{_HOST}-{os.getpid()}-", suffix=path.suffix,
                                    dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise storage_error(exc, path) from None
    temporary = Path(name)
    failure = None
    try:
        try:
            yield temporary
            os.chmod(temporary, 0o666 & ~_umask())
            os.replace(temporary, path)
        except OSError as exc:
            if not _is_storage(exc, path):
                raise
            failure = storage_error(exc, path)
            _release(temporary)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    if failure is not None:
        raise failure


def _release(temporary: Path) -> None:
    """Close now, quietly, a zip writer (openpyxl, python-docx, the archive) a failed write left open on
    ``temporary``: holding buffered bytes, it would flush them to the full disk when collected at exit and print
    a traceback after the message."""
    name = os.fspath(temporary)
    for obj in gc.get_objects():
        if isinstance(obj, zipfile.ZipFile) and obj.filename == name and obj.fp is not None:
            with contextlib.suppress(OSError, ValueError):
                obj.fp.close()  # the flush fails again; the descriptor is closed all the same
            obj.fp = None


def write_text(path: Path, text: str) -> Path:
    with replacing(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    with replacing(path) as temporary:
        temporary.write_bytes(data)
    return path
