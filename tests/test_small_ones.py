"""The small silent ones of issue 27: each passed unseen before."""

from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook

from kit.app.appraisal import Entry, Workspace
from kit.app.offline import export_workbook, import_workbook
from kit.intake.check import check_year
from kit.outputs.xlsx import write_xlsx
from kit.store.gradebook import Decision, evidence_hash
from tests.helpers import submit
from tests.test_offline import fill

ESC = "Thiếu\x1b[31m kiểm chứng\x07"


def test_a_control_character_in_a_comment_is_cleaned_before_it_is_stored(tiny, book):
    ws = Workspace.open(tiny, 2024, book)
    assert ws.save([Entry("U1", "1.3", 1.0, comment=ESC)]).saved
    stored = book.history(2024, "U1", "1.3")["comment"].iloc[-1]
    assert stored == "Thiếu kiểm chứng"


def test_a_comment_stored_with_a_control_character_does_not_stop_an_export(tiny, book, tmp_path):
    """A comment kept before comments were cleaned (or written by another tool) still reaches the tables."""
    row = Workspace.open(tiny, 2024, book).rows["U1"]["1.3"]
    book.record(Decision(2024, "U1", "1.3", row.first and row.first["stage"] or "appraisal", 1.0, "Lan", ESC, False,
                         row.key, row.self_score, evidence_hash(row.seen)))
    comments = book.history(2024, "U1", "1.3")[["code", "comment"]]
    out = write_xlsx(tmp_path / "bang.xlsx", {"Nhận xét": pd.DataFrame(comments)}, ["nguồn"])
    assert load_workbook(out)["Nhận xét"]["B2"].value == "Thiếu kiểm chứng"


def _finding(campaign) -> None:
    folder = campaign.root / "inspections"
    folder.mkdir(exist_ok=True)
    (folder / "2024.csv").write_text(
        "Ngày kiểm tra,Mã đơn vị,Cơ quan kiểm tra,Số quyết định/biên bản,Nội dung phát hiện,Mã tiêu chí,"
        "Số vi phạm,Hạn khắc phục,Ngày khắc phục\n"
        "05/04/2024,U1,Phòng Nội vụ,12/BB-KTCV,Hồ sơ trễ hạn không có thư xin lỗi,1.5,3,30/06/2024,\n",
        encoding="utf-8")


def test_reimporting_the_same_workbook_adds_nothing_for_any_kind_of_row(tiny, book, tmp_path):
    _finding(tiny)
    path = export_workbook(Workspace.open(tiny, 2024, book), tmp_path / "x.xlsx", ["U1"])
    fill(path, {("U1", "1.1"): {"Điểm thẩm định": 2}, ("U1", "1.2"): {"Không áp dụng": "Có"},
                ("U1", "1.3"): {"Điểm thẩm định": 1, "Nhận xét": "Chỉ 6 tin bài"},
                ("U1", "1.4"): {"Điểm thẩm định": 0}, ("U1", "1.5"): {"Điểm thẩm định": -1},
                ("U1", "2.1"): {"Điểm thẩm định": 3}})
    first = import_workbook(tiny, book, path)
    assert first.ok and first.recorded == 6, first.format()
    assert "12/BB-KTCV" in book.history(2024, "U1", "1.5")["comment"].iloc[-1]  # the finding is cited
    for _ in range(2):
        again = import_workbook(tiny, book, path)
        assert (again.recorded, again.unchanged, again.problems) == (0, 6, [])
    assert len(book.history(2024, "U1")) == 6


def test_an_impossible_date_on_a_form_is_reported_where_it_is(tiny):
    submit(tiny, "U1", meta={"sent": "31/11/2024"})
    submit(tiny, "U2", meta={"sent": "30/11/2024"})
    report = check_year(tiny, 2024)
    [bad] = [p for p in report.all_problems if p.code == "DATE_INVALID"]
    assert bad.file == "2024/U1_2024.xlsx" and bad.row is not None and bad.column and "31/11/2024" in bad.message
    assert not bad.is_error and len(report.table()) == 12  # the rows are still read


def test_a_form_carrying_another_units_name_is_a_warning_naming_both(tiny):
    submit(tiny, "U1", meta={"unit_name": "Đơn vị Hai"})  # U2's form copied, the code changed, the name not
    submit(tiny, "U2", meta={"unit_name": "đơn vị  hai"})  # case and spaces do not matter
    report = check_year(tiny, 2024)
    [named] = [p for p in report.all_problems if p.code == "UNIT_NAME_MISMATCH"]
    assert named.file == "2024/U1_2024.xlsx" and not named.is_error and named.row and named.column
    assert "Đơn vị Hai" in named.message and "Đơn vị Một" in named.message and "U1" in named.message
