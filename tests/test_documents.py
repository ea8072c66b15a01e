"""Documents the office signs, read back: Decree 30/2020 layout, contents complete, placeholders reported."""

import datetime as dt

from docx import Document as read_docx
from docx.shared import Mm

from kit.app.pipeline import proposals
from kit.app.year import load_years
from kit.cli import main
from kit.config.campaign import load_campaign
from kit.core.vocab import Kind
from kit.outputs.documents import proposal_submission
from kit.outputs.official import GAP
from tests.helpers import DEMO


def _texts(cell_or_doc) -> list[str]:
    return [p.text for p in cell_or_doc.paragraphs]


def test_proposal_submission_follows_decree_30_and_lists_every_proposal(tmp_path, capsys):
    out = tmp_path / "to-trinh.docx"
    assert main(["docs", "--campaign", str(DEMO), "--year", "2024", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "Chưa có số tờ trình" in said and "họ tên người ký" in said  # placeholders are reported
    doc = read_docx(out)
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert (round(section.left_margin.mm), round(section.right_margin.mm), round(section.top_margin.mm),
            round(section.bottom_margin.mm)) == (30, 15, 20, 20)
    assert section.different_first_page_header_footer  # page numbers from page 2
    assert "PAGE" in section.header._element.xml
    assert "Dữ liệu minh họa" in " ".join(_texts(section.first_page_header) + _texts(section.header))
    left, right = doc.tables[0].rows[0].cells
    assert _texts(left)[:2] == ["UBND HUYỆN CHÂU THÀNH", "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG"]
    assert _texts(left)[-1] == f"Số: {GAP}/TTr-HĐTĐKT"  # the council: Hội đồng Thi đua – Khen thưởng
    motto, slogan = right.paragraphs[0].runs[0], right.paragraphs[1].runs[0]
    assert motto.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and motto.bold and motto.font.size.pt == 12
    assert slogan.text == "Độc lập - Tự do - Hạnh phúc" and slogan.bold and slogan.underline
    assert slogan.font.size.pt == 13
    date = right.paragraphs[-1].runs[0]
    assert date.text == "Châu Thành, ngày 31 tháng 12 năm 2024" and date.italic
    body = _texts(doc)
    assert "TỜ TRÌNH" in body and "DANH SÁCH" in body and any(t.startswith("Kính gửi:") for t in body)
    fonts = {r.font.name for p in doc.paragraphs for r in p.runs if r.text.strip()}
    assert fonts == {"Times New Roman"}
    closing = doc.tables[1].rows[0].cells
    received = closing[0].paragraphs[0].runs[0]
    assert received.text == "Nơi nhận:" and received.bold and received.italic and received.font.size.pt == 12
    assert _texts(closing[1])[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"] and _texts(closing[1])[-1] == GAP
    listed = {row.cells[1].text for table in doc.tables[2:] for row in table.rows[1:]}
    awards = proposals(load_years(DEMO, [2024]), "yearly")
    assert {f.candidate["name"] for f in awards.proposed()} == listed and listed  # every proposal, nothing else
    for table in doc.tables[2:]:
        assert "w:tblHeader" in table.rows[0]._tr.xml and all("w:cantSplit" in r._tr.xml for r in table.rows)


def test_the_successor_bodys_documents_after_the_district_ceased():
    campaign = load_campaign(DEMO)
    states = load_years(campaign, campaign.years)
    district = proposal_submission(campaign, proposals(states, "final", on=dt.date(2025, 6, 30)))
    later = proposal_submission(campaign, proposals(states, "final"))
    head = [p.text for p in district.doc.tables[0].rows[0].cells[0].paragraphs]
    assert head[:2] == ["UBND HUYỆN CHÂU THÀNH", "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG"]
    head = [p.text for p in later.doc.tables[0].rows[0].cells[0].paragraphs]
    assert head[:2] == ["UBND TỈNH TÂY NINH", "SỞ NỘI VỤ"] and head[-1].startswith("Số: …/TTr-")
    text = " ".join(p.text for p in later.doc.paragraphs)
    assert "Kính gửi: UBND tỉnh Tây Ninh" in text and "giai đoạn 2022–2025" in text and "…/TTr-SNV" in text
    people = [f for f in proposals(states, "final").proposed() if f.rule.kind == Kind.INDIVIDUAL]
    assert f"{len(people)} cá nhân" in text


def test_pdf_through_libreoffice_or_a_message_saying_how_to_install_it(tmp_path, capsys, monkeypatch):
    import shutil

    import pytest
    from pypdf import PdfReader

    out = tmp_path / "to-trinh.docx"
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui with apt)")
    assert main(["docs", "--campaign", str(DEMO), "--year", "2024", "--out", str(out), "--pdf"]) == 0
    pdf = PdfReader(out.with_suffix(".pdf"))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) >= 2 and "TỜ TRÌNH" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    width, height = float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4 in points
    capsys.readouterr()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["docs", "--campaign", str(DEMO), "--year", "2024", "--out", str(tmp_path / "b.docx"), "--pdf"]) == 2
    err = capsys.readouterr().err
    assert "Chưa cài LibreOffice" in err and "libreoffice-writer-nogui" in err and (tmp_path / "b.docx").exists()

