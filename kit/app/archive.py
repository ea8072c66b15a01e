"""The handover archive: everything a successor needs to check and continue the campaign, in one file.

``kit archive --out FILE.zip`` packs the campaign folder (configuration, submissions, surveys, movement files),
a consistent copy of the gradebook that passed ``kit gradebook verify``, and the rendered reports, with a
manifest of every file's SHA-256 and a README in Vietnamese. The archive's last 64 bytes are the SHA-256 of
all the bytes before them (kept in the zip comment), so ``kit archive --verify FILE.zip`` notices any changed
byte anywhere, then names the files whose content differs from the manifest.

The seal and the manifest are unkeyed: whoever rewrites a member can recompute both. So the archive also carries
the gradebook's anchor (``MANIFEST.json``, ``ledger_head``), and ``kit archive`` writes a handover minute beside it
(Biên bản bàn giao) recording the whole file's SHA-256 and that anchor for both sides to sign; ``kit archive
--verify FILE.zip --expect SHA256`` checks the archive against the signed paper, not against itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kit import __version__
from kit.app.anchors import MANIFEST_KEY
from kit.app.audit import verify
from kit.config.campaign import Campaign
from kit.config.issuers import issuer_on, letterhead
from kit.core import vn
from kit.core.atomic import replacing
from kit.core.errors import GradebookError, UsageError
from kit.core.filememo import CHUNK, sha256
from kit.core.problems import printable
from kit.intake.evidence import Refused, open_regular, refusal
from kit.outputs.doc_templates import template_for
from kit.outputs.official import Missing, render
from kit.store.gradebook import Gradebook, default_url, sqlite_path
from kit.store.ledger import LEDGER_FILE, Anchor

MANIFEST, README = "MANIFEST.json", "DOC-TRUOC.txt"
DATA, GRADEBOOK, REPORTS = "du-lieu", "so-diem", "bao-cao"
_SEAL = b"kit-archive sha256:"
_HEX = 64
_SKIPPED = {"backups", "__pycache__"}
_ZIP64_FROM = 1 << 30  # a member that may pass 2 GiB needs ZIP64 headers from the start
HANDOVER = "bien-ban-ban-giao"  # the handover minute's template (kit.outputs.doc_templates.OTHER_TEMPLATES)


@dataclass
class Checked:
    archive: Path
    files: int = 0
    seal: str = ""
    problems: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # links and special files left out when packing
    sha256: str = ""  # of the whole file: what the handover minute records (any tool can compute it)
    minute: Path | None = None  # the handover minute written beside a new archive

    @property
    def ok(self) -> bool:
        return not self.problems

    def format(self) -> str:
        left_out = [printable(f"  ! Không đóng gói {r} — hãy chép chính tệp vào đây nếu cần bàn giao.")
                    for r in self.refused]
        if self.ok:
            minute = [f"Biên bản bàn giao (hai bên ký): {self.minute}"] if self.minute else []
            return "\n".join([*left_out, f"Gói lưu trữ {self.archive} nguyên vẹn: {self.files} tệp khớp bảng kê "
                               f"(SHA-256); mã kiểm tra của gói: {self.seal}; mã SHA-256 của cả tệp: {self.sha256}.",
                               *minute])
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


def _readme(campaign: Campaign, created: str, counts: dict[int, int], files: int, anchor: Anchor) -> str:
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
        f"{MANIFEST}  Bảng kê: đường dẫn, kích thước và mã SHA-256 của từng tệp; {anchor.line}.",
        "",
        "Kiểm tra gói: kit archive --verify TÊN_GÓI.zip --expect MÃ_SHA256 (mã ghi trong biên bản bàn giao đã ký: "
        "gói bị sửa rồi tính lại bảng kê và mã kiểm tra vẫn bị phát hiện).",
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
            anchor = gb.anchor()
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
                    MANIFEST_KEY: {"digest": anchor.digest, "decisions": anchor.decisions, "line": anchor.line},
                    "files": files,
                }
                zf.writestr(README, _readme(campaign, created, found.counts, len(files), anchor).encode("utf-8"))
                zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
                zf.comment = _SEAL + b"0" * _HEX
            _seal(temporary)
    checked = check_archive(out)
    checked.refused = refused
    checked.minute = write_minute(campaign, out, checked, anchor, sum(found.counts.values()))
    return out, checked


def minute_path(archive: Path) -> Path:
    return archive.with_name(f"{archive.stem}-bien-ban-ban-giao.docx")


def write_minute(campaign: Campaign, archive: Path, checked: Checked, anchor: Anchor, decisions: int) -> Path:
    """The handover minute beside the archive (Decree 30/2020 layout, ``doc_templates.handover_minute``): the
    archive's SHA-256 and the gradebook's anchor, signed by both sides, are what the receiving side checks the
    archive and the gradebook against later (``kit archive --verify --expect``, ``kit gradebook verify
    --against-head``) — a copy of both outside anything the handing side can still rewrite."""
    today = dt.date.today()
    d, m, y = vn.official_date(today)
    issuer = issuer_on(campaign.issuers, today) or (campaign.issuers[-1] if campaign.issuers else None)
    above, body = letterhead(issuer) if issuer else ("", "")
    unknown = {key: Missing(what) for key, what in (
        ("dia_diem", "nơi bàn giao"), ("ben_giao", "cơ quan bàn giao"), ("nguoi_giao", "họ tên người giao"),
        ("chuc_vu_giao", "chức vụ người giao"), ("ben_nhan", "cơ quan nhận bàn giao"),
        ("nguoi_nhan", "họ tên người nhận"), ("chuc_vu_nhan", "chức vụ người nhận"), ("so_ban", "số bản"),
        ("moi_ben", "số bản mỗi bên giữ"))}
    context = unknown | {
        "co_quan_tren": above or Missing("cơ quan cấp trên"), "co_quan": body or Missing("cơ quan bàn giao"),
        "so": Missing("số văn bản (điền khi vào sổ văn bản đi)"), "ky_hieu": "BB",
        "dia_danh": (issuer.place if issuer else "") or Missing("địa danh (place trong issuers)"),
        "ngay": d, "thang": m, "nam": y, "dot_thi_dua": campaign.name[0].lower() + campaign.name[1:],
        "ten_goi": archive.name, "kich_thuoc": f"{vn.integer(archive.stat().st_size)} byte",
        "so_tep": vn.integer(checked.files), "so_quyet_dinh": vn.integer(decisions), "sha256": checked.sha256,
        "ma_so_diem": str(anchor),
        "xac_nhan_tham_quyen": ["ĐẠI DIỆN BÊN GIAO"], "xac_nhan_nguoi_ky": Missing("họ tên người giao"),
        "tham_quyen": ["ĐẠI DIỆN BÊN NHẬN"], "nguoi_ky": Missing("họ tên người nhận"),
        "minh_hoa": f"{campaign.demo_note}: văn bản mẫu, không có giá trị." if campaign.demo else "",
    }
    made_from = f"Gói {archive.name} SHA-256 {checked.sha256}; {anchor.line}; {campaign.name}"[:255]
    return render(template_for(campaign.root, HANDOVER), context, minute_path(archive), made_from).path


def _sealed_digest(fh: IO[bytes], size: int) -> str:
    """SHA-256 of the first ``size - 64`` bytes of ``fh``, read in chunks."""
    return _digests(fh, size)[0]


def _digests(fh: IO[bytes], size: int) -> tuple[str, str]:
    """SHA-256 of the first ``size - 64`` bytes of ``fh`` (the seal's), and of the whole file, in one streamed
    pass."""
    sealed, whole, left = hashlib.sha256(), hashlib.sha256(), size - _HEX
    fh.seek(0)
    while chunk := fh.read(CHUNK):
        if left > 0:
            sealed.update(chunk[:left])
            left -= len(chunk)
        whole.update(chunk)
    return sealed.hexdigest(), whole.hexdigest()


def _seal(path: Path) -> None:
    """Write the SHA-256 of every byte before the zip comment's last 64 bytes into those bytes (streamed)."""
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        digest = _sealed_digest(fh, size)
        fh.seek(size - _HEX)
        fh.write(digest.encode("ascii"))


def check_archive(path: Path, expect: str = "") -> Checked:
    """Every check an archive can be put through; all problems listed. ``expect``: the SHA-256 the handover minute
    records — the seal and the manifest are unkeyed (whoever rewrites a member can recompute both), the signed
    minute is not."""
    found = Checked(path)
    if not path.is_file():
        raise UsageError(f"Không thấy tệp {path}.")
    wanted = expect.strip().lower()
    if expect and not re.fullmatch(r"[0-9a-f]{64}", wanted):
        raise UsageError(f"--expect \"{expect}\": mã SHA-256 gồm 64 chữ số và chữ cái a–f, chép từ biên bản bàn giao.")
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(0, size - _HEX - len(_SEAL)))
        tail = fh.read()
        computed, found.sha256 = _digests(fh, size) if size >= _HEX else ("", "")
    if wanted and found.sha256 != wanted:
        found.problems.append(f"mã SHA-256 của gói ({found.sha256}) khác mã ghi trong biên bản bàn giao ({wanted}): "
                              "gói đã bị thay đổi hoặc viết lại sau khi bàn giao")
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
