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
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from kit import __version__
from kit.app.audit import verify
from kit.config.campaign import Campaign
from kit.core.atomic import replacing
from kit.core.errors import GradebookError, UsageError
from kit.store.gradebook import Gradebook, default_url, sqlite_path
from kit.store.ledger import LEDGER_FILE

MANIFEST, README = "MANIFEST.json", "DOC-TRUOC.txt"
DATA, GRADEBOOK, REPORTS = "du-lieu", "so-diem", "bao-cao"
_SEAL = b"kit-archive sha256:"
_HEX = 64
_SKIPPED = {"backups", "__pycache__"}


@dataclass
class Checked:
    archive: Path
    files: int = 0
    seal: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def format(self) -> str:
        if self.ok:
            return (f"Gói lưu trữ {self.archive} nguyên vẹn: {self.files} tệp khớp bảng kê (SHA-256); mã kiểm tra "
                    f"của gói: {self.seal}.")
        return "\n".join([f"Gói lưu trữ {self.archive} KHÔNG nguyên vẹn:", *(f"  ✖ {p}" for p in self.problems)])


def _campaign_files(campaign: Campaign) -> list[Path]:
    """The campaign folder's own files: not the live gradebook (a verified copy goes in instead), not backups,
    not temporary or hidden files."""
    live = sqlite_path(default_url(campaign.root, campaign.gradebook_url))
    database = {str(live), f"{live}-wal", f"{live}-shm", f"{live}-journal"} if live else set()
    out = []
    for path in sorted(campaign.root.rglob("*")):
        rel = path.relative_to(campaign.root)
        if not path.is_file() or any(part.startswith(".") or part in _SKIPPED for part in rel.parts):
            continue
        if str(path.resolve()) in database or path.name.startswith("~$") or path.name == LEDGER_FILE:
            continue
        out.append(path)
    return out


def _report_files(reports: Path) -> list[Path]:
    if not reports.is_dir():
        return []
    return sorted(p for p in reports.rglob("*") if p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(reports).parts))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
    refuses a gradebook that fails verification (archiving it would hand over damage as if it were sound)."""
    created = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "gradebook.sqlite"
        with Gradebook.for_campaign(campaign, readonly=True) as gb:
            found = verify(campaign, gb)
            if not found.ok:
                raise GradebookError("Sổ điểm chưa nguyên vẹn nên không đóng gói:\n" + found.format())
            gb.backup(copy)
            heads = gb.heads()
        members: list[tuple[str, bytes]] = [(f"{DATA}/{p.relative_to(campaign.root).as_posix()}", p.read_bytes())
                                            for p in _campaign_files(campaign)]
        members.append((f"{GRADEBOOK}/gradebook.sqlite", copy.read_bytes()))
        ledger = campaign.root / LEDGER_FILE
        if ledger.exists():
            members.append((f"{GRADEBOOK}/{LEDGER_FILE}", ledger.read_bytes()))
        members += [(f"{REPORTS}/{p.relative_to(reports).as_posix()}", p.read_bytes()) for p in _report_files(reports)]
    manifest = {
        "campaign": campaign.name, "campaign_id": campaign.identity, "demo": campaign.demo, "created": created,
        "kit": __version__, "gradebook": {"decisions": found.counts, "heads": {y: h.chain for y, h in heads.items()},
                                          "verified": True},
        "files": [{"path": name, "bytes": len(data), "sha256": _sha256(data)} for name, data in members],
    }
    members.append((README, _readme(campaign, created, found.counts, len(members)).encode("utf-8")))
    members.append((MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")))
    with replacing(out) as temporary:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in members:
                zf.writestr(name, data)
            zf.comment = _SEAL + b"0" * _HEX
        _seal(temporary)
    return out, check_archive(out)


def _seal(path: Path) -> None:
    """Write the SHA-256 of every byte before the zip comment's last 64 bytes into those bytes."""
    data = bytearray(path.read_bytes())
    data[-_HEX:] = _sha256(bytes(data[:-_HEX])).encode("ascii")
    path.write_bytes(bytes(data))


def check_archive(path: Path) -> Checked:
    """Every check an archive can be put through; all problems listed."""
    found = Checked(path)
    if not path.is_file():
        raise UsageError(f"Không thấy tệp {path}.")
    data = path.read_bytes()
    stored = data[-_HEX:]
    found.seal = stored.decode("ascii", "replace")
    if data[-_HEX - len(_SEAL):-_HEX] != _SEAL or _sha256(data[:-_HEX]).encode("ascii") != stored:
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
                    content = zf.read(name)
                except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
                        RuntimeError) as exc:
                    found.problems.append(f"không đọc được {name} ({exc})")
                    continue
                if _sha256(content) != listed[name]["sha256"]:
                    found.problems.append(f"nội dung {name} khác bảng kê")
                else:
                    found.files += 1
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError, EOFError, NotImplementedError,
            RuntimeError) as exc:
        found.problems.append(f"không đọc được gói hoặc bảng kê ({exc})")
    return found
