"""Commendation by the law in force on its date (#14): rule packs by legal period, records and award history,
holds and discipline with dates, the legal tie-break, thematic awards, append-only revocation, the what-if pack."""

import datetime as dt
import textwrap

import pandas as pd
import pytest
from sqlalchemy import text

from kit.app.actor import signed_in
from kit.app.audit import verify
from kit.app.pipeline import proposals
from kit.app.year import load_year, load_years
from kit.cli import main
from kit.config.campaign import load_campaign
from kit.config.rules import load_rules
from kit.core.vocab import Gender, Hold, Kind, Outcome
from kit.intake.records import load_records
from kit.outputs.proposals import write_outputs
from kit.scoring.awards import awards_for, evaluate, individual_yearly, prepare
from kit.store.gradebook import AwardEvent, Gradebook
from kit.ui.meeting_panel import MeetingPanel
from tests.helpers import DEMO
from tools.demogen import accounts as demo_accounts

PACKS = """\
example: true
titles:
  - {code: GK, name: "Giấy khen", for: individual, thematic: true}
  - {code: CSTD, name: "Chiến sĩ thi đua cơ sở", for: individual}
packs:
  - code: OLD
    name: "Luật 2003"
    valid_to: 2023-12-31
    basis: ["Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003"]
    yearly:
      - {title: GK, basis: "Điều 1", conditions: [{field: rating, in: ["Hoàn thành xuất sắc nhiệm vụ"]}]}
  - code: NEW
    name: "Luật 2022"
    valid_from: 2024-01-01
    basis: ["Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"]
    articles: {thematic: "Điều 4 Nghị định 152/2025/NĐ-CP"}
    tie_break: [women]
    yearly:
      - {title: GK, basis: "Điều 2", conditions: [{field: rating, in: ["Hoàn thành xuất sắc nhiệm vụ"]}]}
"""


def _rules(tmp_path, text_=PACKS):
    (tmp_path / "commendation.yml").write_text(textwrap.dedent(text_), encoding="utf-8")
    return load_rules(tmp_path)


def test_packs_are_chosen_by_date_and_cite_their_basis(tmp_path):
    rules = _rules(tmp_path)
    assert rules.problems == []
    assert rules.pack_at(dt.date(2023, 12, 31)).code == "OLD" and rules.pack_at(dt.date(2024, 1, 1)).code == "NEW"
    new = rules.pack("NEW")
    assert new.cite(new.yearly[0]) == "Điều 2; Luật 2022" and new.tie_break == ("women",)


def test_overlapping_gapped_and_reversed_packs_are_refused_with_file_and_line(tmp_path):
    overlap = _rules(tmp_path, PACKS.replace("valid_from: 2024-01-01", "valid_from: 2023-06-01"))
    assert [(p.code, p.file, p.row) for p in overlap.problems] == [("PACK_OVERLAP", "commendation.yml", 12)]
    assert "OLD" in overlap.problems[0].message and "NEW" in overlap.problems[0].message
    gap = _rules(tmp_path, PACKS.replace("valid_from: 2024-01-01", "valid_from: 2024-03-01"))
    assert [(p.code, p.row) for p in gap.problems] == [("PACK_GAP", 12)]
    assert "từ 01/01/2024 đến 29/02/2024" in gap.problems[0].message
    backwards = "valid_from: 2024-01-01\n    valid_to: 2023-01-01"
    reversed_ = _rules(tmp_path, PACKS.replace("valid_from: 2024-01-01", backwards))
    assert [p.code for p in reversed_.problems] == ["RULE_INVALID"]
    two_open = _rules(tmp_path, PACKS.replace("    valid_to: 2023-12-31\n", ""))  # both start at the beginning of time
    assert [p.code for p in two_open.problems] == ["PACK_OVERLAP"]


def test_no_pack_in_force_is_a_problem_not_a_list(tmp_path, tiny):
    (tiny.root / "commendation.yml").write_text(PACKS.replace("    valid_to: 2023-12-31\n", "    valid_from: 2023-01-01"
                                                              "\n    valid_to: 2023-12-31\n"), encoding="utf-8")
    campaign = load_campaign(tiny.root)
    state = load_year(campaign, 2024)
    rules = campaign.rules
    rules.packs = [rules.pack("OLD")]  # only 2023 covered
    aw = proposals([state], "yearly")
    assert aw.findings == [] and [p.code for p in aw.problems][-1] == "PACK_NOT_IN_FORCE"


def test_a_thematic_award_as_basis_of_a_merit_title_is_refused_citing_the_article(tmp_path):
    rule = next(line for line in PACKS.splitlines() if "Điều 2" in line)
    merit = PACKS.replace(rule, """      - title: CSTD
        conditions:
          - {field: consecutive_years, titles: [GK], thematic: true, min: 2}""")
    rules = _rules(tmp_path, merit)
    assert [(p.code, p.row) for p in rules.problems] == [("THEMATIC_AS_BASIS", 21)]
    assert "Điều 4 Nghị định 152/2025/NĐ-CP" in rules.problems[0].message and rules.pack("NEW").yearly == []
    without = _rules(tmp_path, merit.replace("thematic: true, ", ""))  # counting only non-thematic awards: fine
    assert without.problems == [] and without.pack("NEW").yearly[0].conditions[0].thematic is False


def _cand(name, women, order=1.0):
    return {"id": name, "name": name, "unit": "U", "group": "A", "position": "", "rating":
            "Hoàn thành xuất sắc nhiệm vụ", "unit_percent": order, "women_first": women}


def test_a_tie_at_the_quota_edge_is_broken_by_the_legal_rule_and_the_sheet_says_so(tmp_path):
    rules = _rules(tmp_path, PACKS.replace("""in: ["Hoàn thành xuất sắc nhiệm vụ"]}]}
""", """in: ["Hoàn thành xuất sắc nhiệm vụ"]}], quota: {count: 1}, order: [unit_percent]}
""").replace("tie_break: [women]", "tie_break: [women]\n    articles: {tie_break: \"Điều 4 NĐ 152\"}"))
    new, old = rules.pack("NEW"), rules.pack("OLD")
    people = [_cand("An", False), _cand("Bình", True), _cand("Chi", False, 0.5)]
    found = {f.candidate["id"]: f for f in evaluate(new.yearly, {Kind.INDIVIDUAL: people}, pack=new)}
    assert found["Bình"].outcome == Outcome.PROPOSED and found["An"].outcome == Outcome.CUT
    assert "ưu tiên cá nhân nữ" in found["An"].position and "(Điều 4 NĐ 152)" in found["An"].position
    assert "bằng nhau" not in found["Chi"].position  # not tied with the edge
    found = {f.candidate["id"]: f for f in evaluate(old.yearly, {Kind.INDIVIDUAL: people}, pack=old)}
    assert found["An"].outcome == Outcome.PROPOSED and "xếp theo tên" in found["Bình"].position  # no legal rule


# -- the demo --------------------------------------------------------------------------------------------------
def _demo(years, level="yearly", on=None):
    return proposals(load_years(DEMO, years), level, on=on)


def test_demo_proposals_cite_the_law_in_force_on_their_date():
    for year in (2022, 2023):
        aw = _demo([year])
        assert aw.pack.code == "LUAT2003" and "91/2017/NĐ-CP" in aw.legal_basis[1]
        assert aw.legal_basis[0].startswith("Luật Thi đua, khen thưởng số 15/2003/QH11 ngày 26 tháng 11 năm 2003")
        assert aw.proposed() and all("Nghị định 91/2017/NĐ-CP" in f.citation for f in aw.proposed())
    aw = _demo([2024])
    assert aw.pack.code == "LUAT2022_ND98" and all("98/2023/NĐ-CP" in f.citation for f in aw.proposed())
    assert aw.legal_basis[0] == "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"
    final = _demo(DEMO_YEARS, "final")
    assert final.on == dt.date(2025, 12, 31) and final.pack.code == "ND152"
    assert all("Nghị định 152/2025/NĐ-CP" in f.citation for f in final.proposed())
    assert _demo(DEMO_YEARS, "final", dt.date(2025, 6, 30)).pack.code == "LUAT2022_ND98"  # the district's own final


DEMO_YEARS = [2022, 2023, 2024, 2025]


def test_demo_holds_and_discipline_with_the_reason_shown():
    records = load_records(load_campaign(DEMO))
    review = next(h for h in records.holds.rows if h["kind"] == Hold.DISCIPLINE_REVIEW)
    held = [f for f in _demo([2025]).findings if f.outcome == Outcome.HELD]
    assert [f.candidate["subject"] for f in held] == [review["subject"]]
    assert "Đang xem xét kỷ luật từ 01/10/2025" in held[0].reasons[0] and "Điều 4" in held[0].citation
    assert review["subject"] in {f.candidate["id"] for f in _demo(DEMO_YEARS, "final").findings
                                 if f.outcome == Outcome.HELD}
    served = next(h for h in records.holds.rows if h["kind"] == Hold.DISCIPLINE)
    reasons = {y: [f.reasons[0] for f in _demo([y]).findings if f.candidate.get("subject") == served["subject"]
                   and f.outcome == Outcome.HELD] for y in (2023, 2024)}
    assert "Đang trong thời hạn kỷ luật" in reasons[2023][0]
    assert "chỉ tính thành tích sau ngày đó, không tính thành tích năm 2024" in reasons[2024][0]
    inspected = [f for f in _demo([2024]).findings if f.candidate["id"] == "TNMT"]
    assert [f.outcome for f in inspected] == [Outcome.HELD] and "thanh tra" in inspected[0].reasons[0]


def test_demo_final_tie_at_the_edge_is_broken_for_women_and_the_sheet_says_so(tmp_path):
    # the period's own candidates, before the district's earlier final takes its proposals out (#22: not twice)
    states = load_years(DEMO, DEMO_YEARS)
    campaign = states[0].campaign
    write_outputs(campaign, awards_for(campaign, "final", [s.results for s in states], [s.movement for s in states],
                                       revocations=states[0].revocations), tmp_path)
    detail = pd.read_excel(tmp_path / "final" / "de-nghi-khen-thuong-2022-2025.xlsx", sheet_name="Xét duyệt chi tiết",
                           engine="calamine")
    edge = detail[detail["Thứ tự / chỉ tiêu"].astype(str).str.contains("ưu tiên cá nhân nữ")]
    assert set(edge["Kết quả"]) == {"Đề nghị", "Vượt chỉ tiêu"}
    assert edge["Thứ tự / chỉ tiêu"].str.contains("Điều 4 Nghị định 152/2025/NĐ-CP").all()
    women = {p["name"] for p in load_records(load_campaign(DEMO)).people.rows if p["gender"] == Gender.FEMALE}
    last_in = edge[edge["Kết quả"] == "Đề nghị"].iloc[-1]["Đối tượng"]
    first_out = edge[edge["Kết quả"] == "Vượt chỉ tiêu"].iloc[0]["Đối tượng"]
    assert last_in in women and first_out not in women
    listed = pd.read_excel(tmp_path / "final" / "de-nghi-khen-thuong-2022-2025.xlsx", sheet_name="Danh sách đề nghị",
                           engine="calamine", header=None)
    assert any("Căn cứ (điều, văn bản)" in row for row in listed.values.tolist())  # the table's header row


def _consecutive(campaign, state, revocations, subject):
    pack = campaign.rules.pack("LUAT2022_ND98")
    cands = {Kind.INDIVIDUAL: individual_yearly(campaign, state.results, state.movement.nominations,
                                                state.movement.initiatives), Kind.COLLECTIVE: []}
    prepare(cands, state.movement.records, revocations, 2024, dt.date(2024, 12, 31), "yearly", {"BK_CANHAN"}, pack)
    condition = pack.yearly[0].conditions[0]
    return condition.value_of(next(c for c in cands[Kind.INDIVIDUAL] if c["subject"] == subject))


def test_demo_revoked_award_leaves_the_honour_roll_and_the_next_years_count(tmp_path):
    states = {y: load_year(DEMO, y) for y in (2023, 2024)}
    event = states[2023].revocations[0]
    assert event["decision"] == "22/QĐ-UBND" and event["kind"] == "revocation"
    aw = proposals([states[2023]], "yearly")
    mine = [f for f in aw.findings if f.candidate.get("subject") == event["subject"]]
    assert [f.outcome for f in mine] == [Outcome.REVOKED] and "đã bị hủy bỏ" in mine[0].reasons[0]
    assert all(f.candidate.get("subject") != event["subject"] for f in aw.proposed())
    campaign = states[2024].campaign
    assert _consecutive(campaign, states[2024], [], event["subject"]) == 2  # 2022 and 2023, had it not been revoked
    assert _consecutive(campaign, states[2024], states[2024].revocations, event["subject"]) == 0


def test_revoke_from_the_command_line_is_append_only_and_shows_in_history(demo_copy, tmp_path, capsys):
    def run(*args, login=demo_accounts.SECRETARY):  # the council's secretary records revocations
        with signed_in(login):
            return main(["awards", *args, "--campaign", str(demo_copy)])

    history = pd.read_csv(demo_copy / "award_history.csv")
    person = history[(history["year"] == 2023) & history["person_id"].notna()].iloc[1]
    name = next(p["name"] for p in load_records(load_campaign(demo_copy)).people.rows
                if p["person"] == person["person_id"])
    reports = ["--reports", str(tmp_path)]
    main(["awards", "--campaign", str(demo_copy), *reports, "--year", "2023"])  # (exit 1: the demo's bad rows)
    assert name in (tmp_path / "2023" / "bang-vang-2023.html").read_text(encoding="utf-8")
    capsys.readouterr()
    assert run("revoke", "--decision", "999/QĐ-UBND", "--reason", "x") == 2  # unknown decision
    assert "Không có quyết định số \"999/QĐ-UBND\"" in capsys.readouterr().err
    assert run("revoke", "--decision", person["decision"], "--reason", "x") == 2  # several people
    assert "--subject" in capsys.readouterr().err
    assert run("revoke", "--decision", person["decision"], "--reason", " ",
               "--subject", person["person_id"]) == 2
    args = ["revoke", "--decision", person["decision"].lower().replace("/", " / "), "--subject", person["person_id"],
            "--reason", "Kê khai sai", "--number", "41/QĐ-UBND", "--date", "01/06/2024"]
    assert run(*args, "--by", "Lan") == 2 and "--by" in capsys.readouterr().err  # the author is never typed
    assert run(*args, login=demo_accounts.LAN) == 2  # an evaluator does not record revocations
    assert "không có vai trò \"thư ký hội đồng\"" in capsys.readouterr().err
    assert run(*args) == 0 and "người ghi nhận: Lê Ngọc Hà (ha.ln)" in capsys.readouterr().out
    assert run(*args) == 2 and "đã được ghi nhận hủy bỏ" in capsys.readouterr().err  # never twice
    assert run("history", "--subject", person["person_id"]) == 0
    shown = capsys.readouterr().out
    assert person["decision"] in shown and "HỦY BỎ" in shown and "Kê khai sai" in shown and "41/QĐ-UBND" in shown
    assert "bởi Lê Ngọc Hà:" in shown  # the registry's name for the account recorded
    main(["awards", "--campaign", str(demo_copy), *reports, "--year", "2023"])
    assert name not in (tmp_path / "2023" / "bang-vang-2023.html").read_text(encoding="utf-8")
    campaign = load_campaign(demo_copy)
    with Gradebook.for_campaign(campaign) as gb:
        assert verify(campaign, gb).ok and len(gb.award_events()) == 2
        with pytest.raises(Exception, match="append-only"), gb.engine.begin() as conn:
            conn.execute(text("UPDATE award_events SET reason = 'sửa'"))
        with pytest.raises(Exception, match="append-only"), gb.engine.begin() as conn:
            conn.execute(text("DELETE FROM award_events"))


def test_an_award_event_edited_outside_the_kit_is_found(demo_copy):
    campaign = load_campaign(demo_copy)
    with Gradebook.for_campaign(campaign) as gb:
        gb.record_award_event(AwardEvent("15/QĐ-UBND", "PHUOCVINH", "Thẩm định sai", "Lan"))
        with gb.engine.begin() as conn:  # what someone with a database tool could do
            conn.execute(text("DROP TRIGGER award_events_no_update"))
            conn.execute(text("UPDATE award_events SET reason = 'khác' WHERE id = 2"))
        found = verify(campaign, gb)
        assert not found.ok and "sự kiện khen thưởng số 2" in found.format()
        with pytest.raises(Exception, match="không khớp chuỗi"):
            gb.award_events()


def test_records_bad_inputs_are_located_and_the_rest_is_read(demo_copy, capsys):
    with open(demo_copy / "award_history.csv", "a", encoding="utf-8") as f:
        f.write("CC999999,VP,Giấy khen của Chủ tịch UBND huyện,1/QĐ-UBND,2023-01-20,,2022,Có\n"
                ",ZZZ,Giấy khen của Chủ tịch UBND huyện,1/QĐ-UBND,2023-01-20,,2022,Có\n"
                ",VP,Cờ thi đua,1/QĐ-UBND,20/01/2023,,2022,Không\n"
                ",VP,Giấy khen của Chủ tịch UBND huyện,2/QĐ-UBND,31/02/2023,,2022,Có\n"
                ",VP,Giấy khen của Chủ tịch UBND huyện,3/QĐ-UBND,2023-01-20,,2022,hơi\n")
    with open(demo_copy / "people.csv", "a", encoding="utf-8") as f:
        f.write("CC100001,Trùng Mã,Nữ,,\nCC888888,Người Lạ,không rõ,,\n")
    (demo_copy / "collectives.csv").write_text("unit,headcount,women\nVP,10,12\nVP,10,3\nNV,10,8\n", encoding="utf-8")
    with open(demo_copy / "holds.csv", "a", encoding="utf-8") as f:
        f.write("CC100002,,đi học,2024-01-01,,,\nCC100002,,Thanh tra,2024-05-01,2024-01-01,,\n")
    records = load_records(load_campaign(demo_copy))
    found = sorted((p.file, p.row, p.code) for p in records.problems)
    rows = len(pd.read_csv(DEMO / "award_history.csv")) + 1
    assert found == sorted([
        ("award_history.csv", rows + 1, "PERSON_UNKNOWN"), ("award_history.csv", rows + 2, "UNIT_UNKNOWN"),
        ("award_history.csv", rows + 3, "AWARD_TITLE_UNKNOWN"), ("award_history.csv", rows + 4, "DATE_INVALID"),
        ("award_history.csv", rows + 5, "RECORD_INVALID"),
        ("people.csv", len(pd.read_csv(DEMO / "people.csv")) + 2, "RECORD_DUPLICATE"),
        ("people.csv", len(pd.read_csv(DEMO / "people.csv")) + 3, "RECORD_INVALID"),
        ("collectives.csv", 2, "RECORD_INVALID"), ("holds.csv", 5, "RECORD_INVALID"),
        ("holds.csv", 6, "RECORD_INVALID")])
    unknown = next(p for p in records.problems if p.code == "PERSON_UNKNOWN")
    assert "CC999999" in unknown.message and "people.csv" in unknown.message
    assert any(a["title"] == "Cờ thi đua" and a["code"] == "" for a in records.history.rows)  # kept, never counted
    assert records.women_first(Kind.COLLECTIVE, "NV") and not records.women_first(Kind.COLLECTIVE, "VP")
    assert main(["check", "--campaign", str(demo_copy), "--year", "2022"]) == 1
    assert "PERSON_UNKNOWN" in capsys.readouterr().out


def test_what_if_switches_the_legal_pack_and_shows_who_changes():
    campaign = load_campaign(DEMO)
    with Gradebook.for_campaign(campaign, readonly=True) as gb:
        m = MeetingPanel(campaign, gb, 2025)
        assert m.pack.value == "ND152" and "152/2025" in m.awards.value
        labels = [label for label, _ in m.pack.options]
        assert any("đang áp dụng" in x and "152/2025" in x for x in labels) and len(labels) == 3
        m.pack.value = "LUAT2003"  # its Giấy khen of the district chairman no longer exists at the end of 2025
        assert len(m.quota_inputs) == len(campaign.rules.pack("LUAT2003").yearly)
        m.apply_whatif()
        assert "Ra khỏi đề nghị" in m.whatif.value and "Giấy khen của Giám đốc Sở Nội vụ" in m.whatif.value
        m.pack.value = "ND152"
        m.apply_whatif()
        assert "Không thay đổi" in m.whatif.value
