"""Every "…" a document prints is listed with the setting that fills it (#22 item 6), and the legal facts the demo's
rule packs cite are the verified ones."""

import datetime as dt
from pathlib import Path

from docx import Document as read_docx

from kit.app.documents import final_documents, year_documents
from kit.app.year import load_year, load_years
from kit.config.campaign import load_campaign
from tests.helpers import DEMO, copy_demo


def _text(path: Path) -> str:
    doc = read_docx(path)
    cells = [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_an_article_left_blank_in_the_rule_pack_is_listed_with_its_setting(tmp_path):
    batch = year_documents(load_year(DEMO, 2022), tmp_path)  # the 2003 law: its articles are still "Điều …"
    blank = [w for w in batch.written if "Điều …" in _text(w.path)]
    assert blank  # the achievement reports cite "Căn cứ đề nghị: Điều … Luật Thi đua, khen thưởng 2003 …"
    for w in blank:
        said = [m for m in w.missing if "Điều … Luật Thi đua, khen thưởng 2003" in m]
        assert said and all("basis của quy định" in m and "commendation.yml, dòng" in m for m in said), w.path.name
    assert any("Điều … Luật Thi đua, khen thưởng 2003" in what for what in batch.missing())  # in what kit docs prints


def test_a_legal_text_with_a_blank_date_is_listed_and_the_number_of_a_cited_submission_too(tmp_path):
    camp = Path(copy_demo(tmp_path / "data"))  # with its gradebook: the same proposals as the demo
    rules = (camp / "commendation.yml").read_text(encoding="utf-8")
    (camp / "commendation.yml").write_text(rules.replace("ngày 14 tháng 6 năm 2025", "ngày … tháng … năm 2025"),
                                           encoding="utf-8")
    campaign = load_campaign(camp)
    batch = final_documents(load_years(campaign, campaign.years), tmp_path / "out")
    missing = batch.missing()
    dated = [what for what in missing if what.startswith("căn cứ pháp lý còn \"…\": «Nghị định số 152/2025")]
    assert dated and "basis của bộ quy định ND152 trong commendation.yml, dòng" in dated[0]
    # the Tờ trình and the draft decision of the period's one authority (the Sở's Giấy khen: the Bằng khen went with
    # the district's final of 30/06/2025)
    assert missing[dated[0]] == 2
    cited = [what for what in missing if what.startswith("số của văn bản được dẫn «…/TTr-")]
    assert len(cited) == 1  # "Theo đề nghị của … tại Tờ trình số …/TTr-VPS" in its decision
    day = dt.date(2025, 6, 30)  # the district's final: two authorities, two Tờ trình cited
    early = final_documents(load_years(campaign, campaign.years, on=day), tmp_path / "early", on=day).missing()
    assert len([what for what in early if what.startswith("số của văn bản được dẫn «…/TTr-")]) == 2


def test_the_demo_cites_the_verified_facts_and_leaves_the_rest_listed():
    rules = load_campaign(DEMO).rules
    assert rules is not None
    nd152 = rules.pack("ND152")
    assert nd152 is not None and nd152.valid_from is not None and nd152.valid_from.isoformat() == "2025-07-01"
    assert "Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025" in nd152.basis[1]
    assert nd152.articles["holds"] == nd152.articles["discipline"] == "khoản 4 Điều 4 Nghị định 152/2025/NĐ-CP"
    assert nd152.articles["tie_break"] == "khoản 6 Điều 4 Nghị định 152/2025/NĐ-CP"
    assert nd152.articles["thematic"] == "khoản 3 Điều 4 Nghị định 152/2025/NĐ-CP"
    giay_khen = [r for r in nd152.yearly + nd152.final if r.kind and "Giấy khen" in r.title_name]
    assert giay_khen and all(r.basis.startswith("Điều 75 Luật Thi đua, khen thưởng 2022") for r in giay_khen)
