import datetime as dt

from openpyxl import load_workbook

from kit.core.values import parse_date
from kit.intake.submission import read_submission, unit_from_name
from kit.outputs.forms import HEADER_ROW
from tests.helpers import GOOD, submit


def check(campaign, answers=None, **kw):
    sub = read_submission(submit(campaign, "U1", answers, **kw), campaign, 2024)
    return sub, {(p.code, p.row, p.column) for p in sub.problems}


def with_(code, **values):
    return {**GOOD, code: {**GOOD[code], **values}}


def row_of(code):
    return HEADER_ROW + 1 + ["1", "1.1", "1.2", "1.3", "1.4", "1.5", "2", "2.1"].index(code)


def test_good_form_has_no_problem(tiny):
    sub, found = check(tiny)
    assert found == set() and len(sub.rows) == 6 and sub.unit == "U1" and sub.sheet == "Phiếu tự đánh giá"


def test_score_above_max_and_below_min(tiny):
    sub, found = check(tiny, {**with_("1.3", self=2.5), "1.5": {"value": 1, "self": -3}})
    assert ("SCORE_ABOVE_MAX", row_of("1.3"), "G") in found
    assert ("SCORE_BELOW_MIN", row_of("1.5"), "G") in found
    assert len(sub.rows) == 4 and sub.rejected == 2


def test_non_numeric_score_and_value(tiny):
    _, found = check(tiny, {**with_("1.3", self="đạt"), "1.2": {"value": "cao", "self": 2}})
    assert {("SCORE_NOT_NUMBER", row_of("1.3"), "G"), ("VALUE_NOT_NUMBER", row_of("1.2"), "F")} <= found


def test_decimal_comma_text_is_a_number(tiny):
    sub, found = check(tiny, with_("1.3", self="1,5"))
    assert found == set() and {r["code"]: r["self"] for r in sub.rows}["1.3"] == 1.5


def test_answers_the_type_does_not_allow(tiny):
    answers = {**with_("1.1", answer="Có lẽ"), "1.3": {"answer": "Không áp dụng", "self": 0}}
    _, found = check(tiny, answers)
    assert ("ANSWER_NOT_ALLOWED", row_of("1.1"), "E") in found
    assert ("NA_NOT_ALLOWED", row_of("1.3"), "E") in found


def test_yes_no_without_answer(tiny):
    _, found = check(tiny, with_("1.1", answer=None))
    assert ("ANSWER_MISSING", row_of("1.1"), "E") in found


def test_not_applicable_where_allowed_lowers_nothing_here_but_is_kept(tiny):
    sub, found = check(tiny, {**GOOD, "1.2": {"answer": "Không áp dụng", "self": 2}})
    assert ("NA_WITH_SCORE", row_of("1.2"), "G") in found  # a warning: the row is kept
    row = next(r for r in sub.rows if r["code"] == "1.2")
    assert row["answer"] == "Không áp dụng" and row["self"] is None


def test_value_out_of_range_and_missing(tiny):
    _, found = check(tiny, {**GOOD, "1.2": {"value": 120, "self": 2}})
    assert ("VALUE_OUT_OF_RANGE", row_of("1.2"), "F") in found
    _, found = check(tiny, {**GOOD, "1.2": {"self": 2}})
    assert ("VALUE_MISSING", row_of("1.2"), "F") in found


def test_over_claim_is_a_warning(tiny):
    sub, found = check(tiny, with_("1.1", answer="Không", self=2))
    assert ("SCORE_OVER_CLAIM", row_of("1.1"), "G") in found
    assert not [p for p in sub.problems if p.is_error]


def test_formula_without_cached_value_rejects_the_row(tiny):
    sub, found = check(tiny, with_("1.3", self="=1+0.5"))
    assert ("FORMULA_NO_VALUE", row_of("1.3"), "G") in found
    assert "1.3" not in {r["code"] for r in sub.rows}


def _edit(path, fn):
    wb = load_workbook(path)
    fn(wb.worksheets[0])
    wb.save(path)
    return path


def test_unknown_missing_and_duplicate_codes(tiny):
    path = submit(tiny, "U1")

    def spoil(ws):
        ws.cell(row_of("1.3"), 1).value = "9.9"
        ws.cell(row_of("1.4"), 1).value = "1.5"

    sub = read_submission(_edit(path, spoil), tiny, 2024)
    found = {(p.code, p.row) for p in sub.problems}
    assert ("CRITERION_UNKNOWN", row_of("1.3")) in found
    assert ("CRITERION_DUPLICATE", row_of("1.4")) in found
    assert {p.message for p in sub.problems if p.code == "CRITERION_MISSING"} == {
        'Thiếu tiêu chí "1.3" trong phiếu. Hãy bổ sung dòng này.',
        'Thiếu tiêu chí "1.4" trong phiếu. Hãy bổ sung dòng này.'}
    assert "1.5" not in {r["code"] for r in sub.rows}


def test_tolerates_edited_template(tiny):
    """Rows reordered, blank rows, an extra column, reworded headers: still read, nothing lost."""
    path = submit(tiny, "U1")

    def edit(ws):
        a, b = row_of("1.1"), row_of("1.3")
        for col in range(1, 10):
            ws.cell(a, col).value, ws.cell(b, col).value = ws.cell(b, col).value, ws.cell(a, col).value
        ws.insert_rows(row_of("1.2"), 3)
        ws.insert_cols(2)
        ws.cell(HEADER_ROW, 2).value = "Người phụ trách"
        ws.cell(HEADER_ROW, 8).value = "Điểm tự đánh giá"
        ws.cell(HEADER_ROW, 9).value = "Minh chứng"
        ws.cell(HEADER_ROW, 1).value = "MÃ TIÊU CHÍ"

    sub = read_submission(_edit(path, edit), tiny, 2024)
    assert [p.code for p in sub.problems if p.is_error] == []
    assert {r["code"]: r["self"] for r in sub.rows} == {c: GOOD[c].get("self") for c in GOOD}
    assert {r["code"]: r["evidence"] for r in sub.rows}["1.1"] == "KH số 1/KH-UBND"


def test_identity_problems(tiny):
    sub, _ = check(tiny, meta={"unit": "U2"})
    assert [p.code for p in sub.problems] == ["UNIT_MISMATCH"] and sub.rows == [] and sub.rejected == 6
    sub, _ = check(tiny, meta={"year": 2023})
    assert [p.code for p in sub.problems] == ["YEAR_MISMATCH"] and sub.rows == []
    sub = read_submission(submit(tiny, "U1", name="ZZ_2024.xlsx", meta={"unit": "ZZ"}), tiny, 2024)
    assert [p.code for p in sub.problems] == ["UNIT_UNKNOWN"] and sub.rows == []
    sub, _ = check(tiny, meta={"unit": None})
    assert [p.code for p in sub.problems] == ["UNIT_NOT_STATED"] and len(sub.rows) == 6


def test_csv_submission_with_semicolons_and_decimal_commas(tiny):
    lines = ["Mã đơn vị;U3", "Năm;2024", "", "Mã tiêu chí;Nội dung;Trả lời;Giá trị đo;Điểm tự chấm;Minh chứng",
             "1.1;x;Có;;2;KH 1", "1.2;x;;95,5;2;Cổng DVC", "1.3;x;;;1,5;BC 5", "1.4;x;;;0;", "1.5;x;;1;-0,5;",
             "2.1;x;;;;"]
    path = tiny.submissions_dir(2024) / "U3_2024.csv"
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    sub = read_submission(path, tiny, 2024)
    assert sub.problems == [] and {r["code"]: r["self"] for r in sub.rows}["1.5"] == -0.5
    assert {r["code"]: r["value"] for r in sub.rows}["1.2"] == 95.5


def test_no_header_found(tiny):
    path = tiny.submissions_dir(2024) / "U1.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    sub = read_submission(path, tiny, 2024)
    assert [p.code for p in sub.problems] == ["FILE_NO_HEADER"] and sub.unit == "U1"


def test_helpers():
    assert unit_from_name(__import__("pathlib").Path("nv-2022-final.xlsx")) == "NV"
    assert parse_date("15/12/2024") == dt.date(2024, 12, 15) == parse_date(45641.0)
    assert parse_date(dt.datetime(2024, 12, 15, 8)) == dt.date(2024, 12, 15) and parse_date("hôm qua") is None
