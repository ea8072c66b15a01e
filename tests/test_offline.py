"""Offline appraisal: export a workbook, fill it as Excel would, import it back. The tests act as the login
"Phạm Thu" (kit.app.actor's seam; no registry: a login acts alone under its own name) unless they say otherwise."""

import json

import pytest
from openpyxl import load_workbook

from kit.app.actor import signed_in
from kit.app.appraisal import Entry, Workspace
from kit.app.offline import HEADER_ROW, export_workbook, import_workbook
from kit.cli import main
from kit.config.campaign import load_campaign
from kit.core.errors import ActorError
from kit.store.gradebook import Gradebook
from tests.helpers import CAMPAIGN_YML, submit, write_campaign


@pytest.fixture(autouse=True)
def _as_pham_thu():
    with signed_in("Phạm Thu"):
        yield


def fill(path, values: dict[tuple[str, str], dict], meta: dict | None = None):
    wb = load_workbook(path)
    ws = wb.active
    head = {c.value: c.column for c in ws[HEADER_ROW]}
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        key = (ws.cell(r, head["Mã đơn vị"]).value, ws.cell(r, head["Mã tiêu chí"]).value)
        for name, value in values.get(key, {}).items():
            ws.cell(r, head[name]).value = value
    for label_row, value in (meta or {}).items():
        ws.cell(label_row, 3).value = value
    wb.save(path)
    return path


def test_export_fill_import_records_decisions(tiny, book, tmp_path):
    path = export_workbook(Workspace.open(tiny, 2024, book), tmp_path / "x.xlsx", ["U1"])
    ws = load_workbook(path).active
    assert ws.protection.sheet and ws.cell(3, 3).value == "Phạm Thu"
    assert ws.max_row == HEADER_ROW + 6
    fill(path, {("U1", "1.1"): {"Điểm thẩm định": 0, "Nhận xét": "Thiếu kiểm chứng"},
                ("U1", "1.2"): {"Không áp dụng": "Có"}, ("U1", "1.3"): {"Điểm thẩm định": "1,5"}})
    report = import_workbook(tiny, book, path)
    assert report.ok and (report.rows_read, report.recorded, report.unchanged) == (3, 3, 0)
    hist = book.history(2024, "U1")
    assert hist[["code", "evaluator", "source", "comment"]].values.tolist() == [
        ["1.1", "Phạm Thu", "import", "Thiếu kiểm chứng"], ["1.2", "Phạm Thu", "import", ""],
        ["1.3", "Phạm Thu", "import", ""]]
    assert hist["na"].astype(bool).tolist() == [False, True, False]
    assert hist["score"].iloc[0] == 0 and hist["score"].isna().iloc[1] and hist["score"].iloc[2] == 1.5
    again = import_workbook(tiny, book, path)  # the same workbook again: the evaluator's own rows are unchanged
    assert again.recorded == 0 and again.problems == [] and again.unchanged == 3
    fill(path, {("U1", "1.3"): {"Điểm thẩm định": 1, "Nhận xét": "Đã đối chiếu lại"}})  # a corrected workbook
    corrected = import_workbook(tiny, book, path)
    assert corrected.recorded == 1 and corrected.unchanged == 2 and corrected.problems == []
    assert book.history(2024, "U1", "1.3")["score"].tolist()[-1] == 1


def test_rows_with_newer_decisions_are_refused_and_listed(tiny, book, tmp_path):
    path = export_workbook(Workspace.open(tiny, 2024, book), tmp_path / "x.xlsx", ["U1"])
    with signed_in("Lan"):  # someone decides after the export
        Workspace.open(tiny, 2024, book).save([Entry("U1", "1.3", 2.0)])
    fill(path, {("U1", "1.3"): {"Điểm thẩm định": 1, "Nhận xét": "Thiếu"}, ("U1", "1.1"): {"Điểm thẩm định": 2}})
    report = import_workbook(tiny, book, path)
    refused = [p for p in report.problems if p.code == "DECISION_NEWER"]
    assert report.recorded == 1 and len(refused) == 1 and refused[0].row == HEADER_ROW + 3
    assert "Lan" in refused[0].message and not report.ok
    assert book.history(2024, "U1", "1.3")["score"].tolist() == [2.0]


def test_bad_rows_are_reported_like_check(tiny, book, tmp_path):
    path = export_workbook(Workspace.open(tiny, 2024, book), tmp_path / "x.xlsx")
    fill(path, {("U1", "1.1"): {"Điểm thẩm định": 1}, ("U1", "1.3"): {"Điểm thẩm định": "cao"},
                ("U1", "1.1x"): {}, ("U2", "1.5"): {"Điểm thẩm định": 3}, ("U2", "1.1"): {"Không áp dụng": "Có"},
                ("U3", "1.3"): {"Điểm thẩm định": 1, "Nhận xét": "Thiếu kiểm chứng"},
                ("U2", "1.3"): {"Điểm thẩm định": 1}})
    report = import_workbook(tiny, book, path)
    codes = sorted((p.code, p.column) for p in report.problems)
    assert codes == [("APPRAISAL_NOT_ALLOWED", "N"), ("APPRAISAL_NOT_ALLOWED", "N"), ("APPRAISAL_NOT_ALLOWED", "N"),
                     ("NA_NOT_ALLOWED", "O"), ("SCORE_NOT_NUMBER", "N")]
    assert "phải ghi nhận xét" in report.format()
    assert report.recorded == 1 and "chỉ được chấm một trong các mức: 2; 0" in report.format()


def test_a_broken_file(tiny, book, tmp_path):
    (tmp_path / "bad.xlsx").write_bytes(b"")
    assert [p.code for p in import_workbook(tiny, book, tmp_path / "bad.xlsx").problems] == ["FILE_EMPTY"]


def test_unit_text_stays_text_in_the_export(tiny, book, tmp_path):
    submit(tiny, "U1", {"1.1": {"answer": "Có", "self": 2, "explanation": "+84 là số máy; @ghi chú"}})
    path = export_workbook(Workspace.open(tiny, 2024, book), tmp_path / "x.xlsx", ["U1"])
    cells = [c for row in load_workbook(path).active.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]


def test_cli_export_and_import(capsys, tiny, book, tmp_path):
    out = tmp_path / "tham-dinh.xlsx"
    args = ["--campaign", str(tiny.root)]
    assert main(["decisions", "export", *args, "--year", "2024", "--units", "u2", "--out", str(out)]) == 0
    assert "cho Phạm Thu" in capsys.readouterr().out
    fill(out, {("U2", "1.3"): {"Điểm thẩm định": 2}})
    assert main(["decisions", "import", *args, str(out), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["recorded"] == 1 and data["ok"] is True
    assert main(["decisions", "export", *args, "--year", "2024", "--units", "ZZ", "--out", str(out)]) == 2
    # the actor is never typed: an old script naming one stops with a message, and nothing is written
    assert main(["decisions", "export", *args, "--year", "2024", "--evaluator", "Hà", "--out",
                 str(tmp_path / "b.xlsx")]) == 2
    assert "--evaluator" in capsys.readouterr().err and not (tmp_path / "b.xlsx").exists()
    assert main(["decisions", "import", *args, str(out), "--evaluator", "Hà"]) == 2


REGISTRY = ("Tài khoản,Họ tên,Chức vụ,Vai trò\nthu.pt,Phạm Thu,,thẩm định\nha.lt,Lê Thị Hà,,thẩm định\n"
            "hung.vv,Võ Văn Hùng,,hội đồng\n")


def test_a_workbook_exported_for_another_account_is_refused_naming_it(tiny, book, tmp_path):
    (tiny.root / "accounts.csv").write_text(REGISTRY, encoding="utf-8")
    (tiny.root / "assignments.csv").write_text("Năm,Cán bộ thẩm định,Mã đơn vị\n2024,thu.pt,U1\n2024,Lê Thị Hà,U2\n",
                                               encoding="utf-8")
    with signed_in("thu.pt"):
        path = export_workbook(Workspace.open(tiny, 2024, book), tmp_path / "x.xlsx")
    sheet = load_workbook(path).active
    assert (sheet.cell(3, 3).value, sheet.cell(4, 3).value) == ("Phạm Thu", "thu.pt")
    assert {sheet.cell(r, 1).value for r in range(HEADER_ROW + 1, sheet.max_row + 1)} == {"U1"}  # her assignment
    fill(path, {("U1", "1.3"): {"Điểm thẩm định": 1.5}})
    with signed_in("ha.lt"):
        refused = import_workbook(tiny, book, path)
    assert [p.code for p in refused.problems] == ["WORKBOOK_OTHER_ACCOUNT"] and book.count() == 0
    assert "Phạm Thu (thu.pt)" in refused.problems[0].message and "Lê Thị Hà (ha.lt)" in refused.problems[0].message
    fill(path, {}, meta={4: "", 3: ""})  # the owner's name and account erased: recorded as the one importing
    with signed_in("ha.lt"):
        theirs = import_workbook(tiny, book, path)
    assert theirs.recorded == 0 and "được giao cho Phạm Thu (thu.pt)" in theirs.format()  # not her row
    with signed_in("thu.pt"):
        mine = import_workbook(tiny, book, path)
    assert mine.ok and mine.recorded == 1 and book.history(2024, "U1")["evaluator"].tolist() == ["thu.pt"]
    with signed_in("hung.vv"), pytest.raises(ActorError, match="hung.vv"):  # a council member records nothing
        import_workbook(tiny, book, path)


def test_another_campaigns_workbook_is_refused_and_duplicated_rows_flagged(tiny, book, tmp_path):
    path = export_workbook(Workspace.open(tiny, 2024, book), tmp_path / "x.xlsx", ["U1"])
    other = load_campaign(write_campaign(tmp_path / "other", campaign=CAMPAIGN_YML.replace("Đợt thử nghiệm",
                                                                                           "Đợt khác")))
    for unit in ("U1", "U2", "U3"):
        submit(other, unit)
    fill(path, {("U1", "1.3"): {"Điểm thẩm định": 1, "Nhận xét": "Thiếu"}})
    with Gradebook.for_campaign(other) as theirs:
        refused = import_workbook(other, theirs, path)
        assert [p.code for p in refused.problems] == ["CAMPAIGN_MISMATCH"] and refused.recorded == 0
        assert theirs.count() == 0
    wb = load_workbook(path)
    ws = wb.active
    last = ws.max_row
    for col in range(1, ws.max_column + 1):  # the evaluator copied the 1.3 row below the table
        ws.cell(last + 1, col).value = ws.cell(HEADER_ROW + 3, col).value
    ws.cell(last + 1, 14).value = 0
    wb.save(path)
    report = import_workbook(tiny, book, path)
    assert [(p.code, p.row) for p in report.problems] == [("ROW_DUPLICATE", last + 1)]
    assert report.recorded == 1 and book.history(2024, "U1", "1.3")["score"].tolist() == [1]
