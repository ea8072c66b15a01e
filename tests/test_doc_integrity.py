"""Documents that say only what is true of them: templates checked before rendering, notices that say why a unit
has no result, provisional documents that never promise finality and never replace the official ones (issue 22)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from docx import Document as read_docx

from kit.app.documents import notice_context, year_documents
from kit.app.year import load_year
from kit.cli import main
from kit.config.campaign import load_campaign
from kit.core.errors import UsageError
from kit.outputs.doc_templates import TEMPLATES, default_template
from kit.outputs.official import render
from kit.outputs.template_check import check, check_text
from tests.helpers import DEMO


def _all_text(doc) -> str:
    cells = [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _edited(template: bytes, old: str, new: str) -> bytes:
    """The template with ``old`` replaced by ``new`` in the one paragraph holding it, as an office types in Word
    (the text of the paragraph's runs)."""
    doc = read_docx(io.BytesIO(template))
    paragraphs = [p for p in doc.paragraphs] + [p for t in doc.tables for r in t.rows for c in r.cells
                                                for p in c.paragraphs]
    found = [p for p in paragraphs if old in p.text]
    assert found, old
    for run in found[0].runs:
        run.text = run.text.replace(old, new)
    assert new in found[0].text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_brace_missing_in_kinh_gui_stops_that_document_and_names_it(demo_copy, tmp_path, capsys):
    assert main(["docs", "--campaign", str(demo_copy), "--templates"]) == 0
    own = demo_copy / "mau-van-ban" / "to-trinh-khen-thuong.docx"
    own.write_bytes(_edited(own.read_bytes(), "Kính gửi: {{ kinh_gui }}", "Kính gửi: {{ kinh_gui }"))
    capsys.readouterr()
    out = tmp_path / "out"
    assert main(["docs", "--campaign", str(demo_copy), "--year", "2024", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Mẫu văn bản to-trinh-khen-thuong.docx" in err and "«Kính gửi: {{ kinh_gui }»" in err
    assert "Traceback" not in err
    assert not (out / "to-trinh-khen-thuong-2024-ct-huyen.docx").exists()  # never written without its Căn cứ
    assert (out / "bao-cao-ket-qua-2024.docx").exists()
    assert (out / "du-thao-quyet-dinh-khen-thuong-2024-ct-huyen.docx").exists()
    assert list((out / "thong-bao").glob("*.docx"))  # the other documents are written


@pytest.mark.parametrize(("old", "new", "said"), [
    ("{%p endif %}", "", "khối \"if\" mở ở đoạn «{%p if tam_tinh %}» chưa có thẻ đóng \"endif\""),
    ("{%p if tam_tinh %}", "{% if tam_tinh %}", "khối \"{% if tam_tinh %}\" mở ở đoạn «{% if tam_tinh %}» nhưng đóng"),
    ("{{ co_quan_ten }} kính trình", "{ co_quan_ten }} kính trình", "có \"}}\" mà không có thẻ mở tương ứng"),
    ("{{ kinh_gui }} xem xét", "{{ kinh_gui %} xem xét", "thẻ mở bằng \"{{\" nhưng đóng bằng \"%}\""),
    ("{{ kinh_gui }} xem xét", "{{ kinh gui }} xem xét", "thẻ viết sai cú pháp"),
    ("{%p endif %}", "{%p endif %}{%p endfor %}", "thẻ \"{%p endfor %}\" không có thẻ mở tương ứng"),
])
def test_every_tag_is_checked_before_rendering(old, new, said, tmp_path):
    template = _edited(default_template("to-trinh-khen-thuong"), old, new)
    problems = check(template, "to-trinh-khen-thuong.docx", set(check_text(default_template(
        "to-trinh-khen-thuong")).names))
    assert problems and all(p.startswith("Mẫu văn bản to-trinh-khen-thuong.docx: ") for p in problems)
    assert any(said in p for p in problems), problems
    own = tmp_path / "to-trinh-khen-thuong.docx"
    own.write_bytes(template)
    with pytest.raises(UsageError, match="Mẫu văn bản to-trinh-khen-thuong.docx: "):
        render(own, {}, tmp_path / "o.docx")
    assert not (tmp_path / "o.docx").exists()


def test_a_name_the_document_is_not_given_is_named_with_a_suggestion(tmp_path):
    template = _edited(default_template("thong-bao-ket-qua"), "Kính gửi: {{ don_vi }}", "Kính gửi: {{ don_vj }}")
    given = set(check_text(default_template("thong-bao-ket-qua")).names)
    (problem,) = check(template, "thong-bao-ket-qua.docx", given)
    assert "trường \"don_vj\" không có trong dữ liệu" in problem and "có phải \"don_vi\"?" in problem
    assert "«Kính gửi: {{ don_vj }}»" in problem


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_the_default_templates_are_clean(name):
    assert check_text(default_template(name)).problems == ()


def test_an_unreadable_template_is_a_message(tmp_path):
    bad = tmp_path / "thong-bao-ket-qua.docx"
    bad.write_text("không phải tệp Word")
    with pytest.raises(UsageError, match="Không đọc được mẫu văn bản thong-bao-ket-qua.docx"):
        render(bad, {}, tmp_path / "x.docx")


# -- notices ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def notices(tmp_path_factory) -> dict[int, Path]:
    """The notices of 2022 (a refused form), 2023 (a form never sent) and 2025 (results not fully appraised)."""
    out = tmp_path_factory.mktemp("notices")
    campaign = load_campaign(DEMO)
    for year in (2022, 2023, 2025):
        batch = year_documents(load_year(campaign, year), out / str(year), notices_only=True)
        assert not batch.failed
    return {year: out / str(year) / "thong-bao" for year in (2022, 2023, 2025)}


def _notice(notices: dict[int, Path], year: int, unit: str) -> str:
    return _all_text(read_docx(notices[year] / f"thong-bao-ket-qua-{unit}-{year}.docx"))


def test_a_notice_to_a_unit_without_a_result_says_why(notices):
    refused = _notice(notices, 2022, "NNPTNT")
    assert "phiếu tự đánh giá không được chấp nhận do có 1 lỗi sau" in refused
    assert "- 2022/NNPTNT_2022.xlsx, trang \"Phiếu tự đánh giá\": Năm trong phiếu (2021) khác năm của thư mục nộp " \
        "(2022)." in refused  # the check's own words, located in the unit's file
    missing = _notice(notices, 2023, "THANHLONG")
    assert "chưa nộp phiếu tự đánh giá (hạn nộp ngày 15/12/2023)" in missing
    for text in (refused, missing):
        assert "xem thông báo lỗi" not in text  # no such document exists
        assert "kết quả thẩm định" not in text and "Giải trình" not in text and "bị trừ điểm" not in text
    broken = _notice(notices, 2025, "XPHUOCVINH")
    assert "Tệp bị hỏng hoặc không phải tệp Excel/CSV hợp lệ" in broken


def test_a_notice_to_a_merged_unit_says_so():
    yd = load_year(load_campaign(DEMO), 2025)
    context = notice_context(yd, "ANBINH", dt.date(2025, 12, 31))
    assert context["ket_qua"] == ["Đơn vị không tham gia chấm điểm năm 2025: đã sáp nhập vào Xã Châu Thành từ "
                                  "01/07/2025."] and not context["co_ket_qua"]


def test_a_provisional_notice_says_tam_tinh_and_never_promises_finality(notices):
    from kit.scoring.awards import proposals_date

    campaign = load_campaign(DEMO)
    yd = load_year(campaign, 2025)
    day = proposals_date(campaign, "yearly", [2025])  # the notices' date: units that had ceased get none
    units = yd.results.units
    alive = {u.code for u in campaign.units if u.valid_to is None or u.valid_to >= day}
    scored = units[units["status"].map(lambda s: s.scored) & units["unit"].isin(alive)]
    none = scored[scored["appraised_count"] == 0]["unit"]
    full = scored[scored["appraised_count"] == scored["criteria"]]["unit"]
    assert len(none) and len(full)
    for unit in none:
        text = _notice(notices, 2025, unit)
        assert "(TẠM TÍNH)" in text and "(đã thẩm định 0/" in text
        assert "chính thức" not in text
        assert "Không có tiêu chí nào bị trừ điểm" not in text  # nothing was appraised: nothing is said about cuts
    for unit in full:
        text = _notice(notices, 2025, unit)
        assert "TẠM TÍNH" not in text and "kết quả thẩm định được công nhận chính thức" in text


# -- forms -----------------------------------------------------------------------------------------------------
def test_forms_only_for_the_units_taking_part_that_year(tmp_path, capsys):
    campaign = load_campaign(DEMO)
    for year in (2022, 2025):
        out = tmp_path / str(year)
        assert main(["forms", "--campaign", str(DEMO), "--year", str(year), "--out", str(out)]) == 0
        made = {p.stem.removesuffix(f"_{year}") for p in out.glob("*.xlsx")}
        assert made == {u.code for u in campaign.units_of(year)}
    assert "XPHUOCVINH" not in {p.stem.split("_")[0] for p in (tmp_path / "2022").glob("*.xlsx")}  # formed 1/7/2025
    assert "ANBINH" not in {p.stem.split("_")[0] for p in (tmp_path / "2025").glob("*.xlsx")}  # merged 1/7/2025
    assert "XPHUOCVINH" in {p.stem.split("_")[0] for p in (tmp_path / "2025").glob("*.xlsx")}
    capsys.readouterr()
    assert main(["forms", "--campaign", str(DEMO), "--year", "2025", "--out", str(tmp_path / "x"),
                 "--units", "ANBINH,NV"]) == 2
    err = capsys.readouterr().err
    assert "không tham gia chấm điểm năm 2025" in err and "ANBINH (đã sáp nhập vào Xã Châu Thành từ 01/07/2025)" in err
    assert not (tmp_path / "x").exists() or not list((tmp_path / "x").glob("*.xlsx"))


# -- provisional outputs ---------------------------------------------------------------------------------------
def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_provisional_outputs_go_beside_the_official_ones_never_over_them(tmp_path, capsys):
    reports = tmp_path / "reports"
    common = ["--campaign", str(DEMO), "--reports", str(reports), "--year", "2025"]
    assert main(["awards", *common]) == 0
    assert main(["docs", *common]) == 0
    official = _snapshot(reports)
    assert "2025/de-nghi-khen-thuong-2025.xlsx" in official and "2025/bang-vang-2025.html" in official
    assert main(["awards", *common, "--provisional"]) == 0
    assert main(["docs", *common, "--provisional"]) == 0
    after = _snapshot(reports)
    assert {k: v for k, v in after.items() if k in official} == official  # byte for byte
    made = set(after) - set(official)
    assert {"2025/de-nghi-khen-thuong-2025-tam-tinh.xlsx", "2025/bang-vang-2025-tam-tinh.html"} <= made
    assert "2025/van-ban-tam-tinh/du-thao-quyet-dinh-khen-thuong-2025-gd-snv.docx" in made
    out = capsys.readouterr().out
    assert "de-nghi-khen-thuong-2025-tam-tinh.xlsx" in out and "van-ban-tam-tinh" in out
    name = "du-thao-quyet-dinh-khen-thuong-2025-gd-snv.docx"
    decision = _all_text(read_docx(reports / "2025" / "van-ban-tam-tinh" / name))
    assert "(TẠM TÍNH)" in decision
    official_decision = reports / "2025" / "van-ban" / "du-thao-quyet-dinh-khen-thuong-2025-gd-snv.docx"
    assert "(TẠM TÍNH)" not in _all_text(read_docx(official_decision))
    assert "TẠM TÍNH" in (reports / "2025" / "bang-vang-2025-tam-tinh.html").read_text(encoding="utf-8")


# -- the signature never alone on its page ---------------------------------------------------------------------
def _signature_alone(pdf: Path) -> bool:
    """The PDF's last page holds only Nơi nhận and the signature (page number and demo banner aside)."""
    from pypdf import PdfReader

    last = PdfReader(pdf).pages[-1] if len(PdfReader(pdf).pages) > 1 else None
    if last is None:
        return False
    lines = [line.strip() for line in last.extract_text().splitlines()
             if line.strip() and not line.strip().isdigit() and not line.startswith("Dữ liệu minh họa")]
    return bool(lines) and lines[0].startswith("Nơi nhận")


@pytest.mark.libreoffice
def test_the_last_lines_of_a_notice_stay_with_its_signature(tmp_path):
    """2024's notices as LibreOffice lays them out: before, 12 of 32 ended on a page holding only Nơi nhận and the
    signature (59 of the demo's 119 notices)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    from kit.outputs.official import to_pdf

    batch = year_documents(load_year(load_campaign(DEMO), 2024), tmp_path, notices_only=True)
    pdfs = to_pdf([w.path for w in batch.written])
    assert len(pdfs) == 32
    assert [p.name for p in pdfs if _signature_alone(p)] == []


@pytest.mark.libreoffice
def test_a_run_without_pdf_removes_the_pdfs_it_made_of_the_documents_it_rewrote(tmp_path, capsys):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    from kit.outputs.official import to_pdf

    args = ["docs", "--campaign", str(DEMO), "--units", "--year", "2024", "--out", str(tmp_path)]
    assert main(args) == 0
    notices = sorted((tmp_path / "thong-bao").glob("*.docx"))
    made = to_pdf(notices[:2])  # as an earlier run with --pdf made them
    foreign = notices[2].with_suffix(".pdf")  # the office's own PDF of that name (Văn thư's scan)
    foreign.write_bytes(b"%PDF-1.4\n1 0 obj << /Author (Van thu) >> endobj\n%%EOF\n")
    capsys.readouterr()
    assert main(args) == 0
    assert "Đã xóa 2 bản PDF cũ của các văn bản vừa tạo lại" in capsys.readouterr().out
    assert not any(p.exists() for p in made) and foreign.exists()


@pytest.mark.parametrize(("old", "new"), [
    ("{{ r.ten }}", "{% vm %}{{ r.ten }}"),  # docxtpl's own table-cell tags are not mistakes
    ("{{ r.ten }}", "{{ r.ten }}{% cellbg 'FFFFFF' %}"),
    ("Kính gửi: {{ kinh_gui }}", "Kính gửi: {{r kinh_gui }}"),
    ("Kính gửi: {{ kinh_gui }}", "Kính gửi: {% if kinh_gui %}{{ kinh_gui }}{% else %}…{% endif %}"),
])
def test_what_docxtpl_accepts_is_accepted(old, new):
    template = _edited(default_template("to-trinh-khen-thuong"), old, new)
    assert check(template, "to-trinh-khen-thuong.docx", set(check_text(default_template(
        "to-trinh-khen-thuong")).names)) == []
