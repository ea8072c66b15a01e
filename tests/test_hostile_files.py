"""Files people really send, damaged or hostile: each is read or refused with a located problem, the others are
still checked, and no traceback reaches the user (issue: intake that never falls over)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from openpyxl import load_workbook

from kit.cli import main
from kit.config.campaign import load_campaign
from kit.core.errors import CampaignError
from kit.core.values import parse_number
from kit.intake.check import check_year
from kit.intake.submission import read_submission, unit_from_name
from kit.outputs.forms import meta_ref
from kit.reporting import charts
from tests.helpers import CAMPAIGN_YML, FRAMEWORK_YML, GOOD, ROOT, UNITS_CSV, submit, write_campaign

UNITS = "code,name,group\n" + "".join(f"U{i},Đơn vị {i},{'A' if i % 2 else 'B'}\n" for i in range(1, 10))


@pytest.fixture
def many(tmp_path):
    return load_campaign(write_campaign(tmp_path / "camp", units=UNITS))


def codes(problems) -> list[str]:
    return sorted(p.code for p in problems)


def _ods(path: Path, rows: list[list[object]]) -> Path:
    """A minimal OpenDocument spreadsheet, as LibreOffice saves one."""
    def cell(v: object) -> str:
        if v is None or v == "":
            return "<table:table-cell/>"
        if isinstance(v, (int, float)):
            return (f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p>'
                    "</table:table-cell>")
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>" for r in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f'<office:spreadsheet><table:table table:name="Phiếu tự đánh giá">{body}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _form_rows(unit: str) -> list[list[object]]:
    rows: list[list[object]] = [["Mã đơn vị", unit], ["Năm", 2024], [],
                                ["Mã tiêu chí", "Trả lời", "Giá trị đo", "Điểm tự chấm", "Tài liệu kiểm chứng"]]
    for code, answer in GOOD.items():
        rows.append([code, answer.get("answer", ""), answer.get("value", ""), answer.get("self", ""),
                     answer.get("evidence", "")])
    return rows


def _far_cell(path: Path, ref: str = "XFD1048576") -> Path:
    wb = load_workbook(path)
    wb.worksheets[0][ref] = "x"
    wb.save(path)
    return path


def _huge_shared_string(path: Path, size: int = 60 * 2**20) -> Path:
    """Replace the workbook's shared-string table by one with a string of ``size`` characters."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["xl/sharedStrings.xml"] = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.'
                                     b'org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
                                     + b"A" * size + b"</t></si></sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def test_a_value_at_the_last_cell_is_reported_and_the_form_still_read(many):
    path = _far_cell(submit(many, "U1"))
    sub = read_submission(path, many, 2024)
    assert len(sub.rows) == 6 and sub.unit == "U1"
    (far,) = [p for p in sub.problems if p.code == "SHEET_BEYOND_LIMITS"]
    assert far.severity == "warning" and "XFD1048576" in far.message and far.file == "2024/U1_2024.xlsx"


def test_far_cells_cost_what_the_content_costs(many):
    """In a fresh process (calamine would allocate the whole range: exit 134): under 2 s and 300 MB. The peak is
    the process's own (VmHWM): Linux carries ru_maxrss across fork and exec, so that figure was the test runner's
    size once the suite had grown it past 300 MB."""
    path = _far_cell(submit(many, "U1"))
    code = textwrap.dedent(f"""
        import re, resource, sys, time
        from pathlib import Path
        from kit.config.campaign import load_campaign
        from kit.intake.submission import read_submission
        campaign = load_campaign({str(many.root)!r})
        start = time.perf_counter()
        sub = read_submission(Path({str(path)!r}), campaign, 2024)
        status = Path("/proc/self/status")
        peak = int(re.search(r"VmHWM:\\s*(\\d+)", status.read_text()).group(1)) if status.exists() else \\
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(time.perf_counter() - start, peak / 1024, len(sub.rows))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    seconds, megabytes, rows = done.stdout.split()
    assert float(seconds) < 2 and float(megabytes) < 300 and rows == "6"


def test_a_folder_of_damaged_files_is_checked_to_the_end(many, capsys):
    folder = many.submissions_dir(2024)
    submit(many, "U1")
    _far_cell(submit(many, "U2"))
    _huge_shared_string(submit(many, "U3"))
    (folder / "U4_2024.csv").write_text("Mã tiêu chí,Điểm tự chấm,Tài liệu kiểm chứng\n1.1,2,\"" + "x" * 140_000
                                       + "\"\n", encoding="utf-8")
    (folder / "U5_2024.xls").write_text("<html><body><table><tr><td>1.1</td></tr></table></body></html>")
    submit(many, "U6", name="U6 2024 (1).xlsx")
    _ods(folder / "U7_2024.ods", _form_rows("U7"))
    submit(many, "U8", {**GOOD, "1.2": {"value": "1.250", "self": 2, "evidence": "Cổng DVC"}})
    submit(many, "U9", {})  # the template sent back empty
    start = time.perf_counter()
    report = check_year(many, 2024, jobs=1)
    seconds = time.perf_counter() - start
    by_unit = {s.unit: s for s in report.submissions}
    assert set(by_unit) == {f"U{i}" for i in range(1, 10)}
    assert codes(by_unit["U3"].problems) == ["FILE_TOO_LARGE"] and not by_unit["U3"].rows
    assert codes(by_unit["U4"].problems) == ["CSV_FIELD_TOO_LONG"]
    assert codes(by_unit["U5"].problems) == ["FILE_HTML"]
    assert len(by_unit["U6"].rows) == 6 and by_unit["U6"].problems == []  # "U6 2024 (1).xlsx" is U6's form
    assert len(by_unit["U7"].rows) == 6, by_unit["U7"].problems  # LibreOffice's own format is read
    assert "VALUE_AMBIGUOUS" in codes(by_unit["U8"].problems)
    assert codes(by_unit["U9"].problems) == ["FORM_BLANK"] and report.statuses["U9"].value == "rejected"
    assert [u for u, s in report.statuses.items() if s.scored] == ["U1", "U2", "U6", "U7", "U8"]
    assert seconds < 10
    assert main(["check", "--campaign", str(many.root), "--year", "2024"]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err and "Error" not in out.out and "U9_2024.xlsx" in out.out


@pytest.mark.parametrize(("name", "unit"), [("NV 2024.xlsx", "NV"), ("NV.2024.xlsx", "NV"), ("NV (1).xlsx", "NV"),
                                            ("nv-2024-final.csv", "NV"), ("HOAHOI_2024.xlsx", "HOAHOI")])
def test_file_names_people_use(name, unit):
    assert unit_from_name(Path(name)) == unit


@pytest.mark.parametrize(("raw", "value"), [("1.250,5", 1250.5), ("1,250.5", 1250.5), ("1.250", 1.25), ("95,5", 95.5)])
def test_thousands_and_decimals(raw, value):
    assert parse_number(raw) == value


def test_text_is_nfc_without_control_or_invisible_characters(many):
    nfd = "Ke\u0302\u0301 hoa\u0323ch"  # "Kế hoạch" typed with combining marks
    path = many.submissions_dir(2024) / "U1_2024.csv"  # a CSV can carry terminal escape codes; xlsx cannot
    path.write_text(f"Mã đơn vị,U1\nMã tiêu chí,Trả lời,Điểm tự chấm,Tài liệu kiểm chứng\n"
                    f"1.1,Có,2,{nfd}\x1b[31m\u200b số 1\n", encoding="utf-8")
    rows = {r["code"]: r for r in read_submission(path, many, 2024).rows}
    assert rows["1.1"]["evidence"] == "Kế hoạch số 1"
    path.unlink()
    path = submit(many, "U1")
    wb = load_workbook(path)
    wb.worksheets[0][meta_ref("unit")] = "U\u200b1"  # a zero-width space pasted into the unit code
    wb.save(path)
    assert read_submission(path, many, 2024).unit == "U1"


def test_a_header_far_below_row_40_is_found(many):
    path = submit(many, "U1")
    wb = load_workbook(path)
    wb.worksheets[0].insert_rows(1, 45)
    wb.save(path)
    assert len(read_submission(path, many, 2024).rows) == 6


def test_a_dollar_in_a_unit_name_is_text_in_charts():
    import matplotlib.pyplot as plt

    fig, _ = charts.bars(__import__("pandas").Series({"Xã $A$ và $B": 50.0}), "Tỷ lệ $", "%")
    fig.canvas.draw()  # mathtext would raise here on an unbalanced "$"
    assert fig.axes[0].get_yticklabels()[0].get_text() == "Xã $A$ và $B"
    plt.close(fig)


# -- configuration people edit ---------------------------------------------------------------------------------------
def _config_problems(root: Path) -> list[tuple[str, int | None]]:
    with pytest.raises(CampaignError) as exc:
        load_campaign(root)
    return [(p.code, p.row) for p in exc.value.problems]


def test_units_csv_saved_by_excel_in_a_windows_code_page(tmp_path):
    root = write_campaign(tmp_path / "c")
    (root / "units.csv").write_bytes("code,name,group\nU1,Phong Noi vu,A\nU2,Xa Ho\u00e0 Hoi,A\n".encode("cp1252"))
    assert _config_problems(root) == [("FILE_ENCODING", 3)]
    (root / "units.csv").write_bytes(UNITS_CSV.encode("utf-16"))  # "Unicode text": read as it is
    assert [u.name for u in load_campaign(root).units] == ["Đơn vị Một", "Đơn vị Hai", "Xã Ba"]


def test_yaml_not_in_utf8_and_infinite_years(tmp_path):
    root = write_campaign(tmp_path / "c")
    saved = CAMPAIGN_YML.encode("utf-8").replace("Đợt thử nghiệm".encode(), "Đợt thí".encode("cp1258", "replace"))
    (root / "campaign.yml").write_bytes(saved)  # one line typed in another editor, in Windows-1258
    assert _config_problems(root) == [("FILE_ENCODING", 1)]
    (root / "campaign.yml").write_text(CAMPAIGN_YML.replace("years: [2024]", "years: [.inf]"), encoding="utf-8")
    assert [code for code, _ in _config_problems(root)] == ["CONFIG_INVALID", "CONFIG_INVALID"]


def test_surveys_and_register_in_a_windows_code_page(tiny):
    (tiny.root / "surveys").mkdir()
    (tiny.root / "surveys" / "2024.csv").write_bytes("unit,code,value\nU1,2.1,87\nU2,2.1,h\u00e0\n".encode("cp1252"))
    (tiny.submissions_dir(2024) / "received.csv").write_bytes("file,received\nU1_2024.xlsx,15/12/2024 (tr\u00e9)\n"
                                                              .encode("cp1252"))
    submit(tiny, "U1")
    report = check_year(tiny, 2024)
    assert sorted((p.code, p.file, p.row) for p in report.problems if p.code == "FILE_ENCODING") == [
        ("FILE_ENCODING", "2024/received.csv", 2), ("FILE_ENCODING", "surveys/2024.csv", 3)]


@pytest.mark.parametrize("code", ["../../../X", "A/B", "CON", "A-B", "A_B", "nul", "COM1"])
def test_unit_codes_that_cannot_name_a_file_are_refused(tmp_path, code):
    root = write_campaign(tmp_path / "c", units=UNITS_CSV + f"{code},Đơn vị lạ,A\n")
    assert _config_problems(root) == [("UNIT_CODE_INVALID", 5)]


@pytest.mark.parametrize("bad", ["max: .nan", "max: .inf", "max: 2, value_max: .nan", "max: 2, per_item: .nan"])
def test_nan_and_inf_in_frameworks_are_refused(tmp_path, bad):
    old = '{{code: "1.1", type: yes_no, max: 2,'
    framework = FRAMEWORK_YML.replace(old, '{{code: "1.1", type: yes_no, ' + bad + ",")
    problems = _config_problems(write_campaign(tmp_path / "c", framework=framework))
    assert ("CONFIG_INVALID", 10) in problems  # the criterion's line


def test_nan_in_tiers_and_rule_bounds(tmp_path):
    root = write_campaign(tmp_path / "c", framework=FRAMEWORK_YML.replace("{{min: 50, points: 1}}",
                                                                          "{{min: .nan, points: 1}}"))
    assert ("CONFIG_INVALID", 16) in _config_problems(root)  # the tier's line
    root = write_campaign(tmp_path / "d")
    (root / "commendation.yml").write_text(textwrap.dedent("""\
        titles: [{code: GK, name: "Giấy khen", for: collective}]
        yearly:
          - title: GK
            conditions: [{field: percent, min: .nan}]
        """), encoding="utf-8")
    assert [p.code for p in load_campaign(root).rules.problems] == ["RULE_INVALID"]


def test_unknown_keys_are_reported_with_their_line(tmp_path, capsys):
    root = write_campaign(tmp_path / "c", framework=FRAMEWORK_YML.replace('type: yes_no, max: 2,',
                                                                          'type: yes_no, maxx: 2, max: 2,'),
                          campaign=CAMPAIGN_YML.replace("province:", "provinse:"))
    campaign = load_campaign(root)
    found = sorted((p.code, p.row, str(p.file).split("/")[-1]) for p in campaign.warnings)
    assert found == [("CONFIG_UNKNOWN_KEY", 1, "campaign.yml"), ("CONFIG_UNKNOWN_KEY", 10, "2024-A.yml"),
                     ("CONFIG_UNKNOWN_KEY", 10, "2024-B.yml")]
    assert 'có phải "max"?' in campaign.warnings[1].message
    assert main(["check", "--campaign", str(root), "--format", "json"]) == 0
    assert "CONFIG_UNKNOWN_KEY" in json.dumps(json.loads(capsys.readouterr().out))


def test_exception_class_names_never_reach_a_message(tmp_path, many):
    (many.submissions_dir(2024) / "U1_2024.xlsx").write_bytes(b"PK\x03\x04" + b"\0" * 200)
    (problem,) = read_submission(many.submissions_dir(2024) / "U1_2024.xlsx", many, 2024).problems
    assert problem.code == "FILE_CORRUPT" and "Error" not in problem.message and "Zip" not in problem.message
    root = write_campaign(tmp_path / "c", campaign=CAMPAIGN_YML.replace("groups:", "groups: 5\nx:"))
    with pytest.raises(CampaignError) as exc:
        load_campaign(root)
    assert "Error" not in str(exc.value)


def test_a_form_whose_zip_asks_for_an_unknown_compression_method_is_reported(many):
    """A damaged byte in an .xlsx's zip directory can name a compression method zipfile does not know: it raised
    NotImplementedError through the check (found by the archive's byte-flip test)."""
    path = submit(many, "U1")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        sheet = next(i for i in zf.infolist() if i.filename.startswith("xl/worksheets/"))
    # the sheet's central directory entry (its name at offset 46, its method at offset 10)
    entry = data.index(sheet.filename.encode(), data.index(b"PK\x01\x02")) - 46
    data[entry + 10:entry + 12] = (99).to_bytes(2, "little")
    path.write_bytes(bytes(data))
    submit(many, "U2")
    by_unit = {s.unit: s for s in check_year(many, 2024, jobs=1).submissions}
    assert codes(by_unit["U1"].problems) == ["FILE_CORRUPT"] and len(by_unit["U2"].rows) == 6
