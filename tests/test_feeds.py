"""The feed seam: a source is one reader module and one registration, mapped to criteria by the framework."""

from __future__ import annotations

import importlib

import pytest

from kit.app.year import check_files, load_year
from kit.config.campaign import load_campaign
from kit.core.errors import CampaignError
from kit.intake.feeds import registry
from kit.intake.feeds.registry import parse_period
from tests.helpers import CAMPAIGN_YML, FRAMEWORK_YML, submit, write_campaign

JUDGED = '{{code: "1.3", type: judgement, max: 2, content: "Tuyên truyền"}}'
HEADER = "Mã đơn vị,Kỳ,Điểm\n"
QUARTERS = "U1,Quý 1,80\nU1,Quý 2,60\nU1,Quý 3,70\nU1,Quý 4,90\nU2,Năm 2024,40\n"


@pytest.fixture
def toy():
    """The toy source registered for one test (tests/toy_feed.py registers itself on import)."""
    from tests import toy_feed

    importlib.reload(toy_feed)
    yield toy_feed
    registry.unregister("toy")


def _campaign(tmp_path, line: str = "feed: toy.diem", campaign: str = CAMPAIGN_YML, rows: str = QUARTERS):
    framework = FRAMEWORK_YML.replace(JUDGED, JUDGED[:-2] + ", " + line + "}}")
    root = write_campaign(tmp_path / "c", framework=framework, campaign=campaign)
    if rows is not None:
        (root / "toy").mkdir()
        (root / "toy" / "2024.csv").write_text(HEADER + rows, encoding="utf-8")
    campaign_ = load_campaign(root)
    for unit in ("U1", "U2", "U3"):
        submit(campaign_, unit)
    return campaign_


def _row(state, unit: str, code: str = "1.3"):
    return state.results.long.set_index(["unit", "code"]).loc[(unit, code)]


def test_a_toy_feed_gives_its_criterions_proposal(tmp_path, toy):
    state = load_year(_campaign(tmp_path), 2024)
    u1 = _row(state, "U1")
    # mean of the quarters 75 of a maximum 100, as a share of the criterion's 2 points
    assert (u1["fed_value"], u1["fed"], u1["proposal"]) == (75.0, 1.5, 1.5)
    assert (u1["feed"], u1["fed_period"]) == ("toy.diem", "Q1+Q2+Q3+Q4")
    assert u1["self"] == 1.5  # the unit's own score is kept apart
    u2 = _row(state, "U2")  # only a value for the whole year: not the configured mean of quarters
    assert u2["feed"] == "" and u2["proposal"] == u2["self"]
    assert state.feeds["toy"].rows["unit"].tolist() == ["U1"] * 4 + ["U2"]
    assert registry.period_label(u1["fed_period"]) == "bình quân quý 1, 2, 3, 4"


def test_the_period_is_set_per_criterion_or_per_feed(tmp_path, toy):
    state = load_year(_campaign(tmp_path, "feed: toy.diem, feed_period: Q4"), 2024)
    assert (_row(state, "U1")["fed"], _row(state, "U1")["fed_period"]) == (1.8, "Q4")
    per_feed = CAMPAIGN_YML + "feeds:\n  toy: {period: year}\n"
    state = load_year(_campaign(tmp_path / "b", campaign=per_feed), 2024)
    assert _row(state, "U2")["fed"] == 0.8 and _row(state, "U1")["feed"] == ""


@pytest.mark.parametrize(("line", "expected"), [
    ("feed: toy.diem, convert: value", 2.0),  # the value itself as points, held to the criterion's max
    ("feed: toy.diem, convert: tiers, tiers: [{{min: 80, points: 2}}, {{min: 70, points: 1}}]", 1.0),
    ("feed: toy.diem, convert: share", 1.5),
])
def test_conversions(tmp_path, toy, line, expected):
    assert _row(load_year(_campaign(tmp_path, line), 2024), "U1")["proposal"] == expected


def test_a_tiers_criterion_applies_its_tiers_to_the_fed_measure(tmp_path, toy):
    framework = FRAMEWORK_YML.replace('content: "Tỷ lệ hồ sơ trực tuyến"',
                                      'content: "Tỷ lệ hồ sơ trực tuyến"\n        feed: toy.diem')
    root = write_campaign(tmp_path / "c", framework=framework)
    (root / "toy").mkdir()
    (root / "toy" / "2024.csv").write_text(HEADER + QUARTERS, encoding="utf-8")
    campaign = load_campaign(root)
    submit(campaign, "U1")  # declares 95.5 %: 2 points; the source says 75: 1 point
    assert _row(load_year(campaign, 2024), "U1", "1.2")["proposal"] == 1.0


@pytest.mark.parametrize(("row", "code", "column"), [
    ("U9,Quý 1,50\n", "UNIT_UNKNOWN", "A (Mã đơn vị)"),
    ("U1,Quý 1,55\n", "FEED_UNIT_TWICE", "A (Mã đơn vị)"),
    ("U3,Quý 1,101\n", "FEED_VALUE_OUT_OF_RANGE", "C (Điểm)"),
    ("U3,Quý 1,-1\n", "FEED_VALUE_OUT_OF_RANGE", "C (Điểm)"),
    ("U3,Quý 1,nhiều\n", "FEED_VALUE_OUT_OF_RANGE", "C (Điểm)"),
    ("U3,Quý 1/2023,50\n", "FEED_PERIOD_OUTSIDE_YEAR", "B (Kỳ)"),
    ("U3,Quý 5,50\n", "FEED_PERIOD_OUTSIDE_YEAR", "B (Kỳ)"),
])
def test_a_bad_row_is_a_located_problem_and_the_others_are_kept(tmp_path, toy, row, code, column):
    campaign = _campaign(tmp_path, rows=QUARTERS + row)
    _, report, _ = check_files(campaign, 2024)
    found = [(p.code, p.file, p.row, p.column) for p in report.problems if p.file == "toy/2024.csv"]
    assert found == [(code, "toy/2024.csv", 7, column)]
    assert len(report.feeds["toy"].rows) == 5  # the good rows are kept
    assert _row(load_year(campaign, 2024), "U1")["fed"] == 1.5


def test_an_unreadable_feed_file_is_a_problem_and_the_rest_is_checked(tmp_path, toy):
    campaign = _campaign(tmp_path, rows=None)
    (campaign.root / "toy").mkdir()
    (campaign.root / "toy" / "2024.xls").write_bytes(b"<!DOCTYPE html><html><body>\xc4\x90\xc4\x83ng nh\xe1\xba\xadp"
                                                     b"</body></html>")  # the portal's login page
    (campaign.root / "surveys").mkdir()
    (campaign.root / "surveys" / "2024.csv").write_text("unit,code,value\nU1,2.1,75\n")
    _, report, _ = check_files(campaign, 2024)
    assert [(p.code, p.file) for p in report.problems if p.is_error] == [("FILE_HTML", "toy/2024.xls")]
    assert len(report.submissions) == 3 and len(report.surveys) == 1  # forms and other feeds still read


@pytest.mark.parametrize(("line", "code"), [
    ("feed: nosuch.diem", "FEED_UNKNOWN"),
    ("feed: toy.nope", "FEED_INDICATOR_UNKNOWN"),
])
def test_a_feed_line_naming_what_is_not_registered_is_located(tmp_path, toy, line, code):
    _, report, _ = check_files(_campaign(tmp_path, line), 2024)
    found = [(p.code, p.file, p.row) for p in report.problems if p.code.startswith("FEED")]
    assert found == [(code, "criteria/2024-A.yml", 17), (code, "criteria/2024-B.yml", 17)]


@pytest.mark.parametrize(("line", "detail"), [
    ("feed: toy.diem, convert: percent", "convert"),
    ("feed: toy.diem, feed_period: Q5", "feed_period"),
    ("feed: toy diem", "nguồn.chỉ_số"),
    ("feed: toy.diem, convert: tiers", "tiers"),
    ("convert: share", "chỉ dùng cùng"),
])
def test_a_bad_feed_line_stops_the_campaign_with_its_line(tmp_path, line, detail):
    with pytest.raises(CampaignError) as caught:
        _campaign(tmp_path, line, rows=None)
    problems = [p for p in caught.value.problems if p.code == "FEED_CONVERSION_INVALID"]
    assert problems and problems[0].row == 17 and detail in problems[0].message


def test_a_tiers_or_deduction_criterion_takes_only_the_value(tmp_path):
    framework = FRAMEWORK_YML.replace('content: "Tỷ lệ hồ sơ trực tuyến"',
                                      'content: "Tỷ lệ hồ sơ trực tuyến"\n        feed: toy.diem\n'
                                      '        convert: share')
    with pytest.raises(CampaignError) as caught:
        load_campaign(write_campaign(tmp_path / "c", framework=framework))
    assert "convert: value" in caught.value.problems[0].message


def test_the_feed_file_is_part_of_the_fingerprint(tmp_path, toy):
    campaign = _campaign(tmp_path)
    before = load_year(campaign, 2024).fingerprint.digest
    (campaign.root / "toy" / "2024.csv").write_text(HEADER + QUARTERS.replace("90", "100"), encoding="utf-8")
    after = load_year(campaign, 2024)
    assert after.fingerprint.digest != before and _row(after, "U1")["fed"] == 1.55  # 2 × 77.5 / 100


@pytest.mark.parametrize(("text", "period"), [
    ("Quý 2", "Q2"), ("quy II", "Q2"), ("Q3/2024", "Q3"), ("Quý 4 năm 2024", "Q4"), ("6 tháng đầu năm", "H1"),
    ("Tháng 3", "M03"), ("2024", "year"), ("Năm 2024", "year"), ("", "year"),
    ("Quý 1/2025", None), ("Quý 0", None), ("tháng 13", None), ("cả tuần", None),
])
def test_periods_as_people_write_them(text, period):
    assert parse_period(text, 2024) == period


def test_surveys_and_inspections_come_through_the_seam(tmp_path):
    campaign = load_campaign(write_campaign(tmp_path / "c"))
    submit(campaign, "U1")
    (campaign.root / "surveys").mkdir()
    (campaign.root / "surveys" / "2024.csv").write_text("unit,code,value\nU1,2.1,75\n")
    (campaign.root / "inspections").mkdir()
    (campaign.root / "inspections" / "2024.csv").write_text(
        "Ngày kiểm tra,Mã đơn vị,Cơ quan kiểm tra,Số quyết định/biên bản,Nội dung phát hiện,Mã tiêu chí,Số vi phạm\n"
        "05/04/2024,U1,Phòng Nội vụ,12/BB,Trễ hạn,1.5,3\n", encoding="utf-8")
    state = load_year(campaign, 2024)
    assert {"surveys", "inspections"} <= set(state.feeds.tables)
    assert state.movement.inspections is state.feeds["inspections"].detail
    survey, deduction = _row(state, "U1", "2.1"), _row(state, "U1", "1.5")
    assert (survey["feed"], survey["fed_value"], survey["fed"], survey["proposal"]) == ("surveys.2.1", 75, 3, 3)
    assert (deduction["feed"], deduction["fed"], deduction["proposal"]) == ("inspections.1.5", 3, -1)


def test_the_mean_of_the_quarters_given():
    table = registry.FeedTable("toy", 2024, registry.pd.DataFrame(
        [("toy", 2024, "U1", q, "diem", v, i) for i, (q, v) in enumerate([("Q1", 60), ("Q2", 70), ("Q4", 95),
                                                                          ("year", 10)])],
        columns=registry.FEED_COLUMNS))
    mean = registry.year_values(table, "mean_quarters").iloc[0]
    assert (mean["value"], mean["period"]) == (75, "Q1+Q2+Q4")
    assert registry.period_label(mean["period"]) == "bình quân quý 1, 2, 4"
    assert registry.year_values(table, "year")["value"].tolist() == [10]
    assert registry.year_values(table, "Q3").empty


def test_feed_settings_in_campaign_yml_are_checked(tmp_path):
    bad = CAMPAIGN_YML + "feeds:\n  toy: {period: quy3, tolerance: -1}\n"
    with pytest.raises(CampaignError) as caught:
        load_campaign(write_campaign(tmp_path / "c", campaign=bad))
    assert [p.code for p in caught.value.problems] == ["CONFIG_INVALID", "CONFIG_INVALID"]
    good = CAMPAIGN_YML + "feeds:\n  toy: {period: Q4, tolerance: 0.5}\n"
    assert load_campaign(write_campaign(tmp_path / "d", campaign=good)).feed_settings == {
        "toy": {"period": "Q4", "tolerance": 0.5}}
