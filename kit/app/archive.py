"""The handover archive: everything a successor needs to check and continue the campaign, in one file.

``kit archive --out FILE.zip`` packs the campaign folder (configuration, submissions, surveys, movement files),
a consistent copy of the gradebook that passed ``kit gradebook verify``, and the rendered reports, with a
manifest of every file's SHA-256 and a README in Vietnamese. The archive's last 64 bytes are the SHA-256 of
all the bytes before them (kept in the zip comment), so ``kit archive --verify FILE.zip`` notices any changed
byte anywhere, then names the files whose content differs from the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kit import __version__
from kit.app.audit import verify
from kit.config.campaign import Campaign
from kit.core.atomic import replacing
from kit.core.errors import GradebookError, UsageError
from kit.core.filememo import CHUNK, sha256
from kit.core.problems import printable
from kit.intake.evidence import Refused, open_regular, refusal
from kit.store.gradebook import Gradebook, default_url, sqlite_path
from kit.store.ledger import LEDGER_FILE

MANIFEST, README = "MANIFEST.json", "DOC-TRUOC.txt"
DATA, GRADEBOOK, REPORTS = "du-lieu", "so-diem", "bao-cao"
_SEAL = b"kit-archive sha256:"
_HEX = 64
_SKIPPED = {"backups", "__pycache__"}
_ZIP64_FROM = 1 << 30  # a member that may pass 2 GiB needs ZIP64 headers from the start


@dataclass
class Checked:
    archive: Path
    files: int = 0
    seal: str = ""
    problems: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # links and special files left out when packing

    @property
    def ok(self) -> bool:
        return not self.problems

    def format(self) -> str:
        left_out = [printable(f"  ! Không đóng gói {r} — hãy chép chính tệp vào đây nếu cần bàn giao.")
                    for r in self.refused]
        if self.ok:
            return "\n".join([*left_out, f"Gói lưu trữ {self.archive} nguyên vẹn: {self.files} tệp khớp bảng kê "
                               f"(SHA-256); mã kiểm tra của gói: {self.seal}."])
        return "\n".join([*left_out, f"Gói lưu trữ {self.archive} KHÔNG nguyên vẹn:",
                          *(f"  ✖ {printable(p)}" for p in self.problems)])


def _walk(root: Path, skip: set[str], refused: list[str], label: str) -> list[Path]:
    """Regular files below ``root`` (sorted), links never followed: a link or a special file is named in ``refused``
    (``ln -s /etc/shadow submissions/2025/NV_2025/shadow.txt`` must not hand the system's passwords over), hidden
    files and ``skip`` folders are left out."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in skip
                       and not _note_refused(here / d, root, refused, label)]
        for name in filenames:
            path = here / name
            if name.startswith(".") or _note_refused(path, root, refused, label):
                continue
            out.append(path)
    return sorted(out)


def _note_refused(path: Path, root: Path, refused: list[str], label: str) -> bool:
    why = refusal(path, root)
    if why:
        refused.append(f"{label}{path.relative_to(root).as_posix()}: {why}")
    return bool(why)


def _campaign_files(campaign: Campaign, refused: list[str]) -> list[Path]:
    """The campaign folder's own files: not the live gradebook (a verified copy goes in instead), not backups,
    not temporary or hidden files, never a link or a special file."""
    live = sqlite_path(default_url(campaign.root, campaign.gradebook_url))
    database = {str(live), f"{live}-wal", f"{live}-shm", f"{live}-journal"} if live else set()
    return [p for p in _walk(campaign.root, _SKIPPED, refused, f"{DATA}/")
            if str(p.resolve()) not in database and not p.name.startswith("~$") and p.name != LEDGER_FILE]


def _report_files(reports: Path, refused: list[str]) -> list[Path]:
    if not reports.is_dir():
        return []
    return _walk(reports, set(), refused, f"{REPORTS}/")


def _pack(zf: zipfile.ZipFile, name: str, source: IO[bytes]) -> dict:
    """Copy ``source`` into member ``name`` chunk by chunk, hashing what is written: memory stays one chunk
    whatever the size (a 2 GB evidence file took 6.4 GB when members were read whole), and the manifest states
    exactly the bytes packed even if the file changes meanwhile."""
    h, size = hashlib.sha256(), 0
    big = os.fstat(source.fileno()).st_size > _ZIP64_FROM
    with zf.open(name, "w", force_zip64=big) as member:
        while chunk := source.read(CHUNK):
            h.update(chunk)
            member.write(chunk)
            size += len(chunk)
    return {"path": name, "bytes": size, "sha256": h.hexdigest()}


def _readme(campaign: Campaign, created: str, counts: dict[int, int], files: int) -> str:
    years = ", ".join(f"năm {y}: {n}" for y, n in sorted(counts.items())) or "chưa có"
    return "\n".join([
        *([campaign.demo_note.upper(), ""] if campaign.demo else []),
        f"GÓI LƯU TRỮ BÀN GIAO — {campaign.name}",
        f"Tạo lúc {created} bởi kit {__version__}; {files} tệp.",
        "",
        f"{DATA}/     Thư mục đợt thi đua: cấu hình (campaign.yml, units.csv, lineage.csv, bộ tiêu chí), phiếu tự đánh "
        "giá đã nhận, kết quả khảo sát, đăng ký thi đua, đề nghị cá nhân, sáng kiến.",
        f"{GRADEBOOK}/     Sổ điểm (mọi quyết định thẩm định, giải trình, quyết định cuối; ai, lúc nào, vì sao) — bản "
        f"sao nhất quán, đã kiểm tra chuỗi kiểm chứng ({years} quyết định).",
        f"{REPORTS}/     Các báo cáo đã tạo (notebook, HTML, bảng xlsx) và văn bản.",
        f"{MANIFEST}  Bảng kê: đường dẫn, kích thước và mã SHA-256 của từng tệp.",
        "",
        "Kiểm tra gói: kit archive --verify TÊN_GÓI.zip (mọi byte bị thay đổi đều bị phát hiện).",
        f"Dùng lại: giải nén, chép {GRADEBOOK}/gradebook.sqlite và {GRADEBOOK}/{LEDGER_FILE} vào thư mục {DATA}/, "
        "rồi chạy kit gradebook verify --campaign du-lieu.",
        "",
    ])


def write_archive(campaign: Campaign, reports: Path, out: Path) -> tuple[Path, Checked]:
    """Pack the campaign, a verified copy of its gradebook and its reports into ``out`` (written atomically);
    refuses a gradebook that fails verification (archiving it would hand over damage as if it were sound). Links
    and special files are never packed; they are named in the result (``Checked.refused``)."""
    created = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    refused: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "gradebook.sqlite"
        with Gradebook.for_campaign(campaign, readonly=True) as gb:
            found = verify(campaign, gb)
            if not found.ok:
                raise GradebookError("Sổ điểm chưa nguyên vẹn nên không đóng gói:\n" + found.format())
            gb.backup(copy)
            heads = gb.heads()
        sources = [(f"{DATA}/{p.relative_to(campaign.root).as_posix()}", p) for p in _campaign_files(campaign, refused)]
        sources.append((f"{GRADEBOOK}/gradebook.sqlite", copy))
        ledger = campaign.root / LEDGER_FILE
        if ledger.exists():
            sources.append((f"{GRADEBOOK}/{LEDGER_FILE}", ledger))
        sources += [(f"{REPORTS}/{p.relative_to(reports).as_posix()}", p) for p in _report_files(reports, refused)]
        with replacing(out) as temporary:
            with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                files = []
                for name, path in sources:
                    try:
                        with open_regular(path) as source:
                            files.append(_pack(zf, name, source))
                    except Refused as exc:  # replaced by a link or a special file since the folder was listed
                        refused.append(f"{name}: {exc}")
                manifest = {
                    "campaign": campaign.name, "campaign_id": campaign.identity, "demo": campaign.demo,
                    "created": created, "kit": __version__,
                    "gradebook": {"decisions": found.counts, "heads": {y: h.chain for y, h in heads.items()},
                                  "verified": True},
                    "files": files,
                }
                zf.writestr(README, _readme(campaign, created, found.counts, len(files)).encode("utf-8"))
                zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
                zf.comment = _SEAL + b"0" * _HEX
            _seal(temporary)
    checked = check_archive(out)
    checked.refused = refused
    return out, checked


def _sealed_digest(fh: IO[bytes], size: int) -> str:
    """SHA-256 of the first ``size - 64`` bytes of ``fh``, read in chunks."""
    h, left = hashlib.sha256(), size - _HEX
    fh.seek(0)
    while left > 0 and (chunk := fh.read(min(CHUNK, left))):
        h.update(chunk)
        left -= len(chunk)
    return h.hexdigest()


def _seal(path: Path) -> None:
    """Write the SHA-256 of every byte before the zip comment's last 64 bytes into those bytes (streamed)."""
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        digest = _sealed_digest(fh, size)
        fh.seek(size - _HEX)
        fh.write(digest.encode("ascii"))


def check_archive(path: Path) -> Checked:
    """Every check an archive can be put through; all problems listed."""
    found = Checked(path)
    if not path.is_file():
        raise UsageError(f"Không thấy tệp {path}.")
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(0, size - _HEX - len(_SEAL)))
        tail = fh.read()
        computed = _sealed_digest(fh, size) if size >= _HEX else ""
    stored = tail[-_HEX:]
    found.seal = stored.decode("ascii", "replace")
    if tail[:-_HEX] != _SEAL or computed.encode("ascii") != stored:
        found.problems.append("mã kiểm tra của gói không khớp nội dung: tệp đã bị thay đổi, hỏng hoặc không phải "
                              "gói do kit tạo")
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
            listed = {f["path"]: f for f in manifest["files"]}
            names = set(zf.namelist()) - {MANIFEST, README}
            for name in sorted(listed.keys() - names):
                found.problems.append(f"thiếu tệp {name}")
            for name in sorted(names - listed.keys()):
                found.problems.append(f"tệp {name} không có trong bảng kê")
            for name in sorted(names & listed.keys()):
                # a damaged stream, or a damaged header asking for an unknown method or a password
                try:
                    content = _member_digest(zf, name)
                except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
                        RuntimeError) as exc:
                    found.problems.append(f"không đọc được {name} ({exc})")
                    continue
                if content != listed[name]["sha256"]:
                    found.problems.append(f"nội dung {name} khác bảng kê")
                else:
                    found.files += 1
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError, EOFError, NotImplementedError,
            RuntimeError) as exc:
        found.problems.append(f"không đọc được gói hoặc bảng kê ({exc})")
    return found


def _member_digest(zf: zipfile.ZipFile, name: str) -> str:
    with zf.open(name) as member:
        return sha256(member).hexdigest()
