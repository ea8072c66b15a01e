"""Evidence files a unit sends beside its form, the form's citations of them, and their fingerprints.

Convention (README, "Tệp kiểm chứng"): in ``submissions/<year>/``, beside the form ``NV_2025.xlsx``, the unit puts
a folder or a .zip whose name starts with its code, as its forms do (``NV/``, ``NV_2025/``, ``NV_2025.zip``;
``kit.intake.submission.unit_from_name``). Subfolders are allowed; a file is known by its name alone.

A form cites files in its "Tài liệu kiểm chứng" cell. The rule is meant to be forgiving and explainable:

* the cell is split into items at ``;``, ``,`` and line breaks; a leading label ending in ``:`` ("tệp:", "File:")
  and surrounding brackets or quotes are dropped;
* each space-free word ending with a known extension (``EXTENSIONS``) cites a file ("xem KH-12.pdf, BC.docx");
  an item ending with the only such word is one name, spaces allowed ("Biên bản họp.pdf");
* words with ``://`` are links, not files; a path ("hồ sơ/KH-12.pdf") cites its last part;
* names compare without case, diacritics, Unicode form or repeated spaces; an item with words before the name
  ("Kế hoạch 12 KH-12.pdf") finds the file named by its longest word suffix that exists.

A zip is read by its directory and streamed member by member: nothing is extracted to disk, members with an
absolute path or ``..`` (zip-slip), encryption, a link or an absurd size or compression ratio (zip bombs) are
refused. In a folder, nothing is followed out of it: a symbolic link (``shadow.txt -> /etc/shadow``), a special
file (fifo, device, socket: opening a fifo would hang the kit) or a path resolving outside the unit's folder is
refused with a message and never read, neither when the folder is scanned nor when a file is opened later (the
file is opened without following links and checked to be a regular file by its descriptor, so a file swapped for
a link after the scan is refused as well).
Files are hashed streaming (1 MiB chunks) and the digest is cached by (path, member, size, mtime): the scoring
panel recomputes what a row "saw" on every save, and that must cost a ``stat``, not a read.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import IO

from kit.core import problems as P
from kit.core import vn
from kit.core.filememo import FileMemo, sha256
from kit.core.values import fold

IMAGES = {"jpg", "jpeg", "png", "gif", "bmp", "webp"}
PDF = {"pdf"}
OFFICE = {"doc", "docx", "xls", "xlsx", "ods", "odt", "ppt", "pptx", "rtf", "txt", "tif", "tiff"}
EXTENSIONS = IMAGES | PDF | OFFICE
MAX_MEMBER = 512 << 20  # a single piece of evidence above this is not a document someone reads
MAX_RATIO = 200  # deflate rarely exceeds 1:20 on documents; 1:200 on a big member is a zip bomb
_IGNORED = {"thumbs.db", "desktop.ini", ".ds_store"}
_SPLIT = re.compile(r"[;,\n\r]+")
_LABEL = re.compile(r"^[^:]{0,20}:(?!//)\s*")
_TRIM = " \t\"'()[]{}<>“”‘’«»."
_EXT = re.compile(r"\.([A-Za-z0-9]{2,5})$")


def name_key(name: str) -> str:
    """How file names compare: no case, diacritics, Unicode form or repeated spaces."""
    return fold(unicodedata.normalize("NFC", name))


def kind(name: str) -> str:
    """"image", "pdf", "office" or "other": how the scoring panel shows the file."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return "image" if ext in IMAGES else "pdf" if ext in PDF else "office" if ext in OFFICE else "other"


def _has_ext(text: str) -> bool:
    found = _EXT.search(text)
    return found is not None and found.group(1).lower() in EXTENSIONS


def _base(text: str) -> str:
    return re.split(r"[\\/]", text)[-1].strip(_TRIM.replace(".", ""))


@lru_cache(maxsize=65536)
def cited_names(text: str) -> tuple[str, ...]:
    """File names the evidence cell cites, in order, each once (see the module's rule)."""
    out: list[str] = []
    for part in _SPLIT.split(text or ""):
        item = _LABEL.sub("", part.strip()).strip(_TRIM.replace(".", "")).strip()
        if not item:
            continue
        words = [w.strip(_TRIM.replace(".", "")) for w in item.split()]
        found = [_base(w) for w in words if "://" not in w and _has_ext(w)]
        if len(found) == 1 and _has_ext(item) and "://" not in item:
            found = [_base(item)]  # one name, which may contain spaces
        out += [name for name in found if name and name_key(name) not in {name_key(o) for o in out}]
    return tuple(out)


@dataclass(frozen=True)
class EvidenceFile:
    """One file: on disk (``member`` empty, ``container`` is the file) or a member of a zip."""

    name: str
    container: Path
    member: str = ""
    size: int = 0
    label: str = ""  # how messages name it: 2025/NV/KH-12.pdf or 2025/NV_2025.zip › KH-12.pdf
    root: Path | None = None  # the folder the file must stay inside (the unit's folder; the year's for a zip)

    @property
    def kind(self) -> str:
        return kind(self.name)

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        """A binary stream of the content (a zip member is decompressed as it is read, never extracted)."""
        with open_regular(self.container, self.root) as raw:
            if not self.member:
                yield raw
                return
            with zipfile.ZipFile(raw) as zf, zf.open(self.member) as fh:
                yield fh

    def read(self, limit: int) -> bytes | None:
        """The whole content when it is at most ``limit`` bytes (for the panel's viewer), else None."""
        if self.size > limit:
            return None
        with self.open() as fh:
            data = fh.read(limit + 1)
        return data if len(data) <= limit else None


class Refused(OSError):
    """A path the kit does not read: a link, a special file, or a path leading outside its folder."""


def refusal(path: Path, inside: Path | None = None) -> str:
    """Why ``path`` is not read (Vietnamese), or "" when it is a regular file inside ``inside``; links are not
    followed (``lstat``)."""
    try:
        st = path.lstat()
    except OSError:
        return "không đọc được thông tin tệp"
    if stat.S_ISLNK(st.st_mode):
        return "là liên kết (symbolic link/lối tắt) tới nơi khác; kit không mở liên kết"
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
        return "là tệp đặc biệt (fifo, thiết bị hoặc socket), không phải tệp tài liệu"
    if inside is not None and not _within(path, inside):
        return "nằm ngoài thư mục kiểm chứng của đơn vị"
    return ""


def _within(path: Path, inside: Path) -> bool:
    real, base = os.path.realpath(path), os.path.realpath(inside)
    try:
        return real == base or os.path.commonpath([real, base]) == base
    except ValueError:  # on another drive (a Windows junction to D:): outside
        return False


def open_regular(path: Path, inside: Path | None = None) -> IO[bytes]:
    """``path`` opened for reading, only when it is a regular file, no link, and inside ``inside`` (when given).

    The last component is opened with O_NOFOLLOW and the descriptor's own ``fstat`` decides, so nothing swapped in
    between a check and the open is read; O_NONBLOCK keeps a fifo from hanging the open."""
    if inside is not None and not _within(path, inside):
        raise Refused(f"{path}: nằm ngoài thư mục kiểm chứng")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if path.is_symlink():
            raise Refused(f"{path}: là liên kết") from exc
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Refused(f"{path}: không phải tệp thường")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


_DIGESTS: FileMemo[str] = FileMemo()


def digest(f: EvidenceFile) -> str:
    """SHA-256 of the content (16 hex digits), read in chunks; cached while the file's size and mtime stay."""
    st = f.container.lstat()

    def read() -> str:
        with f.open() as fh:
            return sha256(fh).hexdigest()[:16]

    return _DIGESTS.get((str(f.container), f.member), (st.st_size, st.st_mtime_ns), read)


def seen_line(cited: str, f: EvidenceFile | None) -> str:
    """What a decision saw of one cited file: its content's digest, or that it was missing."""
    if f is None:
        return f"tệp {cited}: không có"
    try:
        return f"tệp {cited}: {digest(f)}"
    except (OSError, zipfile.BadZipFile, RuntimeError):
        return f"tệp {cited}: không đọc được"


@dataclass
class Bundle:
    """Everything one unit sent as evidence in one year (its folders and zips), by normalised name."""

    unit: str
    sources: list[str] = field(default_factory=list)  # labels: 2025/NV/, 2025/NV_2025.zip
    files: dict[str, EvidenceFile] = field(default_factory=dict)
    problems: list[P.Problem] = field(default_factory=list)

    @property
    def label(self) -> str:
        return ", ".join(self.sources)

    def find(self, cited: str) -> EvidenceFile | None:
        """The file a citation names: the whole name, else its longest word suffix that exists."""
        words = name_key(cited).split(" ")
        for i in range(len(words)):
            if (found := self.files.get(" ".join(words[i:]))) is not None:
                return found
        return None

    def add(self, f: EvidenceFile) -> None:
        self.files.setdefault(name_key(f.name), f)  # the same name twice: the first source wins


def _skipped(name: str) -> bool:
    return name.startswith((".", "~$")) or name.lower() in _IGNORED


def _member_name(info: zipfile.ZipInfo) -> str:
    """Member names without the UTF-8 flag are decoded as cp437 by zipfile; many tools write UTF-8 anyway."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _unsafe(name: str, info: zipfile.ZipInfo) -> str:
    """Why a member is refused (Vietnamese), or "" when it may be read."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        return "đường dẫn ra ngoài tệp nén (tuyệt đối hoặc có \"..\")"
    mode = info.external_attr >> 16
    if info.create_system == 3 and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):  # 0: type unsaid
        return "là liên kết hoặc tệp đặc biệt, không phải tệp tài liệu"
    if info.flag_bits & 0x1:
        return "có đặt mật khẩu"
    if info.file_size > MAX_MEMBER or (info.file_size > (10 << 20)
                                       and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
        return f"dung lượng giải nén bất thường ({info.file_size:,} byte)".replace(",", ".")
    return ""


def _read_zip(path: Path, label: str, bundle: Bundle) -> None:
    try:
        with open_regular(path, path.parent) as raw, zipfile.ZipFile(raw) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        bundle.problems.append(P.make(P.Code.EVIDENCE_ARCHIVE_BAD, file=label, detail=type(exc).__name__))
        return
    for info in infos:
        if info.is_dir():
            continue
        name = _member_name(info)
        base = PurePosixPath(name.replace("\\", "/")).name
        if _skipped(base) or name.startswith("__MACOSX/"):
            continue
        if why := _unsafe(name, info):
            bundle.problems.append(P.make(P.Code.EVIDENCE_UNSAFE, file=label, value=name, detail=why))
            continue
        bundle.add(EvidenceFile(base, path, info.filename, info.file_size, f"{label} › {name}", path.parent))


def _walk(folder: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """Every entry below ``folder`` with its own ``lstat``; links and special files are yielded, never entered."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if _skipped(entry.name):
            continue
        yield path, st
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(path)


def _read_folder(path: Path, label: str, bundle: Bundle) -> None:
    for f, st in sorted(_walk(path)):
        rel = f.relative_to(path)
        if stat.S_ISDIR(st.st_mode):
            continue
        if why := refusal(f, path):
            bundle.problems.append(P.make(P.Code.FILE_REFUSED, file=f"{label}{rel.as_posix()}", value=f.name,
                                          detail=why, expected=f"thư mục kiểm chứng {label}"))
            continue
        bundle.add(EvidenceFile(unicodedata.normalize("NFC", f.name), f, "", st.st_size, f"{label}{rel.as_posix()}",
                                path))


def is_container(path: Path) -> bool:
    """A folder or a .zip in a year's submissions folder holds evidence, not a form (a link named so is refused
    by ``scan_year``, never followed)."""
    if _skipped(path.name):
        return False
    if path.is_symlink():
        return path.suffix.lower() == ".zip" or path.is_dir()
    return path.is_dir() or path.suffix.lower() == ".zip"


def scan_year(folder: Path) -> dict[str, Bundle]:
    """Unit code -> its evidence bundle, for every evidence folder and zip of a year's submissions folder."""
    from kit.intake.submission import unit_from_name

    bundles: dict[str, Bundle] = {}
    if not folder.is_dir():
        return bundles
    for path in sorted(folder.iterdir()):
        if not is_container(path) or not (unit := unit_from_name(path)):
            continue
        bundle = bundles.setdefault(unit, Bundle(unit))
        label = f"{folder.name}/{path.name}" + ("/" if path.is_dir() else "")
        if why := refusal(path, folder):
            bundle.problems.append(P.make(P.Code.FILE_REFUSED, file=label, value=path.name, detail=why,
                                          expected=f"thư mục {folder.name}/ (thư mục hoặc tệp .zip kiểm chứng)"))
            continue
        bundle.sources.append(label)
        (_read_folder if path.is_dir() else _read_zip)(path, label, bundle)
    return bundles


def check_rows(rows: list[dict], bundle: Bundle | None, where: P.Where, column: str, year: int) -> list[P.Problem]:
    """Problems of one accepted form's citations against the unit's bundle.

    Severities: all are warnings. A missing or uncited file, or a scored row without a file, is something the
    evaluator weighs (the council may accept a document number in the cell), and rejecting the row would score it 0
    before a person looked at it. Only an unreadable or unsafe archive is an error (``scan_year``): nothing in it
    can be seen, so the unit must send it again.

    A scored row citing no file and giving no explanation is reported only when the unit sent evidence files that
    year: units of campaigns (or years) that keep evidence as text alone are not flooded with warnings.
    """
    out: list[P.Problem] = []
    used: set[int] = set()
    unit = bundle.unit if bundle else ""
    where_sent = bundle.label if bundle else f"thư mục/tệp nén kiểm chứng của đơn vị (chưa gửi; ví dụ {year}/"\
        f"{rows[0]['unit'] if rows else unit}_{year}.zip)"
    for r in rows:
        at: P.AtCell = {**where, "row": r["row"], "column": column}
        names = cited_names(r.get("evidence") or "")
        for name in names:
            found = bundle.find(name) if bundle else None
            if found is None:
                out.append(P.make(P.Code.EVIDENCE_FILE_MISSING, P.WARNING, **at, value=name, expected=where_sent))
            else:
                used.add(id(found))
        scored = r.get("self") is not None and r["self"] > 0
        if bundle and scored and not names and r.get("evidence") and not r.get("explanation"):
            out.append(P.make(P.Code.EVIDENCE_NO_FILE, P.WARNING, **at, value=vn.points(r["self"])))
    for f in (bundle.files.values() if bundle else ()):
        if id(f) in used:
            continue
        if f.name.rsplit(".", 1)[-1].lower() not in EXTENSIONS:
            out.append(P.make(P.Code.EVIDENCE_FILE_TYPE, P.WARNING, file=f.label, value=f.name,
                              detail=", ".join(sorted(EXTENSIONS))))
        else:
            out.append(P.make(P.Code.EVIDENCE_FILE_UNCITED, P.WARNING, file=f.label, value=f.name,
                              expected=where.get("file", "")))
    return out

