from openpyxl import load_workbook

from kit.intake.layout import COLUMNS, GUIDE_SHEET, SHEET
from kit.intake.submission import read_submission
from kit.outputs.forms import HEADER_ROW, meta_ref, method_text, write_forms
from tests.helpers import GOOD, submit


def test_forms_one_per_unit_with_identity_and_structure(tiny, tmp_path):
    paths = write_forms(tiny, 2024, tmp_path / "forms")
    assert [p.name for p in paths] == ["U1_2024.xlsx", "U2_2024.xlsx", "U3_2024.xlsx"]
    wb = load_workbook(paths[0])
    assert wb.sheetnames == [SHEET, GUIDE_SHEET]
    ws = wb[SHEET]
    assert "NĂM 2024" in ws["A3"].value and ws["A5"].value == "Dữ liệu minh họa"
    assert (ws["A6"].value, ws[meta_ref("unit")].value, ws[meta_ref("unit_name")].value, ws[meta_ref("year")].value) \
        == ("Mã đơn vị", "U1", "Đơn vị Một", 2024)
    assert [c.value for c in ws[HEADER_ROW]] == [h for _, h, _ in COLUMNS]
    codes = [ws.cell(r, 1).value for r in range(HEADER_ROW + 1, ws.max_row + 1)]
    assert codes[:8] == ["1", "1.1", "1.2", "1.3", "1.4", "1.5", "2", "2.1"] and set(codes[8:]) == {None}


def test_forms_protect_structure_and_validate_inputs(tiny, tmp_path):
    ws = load_workbook(write_forms(tiny, 2024, tmp_path)[0])[SHEET]
    assert ws.protection.sheet
    row = HEADER_ROW + 2  # criterion 1.1, yes/no
    assert ws.cell(row, 1).protection.locked and ws.cell(row, 3).protection.locked
    assert not ws.cell(row, 5).protection.locked and not ws.cell(row, 7).protection.locked
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    lists = [dv for dv in rules.values() if dv.type == "list"]
    assert any(dv.formula1 == '"Có,Không"' for dv in lists)
    assert any(dv.formula1 == '"Không áp dụng"' for dv in lists)  # tiers criterion with N/A allowed
    assert any(dv.type == "decimal" and dv.formula1 == "-1" and dv.formula2 == "0" for dv in rules.values())


def test_method_text_explains_tiers_and_deductions(tiny):
    fw = tiny.framework(2024, "A")
    assert "≥ 90 → 2 đ" in method_text(fw.by_code()["1.2"]) and "Không áp dụng" in method_text(fw.by_code()["1.2"])
    assert "trừ 0,5 đ" in method_text(fw.by_code()["1.5"])


def test_round_trip_form_filled_by_program_reads_back_equal(tiny):
    answers = {
        "1.1": {"answer": "Không", "self": 0, "evidence": "", "explanation": "Chưa ban hành"},
        "1.2": {"answer": "Không áp dụng", "explanation": "Không có TTHC"},
        "1.3": {"self": 1.25, "evidence": "Tin bài ngày 12/03/2024 — https://chauthanh.tayninh.gov.vn/a?b=1"},
        "1.4": {"self": 1, "evidence": "QĐ công nhận sáng kiến số 5"},
        "1.5": {"value": 2, "self": -1},
        "2.1": {},
    }
    path = submit(tiny, "U2", answers)
    sub = read_submission(path, tiny, 2024)
    assert [p.code for p in sub.problems] == []
    got = {r["code"]: {k: r[k] for k in ("answer", "value", "self", "evidence", "explanation")} for r in sub.rows}
    assert got["1.1"] == {"answer": "Không", "value": None, "self": 0, "evidence": "", "explanation": "Chưa ban hành"}
    assert got["1.2"] == {"answer": "Không áp dụng", "value": None, "self": None, "evidence": "",
                          "explanation": "Không có TTHC"}
    assert got["1.3"]["self"] == 1.25 and got["1.3"]["evidence"] == answers["1.3"]["evidence"]
    assert got["1.5"] == {"answer": "", "value": 2, "self": -1, "evidence": "", "explanation": ""}
    assert sub.rows_read == 6 and sub.rejected == 0  # every criterion row, the blank survey row too


def test_fill_helper_and_reader_agree_on_good_answers(tiny):
    sub = read_submission(submit(tiny, "U1"), tiny, 2024)
    assert {r["code"]: r["self"] for r in sub.rows} == {c: GOOD[c].get("self") for c in GOOD}
    assert sub.problems == []
