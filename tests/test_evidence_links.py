"""Evidence stays inside the unit's folder (issue 27): links and special files are refused, never read, shown or
archived; names are shown with control characters escaped; repeated problems are summarised; big files are hashed
and archived in constant memory."""

from __future__ import annotations

import json
import os
import stat
import tracemalloc
import zipfile

import pytest

from kit.app.appraisal import Workspace
from kit.app.archive import write_archive
from kit.cli import main
from kit.intake import evidence as E
from kit.intake.check import check_year, format_json, format_text
from kit.ui.evidence_viewer import EvidenceViewer
from tests.helpers import GOOD, submit

POSIX = pytest.mark.skipif(os.name != "posix", reason="links and fifos as POSIX makes them")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SECRET = b"root:$6$very-secret-hash:19000:0:99999:7:::\n"


def cited(evidence: str, code: str = "1.1") -> dict:
    return {**GOOD, code: {**GOOD[code], "evidence": evidence}}


def by_code(report, code):
    return [p for p in report.all_problems if p.code == code]


@pytest.fixture
def secret(tmp_path):
    """A file outside the campaign that a link in a unit's folder points to (as /etc/shadow would)."""
    path = tmp_path / "outside" / "shadow"
    path.parent.mkdir()
    path.write_bytes(SECRET)
    return path


@POSIX
def test_a_link_to_a_file_outside_is_refused_and_never_reaches_the_panel_or_the_archive(tiny, book, secret,
                                                                                        tmp_path, capsys):
    submit(tiny, "U1", cited("tệp: KH.pdf, shadow.txt"))
    folder = tiny.submissions_dir(2024) / "U1_2024"
    folder.mkdir()
    (folder / "KH.pdf").write_bytes(PDF)
    (folder / "shadow.txt").symlink_to(secret)
    report = check_year(tiny, 2024)
    [refused] = by_code(report, "FILE_REFUSED")
    assert refused.is_error and refused.file == "2024/U1_2024/shadow.txt" and "liên kết" in refused.message
    [missing] = by_code(report, "EVIDENCE_FILE_MISSING")  # the citation finds nothing: the link was not taken in
    assert "shadow.txt" in missing.message
    bundle = E.scan_year(tiny.submissions_dir(2024))["U1"]
    assert bundle.find("shadow.txt") is None and bundle.find("KH.pdf") is not None

    viewer = EvidenceViewer(Workspace.open(tiny, 2024, book).rows["U1"]["1.1"])
    viewer.buttons[1].click()
    shown = "".join(getattr(c, "value", "") for c in viewer.area.children)
    assert "không gửi tệp này" in shown and "very-secret" not in shown

    reports = tmp_path / "reports"
    (reports / "2024").mkdir(parents=True)
    (reports / "2024" / "leak.html").symlink_to(secret)
    out = tmp_path / "ban-giao.zip"
    assert main(["archive", "--campaign", str(tiny.root), "--reports", str(reports), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Không đóng gói du-lieu/submissions/2024/U1_2024/shadow.txt" in printed
    assert "Không đóng gói bao-cao/2024/leak.html" in printed
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert "du-lieu/submissions/2024/U1_2024/KH.pdf" in names
        assert not any("shadow" in n or "leak" in n for n in names)
        assert not any(SECRET in zf.read(n) for n in names)


@POSIX
def test_a_linked_folder_or_zip_and_a_linked_form_are_refused(tiny, secret, tmp_path):
    submit(tiny, "U1")
    year = tiny.submissions_dir(2024)
    (year / "U1_2024").symlink_to(secret.parent, target_is_directory=True)
    (year / "U2_2024.zip").symlink_to(secret)
    (year / "U3_2024.csv").symlink_to(secret)  # a form that is a link: its cells would be echoed in messages
    report = check_year(tiny, 2024)
    refused = sorted(p.file for p in by_code(report, "FILE_REFUSED"))
    assert refused == ["2024/U1_2024/", "2024/U2_2024.zip", "2024/U3_2024.csv"]
    assert not any("very-secret" in p.message for p in report.all_problems)
    assert all(s.file.name != "U3_2024.csv" for s in report.submissions)
    assert not E.scan_year(year)["U1"].files


@POSIX
def test_a_link_inside_the_folder_and_a_link_out_of_a_subfolder_are_refused_too(tiny, secret):
    folder = tiny.submissions_dir(2024) / "U1"
    (folder / "con").mkdir(parents=True)
    (folder / "KH.pdf").write_bytes(PDF)
    (folder / "ban-sao.pdf").symlink_to(folder / "KH.pdf")  # never followed, even inside
    (folder / "con" / "ra-ngoai").symlink_to(secret.parent, target_is_directory=True)
    bundle = E.scan_year(tiny.submissions_dir(2024))["U1"]
    assert sorted(bundle.files) == ["kh.pdf"]
    assert sorted(p.file for p in bundle.problems) == ["2024/U1/ban-sao.pdf", "2024/U1/con/ra-ngoai"]


@POSIX
def test_special_files_are_refused_without_hanging(tiny):
    folder = tiny.submissions_dir(2024) / "U1"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "ong.pdf")
    os.mkfifo(tiny.submissions_dir(2024) / "U2_2024.zip")
    os.mkfifo(tiny.submissions_dir(2024) / "U3_2024.xlsx")
    report = check_year(tiny, 2024)  # opening a fifo would block forever
    refused = by_code(report, "FILE_REFUSED")
    assert sorted(p.file for p in refused) == ["2024/U1/ong.pdf", "2024/U2_2024.zip", "2024/U3_2024.xlsx"]
    assert all("tệp đặc biệt" in p.message for p in refused)


@POSIX
def test_a_file_swapped_for_a_link_after_the_scan_is_not_read(tiny, secret):
    folder = tiny.submissions_dir(2024) / "U1"
    folder.mkdir(parents=True)
    (folder / "KH.pdf").write_bytes(PDF)
    found = E.scan_year(tiny.submissions_dir(2024))["U1"].find("KH.pdf")
    assert found is not None and found.read(1000) == PDF
    (folder / "KH.pdf").unlink()
    (folder / "KH.pdf").symlink_to(secret)
    with pytest.raises(E.Refused):
        found.read(1000)
    assert E.seen_line("KH.pdf", found) == "tệp KH.pdf: không đọc được"


def test_a_link_member_of_a_zip_is_refused(tiny):
    path = tiny.submissions_dir(2024) / "U1_2024.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        link = zipfile.ZipInfo("shadow.txt")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/shadow")
        zf.writestr("KH.pdf", PDF)
    bundle = E.scan_year(tiny.submissions_dir(2024))["U1"]
    assert sorted(bundle.files) == ["kh.pdf"]
    [unsafe] = bundle.problems
    assert unsafe.code == "EVIDENCE_UNSAFE" and "liên kết" in unsafe.message


@POSIX
def test_control_characters_in_names_are_shown_escaped(tiny):
    submit(tiny, "U1", cited("tệp: KH.pdf"))
    folder = tiny.submissions_dir(2024) / "U1_2024"
    folder.mkdir()
    (folder / "KH.pdf").write_bytes(PDF)
    (folder / "x\x1b[2J\x1b]0;owned\x07\u202egpj.exe").write_bytes(b"MZ")
    report = check_year(tiny, 2024)
    text = format_text(report)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "x\\x1b[2J\\x1b]0;owned\\x07\\u202egpj.exe" in text
    assert "\x1b" not in json.dumps(json.loads(format_json(report)), ensure_ascii=False)


def test_repeated_problems_are_summarised_and_the_json_keeps_them_all(tiny, capsys):
    submit(tiny, "U1", cited("tệp: KH.pdf"))
    with zipfile.ZipFile(tiny.submissions_dir(2024) / "U1_2024.zip", "w") as zf:
        zf.writestr("KH.pdf", PDF)
        for i in range(2_000):
            zf.writestr(f"thua-{i}.pdf", b"")
    assert main(["check", "--campaign", str(tiny.root), "--year", "2024"]) == 0
    text = capsys.readouterr().out
    assert len(text.splitlines()) < 50
    assert "… và 1.990 vấn đề khác cùng loại (EVIDENCE_FILE_UNCITED)" in text and "--format json" in text
    assert main(["check", "--campaign", str(tiny.root), "--year", "2024", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)["problems"]
    assert sum(p["code"] == "EVIDENCE_FILE_UNCITED" for p in listed) == 2_000


def _sparse(path, size: int) -> None:
    with open(path, "wb") as fh:
        fh.truncate(size)


def test_archive_packs_a_big_file_in_constant_memory(tiny, book, tmp_path):
    """``kit archive`` read every file whole (6.4 GB of memory for a 2 GB evidence file): it streams now."""
    folder = tiny.submissions_dir(2024) / "U1"
    folder.mkdir(parents=True)
    _sparse(folder / "video.pdf", 96 << 20)
    out = tmp_path / "ban-giao.zip"
    tracemalloc.start()
    try:
        _, found = write_archive(tiny, tmp_path / "reports", out)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found.ok, found.format()
    assert peak < 24 << 20, f"peak {peak >> 20} MB while packing a 96 MB file"
    with zipfile.ZipFile(out) as zf:
        assert zf.getinfo("du-lieu/submissions/2024/U1/video.pdf").file_size == 96 << 20


def test_fingerprint_hashes_a_big_form_in_constant_memory(tiny, tmp_path):
    from kit.app.fingerprint import _content_digest

    big = tmp_path / "big.csv"
    _sparse(big, 64 << 20)
    tracemalloc.start()
    try:
        _content_digest(big)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20
