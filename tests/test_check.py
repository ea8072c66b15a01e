import datetime as dt
import json

from kit.config.campaign import load_campaign
from kit.intake.check import check_year, format_json, format_text
from kit.outputs.forms import HEADER_ROW
from tests.helpers import DEMO, GOOD, submit


def test_clean_year(tiny):
    for unit in ("U1", "U2", "U3"):
        submit(tiny, unit, meta={"sent": dt.date(2024, 12, 1)})
    report = check_year(tiny, 2024)
    assert report.ok and report.missing == [] and report.late == {}
    assert [(s["unit"], s["rows_read"], s["accepted"], s["rejected"]) for s in report.summary()] == [
        ("U1", 6, 6, 0), ("U2", 6, 6, 0), ("U3", 6, 6, 0)]
    assert len(report.table()) == 18


def test_broken_files_do_not_stop_the_others(tiny):
    folder = tiny.submissions_dir(2024)
    submit(tiny, "U1")
    (folder / "U2_2024.xlsx").write_bytes(b"")
    (folder / "U3_2024.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    (folder / "ghi-chu.docx").write_bytes(b"PK")
    (folder / "~$U1_2024.xlsx").write_bytes(b"lock")
    report = check_year(tiny, 2024)
    codes = sorted(p.code for p in report.all_problems)
    assert codes == ["FILE_EMPTY", "FILE_OLD_XLS", "FILE_TYPE"]
    assert not report.ok and len(report.table()) == 6
    assert report.missing == []  # they sent something, it is just unreadable
    text = format_text(report)
    assert "2024/U2_2024.xlsx" in text and "Tệp rỗng" in text and "ghi-chu.docx" in text


def test_two_submissions_for_one_unit_and_a_missing_unit(tiny):
    submit(tiny, "U1")
    submit(tiny, "U1", name="U1_2024_bosung.xlsx")
    report = check_year(tiny, 2024)
    dup = [p for p in report.all_problems if p.code == "UNIT_DUPLICATE"]
    assert len(dup) == 2 and "U1_2024_bosung.xlsx" in dup[0].message
    assert report.table().empty
    assert report.missing == ["U2", "U3"]
    assert {p.code for p in report.problems} == {"UNIT_MISSING"}
    assert all(not p.is_error for p in report.problems)


def test_unit_mismatch_does_not_count_for_the_other_unit(tiny):
    submit(tiny, "U1", meta={"unit": "U2"})
    submit(tiny, "U2")
    report = check_year(tiny, 2024)
    assert [p.code for p in report.all_problems if p.is_error] == ["UNIT_MISMATCH"]
    assert set(report.table()["unit"]) == {"U2"}


def test_late_submission_from_register_or_form_date(tiny):
    submit(tiny, "U1", meta={"sent": dt.date(2024, 12, 20)})
    submit(tiny, "U2", meta={"sent": dt.date(2024, 12, 1)})
    submit(tiny, "U3", meta={"sent": dt.date(2024, 12, 1)})
    (tiny.submissions_dir(2024) / "received.csv").write_text("file,received\nU3_2024.xlsx,2024-12-16\n")
    report = check_year(tiny, 2024)
    assert report.late == {"U1": dt.date(2024, 12, 20), "U3": dt.date(2024, 12, 16)}
    late = [p for p in report.all_problems if p.code == "SUBMISSION_LATE"]
    assert all(p.severity == "warning" for p in late) and "16/12/2024" in late[1].message and report.ok


def test_json_output_is_machine_readable(tiny):
    submit(tiny, "U1", {**GOOD, "1.1": {"answer": "Có", "self": 9}})
    data = json.loads(format_json(check_year(tiny, 2024)))
    assert data["year"] == 2024 and data["ok"] is False
    first = next(p for p in data["problems"] if p["code"] == "SCORE_ABOVE_MAX")
    assert first == {"code": "SCORE_ABOVE_MAX", "severity": "error", "message": first["message"],
                     "file": "2024/U1_2024.xlsx", "sheet": "Phiếu tự đánh giá", "row": HEADER_ROW + 2, "column": "G"}
    assert data["files"][0]["rejected"] == 1


def test_survey_file_is_checked(tiny):
    (tiny.root / "surveys").mkdir()
    (tiny.root / "surveys" / "2024.csv").write_text("unit,code,value\nU1,2.1,87.5\nZZ,2.1,50\nU2,9.9,50\nU3,2.1,140\n")
    report = check_year(tiny, 2024)
    assert [p.code for p in report.problems if p.is_error] == ["UNIT_UNKNOWN", "CRITERION_UNKNOWN",
                                                               "VALUE_OUT_OF_RANGE"]
    assert report.surveys.to_dict("records") == [{"year": 2024, "unit": "U1", "code": "2.1", "survey": 87.5}]


def test_demo_campaign_mistakes_are_caught():
    campaign = load_campaign(DEMO)
    expected = {
        2022: {("NNPTNT_2022.xlsx", "YEAR_MISMATCH")},
        2023: {("ANCO_2023.xlsx", c) for c in ("SCORE_ABOVE_MAX", "SCORE_NOT_NUMBER", "ANSWER_NOT_ALLOWED",
                                                 "NA_NOT_ALLOWED")} | {("TP_2023.xlsx", "UNIT_MISMATCH")},
        2024: {("YT_2024.xlsx", "CRITERION_DUPLICATE"), ("YT_2024.xlsx", "CRITERION_UNKNOWN"),
               ("YT_2024.xlsx", "CRITERION_MISSING"), ("BIENGIOI_2024.xlsx", "FORMULA_NO_VALUE"),
               ("LONGVINH_2024.xlsx", "UNIT_DUPLICATE"), ("LONGVINH_2024_bosung.xlsx", "UNIT_DUPLICATE")},
        2025: {("XPHUOCVINH_2025.xlsx", "FILE_CORRUPT")},
    }
    for year, wanted in expected.items():
        report = check_year(campaign, year)
        errors = {(p.file.split("/")[-1], p.code) for p in report.all_problems if p.is_error}
        assert errors == wanted, year
        warnings = {p.code for p in report.all_problems if not p.is_error}
        assert {"SUBMISSION_LATE", "SCORE_OVER_CLAIM"} <= warnings
    r2023 = check_year(campaign, 2023)
    assert r2023.missing == ["THANHLONG"]
    tolerated = next(s for s in check_year(campaign, 2022).submissions if s.unit == "HOAHOI")
    assert not [p for p in tolerated.problems if p.is_error]
    assert len(tolerated.rows) == 45 and tolerated.rejected == 0
    csv_sub = next(s for s in check_year(campaign, 2025).submissions if s.file.suffix == ".csv")
    assert csv_sub.unit == "XCHAUTHANH" and not [p for p in csv_sub.problems if p.is_error]
    # 2025 communes: 6.9 became 3 sub-criteria and a xã has one criterion of its kind (issue 15): 45 - 1 + 3 + 1
    assert len(csv_sub.rows) == 48 and csv_sub.rejected == 0
