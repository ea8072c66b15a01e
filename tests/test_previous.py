"""Continuity with the previous campaign (``history_from``): a 2026 campaign's history rules see 2022–2025."""

from __future__ import annotations

import sqlite3

import pytest

from kit.app.archive import write_archive
from kit.app.fingerprint import history_digest
from kit.app.pipeline import proposals
from kit.app.previous import previous_of
from kit.app.year import load_year
from kit.cli import main
from kit.config.campaign import load_campaign
from kit.core.errors import CampaignError
from kit.core.vocab import Kind, Outcome
from kit.scoring.awards import Awards
from tests.helpers import SUCCESSOR_UNITS, write_successor_campaign

PREVIOUS = "Phong trào thi đua thực hiện nhiệm vụ CCHC và KSTTHC huyện Châu Thành đến năm 2025 (chiến dịch trước)"


def _findings(root, title: str, year: int = 2026) -> tuple[dict, Awards]:
    campaign = load_campaign(root)
    awards = proposals([load_year(campaign, year)], "yearly")
    return {f.candidate["unit"]: f for f in awards.findings if f.rule.title == title}, awards


def _line(campaign_root) -> int:
    return next(i for i, line in enumerate((campaign_root / "campaign.yml").read_text(encoding="utf-8").splitlines(),
                                           start=1) if line.startswith("history_from:"))


def test_a_2026_title_needing_2025_results_finds_them_through_history_from(demo_copy, tmp_path):
    new = write_successor_campaign(tmp_path / "moi", "../data")
    found, awards = _findings(new, "TTLDXS")
    # Xã Hòa Hội (formed 1/7/2025): its own 2025 (Khá) and, through Xã Hòa Thạnh merged into it, 2022–2024 (Khá)
    assert found["XHOAHOI"].outcome == Outcome.PROPOSED
    reason = found["XHOAHOI"].reasons[0]
    assert "(đạt: 4; kết quả năm 2022, 2023, 2024, 2025 theo " + PREVIOUS + ")" in reason
    # Xã Châu Thành: 2025 Trung bình — the run stops at once; nothing of the previous campaign counted
    assert found["XCHAUTHANH"].outcome == Outcome.NEAR and "(thực tế: 0)" in found["XCHAUTHANH"].reasons[0]
    assert not [p for p in awards.problems if "history_from" in p.message]


def test_without_history_from_the_earlier_years_are_not_there(demo_copy, tmp_path):
    new = write_successor_campaign(tmp_path / "moi", None)
    found, _ = _findings(new, "TTLDXS")
    assert found["XHOAHOI"].outcome == Outcome.NEAR and "(thực tế: 0)" in found["XHOAHOI"].reasons[0]


def test_a_unit_merged_on_1_7_2025_inherits_results_and_awards_through_lineage(demo_copy, tmp_path):
    new = write_successor_campaign(tmp_path / "moi", "../data")
    past = previous_of(load_campaign(new)).past
    lines = past.lines["XHOAHOI"]  # one line per commune merged into it (Biên Giới, Hòa Thạnh, Hòa Hội)
    assert len(lines) == 3
    assert {line[2024].unit for line in lines} == {"BIENGIOI", "HOATHANH", "HOAHOI"}
    assert all(line[2025].unit == "XHOAHOI" and line[2025].source == PREVIOUS for line in lines)
    # Xã Hảo Đước took over Xã Trí Bình, Giấy khen 2023 and 2024 in the previous campaign's register
    found, _ = _findings(new, "BK_TAPTHE")
    assert found["XHAODUOC"].outcome == Outcome.PROPOSED
    assert f"(đạt: 2; kết quả năm 2023, 2024 theo {PREVIOUS})" in found["XHAODUOC"].reasons[0]
    assert {a["via"] for a in past.awards_of(found["XHAODUOC"].rule.kind, "XHAODUOC")} == {"TRIBINH"}
    # the previous campaign's award events apply: its revoked Giấy khen (22/QĐ-UBND) never counts
    revoked = [a for a in past.awards_of(Kind.INDIVIDUAL, "CC100079") if a["decision"] == "22/QĐ-UBND"]
    assert revoked and all(a["revoked"] and a["revocation"]["number"] == "40/QĐ-UBND" for a in revoked)


def test_the_same_through_a_verified_handover_archive(demo_copy, tmp_path):
    out = tmp_path / "ban-giao.zip"
    write_archive(load_campaign(demo_copy), tmp_path / "reports", out)
    new = write_successor_campaign(tmp_path / "moi", "../ban-giao.zip")
    found, awards = _findings(new, "TTLDXS")
    assert found["XHOAHOI"].outcome == Outcome.PROPOSED and PREVIOUS in found["XHOAHOI"].reasons[0]
    assert not [p for p in awards.problems if "history_from" in p.message]
    assert (new / ".kit-history").is_dir()  # unpacked in the campaign's own hidden folder, once


def test_an_archive_that_fails_verification_is_a_located_problem(demo_copy, tmp_path, capsys):
    out = tmp_path / "ban-giao.zip"
    write_archive(load_campaign(demo_copy), tmp_path / "reports", out)
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0xFF
    out.write_bytes(bytes(data))
    new = write_successor_campaign(tmp_path / "moi", "../ban-giao.zip")
    assert main(["check", "--campaign", str(new)]) == 1
    shown = capsys.readouterr().out
    assert f"campaign.yml, dòng {_line(new)}" in shown and "không qua kiểm tra" in shown
    found, awards = _findings(new, "TTLDXS")
    assert found["XHOAHOI"].outcome == Outcome.NEAR
    assert "(thực tế: không xác định — không đọc được đợt thi đua trước" in found["XHOAHOI"].reasons[0]
    assert any("history_from" in p.message for p in awards.problems)


def test_history_from_naming_the_campaign_itself_is_refused(tmp_path):
    new = write_successor_campaign(tmp_path / "moi", "../moi")
    with pytest.raises(CampaignError, match="chính đợt thi đua này"):
        load_campaign(new)


@pytest.mark.parametrize("where", ["../khong-co", "../moi/units.csv"])
def test_a_missing_previous_campaign_is_reported_at_its_line(demo_copy, tmp_path, capsys, where):
    new = write_successor_campaign(tmp_path / "moi", where)
    assert main(["check", "--campaign", str(new)]) == 1
    shown = capsys.readouterr().out
    assert f"campaign.yml, dòng {_line(new)}" in shown and f"history_from \"{where}\"" in shown
    found, _ = _findings(new, "BK_TAPTHE")
    assert found["XHAODUOC"].outcome == Outcome.NEAR and "không xác định" in found["XHAODUOC"].reasons[0]


def test_a_broken_gradebook_chain_of_the_previous_campaign_is_reported(demo_copy, tmp_path, capsys):
    db = sqlite3.connect(demo_copy / "gradebook.sqlite")
    db.execute("DROP TRIGGER decisions_no_update")
    db.execute("UPDATE decisions SET score = score + 1 WHERE id = 5")
    db.commit()
    db.close()
    new = write_successor_campaign(tmp_path / "moi", "../data")
    assert main(["check", "--campaign", str(new)]) == 1
    shown = capsys.readouterr().out
    assert f"campaign.yml, dòng {_line(new)}" in shown and "sổ điểm của đợt thi đua trước không nguyên vẹn" in shown


def test_units_are_mapped_and_a_unit_not_traced_is_named(demo_copy, tmp_path, capsys):
    units = SUCCESSOR_UNITS.replace("XHOAHOI,", "HOAHOIMOI,") + "XAMOI,Xã Mới,XA,\n"
    new = write_successor_campaign(tmp_path / "moi", None, units=units,
                                   extra="history_from:\n  path: ../data\n  units: {HOAHOIMOI: XHOAHOI}\n")
    found, _ = _findings(new, "TTLDXS")
    assert found["HOAHOIMOI"].outcome == Outcome.PROPOSED and PREVIOUS in found["HOAHOIMOI"].reasons[0]
    assert "không xác định — XAMOI không có trong" in found["XAMOI"].reasons[0]
    assert main(["check", "--campaign", str(new)]) == 0  # a warning: the unit is named, the rest works
    assert f"campaign.yml, dòng {_line(new)}" in capsys.readouterr().out


def test_a_mapping_to_a_unit_the_previous_campaign_lacks_is_refused_at_config(demo_copy, tmp_path):
    new = write_successor_campaign(tmp_path / "moi", None,
                                   extra="history_from: {path: ../data, units: {KHONGCO: XHOAHOI}}\n")
    with pytest.raises(CampaignError, match="KHONGCO"):
        load_campaign(new)


def test_a_changed_previous_campaign_changes_the_digest_and_the_proposals(demo_copy, tmp_path):
    new = write_successor_campaign(tmp_path / "moi", "../data")
    before = history_digest(load_campaign(new))
    found, _ = _findings(new, "BK_TAPTHE")
    assert found["XCHAUTHANH"].outcome == Outcome.NEAR
    row = ",TTCT,Giấy khen của Chủ tịch UBND huyện,{},Chủ tịch UBND huyện Châu Thành,{},Có\n"
    with open(demo_copy / "award_history.csv", "a", encoding="utf-8") as fh:  # Thị trấn Châu Thành, 2023 and 2024
        fh.write(row.format("22/QĐ-UBND,2024-01-20", 2023) + row.format("29/QĐ-UBND,2025-01-20", 2024))
    assert history_digest(load_campaign(new)) != before
    assert previous_of(load_campaign(new)) is previous_of(load_campaign(new))  # cached: reading changes nothing
    found, _ = _findings(new, "BK_TAPTHE")
    assert found["XCHAUTHANH"].outcome == Outcome.PROPOSED


def test_reports_and_achievement_reports_say_a_result_is_the_previous_campaigns(demo_copy, tmp_path):
    from kit.app.documents import achievement_context
    from kit.scoring.prose import achievement_text

    new = write_successor_campaign(tmp_path / "moi", "../data")
    campaign = load_campaign(new)
    state = load_year(campaign, 2026)
    awards = proposals([state], "yearly")
    ttldxs = next(f for f in awards.proposed() if f.candidate["unit"] == "XHOAHOI")
    assert achievement_text(ttldxs) == ("Xếp loại Xuất sắc hoặc Tốt hoặc Khá 4 năm liên tục đến năm 2025 (kết quả "
                                        f"năm 2022, 2023, 2024, 2025 theo {PREVIOUS}).")
    years = achievement_context(campaign, awards, ttldxs, [state])["cac_nam"]
    assert f"2025 (Xã Hòa Hội; kết quả năm 2025 theo {PREVIOUS})" in [y["nam"] for y in years]
    assert f"2024 (Xã Hòa Thạnh; kết quả năm 2024 theo {PREVIOUS})" in [y["nam"] for y in years]
    bk = next(f for f in awards.proposed() if f.candidate["unit"] == "XHAODUOC")
    given = achievement_context(campaign, awards, bk, [state])["da_khen_thuong"]
    assert f"Năm 2024: Giấy khen của Chủ tịch UBND huyện, quyết định số 29/QĐ-UBND ngày 20/01/2025 của Chủ tịch UBND " \
           f"huyện Châu Thành (tặng TRIBINH, đơn vị tiền thân) — theo {PREVIOUS}." in given


def test_render_remakes_the_proposals_not_the_tables_when_the_previous_campaign_changes(demo_copy, tmp_path):
    from kit.app.reports import Selection, tables_for

    new = write_successor_campaign(tmp_path / "moi", "../data")

    def bases() -> dict[str, str]:
        jobs = tables_for(load_campaign(new), tmp_path / "reports", Selection([2026], yearly=True, tables=True),
                          {2026: "print"}, lambda *parts: "|".join(parts))
        return {job.key: job.basis for job in jobs}

    before = bases()
    with open(demo_copy / "award_history.csv", "a", encoding="utf-8") as fh:
        fh.write(",TTCT,Giấy khen của Chủ tịch UBND huyện,30/QĐ-UBND,2025-01-20,Chủ tịch UBND huyện,2024,Có\n")
    after = bases()
    assert before["tables 2026"] == after["tables 2026"]
    assert before["proposals 2026"] != after["proposals 2026"]


def test_years_between_the_two_campaigns_are_unknown_not_zero(demo_copy, tmp_path, capsys):
    new = write_successor_campaign(tmp_path / "moi", "../data", year=2027)  # 2026: in neither campaign
    found, _ = _findings(new, "TTLDXS", 2027)
    assert found["XHOAHOI"].outcome == Outcome.NEAR
    assert "không xác định — Phong trào" in found["XHOAHOI"].reasons[0] and "không có kết quả năm 2026" \
        in found["XHOAHOI"].reasons[0]
    main(["check", "--campaign", str(new)])
    assert f"campaign.yml, dòng {_line(new)}: history_from: Phong trào" in capsys.readouterr().out


@pytest.mark.parametrize("named", ["CC100079", "OLD1"])
def test_a_revocation_recorded_in_this_campaign_revokes_the_previous_campaigns_award(named):
    """A revocation recorded now of a decision the previous campaign registered applied only to this campaign's
    own register: the old Giấy khen still counted in the history (named by this or the old campaign's subject)."""
    import datetime as dt

    from kit.scoring.awards import prepare
    from kit.scoring.past import Past

    old = {"kind": Kind.INDIVIDUAL, "subject": "OLD1" if named == "OLD1" else "CC100079", "decision": "22/QĐ-UBND",
           "code": "GK_CANHAN", "title": "Giấy khen", "year": 2025, "revoked": False, "revocation": None}
    past = Past(label="trước", awards={(Kind.INDIVIDUAL, "CC100079"): [old]}, first_year=2026)
    event = {"id": 1, "decision": "22/QĐ-UBND", "subject": named, "number": "5/QĐ-UBND"}
    cands = {Kind.INDIVIDUAL: [{"subject": "CC100079", "unit": "U1"}]}
    prepare(cands, None, [event], 2026, dt.date(2026, 12, 31), "yearly", set(), None, past=past)
    history = cands[Kind.INDIVIDUAL][0]["history"]
    assert [(a["decision"], a["revoked"], a["revocation"]["number"]) for a in history] == [
        ("22/QĐ-UBND", True, "5/QĐ-UBND")]


def test_a_previous_campaign_reaching_this_ones_first_year_is_located_and_its_overlap_unused(demo_copy, tmp_path,
                                                                                               capsys):
    """The demo (2022–2025) named by a 2025 campaign: its 2025 results were read as this campaign's past too."""
    new = write_successor_campaign(tmp_path / "moi", "../data", year=2025)
    found = previous_of(load_campaign(new))
    years = {y for lines in found.past.lines.values() for line in lines for y in line}
    assert years and max(years) == 2024
    assert any("history_from" in p.message and "2025" in p.message for p in found.problems)
    main(["check", "--campaign", str(new)])
    assert f"campaign.yml, dòng {_line(new)}: history_from: Phong trào" in capsys.readouterr().out
