import pytest

from kit.config.campaign import load_campaign
from kit.core.errors import CampaignError, UsageError
from tests.helpers import CAMPAIGN_YML, DEMO, UNITS_CSV, write_campaign


def test_demo_campaign_loads():
    c = load_campaign(DEMO)
    assert c.demo and c.years == [2022, 2023, 2024, 2025]
    assert len(c.units_in("CQ")) == 13 and len(c.units_in("XA")) == 23  # with the 2025 successors
    assert len(c.units_in("CQ", 2024)) == 12 and len(c.units_in("XA", 2024)) == 15
    assert len(c.units_in("CQ", 2025)) == 10 and len(c.units_in("XA", 2025)) == 8  # offices to 30/6, new communes
    assert len(c.departed(2025)) == 18  # 3 offices reorganised on 1/3, 15 communes merged on 1/7
    assert len(c.lineage) == 3 + 16 + 5  # offices; communes (Thái Bình split in two); communes of other districts
    for year in c.years:
        for group in c.groups:
            fw = c.framework(year, group)
            # (2025 communes: 6.9 split into 3 sub-criteria, 2 criteria by unit kind added, issue 15: 49)
            assert fw.total == 100 and 7 <= len(fw.areas) <= 8 and 30 <= len(fw.criteria) <= 49
    kinds = {cr.type for cr in c.framework(2025, "XA").criteria}
    assert kinds == {"yes_no", "tiers", "judgement", "deduction", "bonus", "survey"}


def test_demo_frameworks_change_between_2022_and_2025():
    c = load_campaign(DEMO)
    old = {cr.key: cr.code for cr in c.framework(2022, "CQ").criteria}
    new = {cr.key: cr.code for cr in c.framework(2025, "CQ").criteria}
    assert set(old) - set(new) and set(new) - set(old)  # removed and added
    assert any(old[k] != new[k] for k in set(old) & set(new))  # renumbered


def test_unit_in_two_groups(tmp_path):
    root = write_campaign(tmp_path, units=UNITS_CSV + "U1,Đơn vị Một,B\n")
    with pytest.raises(CampaignError) as exc:
        load_campaign(root)
    assert [p.code for p in exc.value.problems] == ["UNIT_TWO_GROUPS"]
    assert exc.value.problems[0].row == 5 and "units.csv" in str(exc.value)


def test_overlapping_bands(tmp_path):
    root = write_campaign(tmp_path, campaign=CAMPAIGN_YML.replace("from: 50, to: 80", "from: 50, to: 85"))
    with pytest.raises(CampaignError) as exc:
        load_campaign(root)
    assert exc.value.problems[0].code == "BANDS_OVERLAP" and "Khá" in exc.value.problems[0].message


def test_gap_in_bands_and_unknown_group(tmp_path):
    root = write_campaign(tmp_path, campaign=CAMPAIGN_YML.replace("from: 0, to: 50", "from: 10, to: 50"),
                          units=UNITS_CSV + "U9,Lạ,Z\n")
    with pytest.raises(CampaignError) as exc:
        load_campaign(root)
    assert {p.code for p in exc.value.problems} == {"BANDS_OVERLAP", "CONFIG_INVALID"}


def test_every_problem_reported_at_once(tmp_path):
    root = write_campaign(tmp_path, units=UNITS_CSV + "U1,Đơn vị Một,B\n")
    (root / "criteria" / "2024-B.yml").unlink()
    with pytest.raises(CampaignError) as exc:
        load_campaign(root)
    assert {p.code for p in exc.value.problems} == {"UNIT_TWO_GROUPS", "CONFIG_MISSING"}


def test_missing_folder_and_unknown_year(tmp_path, tiny):
    with pytest.raises(UsageError, match="--campaign"):
        load_campaign(tmp_path / "nowhere")
    with pytest.raises(UsageError, match="2030"):
        tiny.require_year(2030)


@pytest.mark.parametrize("text", ["years: [2024, abc]\ngroups: [{code: A}]\n", "- a\n- b\n",
                                  "years: [2024]\ngroups: [x]\n", "years: [2024]\ngroups: [{code: A}]\nbands: [1]\n"])
def test_malformed_campaign_yml_is_a_message(tmp_path, text):
    root = write_campaign(tmp_path, campaign=text)
    with pytest.raises(CampaignError) as exc:
        load_campaign(root)
    assert exc.value.problems[0].file.endswith("campaign.yml")


def test_malformed_framework_is_a_message(tmp_path):
    root = write_campaign(tmp_path)
    (root / "criteria" / "2024-A.yml").write_text("areas:\n  - code: 1\n    max: 2\n    criteria: 5\n")
    with pytest.raises(CampaignError) as exc:
        load_campaign(root)
    assert "2024-A.yml" in exc.value.problems[0].file
