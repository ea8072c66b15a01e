"""Evidence files: citations in the form, `kit check`, what a decision saw, and the panel's viewer."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile

import ipywidgets as w
import pytest

from kit.app.actor import signed_in
from kit.app.appraisal import Entry, Workspace
from kit.core.filememo import CHUNK
from kit.intake import evidence as E
from kit.intake.check import check_year
from kit.store.gradebook import evidence_hash
from kit.ui.evidence_viewer import EvidenceViewer
from kit.ui.scoring_panel import AppraisalPanel
from tests.helpers import GOOD, submit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def cited(evidence: str, code: str = "1.1") -> dict:
    return {**GOOD, code: {**GOOD[code], "evidence": evidence}}


def by_code(report, code):
    return [p for p in report.all_problems if p.code == code]


def test_citation_rule_is_forgiving():
    assert E.cited_names("Kế hoạch số 12/KH-UBND; tệp: KH-12.pdf, anh-hop.jpg") == ("KH-12.pdf", "anh-hop.jpg")
    assert E.cited_names("Biên bản họp.PDF") == ("Biên bản họp.PDF",)
    assert E.cited_names("Xem (KH-12.pdf) và BC.docx\nhồ sơ/Ảnh 1.png") == ("KH-12.pdf", "BC.docx", "Ảnh 1.png")
    assert E.cited_names("https://dvc.tayninh.gov.vn/a.pdf; số 5/BC-UBND ngày 01/02/2024") == ()
    bundle = E.Bundle("U1")
    bundle.add(E.EvidenceFile("Biên Bản  Họp.pdf", E.Path("x")))
    # case, diacritics, Unicode form (NFD from a Mac) and spaces do not matter; words before the name neither
    assert bundle.find("bien ban hop.PDF") and bundle.find("Bie\u0302n ba\u0309n ho\u0323p.pdf")
    assert bundle.find("Kế hoạch 12 Biên bản họp.pdf") and not bundle.find("bien ban.pdf")


def test_check_reports_missing_uncited_and_scored_without_file_from_a_folder(tiny):
    answers = cited("KH số 1/KH-UBND; tệp: KH-1.pdf, thieu.pdf")
    answers["1.3"] = {"self": 1.5, "evidence": "BC số 5/BC-UBND"}  # scored, no file, no explanation
    submit(tiny, "U1", answers)
    folder = tiny.submissions_dir(2024) / "U1_2024"
    (folder / "con").mkdir(parents=True)
    (folder / "con" / "kh-1.PDF").write_bytes(PDF)
    (folder / "thua.png").write_bytes(PNG)
    (folder / "virus.exe").write_bytes(b"MZ")
    (folder / "Thumbs.db").write_bytes(b"x")
    report = check_year(tiny, 2024)
    [missing] = by_code(report, "EVIDENCE_FILE_MISSING")
    assert (missing.file, missing.row, missing.column, missing.severity) == ("2024/U1_2024.xlsx", 14, "H", "warning")
    assert "thieu.pdf" in missing.message and "2024/U1_2024/" in missing.message
    [uncited] = by_code(report, "EVIDENCE_FILE_UNCITED")
    assert uncited.file == "2024/U1_2024/thua.png" and "U1_2024.xlsx" in uncited.message
    [wrong_type] = by_code(report, "EVIDENCE_FILE_TYPE")
    assert wrong_type.file == "2024/U1_2024/virus.exe"
    no_file = by_code(report, "EVIDENCE_NO_FILE")  # 1.2 and 1.3 (1.1 cites files; 1.4 scores 0; 1.5 deducts)
    assert [(p.row, p.column) for p in no_file] == [(15, "H"), (16, "H")] and "1,5" in no_file[1].message
    assert report.ok  # warnings: the rows are kept for the evaluator to weigh
    assert len(report.table()) == 6 and not any(s.file.suffix == "" for s in report.submissions)


def test_no_files_sent_means_no_file_warnings_except_a_cited_one(tiny, book):
    report = check_year(tiny, 2024)
    assert not [p for p in report.all_problems if p.code.startswith("EVIDENCE_") and p.code != "EVIDENCE_MISSING"]
    submit(tiny, "U2", cited("tệp: KH.pdf"))
    [missing] = by_code(check_year(tiny, 2024), "EVIDENCE_FILE_MISSING")
    assert missing.file == "2024/U2_2024.xlsx" and "U2_2024.zip" in missing.message


def _zip(path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def test_zip_is_read_without_extracting_and_unsafe_members_are_refused(tiny, tmp_path, monkeypatch):
    submit(tiny, "U1", cited("tệp: KH-1.pdf, Ảnh.png, x.pdf"))
    _zip(tiny.submissions_dir(2024) / "U1_2024.zip",
         {"ho so/KH-1.pdf": PDF, "Ảnh.png": PNG, "../x.pdf": PDF, "/etc/passwd.txt": b"x", "__MACOSX/._a": b""})
    (tiny.submissions_dir(2024) / "U2.zip").write_bytes(b"PK\x03\x04 not a zip")
    submit(tiny, "U2")
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    report = check_year(tiny, 2024)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing extracted anywhere
    unsafe = by_code(report, "EVIDENCE_UNSAFE")
    assert sorted(p.message.split('"')[1] for p in unsafe) == ["../x.pdf", "/etc/passwd.txt"]
    assert all(p.is_error and p.file == "2024/U1_2024.zip" for p in unsafe)
    [missing] = by_code(report, "EVIDENCE_FILE_MISSING")  # ../x.pdf was refused, so x.pdf is not there
    assert "x.pdf" in missing.message
    [bad] = by_code(report, "EVIDENCE_ARCHIVE_BAD")
    assert bad.file == "2024/U2.zip" and bad.is_error
    assert not by_code(report, "FILE_TYPE")  # a zip beside the forms is evidence, not a form of the wrong type
    bundle = E.scan_year(tiny.submissions_dir(2024))["U1"]
    assert bundle.find("anh.png").read(100) == PNG and bundle.find("KH-1.pdf").label.endswith("ho so/KH-1.pdf")


def test_zip_bomb_is_refused_by_its_declared_size(tmp_path):
    info = zipfile.ZipInfo("big.pdf")
    info.file_size, info.compress_size = 600 << 20, 1000
    assert "bất thường" in E._unsafe("big.pdf", info)
    info.file_size = 50 << 20
    assert E._unsafe("big.pdf", info)
    info.compress_size = 10 << 20
    assert not E._unsafe("big.pdf", info)


def test_hash_streams_in_chunks_and_is_cached_by_size_and_mtime(tmp_path, monkeypatch):
    big = tmp_path / "big.pdf"
    with open(big, "wb") as fh:  # a sparse 64 MB file
        fh.truncate(64 << 20)
    reads: list[int] = []
    real_open = E.EvidenceFile.open

    def counting(self):
        class Counting(io.RawIOBase):
            def __init__(self, fh):
                self.fh = fh

            def read(self, n=-1):
                reads.append(n)
                return self.fh.read(n)

        from contextlib import contextmanager

        @contextmanager
        def opened():
            with real_open(self) as fh:
                yield Counting(fh)
        return opened()

    monkeypatch.setattr(E.EvidenceFile, "open", counting)
    f = E.EvidenceFile("big.pdf", big, size=64 << 20)
    first = E.digest(f)
    assert reads and all(0 < n <= CHUNK for n in reads)  # never read(-1), never more than a chunk
    expected = hashlib.sha256(b"\0" * (64 << 20)).hexdigest()[:16]
    assert first == expected
    reads.clear()
    assert E.digest(f) == first and not reads  # cached: same size and mtime
    with open(big, "r+b") as fh:
        fh.write(b"x")
    os.utime(big, ns=(big.stat().st_atime_ns, big.stat().st_mtime_ns + 10**9))
    assert E.digest(f) != first and reads


def _appraise(tiny, book):
    ws = Workspace.open(tiny, 2024, book)
    result = ws.save([Entry("U1", code, 2.0) for code in ("1.1", "1.2")])
    assert len(result.saved) == 2
    return Workspace.open(tiny, 2024, book)


def test_changed_cited_file_makes_its_row_need_review_and_only_it(tiny, book):
    submit(tiny, "U1", {**cited("tệp: KH-1.pdf"), "1.2": {**GOOD["1.2"], "evidence": "Cổng DVC; tệp: so-lieu.png"}})
    folder = tiny.submissions_dir(2024) / "U1"
    folder.mkdir()
    (folder / "KH-1.pdf").write_bytes(PDF)
    (folder / "so-lieu.png").write_bytes(PNG)
    ws = _appraise(tiny, book)
    assert not any(r.needs_review for r in ws.unit_rows("U1"))
    (folder / "KH-1.pdf").write_bytes(PDF + b"% v2\n")
    ws = Workspace.open(tiny, 2024, book)
    assert ws.rows["U1"]["1.1"].needs_review and not ws.rows["U1"]["1.2"].needs_review
    (folder / "so-lieu.png").unlink()  # a file removed after the appraisal also calls for a look
    assert Workspace.open(tiny, 2024, book).rows["U1"]["1.2"].needs_review


def test_text_only_evidence_hashes_as_before_the_upgrade(tiny, book):
    ws = Workspace.open(tiny, 2024, book)
    row = ws.rows["U1"]["1.1"]
    assert row.seen == "KH số 1/KH-UBND" and not row.files
    (tiny.submissions_dir(2024) / "U1").mkdir()  # files sent, but this row cites none
    (tiny.submissions_dir(2024) / "U1" / "a.pdf").write_bytes(PDF)
    row = Workspace.open(tiny, 2024, book).rows["U1"]["1.1"]
    assert evidence_hash(row.seen) == evidence_hash("KH số 1/KH-UBND")


def test_panel_opens_image_pdf_office_and_says_when_a_file_is_missing(tiny, book):
    submit(tiny, "U1", cited("tệp: anh.png, KH.pdf, bang.xlsx, thieu.pdf"))
    _zip(tiny.submissions_dir(2024) / "U1_2024.zip", {"anh.png": PNG, "KH.pdf": PDF, "bang.xlsx": b"PK-office"})
    p = AppraisalPanel(Workspace.open(tiny, 2024, book))
    editor = next(e for e in p.editors if e.row.code == "1.1")
    viewer = editor.evidence
    assert viewer is not None and viewer.box in editor.box.children
    assert [b.tooltip for b in viewer.buttons] == ["anh.png", "KH.pdf", "bang.xlsx", "thieu.pdf"]
    assert viewer.buttons[3].icon == "exclamation-triangle"
    viewer.buttons[0].click()
    image = viewer.area.children[1]
    assert isinstance(image, w.Image) and image.value == PNG and image.format == "png"
    viewer.buttons[1].click()
    assert "<iframe src='data:application/pdf;base64," in viewer.area.children[1].value
    viewer.buttons[2].click()
    assert "download='bang.xlsx'" in viewer.area.children[1].value and "<iframe" not in viewer.area.children[1].value
    viewer.buttons[3].click()
    assert "không gửi tệp này" in viewer.area.children[0].value
    viewer.close_button.click()
    assert viewer.area.children == ()
    assert next(e for e in p.editors if e.row.code == "1.3").evidence is None  # no file cited: no file bar


def test_viewer_says_unreadable_and_too_large_without_a_traceback(tiny, book, monkeypatch):
    submit(tiny, "U1", cited("tệp: KH.pdf, doc.docx"))
    folder = tiny.submissions_dir(2024) / "U1"
    folder.mkdir()
    (folder / "KH.pdf").write_bytes(PDF)
    (folder / "doc.docx").write_bytes(b"PK")
    ws = Workspace.open(tiny, 2024, book)
    viewer = EvidenceViewer(ws.rows["U1"]["1.1"])
    monkeypatch.setattr("kit.ui.evidence_viewer.PDF_LIMIT", 10)
    monkeypatch.setattr("kit.ui.evidence_viewer.DOWNLOAD_LIMIT", 10)
    viewer.buttons[0].click()
    assert "không hiển thị" in viewer.area.children[1].value and str(folder / "KH.pdf") in viewer.area.children[1].value
    (folder / "doc.docx").unlink()
    viewer.buttons[1].click()
    assert "Không đọc được tệp" in viewer.area.children[0].value


def test_blind_second_appraisal_still_shows_the_units_files_and_nothing_of_the_first(tiny, book):
    campaign_yml = tiny.root / "campaign.yml"
    campaign_yml.write_text(campaign_yml.read_text(encoding="utf-8") + "second_appraisal: {share: 1, gap: 0}\n",
                            encoding="utf-8")
    from kit.config.campaign import load_campaign
    from kit.core.vocab import Stage

    camp = load_campaign(tiny.root)
    submit(camp, "U1", cited("tệp: KH.pdf"))
    (camp.submissions_dir(2024) / "U1").mkdir()
    (camp.submissions_dir(2024) / "U1" / "KH.pdf").write_bytes(PDF)
    with signed_in("Lan"):  # no registry: each login acts alone, under its own name
        Workspace.open(camp, 2024, book).save([Entry("U1", "1.1", 0.0, comment="Bí mật lần một")])
    with signed_in("Minh"):
        p = AppraisalPanel(Workspace.open(camp, 2024, book))
    p.stage.value = Stage.SECOND
    editor = next(e for e in p.editors if e.row.code == "1.1")
    editor.evidence.buttons[0].click()
    shown = editor.info.value + "".join(getattr(c, "value", "") for c in editor.evidence.area.children
                                        if isinstance(c, w.HTML))
    assert "iframe" in shown and "Bí mật" not in shown and "Lan" not in shown


@pytest.mark.parametrize("name", ["NV_2025", "NV", "nv-2025-bosung"])
def test_container_names_follow_the_forms(tmp_path, name):
    (tmp_path / name).mkdir()
    (tmp_path / name / "a.pdf").write_bytes(PDF)
    assert list(E.scan_year(tmp_path)) == ["NV"]


def test_demo_check_lists_a_missing_and_an_uncited_evidence_file():
    from kit.config.campaign import load_campaign
    from tests.helpers import DEMO

    report = check_year(load_campaign(DEMO), 2025)
    [missing] = by_code(report, "EVIDENCE_FILE_MISSING")
    assert (missing.file, missing.column) == ("2025/NV_2025.xlsx", "H") and "QD-khen-thuong-2024.pdf" in missing.message
    [uncited] = by_code(report, "EVIDENCE_FILE_UNCITED")
    assert uncited.file == "2025/VP_2025.zip › VP_2025/bien-ban-khac.pdf"
    ws_rows = [r for s in report.submissions if s.unit == "VP" for r in s.rows if "tệp:" in r["evidence"]]
    assert len(ws_rows) == 3


def test_a_file_shown_is_closed_when_another_replaces_it(tiny, book):
    """The viewer's area replaced its content without closing it: every file opened stayed in the kernel and the
    browser (a PDF is megabytes)."""
    from ipywidgets.widgets.widget import _instances

    submit(tiny, "U1", cited("tệp: KH.pdf, anh.png"))
    folder = tiny.submissions_dir(2024) / "U1"
    folder.mkdir()
    (folder / "KH.pdf").write_bytes(PDF)
    (folder / "anh.png").write_bytes(PNG)
    viewer = EvidenceViewer(Workspace.open(tiny, 2024, book).rows["U1"]["1.1"])
    viewer.buttons[0].click()
    shown = list(viewer.area.children)
    alive = len(_instances)
    for _ in range(3):
        viewer.buttons[1].click()
        viewer.buttons[0].click()
    assert all(x.comm is None for x in shown) and len(_instances) == alive
    viewer.close_button.click()
    assert viewer.area.children == () and len(_instances) < alive
