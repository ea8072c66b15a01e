"""Documents the office signs, read back: Decree 30/2020 layout, contents complete, placeholders reported,
templates the office edits, PDF through LibreOffice with the first page of each kind kept as a PNG for review."""

import contextlib
import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from docx import Document as read_docx
from docx.shared import Mm

from kit.app.documents import decision_context, final_documents, submission_context, year_documents
from kit.app.pipeline import proposals
from kit.app.year import load_year, load_years
from kit.cli import main
from kit.config.campaign import load_campaign
from kit.core.vocab import Kind
from kit.outputs.doc_templates import TEMPLATES, default_template
from kit.outputs.official import GAP, render
from kit.outputs.template_check import check_text
from tests.helpers import DEMO, ROOT, copy_demo

SCREENSHOTS = ROOT / "reports" / "screenshots"


def _texts(cell_or_doc) -> list[str]:
    return [p.text for p in cell_or_doc.paragraphs]


def _all_text(doc) -> str:
    cells = [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return "\n".join(_texts(doc) + cells)


@pytest.fixture(scope="module")
def year_2024(tmp_path_factory) -> tuple[Path, str]:
    """Every document of 2024 on the demo, and what ``kit docs`` printed."""
    out = tmp_path_factory.mktemp("docs") / "van-ban"
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        assert main(["docs", "--campaign", str(DEMO), "--year", "2024", "--out", str(out)]) == 0
    return out, said.getvalue()


def test_layout_of_decree_30_and_every_proposal_of_the_spreadsheet_in_the_list(year_2024, tmp_path):
    out, said = year_2024
    assert "Chưa có số văn bản" in said and "họ tên người ký" in said  # placeholders are reported
    doc = read_docx(out / "to-trinh-khen-thuong-2024-ct-huyen.docx")
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert (round(section.left_margin.mm), round(section.right_margin.mm), round(section.top_margin.mm),
            round(section.bottom_margin.mm)) == (30, 15, 20, 20)
    assert section.different_first_page_header_footer  # page numbers from page 2
    assert "PAGE" in section.header._element.xml
    assert "Dữ liệu minh họa" in " ".join(_texts(section.first_page_header) + _texts(section.header))
    left, right = doc.tables[0].rows[0].cells
    # the council's standing body proposes to the district's Chủ tịch (#22: never the Chủ tịch to himself)
    assert _texts(left)[:2] == ["UBND HUYỆN CHÂU THÀNH", "PHÒNG NỘI VỤ"]
    assert _texts(left)[-1] == f"Số: {GAP}/TTr-PNV"
    motto, slogan = right.paragraphs[0].runs[0], right.paragraphs[1].runs[0]
    assert motto.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and motto.bold and motto.font.size.pt == 12
    assert slogan.text == "Độc lập - Tự do - Hạnh phúc" and slogan.bold and slogan.underline
    assert slogan.font.size.pt == 13
    date = right.paragraphs[-1].runs
    assert "".join(r.text for r in date) == "Châu Thành, ngày 16 tháng 01 năm 2025" and date[0].italic  # awards: day
    body = _texts(doc)
    assert "TỜ TRÌNH" in body and "DANH SÁCH" in body and any(t.startswith("Kính gửi:") for t in body)
    assert not any("{{" in t or "{%" in t for t in _all_text(doc).split("\n"))  # every tag rendered
    fonts = {r.font.name for p in doc.paragraphs for r in p.runs if r.text.strip()}
    assert fonts == {"Times New Roman"}
    closing = doc.tables[1].rows[0].cells
    received = closing[0].paragraphs[0].runs[0]
    assert received.text == "Nơi nhận:" and received.bold and received.italic and received.font.size.pt == 12
    assert _texts(closing[0])[1:] == ["- Như trên;", "- Lưu: VT."]
    assert closing[0].paragraphs[1].runs[0].font.size.pt == 11
    assert _texts(closing[1])[0] == "TRƯỞNG PHÒNG" and _texts(closing[1])[-1] == GAP
    assert "w:cantSplit" in doc.tables[1].rows[0]._tr.xml  # the signature block stays on one page
    listed = {row.cells[1].text for table in doc.tables[2:] for row in table.rows[1:]}
    # every proposal of the spreadsheet `kit awards` writes, and nothing else
    assert main(["awards", "--campaign", str(DEMO), "--year", "2024", "--out", str(tmp_path / "de-nghi.xlsx")]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "de-nghi.xlsx").worksheets[0]
    in_xlsx = {row[1] for row in sheet.iter_rows(min_row=9, values_only=True) if isinstance(row[0], int)}
    assert in_xlsx == listed and len(listed) >= 5
    for table in doc.tables[2:]:
        assert "w:tblHeader" in table.rows[0]._tr.xml and all("w:cantSplit" in r._tr.xml for r in table.rows)


def test_every_document_of_the_year(year_2024):
    out, said = year_2024
    yd = load_year(DEMO, 2024)
    units = yd.results.units
    report = read_docx(out / "bao-cao-ket-qua-2024.docx")
    text = _all_text(report)
    assert "BÁO CÁO" in text and "I. TÌNH HÌNH THAM GIA" in text and "IV. ĐỀ NGHỊ KHEN THƯỞNG" in text
    findings = yd.results.findings
    assert f"Kiểm tra công vụ năm 2024: {len(findings)} kết luận kiểm tra" in text  # the inspection register (#17)
    ranked = set(units.dropna(subset=["rank"])["unit_name"])
    in_tables = {row.cells[1].text for table in report.tables[1:-1] for row in table.rows[1:]}
    assert in_tables == ranked  # every ranked unit, once per group table
    notices = sorted((out / "thong-bao").glob("*.docx"))
    taking_part = units[~units["status"].map(lambda s: s.gone)]
    assert len(notices) == len(taking_part)
    notice = read_docx(out / "thong-bao" / "thong-bao-ket-qua-KTHT-2024.docx")
    text = _all_text(notice)
    assert "Kính gửi: Phòng Kinh tế và Hạ tầng" in text and "trước ngày 15/01/2025" in text
    long = yd.results.long
    mine = long[(long["unit"] == "KTHT") & long["is_appraised"]]
    cut = {r.code for r in mine.itertuples() if float(r.self) > float(r.appraised) + 1e-9}
    rows = [row.cells for row in notice.tables[1].rows[1:]]
    assert {c[0].text for c in rows} == cut and cut
    assert all(c[4].text.strip() and c[4].text != GAP for c in rows)  # every cut shows the evaluator's reason
    awards = proposals([yd], "yearly")
    made = sorted(p.name for p in (out / "thanh-tich").glob("*.docx"))
    assert len(made) == len(awards.proposed())  # one report per proposal, none overwriting another
    people = {f.candidate["name"] for f in awards.proposed() if f.rule.kind == Kind.INDIVIDUAL}
    texts = [_all_text(read_docx(p)) for p in (out / "thanh-tich").glob("ca-nhan-*.docx")]
    assert {line.removeprefix("Họ và tên: ").rstrip(".") for t in texts for line in t.split("\n")
            if line.startswith("Họ và tên: ")} == people and people
    assert all("BÁO CÁO THÀNH TÍCH" in t and "NGƯỜI BÁO CÁO THÀNH TÍCH" in t for t in texts)
    assert not any("(đạt: " in t for t in texts)  # the council's sentences, not the rule trace (#22)
    assert all("Căn cứ đề nghị: Điều" in t for t in texts)  # the article the proposal rests on (#14's packs)
    decision = _all_text(read_docx(out / "du-thao-quyet-dinh-khen-thuong-2024-ct-huyen.docx"))
    assert "DỰ THẢO" in decision and "Điều 1." in decision and "Điều 3." in decision
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH" in decision and "Số: …/QĐ-UBND" in decision


def test_final_documents_before_and_after_the_district_ceased(tmp_path):
    campaign = load_campaign(DEMO)
    states = load_years(campaign, campaign.years)
    district = final_documents(states, tmp_path / "a", on=dt.date(2025, 6, 30))
    later = final_documents(states, tmp_path / "b")
    assert not district.failed and not later.failed
    summing_up = _all_text(read_docx(tmp_path / "a" / "bao-cao-tong-ket-2022-20250630.docx"))
    assert "UBND HUYỆN CHÂU THÀNH" in summing_up and "III. BÀI HỌC KINH NGHIỆM" in summing_up
    assert "Xã Châu Thành" not in summing_up  # a commune formed on 1/7/2025 is not the district's
    assert any("bài học kinh nghiệm" in m for m in district.missing())  # left for the council, and said so
    text = _all_text(read_docx(tmp_path / "b" / "bao-cao-tong-ket-2022-2025.docx"))
    assert "UBND TỈNH TÂY NINH" in text and "SỞ NỘI VỤ" in text and "Sắp xếp đơn vị hành chính" in text
    # the period's Bằng khen went up with the district's final of 30/06/2025 (to the province's Chủ tịch, through
    # the Sở): the later final proposes only the Sở's own Giấy khen, decided by its Giám đốc
    assert not list((tmp_path / "b").glob("*-ct-tinh.docx")) and list((tmp_path / "a").glob("*-ct-tinh.docx"))
    decision = _all_text(read_docx(tmp_path / "b" / "du-thao-quyet-dinh-khen-thuong-2022-2025-gd-snv.docx"))
    assert "GIÁM ĐỐC SỞ NỘI VỤ" in decision and "Tờ trình số …/TTr-VPS" in decision
    submission = submission_context(campaign, proposals(states, "final"))
    assert submission["kinh_gui"] == "Giám đốc Sở Nội vụ" and submission["ky_hieu"] == "TTr-VPS"
    early_to = submission_context(campaign, proposals(states, "final", on=dt.date(2025, 6, 30)),
                                  campaign.authorities.decide[1])
    assert early_to["kinh_gui"].startswith("Chủ tịch UBND tỉnh Tây Ninh")
    people = [f for f in proposals(states, "final").proposed() if f.rule.kind == Kind.INDIVIDUAL]
    by_authority = [submission_context(campaign, proposals(states, "final"), a)
                    for a in campaign.authorities.decide if a.valid_on(dt.date(2025, 12, 31))]
    assert sum(len(s["ca_nhan"]) for s in by_authority) == len(people)  # each in the Tờ trình to its authority
    early = decision_context(campaign, proposals(states, "final", on=dt.date(2025, 6, 30)))
    assert early["co_quan"] == "UBND HUYỆN CHÂU THÀNH" and early["nam"] == "2025" and early["thang"] == "6"


def test_the_office_edits_a_template_and_mistakes_in_it_are_reported(tmp_path, capsys):
    camp = Path(copy_demo(tmp_path / "data"))
    assert main(["docs", "--campaign", str(camp), "--templates"]) == 0
    folder = camp / "mau-van-ban"
    assert sorted(p.stem for p in folder.glob("*.docx")) == sorted(TEMPLATES)
    edited = read_docx(folder / "to-trinh-khen-thuong.docx")
    title = next(p for p in edited.paragraphs if p.text == "TỜ TRÌNH")
    title.runs[0].text = "TỜ TRÌNH (mẫu của Văn phòng) {{ khong_co_truong_nay }}"
    edited.save(folder / "to-trinh-khen-thuong.docx")
    broken = read_docx(folder / "thong-bao-ket-qua.docx")
    broken.paragraphs[0].runs[0].text = "{{ don_vi "
    broken.save(folder / "thong-bao-ket-qua.docx")
    capsys.readouterr()
    assert main(["docs", "--campaign", str(camp), "--year", "2024", "--out", str(tmp_path / "out")]) == 1
    said = capsys.readouterr()
    assert not (tmp_path / "out" / "to-trinh-khen-thuong-2024-ct-huyen.docx").exists()  # unknown name: stops it
    assert "Mẫu văn bản to-trinh-khen-thuong.docx: trường \"khong_co_truong_nay\"" in said.err
    assert "ở đoạn «TỜ TRÌNH (mẫu của Văn phòng) {{ khong_co_truong_nay }}»" in said.err
    assert "Mẫu văn bản thong-bao-ket-qua.docx: thẻ \"{{ don_vi\" thiếu" in said.err  # the broken template is named...
    assert said.err.count("Mẫu văn bản thong-bao-ket-qua.docx") == 1  # once, not once per notice
    assert (tmp_path / "out" / "bao-cao-ket-qua-2024.docx").exists()  # ...and the other documents are written
    assert not list((tmp_path / "out").glob("thong-bao/*.docx"))
    assert main(["docs", "--campaign", str(camp), "--templates"]) == 0  # never overwrites the office's edits
    assert "Giữ nguyên mẫu đã có" in capsys.readouterr().out
    assert "mẫu của Văn phòng" in " ".join(_texts(read_docx(folder / "to-trinh-khen-thuong.docx")))


def test_a_value_with_markup_characters_is_text(tmp_path):
    template = default_template("thong-bao-ket-qua")
    context = dict.fromkeys(check_text(template).names, "") | {"don_vi": "Phòng <A> & \"B\"", "bi_tru": []}
    path = render(template, context, tmp_path / "x.docx").path
    assert "Kính gửi: Phòng <A> & \"B\"" in _all_text(read_docx(path))


@pytest.mark.libreoffice
def test_pdf_of_every_kind_and_a_picture_of_each_first_page(tmp_path, capsys, monkeypatch):
    from pypdf import PdfReader

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui with apt)")
    campaign = load_campaign(DEMO)
    yd = load_year(campaign, 2024)
    batch = year_documents(yd, tmp_path / "y")
    batch.written += final_documents(load_years(campaign, campaign.years), tmp_path / "f").written
    firsts = {}
    for w in batch.written:  # one of each kind
        firsts.setdefault(_kind(w.path), w.path)
    assert set(firsts) == set(TEMPLATES)
    from kit.outputs.official import to_pdf

    pdfs = to_pdf(sorted(firsts.values()))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for kind, pdf in zip(sorted(firsts, key=lambda k: firsts[k]), pdfs, strict=True):
        reader = PdfReader(pdf)
        text = " ".join(page.extract_text() for page in reader.pages)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Dữ liệu minh họa" in text
        width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4 in points
        if kind in ("to-trinh-khen-thuong", "quyet-dinh-khen-thuong"):
            assert len(reader.pages) >= 2 and "DANH SÁCH" in text
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                            str(SCREENSHOTS / f"van-ban-{kind}")], check=True)
            assert (SCREENSHOTS / f"van-ban-{kind}.png").stat().st_size > 10_000
    capsys.readouterr()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["docs", "--campaign", str(DEMO), "--units", "--year", "2024", "--out", str(tmp_path / "b"),
                 "--pdf"]) == 2
    err = capsys.readouterr().err
    assert "Chưa cài LibreOffice" in err and "libreoffice-writer-nogui" in err
    assert list((tmp_path / "b" / "thong-bao").glob("*.docx"))  # the .docx are written all the same


def _kind(path: Path) -> str:
    """The template a written document came from, by its file name."""
    name = path.name
    for kind, prefix in (("to-trinh-khen-thuong", "to-trinh-"), ("quyet-dinh-khen-thuong", "du-thao-quyet-dinh-"),
                         ("bao-cao-ket-qua-nam", "bao-cao-ket-qua-"), ("thong-bao-ket-qua", "thong-bao-"),
                         ("bao-cao-tong-ket", "bao-cao-tong-ket-"), ("bao-cao-thanh-tich", "tap-the-"),
                         ("bao-cao-thanh-tich", "ca-nhan-")):
        if name.startswith(prefix):
            return kind
    raise AssertionError(name)


def test_a_document_names_what_it_was_made_from_in_its_properties(year_2024):
    out, _ = year_2024
    properties = read_docx(out / "to-trinh-khen-thuong-2024-ct-huyen.docx").core_properties
    from kit.scoring.awards import proposals_date

    campaign = load_campaign(DEMO)  # the documents say what was known on their date: the state as of that day
    yd = load_year(campaign, 2024, on=proposals_date(campaign, "yearly", [2024]))
    assert yd.fingerprint.digest[:16] in properties.comments and "Dữ liệu minh họa" in properties.comments
    assert properties.author.startswith("kit thi đua CCHC")


def test_an_achievement_report_lists_the_persons_initiatives(tmp_path):
    campaign = load_campaign(DEMO)
    states = load_years(campaign, campaign.years)
    batch = final_documents(states, tmp_path)
    people = {f.candidate["name"] for f in proposals(states, "final").proposed() if f.rule.kind == Kind.INDIVIDUAL}
    authored = [r for r in states[0].movement.initiatives.rows if r["recognised_on"] and r["authors"][0] in people]
    assert authored  # the demo proposes an author of an initiative (Huỳnh Hoàng Bình)
    for row in authored:
        report = next(w.path for w in batch.written if w.path.name.startswith("ca-nhan-")
                      and f"Họ và tên: {row['authors'][0]}." in _all_text(read_docx(w.path)))
        assert row["title"] in _all_text(read_docx(report)) and row["id"] in _all_text(read_docx(report))


def test_the_documents_cite_the_law_in_force_on_their_date():
    campaign = load_campaign(DEMO)
    states = {yd.year: yd for yd in load_years(campaign, campaign.years)}

    def grounds(awards) -> str:
        return " ".join(str(line) for line in submission_context(campaign, awards)["can_cu"])

    assert "15/2003/QH11" in grounds(proposals([states[2022]], "yearly"))
    assert "91/2017/NĐ-CP" in grounds(proposals([states[2023]], "yearly"))
    later = grounds(proposals([states[2024]], "yearly"))
    assert "98/2023/NĐ-CP" in later and "15/2003" not in later
    final = decision_context(campaign, proposals(list(states.values()), "final"))
    assert "152/2025/NĐ-CP" in " ".join(map(str, final["can_cu"]))
    district = decision_context(campaign, proposals(list(states.values()), "final", on=dt.date(2025, 6, 30)))
    assert "98/2023/NĐ-CP" in " ".join(map(str, district["can_cu"]))


def test_date_line_follows_decree_30():
    from kit.core.vn import official_date

    months = [official_date(dt.date(2025, m, 1))[1] for m in (1, 2, 3, 9, 10, 12)]
    assert months == ["01", "02", "3", "9", "10", "12"] and official_date(dt.date(2025, 6, 30))[0] == "30"
    assert official_date(dt.date(2025, 3, 5)) == ("05", "3", "2025")


def test_past_awards_come_from_the_register_with_predecessors_and_revocations():
    from dataclasses import replace

    from kit.app.documents import _past_awards

    campaign = load_campaign(DEMO)
    states = load_years(campaign, campaign.years)
    final = proposals(states, "final")
    history = states[-1].movement.records.history.rows
    successor = next(f for f in final.proposed() if f.rule.kind == Kind.COLLECTIVE
                     and campaign.roster.predecessors(f.candidate["unit"]))
    before = {line.predecessor for line in campaign.roster.predecessors(successor.candidate["unit"])}
    theirs = {a["decision"] for a in history if a["kind"] == Kind.COLLECTIVE and a["subject"] in before}
    text = " ".join(_past_awards(successor, states))
    assert theirs and all(d in text for d in theirs) and "đơn vị tiền thân" in text
    from kit.app.documents import _unit_years

    years = [row["nam"] for row in _unit_years(states, successor.candidate["unit"])]
    named = {campaign.units_by_code[code].name for code in before if code in campaign.units_by_code}
    assert any(name in y for y in years for name in named)  # the predecessors' results, named
    event = states[-1].revocations[0]
    person = next(f for f in final.findings if f.rule.kind == Kind.INDIVIDUAL)
    revoked = replace(person, candidate={**person.candidate, "subject": event["subject"]})
    lines = _past_awards(revoked, states)
    assert any(event["decision"] in line and "đã bị hủy bỏ" in line and event["number"] in line for line in lines)


def test_one_achievement_report_per_proposal_even_for_namesakes_and_two_titles(tmp_path):
    from dataclasses import replace

    from kit.app.documents import Batch, _commendation

    campaign = load_campaign(DEMO)
    states = load_years(campaign, campaign.years)
    awards = proposals(states, "final")
    person = next(f for f in awards.proposed() if f.rule.kind == Kind.INDIVIDUAL)
    namesake = replace(person, candidate={**person.candidate, "subject": "CC999999"})
    unit = next(f for f in awards.proposed() if f.rule.kind == Kind.COLLECTIVE)
    other_rule = next(f.rule for f in awards.findings
                      if f.rule.kind == Kind.COLLECTIVE and f.rule.title != unit.rule.title)
    twice = replace(unit, rule=other_rule)
    awards.findings += [namesake, twice]
    batch = Batch("test")
    _commendation(batch, campaign, awards, states, tmp_path, "x")
    reports = list((tmp_path / "thanh-tich").glob("*.docx"))
    assert len(reports) == len(awards.proposed()) == len({p.name for p in reports})
