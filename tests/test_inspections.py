"""The inspection register: checked like every input, feeding the deduction proposal, followed up by date."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.app.year import check_files, load_year
from kit.config.campaign import load_campaign
from kit.core.vocab import FindingState
from kit.intake.inspections import load_inspections
from kit.scoring import inspections as si
from tests.helpers import submit

HEADER = ("Ngày kiểm tra,Mã đơn vị,Cơ quan kiểm tra,Số quyết định/biên bản,Nội dung phát hiện,Mã tiêu chí,"
          "Số vi phạm,Hạn khắc phục,Ngày khắc phục\n")
GOOD_ROW = "05/04/2024,U1,Phòng Nội vụ,12/BB-KTCV,Hồ sơ trễ hạn không có thư xin lỗi,1.5,3,30/06/2024,\n"


def _register(campaign, *rows: str, header: str = HEADER) -> None:
    folder = campaign.root / "inspections"
    folder.mkdir(exist_ok=True)
    (folder / "2024.csv").write_text(header + "".join(rows), encoding="utf-8")


def test_a_good_row_is_read_with_the_years_criterion_code(tiny):
    _register(tiny, GOOD_ROW, "06/05/2024,U3,Thanh tra huyện,5/KL-TTr,Trễ hạn,1.5,1,,10/05/2024\n")
    table = load_inspections(tiny, 2024)
    assert table.problems == []
    first, second = table.rows
    assert (first["unit"], first["code"], first["violations"], first["deadline"]) == ("U1", "1.5", 3,
                                                                                       dt.date(2024, 6, 30))
    assert first["fixed_on"] is None and second["fixed_on"] == dt.date(2024, 5, 10)


def test_no_register_no_finding(tiny):
    table = load_inspections(tiny, 2024)
    assert table.rows == [] and table.problems == []


@pytest.mark.parametrize(("row", "code", "column"), [
    ("05/04/2024,U1,Phòng Nội vụ,12/BB,Trễ hạn,1.5,hai,,\n", "VIOLATIONS_INVALID", "G (Số vi phạm)"),
    ("05/04/2024,U1,Phòng Nội vụ,12/BB,Trễ hạn,1.5,-1,,\n", "VIOLATIONS_INVALID", "G (Số vi phạm)"),
    ("05/04/2024,U1,Phòng Nội vụ,12/BB,Trễ hạn,1.5,1.5,,\n", "VIOLATIONS_INVALID", "G (Số vi phạm)"),
    ("31/02/2024,U1,Phòng Nội vụ,12/BB,Trễ hạn,1.5,1,,\n", "DATE_INVALID", "A (Ngày kiểm tra)"),
    ("05/04/2023,U1,Phòng Nội vụ,12/BB,Trễ hạn,1.5,1,,\n", "FINDING_OUTSIDE_YEAR", "A (Ngày kiểm tra)"),
    ("05/04/2024,U1,Phòng Nội vụ,12/BB,Trễ hạn,1.5,1,,01/04/2024\n", "FINDING_DATES", "I (Ngày khắc phục)"),
    ("05/04/2024,U1,Phòng Nội vụ,12/BB,Trễ hạn,1.5,1,01/03/2024,\n", "FINDING_DATES", "H (Hạn khắc phục)"),
    ("05/04/2024,U9,Phòng Nội vụ,12/BB,Trễ hạn,1.5,1,,\n", "UNIT_UNKNOWN", "B (Mã đơn vị)"),
    ("05/04/2024,U1,Phòng Nội vụ,12/BB,Trễ hạn,9.9,1,,\n", "CRITERION_UNKNOWN", "F (Mã tiêu chí)"),
    ("05/04/2024,U1,Phòng Nội vụ,12/BB,Trễ hạn,1.1,1,,\n", "FINDING_NOT_DEDUCTION", "F (Mã tiêu chí)"),
    ("05/04/2024,U1,,12/BB,Trễ hạn,1.5,1,,\n", "VALUE_REQUIRED", "C (Cơ quan kiểm tra)"),
    ("05/04/2024,U1,Phòng Nội vụ,12/BB,Trễ hạn,1.5,,,\n", "VALUE_REQUIRED", "G (Số vi phạm)"),
])
def test_a_malformed_row_is_reported_with_file_row_and_column_and_left_out(tiny, row, code, column):
    _register(tiny, GOOD_ROW, row)
    table = load_inspections(tiny, 2024)
    assert [(p.code, p.file, p.row, p.column) for p in table.problems] == [(code, "inspections/2024.csv", 3, column)]
    assert all(p.is_error for p in table.problems)
    assert [r["row"] for r in table.rows] == [2]  # the good row is kept
    assert table.problems[0].message  # Vietnamese, says what to do
    assert "inspections/2024.csv, dòng 3, cột " + column in table.problems[0].format()


def test_a_missing_column_is_reported_once(tiny):
    _register(tiny, GOOD_ROW, header=HEADER.replace("Số vi phạm", "Ghi chú"))
    table = load_inspections(tiny, 2024)
    assert [(p.code, p.row) for p in table.problems] == [("COLUMN_MISSING", 1)] and table.rows == []


def test_a_criterion_may_be_named_by_its_key(tmp_path):
    from tests.helpers import FRAMEWORK_YML, write_campaign

    root = write_campaign(tmp_path / "c", framework=FRAMEWORK_YML.replace(
        '{{code: "1.5", type: deduction', '{{code: "1.5", key: tre_han, type: deduction'))
    campaign = load_campaign(root)
    _register(campaign, GOOD_ROW.replace(",1.5,", ",tre_han,"))
    assert [r["code"] for r in load_inspections(campaign, 2024).rows] == ["1.5"]


def test_kit_check_lists_the_registers_problems(tiny):
    _register(tiny, "05/04/2024,U1,Phòng Nội vụ,12/BB,Trễ hạn,1.5,hai,,\n")
    _, _, movement = check_files(tiny, 2024)
    assert [p.code for p in movement.inspections.problems] == ["VIOLATIONS_INVALID"]
    assert movement.inspections.problems[0] in movement.problems


def test_a_finding_changes_the_proposal_of_its_deduction_criterion(tiny):
    submit(tiny, "U1")  # declares 1 late file: -0.5
    submit(tiny, "U2")
    before = load_year(tiny, 2024).results.long.set_index(["unit", "code"])
    assert before.loc[("U1", "1.5"), "proposal"] == -0.5
    _register(tiny, GOOD_ROW)  # the inspection found 3: -1.5, held to the criterion's min -1
    after = load_year(tiny, 2024)
    long = after.results.long.set_index(["unit", "code"])
    assert long.loc[("U1", "1.5"), "proposal"] == -1.0 and long.loc[("U1", "1.5"), "found"] == 3
    assert long.loc[("U2", "1.5"), "proposal"] == -0.5  # another unit: unchanged
    finding = after.results.findings.iloc[0]
    assert (finding["unit"], finding["area"], finding["area_name"], finding["group"]) == ("U1", "1", "Chỉ đạo", "A")


def test_the_units_own_count_stands_when_larger(tiny):
    submit(tiny, "U1", {"1.5": {"value": 2, "self": -1}})
    _register(tiny, GOOD_ROW.replace(",3,", ",1,"))
    long = load_year(tiny, 2024).results.long.set_index(["unit", "code"])
    assert long.loc[("U1", "1.5"), "proposal"] == -1.0  # max(2, 1) items × 0.5


def test_the_register_is_part_of_the_years_fingerprint(tiny):
    submit(tiny, "U1")
    before = load_year(tiny, 2024).fingerprint
    _register(tiny, GOOD_ROW)
    assert load_year(tiny, 2024).fingerprint.digest != before.digest


@pytest.mark.parametrize(("deadline", "fixed", "state"), [
    (dt.date(2024, 6, 30), dt.date(2024, 6, 1), FindingState.FIXED),
    (dt.date(2024, 6, 30), dt.date(2024, 7, 15), FindingState.FIXED_LATE),
    (dt.date(2024, 6, 30), None, FindingState.OVERDUE),
    (dt.date(2025, 1, 31), None, FindingState.OPEN),
    (None, None, FindingState.OPEN),
    (dt.date(2024, 6, 30), dt.date(2025, 2, 1), FindingState.OVERDUE),  # fixed after the date looked at
])
def test_state_of_a_finding_on_a_date(deadline, fixed, state):
    assert si.state(deadline, fixed, dt.date(2024, 12, 31)) == state


def test_overdue_counts_per_unit(tiny):
    _register(tiny, GOOD_ROW, GOOD_ROW.replace("12/BB-KTCV", "13/BB").replace(",30/06/2024,", ",30/06/2024,01/06/2024"),
              "06/05/2024,U3,Thanh tra huyện,5/KL-TTr,Trễ hạn,1.5,1,01/06/2024,\n")
    findings = load_year(tiny, 2024).results.findings
    assert si.overdue(findings, dt.date(2024, 12, 31)) == {"U1": 1, "U3": 1}
    assert si.overdue(findings, dt.date(2024, 5, 31)) == {}
    assert si.reference(findings.iloc[0]) == "12/BB-KTCV ngày 05/04/2024 (Phòng Nội vụ): 3 vi phạm"


def test_vectorised_deduction_with_findings_equals_the_scalar_rule(tiny):
    from kit.config.answers import proposal

    submit(tiny, "U1", {"1.5": {"value": 1, "self": -0.5}})
    submit(tiny, "U2", {"1.5": {"value": 0, "self": 0}})
    submit(tiny, "U3", {"1.5": {"value": 2, "self": -1}})
    _register(tiny, GOOD_ROW.replace(",3,", ",2,"), GOOD_ROW.replace("U1", "U3").replace(",3,", ",1,"))
    rows = load_year(tiny, 2024).results.long
    rows = rows[rows["code"] == "1.5"]
    for r in rows.itertuples():
        found = None if r.found != r.found else r.found
        assert r.proposal == proposal("deduction", max_points=0, min_points=-1, answer=None, value=r.value,
                                      self_score=r.self, per_item=0.5, found=found)
    assert dict(zip(rows["unit"], rows["proposal"], strict=True)) == {"U1": -1.0, "U2": 0.0, "U3": -1.0}


def test_the_evaluator_decides_and_the_decision_records_the_finding(tiny, book):
    from kit.app.appraisal import Entry, Workspace

    _register(tiny, GOOD_ROW)
    ws = Workspace.open(tiny, 2024, book)
    row = ws.rows["U1"]["1.5"]
    assert row.proposal == -1.0 and row.findings == ("12/BB-KTCV ngày 05/04/2024 (Phòng Nội vụ): 3 vi phạm",)
    assert row.problem(-1.0, False, "") is None  # below the self score (-0.5): the finding is the reason
    assert ws.rows["U2"]["1.5"].problem(-1.0, False, "") is not None  # no finding: a reason is required
    done = ws.save([Entry("U1", "1.5", -1.0, comment="Đã đối chiếu biên bản")])
    assert len(done.saved) == 1
    stored = book.history(2024, "U1", "1.5").iloc[-1]
    assert stored["comment"] == ("Đã đối chiếu biên bản. Căn cứ kết quả kiểm tra: 12/BB-KTCV ngày 05/04/2024 "
                                 "(Phòng Nội vụ): 3 vi phạm")
    assert stored["evaluator"] == ws.actor.account and stored["score"] == -1.0  # the login, never typed
    # the evaluator may decide otherwise; the decision still names the finding it was made against
    ws.save([Entry("U1", "1.5", -0.5, comment="Vi phạm đã tính ở năm trước",
                   base_id=ws.rows["U1"]["1.5"].current["id"])])
    assert "12/BB-KTCV" in book.history(2024, "U1", "1.5").iloc[-1]["comment"]
    assert not Workspace.open(tiny, 2024, book).rows["U1"]["1.5"].needs_review


def test_a_finding_entered_after_the_appraisal_asks_for_a_review(tiny, book):
    from kit.app.appraisal import Entry, Workspace

    ws = Workspace.open(tiny, 2024, book)
    ws.save([Entry("U1", "1.5", -0.5)])
    assert not Workspace.open(tiny, 2024, book).rows["U1"]["1.5"].needs_review
    _register(tiny, GOOD_ROW)
    again = Workspace.open(tiny, 2024, book)
    assert again.rows["U1"]["1.5"].needs_review and not again.rows["U1"]["1.1"].needs_review


def test_no_unresolved_finding_can_be_a_commendation_condition(tiny):
    from kit.scoring.awards import awards_for
    from tests.test_awards import RULES, write_rules

    for unit in ("U1", "U2", "U3"):
        submit(tiny, unit)
    write_rules(tiny.root, RULES.replace("{field: percent, min: 40}",
                                         "{field: percent, min: 40}\n      - {field: overdue_findings, max: 0}")
                .replace("count: 1, per: group", "count: 3"))
    _register(tiny, GOOD_ROW, "06/05/2024,U3,Thanh tra huyện,5/KL-TTr,Trễ hạn,1.5,1,01/06/2024,10/06/2024\n")
    campaign = load_campaign(tiny.root)
    assert campaign.rules.problems == []
    state = load_year(campaign, 2024)
    found = awards_for(campaign, "yearly", [state.results], [state.movement], provisional=True)
    outcome = {f.candidate["unit"]: f for f in found.findings if f.rule.kind.value == "collective"}
    assert outcome["U1"].outcome.value == "near"  # open past its deadline (30/06) on the proposals' date (31/12)
    assert "kết luận kiểm tra quá hạn" in " ".join(outcome["U1"].reasons)
    assert outcome["U2"].outcome.value == "proposed" and outcome["U3"].outcome.value == "proposed"  # U3 fixed late
