"""Units over time: lifecycle, lineage, who takes part in a year, and what the checks and results say."""

import datetime as dt

import pytest

from kit.app.year import load_year
from kit.config.campaign import load_campaign
from kit.config.units import Lineage, Roster, Unit
from kit.core.errors import CampaignError
from kit.core.vocab import Status
from tests.helpers import GOOD, UNITS_CSV, submit, write_campaign

D = dt.date
YEAR_END = D(2025, 12, 31)


def _roster(period_end=YEAR_END):
    units = (Unit("NV", "Phòng Nội vụ", "CQ", valid_to=D(2025, 6, 30)),
             Unit("LD", "Phòng Lao động", "CQ", valid_to=D(2025, 2, 28)),
             Unit("OLD", "Phòng đã giải thể", "CQ", valid_to=D(2023, 12, 31)),
             Unit("A", "Xã A", "XA", valid_to=D(2025, 6, 30)), Unit("B", "Xã B", "XA", valid_to=D(2025, 6, 30)),
             Unit("AB", "Xã AB", "XA", valid_from=D(2025, 7, 1)), Unit("P", "Phường P", "XA", valid_from=D(2025, 7, 1)))
    links = (Lineage("LD", "Phòng Lao động", "NV", 1.0, D(2025, 3, 1), "NĐ 45/2025", 2),
             Lineage("A", "Xã A", "AB", 1.0, D(2025, 7, 1), "NQ 1682", 3),
             Lineage("B", "Xã B", "AB", 0.6, D(2025, 7, 1), "NQ 1682", 4),
             Lineage("B", "Xã B", "P", 0.4, D(2025, 7, 1), "NQ 1682", 5))
    return Roster(units, links, period_end)


def test_who_takes_part_each_year_and_why_the_others_do_not():
    roster = _roster()
    assert [u.code for u in roster.taking_part(2023)] == ["NV", "LD", "OLD", "A", "B"]
    assert [u.code for u in roster.taking_part(2024)] == ["NV", "LD", "A", "B"]
    assert roster.departed(2024)["OLD"].status == Status.CEASED
    assert roster.departed(2024)["OLD"].text == "Ngừng hoạt động từ 01/01/2024"
    # 2025: the office to 30/6 (no successor: its half year counts); merged units are represented by successors
    assert [u.code for u in roster.taking_part(2025)] == ["NV", "AB", "P"]
    gone = roster.departed(2025)
    assert gone["B"].text == "Đã sáp nhập vào Xã AB, Phường P từ 01/07/2025" and gone["LD"].status == Status.MERGED
    assert roster.partial(2025) == {"NV": (D(2025, 1, 1), D(2025, 6, 30)), "AB": (D(2025, 7, 1), D(2025, 12, 31)),
                                    "P": (D(2025, 7, 1), D(2025, 12, 31))}


def test_a_period_that_ends_early_keeps_the_merged_units_for_their_half_year():
    roster = _roster(period_end=D(2025, 6, 30))
    assert [u.code for u in roster.taking_part(2025)] == ["NV", "A", "B"]  # the successors begin after it
    assert roster.partial(2025)["A"] == (D(2025, 1, 1), D(2025, 6, 30)) and "LD" in roster.departed(2025)


LIVES = ("code,name,group,valid_from,valid_to\nU1,Đơn vị Một,A,,\nU2,Đơn vị Hai,A,,30/06/2024\n"
         "U3,Xã Ba,B,,30/06/2024\nU4,Xã Bốn,B,01/07/2024,\n")


def test_results_and_checks_say_merged_never_missing(tmp_path, capsys):
    root = write_campaign(tmp_path / "camp", units=LIVES)
    (root / "lineage.csv").write_text("predecessor,successor,share,effective,basis,predecessor_name\n"
                                      "U3,U4,1,01/07/2024,NQ 1682/NQ-UBTVQH15,\n"
                                      ",U4,1,01/07/2024,NQ 1682/NQ-UBTVQH15,Xã Hòa Hiệp (huyện Tân Biên)\n",
                                      encoding="utf-8")
    campaign = load_campaign(root)
    submit(campaign, "U1")
    submit(campaign, "U3", GOOD)  # a merged unit's form: said, and not counted
    state = load_year(campaign, 2024)
    units = state.results.units.set_index("unit")
    assert units.loc["U3", "status"] == Status.MERGED and units.loc["U3", "note"].startswith("Đã sáp nhập vào Xã Bốn")
    assert units.loc["U2", "status"] == Status.MISSING and units.loc["U2", "note"] == "Tham gia từ 01/01 đến 30/06/2024"
    assert units.loc["U4", "status"] == Status.MISSING and "01/07" in units.loc["U4", "note"]
    assert state.check.missing == ["U2", "U4"]
    assert [p.code for s in state.check.submissions for p in s.problems] == ["UNIT_NOT_IN_YEAR"]
    assert "U3" not in set(state.results.long["unit"]) and units["rank"].dropna().index.tolist() == ["U1"]


@pytest.mark.parametrize("lineage, units, found", [
    ("U9,U4,1,01/07/2024,x,\n", LIVES, "\"U9\" không có trong units.csv"),
    ("U3,U4,0.5,01/07/2024,x,\n", LIVES, "các phần của U3 cộng lại bằng 0,5"),
    ("U3,U4,1,01/07/2024,x,\n", LIVES.replace("U3,Xã Ba,B,,30/06/2024", "U3,Xã Ba,B,,"), "U3 vẫn hoạt động"),
    ("U3,U4,1,01/07/2024,x,\n", LIVES.replace("01/07/2024,\n", "01/06/2024,\n"), "U4 bắt đầu (01/06/2024) trước"),
    ("U3,U4,1,,x,\n", LIVES, "Thiếu ngày hiệu lực"),
    ("U3,U4,1,01/07/2024,x,\nU4,U3,1,01/07/2024,x,\n", LIVES, "vòng lặp kế thừa"),
    (",U4,1,01/07/2024,x,\n", LIVES, "thiếu đơn vị cũ"),
])
def test_lineage_mistakes_are_listed_with_their_row(tmp_path, lineage, units, found):
    root = write_campaign(tmp_path / "camp", units=units)
    (root / "lineage.csv").write_text("predecessor,successor,share,effective,basis,predecessor_name\n" + lineage,
                                      encoding="utf-8")
    with pytest.raises(CampaignError) as caught:
        load_campaign(root)
    text = "\n".join(p.format() for p in caught.value.problems)
    assert found in text and "lineage.csv" in text, text


def test_unit_dates_are_checked(tmp_path):
    units = (UNITS_CSV.replace("code,name,group", "code,name,group,valid_from,valid_to")
             .replace("U1,Đơn vị Một,A", "U1,Đơn vị Một,A,31/02/2024,").replace("U2,Đơn vị Hai,A", "U2,Đơn vị Hai,A,,")
             .replace("U3,Xã Ba,B", "U3,Xã Ba,B,01/07/2024,30/06/2024"))
    root = write_campaign(tmp_path / "camp", units=units)
    with pytest.raises(CampaignError) as caught:
        load_campaign(root)
    codes = sorted(p.code for p in caught.value.problems)
    assert codes == ["DATE_INVALID", "UNIT_DATES"], codes


def test_the_issuer_of_a_document_is_the_one_in_office_on_its_date(tmp_path):
    from kit.config.issuers import letterhead
    from tests.helpers import CAMPAIGN_YML, DEMO

    demo = load_campaign(DEMO)
    assert letterhead(demo.issuer(D(2025, 6, 30))) == ("UBND HUYỆN CHÂU THÀNH", "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG")
    assert letterhead(demo.issuer(D(2025, 7, 1))) == ("UBND TỈNH TÂY NINH", "SỞ NỘI VỤ")
    overlapping = CAMPAIGN_YML + ("issuers:\n  - {name: A, valid_to: 2025-06-30}\n"
                                  "  - {name: B, valid_from: 2025-06-01}\n")
    with pytest.raises(CampaignError, match="hai cơ quan ban hành cùng hiệu lực"):
        load_campaign(write_campaign(tmp_path / "c", campaign=overlapping))


def test_a_report_speaks_for_a_date():
    from kit.reporting.display import report_date
    from tests.helpers import DEMO

    demo = load_campaign(DEMO)
    assert report_date(demo, {"year": 2024, "unit": "NV"}) == D(2024, 12, 31)
    assert report_date(demo, {"first_year": 2022, "last_year": 2025, "period_end": "30/06/2025"}) == D(2025, 6, 30)
    assert report_date(demo, {"first_year": 2022, "last_year": 2025}) == D(2025, 12, 31)

