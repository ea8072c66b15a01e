"""Commendation rules (structured, validated) and the proposals they give, with reasons."""

import datetime as dt
import textwrap

import pandas as pd
from openpyxl import load_workbook

from kit.app.pipeline import proposals
from kit.app.year import load_year, load_years
from kit.cli import main
from kit.config.campaign import load_campaign
from kit.config.rules import load_rules
from kit.core.vocab import Kind, Outcome, Status
from kit.outputs.proposals import honour_roll_html, write_outputs
from kit.scoring.awards import Awards, awards_for, evaluate
from tests.helpers import DEMO, GOOD, copy_demo, submit

RULES = """\
example: true
titles:
  - {code: GK, name: "Giấy khen của Chủ tịch UBND huyện", for: collective}
  - {code: GKCN, name: "Giấy khen cá nhân", for: individual}
yearly:
  - title: GK
    conditions:
      - {field: percent, min: 40}
      - {field: status, in: ["Đã nộp"]}
    quota: {count: 1, per: group}
    order: [percent]
  - title: GKCN
    conditions:
      - {field: rating, in: ["Hoàn thành xuất sắc nhiệm vụ"]}
      - {field: discipline, equals: false}
    quota: {share: 0.5}
    order: [unit_percent]
"""


def write_rules(root, text=RULES):
    (root / "commendation.yml").write_text(textwrap.dedent(text), encoding="utf-8")


def test_rules_file_problems_name_file_and_line(tmp_path):
    write_rules(tmp_path, RULES.replace("field: percent", "field: diem_so").replace("title: GKCN", "title: BK")
                .replace("share: 0.5", "share: 1.5").replace("count: 1, per: group", "count: 1.5"))
    rules = load_rules(tmp_path)
    found = sorted((p.code, p.row) for p in rules.problems)
    assert found == [("QUOTA_INVALID", 10), ("RULE_FIELD_UNKNOWN", 8), ("RULE_TITLE_UNKNOWN", 12)]
    assert all(p.file == "commendation.yml" for p in rules.problems) and rules.yearly == []
    assert "diem_so" in next(p.message for p in rules.problems if p.code == "RULE_FIELD_UNKNOWN")
    write_rules(tmp_path, RULES.replace("share: 0.5", "share: 1.2"))
    assert "0 % đến 100 %" in load_rules(tmp_path).problems[0].message


def test_conditions_are_data_never_code(tmp_path):
    evil = "{field: percent, min: 40, eval: '__import__(\"os\")'}"
    write_rules(tmp_path, RULES.replace("{field: percent, min: 40}", evil))
    rules = load_rules(tmp_path)  # an unknown key is reported and ignored, nothing is executed
    assert rules.yearly[0].conditions[0].op == "min"
    assert [(p.code, p.severity, p.row) for p in rules.problems] == [("CONFIG_UNKNOWN_KEY", "warning", 8)]


def _cands(rows):
    return [{"id": u, "name": u, "unit": u, "group": g, "position": "", "percent": p, "status": s}
            for u, g, p, s in rows]


def test_quota_order_near_misses_and_reasons(tmp_path):
    write_rules(tmp_path)
    rule = load_rules(tmp_path).yearly[0]
    ok, late, missing = Status.SUBMITTED, Status.LATE, Status.MISSING
    collective = _cands([("A", "X", 90, ok), ("B", "X", 95, ok), ("C", "X", 99, late), ("D", "Y", 41, ok),
                         ("E", "Y", 10, missing)])
    findings = evaluate([rule], {Kind.COLLECTIVE: collective, Kind.INDIVIDUAL: []})
    by = {f.candidate["id"]: f for f in findings}
    assert (by["B"].outcome, by["A"].outcome, by["D"].outcome) == (Outcome.PROPOSED, Outcome.CUT, Outcome.PROPOSED)
    assert by["A"].position.startswith("thứ 2 theo tỷ lệ đạt (%); chỉ tiêu 1")
    assert by["C"].outcome == Outcome.NEAR
    assert by["C"].reasons[0] == "✖ tình trạng phiếu thuộc Đã nộp (thực tế: Nộp muộn)"
    assert "E" not in by  # two conditions missed: not a near-miss
    assert "✔ tỷ lệ đạt (%) ≥ 40 (đạt: 95)" in by["B"].reasons


def test_awards_on_tiny_campaign_and_outputs(tiny, tmp_path):
    for unit in ("U1", "U3"):
        submit(tiny, unit)
    submit(tiny, "U2", {**GOOD, "1.3": {"self": 0.5}})  # 40 %: qualifies, but after U1 for the group's one place
    write_rules(tiny.root)
    (tiny.root / "nominations").mkdir()
    (tiny.root / "nominations" / "2024.csv").write_text(
        "name,unit,position,rating,initiative,discipline\n<b>Lê An</b>,U1,Chuyên viên,Hoàn thành xuất sắc nhiệm vụ,,\n"
        "Trần Bình,U2,,Hoàn thành xuất sắc nhiệm vụ,,Có\n<b>LÊ  an</b>,U1,,HTNV,,\n", encoding="utf-8")
    tiny = load_campaign(tiny.root)  # the rules file is read with the campaign
    state = load_year(tiny, 2024)
    aw = awards_for(tiny, "yearly", [state.results], [state.movement], provisional=True)  # nothing appraised
    xlsx, roll = write_outputs(tiny, aw, tmp_path)
    assert sorted((f.rule.title, f.candidate["id"]) for f in aw.proposed()) == [
        ("GK", "U1"), ("GK", "U3"), ("GKCN", "<b>Lê An</b>|U1")]
    assert [f.outcome for f in aw.findings if f.candidate["id"] == "U2"] == [Outcome.CUT]
    assert [p.code for p in aw.problems] == ["PERSON_DUPLICATE"]
    assert aw.level == "yearly" and xlsx.name == "de-nghi-khen-thuong-2024-tam-tinh.xlsx"  # beside the official
    ws = load_workbook(xlsx)["Danh sách đề nghị"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in texts and "I. TẬP THỂ" in texts and "II. CÁ NHÂN" in texts
    page = roll.read_text(encoding="utf-8")
    assert "&lt;b&gt;Lê An&lt;/b&gt;" in page and "<b>Lê An</b>" not in page and "Dữ liệu minh họa" in page
    assert "tỷ lệ đạt" not in page  # public page: no internal reasoning


def test_demo_awards_cli(capsys, tmp_path):
    assert main(["awards", "--campaign", str(DEMO), "--reports", str(tmp_path), "--year", "2024"]) == 0
    out = capsys.readouterr().out
    assert "đề nghị" in out and (tmp_path / "2024" / "bang-vang-2024.html").exists()
    assert main(["awards", "--campaign", str(DEMO), "--reports", str(tmp_path), "--final"]) == 1  # 2023 nominations
    out = capsys.readouterr().out
    assert "PERSON_DUPLICATE" in out and "UNIT_UNKNOWN" in out
    # the Bằng khen of the period went with the district's own final (30/06/2025): not proposed again, and said so
    assert "Bằng khen" not in out and "đã được đề nghị hoặc khen thưởng cho giai đoạn này (không đề nghị lại)" in out
    detail = pd.read_excel(tmp_path / "final" / "de-nghi-khen-thuong-2022-2025.xlsx", sheet_name="Xét duyệt chi tiết",
                           engine="calamine")
    assert {o.label for o in Outcome} - {Outcome.REVOKED.label} <= set(detail["Kết quả"])  # revoked: see 2023
    assert main(["awards", "--campaign", str(DEMO), "--reports", str(tmp_path), "--final", "--on", "30/06/2025"]) == 1
    assert "Bằng khen" in capsys.readouterr().out
    assert main(["awards", "--campaign", str(DEMO), "--reports", str(tmp_path)]) == 2


def test_honour_roll_without_proposals(tiny):
    assert "Chưa có đề nghị" in honour_roll_html(tiny, Awards("yearly", [2024]), "Bảng vàng")


def test_no_commendation_from_unappraised_results_unless_asked_and_then_said(tmp_path):
    """2025 is appraised in part: by default nobody is proposed on self scores; --provisional says TẠM TÍNH."""
    states = load_years(DEMO, [2025])
    aw = proposals(states, "yearly")
    waiting = [f for f in aw.findings if f.outcome == Outcome.UNAPPRAISED]
    assert waiting and not [f for f in aw.findings if f.candidate["unappraised"] and f.outcome != Outcome.UNAPPRAISED]
    untouched = next(f for f in waiting if f.candidate["unit"] == "TP")
    assert untouched.reasons == ["✖ đã thẩm định năm 2025: 0/44 tiêu chí"]
    final = proposals(load_years(DEMO, [2022, 2023, 2024, 2025]), "final")
    assert all(not f.candidate["unappraised"] for f in final.proposed())  # provisional 2025 bands are not counted
    assert main(["awards", "--campaign", str(DEMO), "--reports", str(tmp_path), "--year", "2025", "--provisional"]) == 0
    marked = [f for f in proposals(states, "yearly", provisional=True).proposed() if f.provisional]
    assert marked
    page = (tmp_path / "2025" / "bang-vang-2025-tam-tinh.html").read_text(encoding="utf-8")
    assert "các dòng ghi TẠM TÍNH" in page and page.count("— <b class='demo'>TẠM TÍNH</b>") == len(marked)
    sheet = load_workbook(tmp_path / "2025" / "de-nghi-khen-thuong-2025-tam-tinh.xlsx")["Danh sách đề nghị"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("TẠM TÍNH:") for t in texts)
    assert sum(t.startswith("TẠM TÍNH (đã thẩm định") for t in texts) == len(marked)


def test_no_title_outside_its_validity_and_finals_by_date(capsys, tmp_path):
    """The district's own final (30/6/2025) proposes its units with its titles; the final after 31/12/2025 proposes
    only units that still exist — successors judged on each predecessor's line — with the titles then in force."""
    campaign = load_campaign(DEMO)
    titles = {t.code: t for r in campaign.rules.yearly + campaign.rules.final for t in r.choices}
    states = load_years(campaign, campaign.years)
    district = proposals(states, "final", on=dt.date(2025, 6, 30))
    later = proposals(states, "final")
    assert later.on == dt.date(2025, 12, 31)
    for found in (district, later):
        assert all(titles[f.rule.title].valid_on(found.on) for f in found.findings)
        assert {f.rule.title for f in found.proposed()}  # something is proposed
    collective = {f.candidate["unit"] for f in district.findings if f.rule.kind == Kind.COLLECTIVE}
    assert "THAIBINH" in collective or "GDDT" in collective
    assert not collective & {"XCHAUTHANH", "XLONGCHU"}  # successors did not exist on 30/6/2025
    after = [f.candidate for f in later.findings if f.rule.kind == Kind.COLLECTIVE]
    assert {c["unit"] for c in after} <= {"XCHAUTHANH", "PTANNINH", "XHOAHOI", "XHAODUOC", "XNINHDIEN", "XPHUOCVINH",
                                          "XLONGCHU", "PTHANHDIEN"}
    line = next(c for c in after if c["name"] == "Xã Long Chữ (kế thừa Xã Long Vĩnh)")
    assert len(line["years_in_band"]) == 4  # Long Vĩnh 2022–2024 (its 2024 form rejected: no band), Long Chữ 2025
    for year in (2024, 2025):
        names = {f.rule.title_name for f in proposals([load_year(DEMO, year)], "yearly").proposed()}
        assert ("Giấy khen của Chủ tịch UBND huyện" in names) == (year == 2024)
    assert main(["awards", "--campaign", str(DEMO), "--reports", str(tmp_path), "--final", "--on", "30/06/2025"]) == 1
    out = capsys.readouterr().out
    assert "Ngày xét khen thưởng: 30/06/2025" in out
    district_list = load_workbook(tmp_path / "final" / "de-nghi-khen-thuong-2022-20250630.xlsx")["Danh sách đề nghị"]
    assert (district_list["A1"].value, district_list["A2"].value) == ("UBND HUYỆN CHÂU THÀNH",
                                                                      "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG")
    main(["awards", "--campaign", str(DEMO), "--reports", str(tmp_path), "--final"])
    later_list = load_workbook(tmp_path / "final" / "de-nghi-khen-thuong-2022-2025.xlsx")["Danh sách đề nghị"]
    assert (later_list["A1"].value, later_list["A2"].value) == ("UBND TỈNH TÂY NINH", "SỞ NỘI VỤ")


def test_a_rule_whose_titles_have_all_expired_is_refused_with_a_message(tiny):
    write_rules(tiny.root, RULES.replace('for: collective}', 'for: collective, valid_to: 2024-06-30}'))
    campaign = load_campaign(tiny.root)
    state = load_year(campaign, 2024)
    found = awards_for(campaign, "yearly", [state.results], [state.movement], provisional=True)
    refused = [p for p in found.problems if p.code == "TITLE_NOT_IN_FORCE"]
    assert len(refused) == 1 and "31/12/2024" in refused[0].message and "đến 30/06/2024" in refused[0].message
    assert refused[0].row == 6 and not any(f.rule.title == "GK" for f in found.findings)


def test_people_are_followed_across_the_merger_by_their_id(tmp_path):
    states = load_years(DEMO, [2022, 2023, 2024, 2025])
    before = {n["person"]: n["unit"] for n in states[2].movement.nominations.rows}
    after = {n["person"]: n["unit"] for n in states[3].movement.nominations.rows}
    moved = sorted(p for p in before.keys() & after.keys() if before[p] != after[p])
    assert moved  # commune staff nominated in 2024 and again, in the successor, in 2025
    people = {c["id"]: c for f in proposals(states, "final").findings if f.rule.kind == Kind.INDIVIDUAL
              for c in [f.candidate]}
    person = people.get(moved[0]) or next(people[p] for p in moved if p in people)
    assert person["unit"] == after[person["id"]] and len(person["unit_years_in_band"]) == 4
    campaign = load_campaign(copy_demo(tmp_path / "data"))
    path = campaign.root / "nominations" / "2025.csv"
    path.write_text(path.read_text(encoding="utf-8") + "Lê Văn Cũ,HAODUOC,Chủ tịch,Hoàn thành tốt nhiệm vụ,,Không,"
                    "CC999999\n", encoding="utf-8")
    state = load_year(campaign, 2025)
    refused = [p for p in state.movement.nominations.problems if p.code == "UNIT_NOT_IN_YEAR"]
    assert len(refused) == 1 and "Đã sáp nhập vào Xã Hảo Đước" in refused[0].message


def test_reasons_write_numbers_the_vietnamese_way():
    from kit.scoring.awards import _shown

    assert [_shown(14.79), _shown(2.0), _shown(1234.5), _shown(0.0)] == ["14,79", "2", "1.234,5", "0"]
