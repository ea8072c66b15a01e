import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from kit.cli import main
from tests.helpers import DEMO, submit, title_row


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_forms_command(capsys, tiny, tmp_path):
    code, out, _ = run(capsys, "forms", "--campaign", str(tiny.root), "--year", "2024", "--out", str(tmp_path),
                       "--units", "u1,U3")
    assert code == 0 and "2 phiếu" in out
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == ["U1_2024.xlsx", "U3_2024.xlsx"]


def test_check_exit_status_follows_errors(capsys, tiny):
    submit(tiny, "U1")
    code, out, _ = run(capsys, "check", "--campaign", str(tiny.root), "--year", "2024")
    assert code == 0 and "chưa nộp: U2, U3" in out
    submit(tiny, "U2", {"1.1": {"answer": "Có", "self": 9}})
    code, out, _ = run(capsys, "check", "--campaign", str(tiny.root), "--year", "2024", "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and any(p["code"] == "SCORE_ABOVE_MAX" for p in data["problems"])


def test_results_command_writes_xlsx_and_csv(capsys, tiny, tmp_path):
    submit(tiny, "U1")
    code, out, _ = run(capsys, "results", "--campaign", str(tiny.root), "--year", "2024", "--out",
                       str(tmp_path / "kq.xlsx"))
    sheet = load_workbook(tmp_path / "kq.xlsx")["Kết quả"]
    assert code == 0 and sheet.cell(title_row(sheet), 1).value == "Năm"
    code, _, _ = run(capsys, "results", "--campaign", str(tiny.root), "--year", "2024", "--out",
                     str(tmp_path / "kq.csv"))
    assert code == 0 and (tmp_path / "kq.csv").exists()


def test_user_mistakes_give_a_message_not_a_traceback(capsys, tiny, tmp_path):
    code, _, err = run(capsys, "check", "--campaign", str(tmp_path / "khong-co"))
    assert code == 2 and "Không tìm thấy" in err and "Traceback" not in err
    code, _, err = run(capsys, "results", "--campaign", str(tiny.root), "--year", "2031")
    assert code == 2 and "Năm 2031" in err
    code, _, err = run(capsys, "results", "--campaign", str(tiny.root), "--year", "2024", "--out", "x.pdf")
    assert code == 2 and ".xlsx" in err
    (tiny.root / "units.csv").write_text("code,name,group\nU1,Một,A\nU1,Một,B\n", encoding="utf-8")
    code, _, err = run(capsys, "check", "--campaign", str(tiny.root))
    assert code == 2 and "UNIT_TWO_GROUPS" in err and "units.csv, dòng 3" in err


@pytest.mark.notebooks
def test_demo_command_on_the_bundled_campaign(capsys, tmp_path):
    code, out, _ = run(capsys, "demo", "--campaign", str(DEMO), "--reports", str(tmp_path), "--quiet", "--no-render")
    assert code == 0 and "Dữ liệu minh họa" in out
    for year in (2022, 2023, 2024, 2025):
        assert (tmp_path / str(year) / f"ket-qua-{year}.xlsx").exists()
        assert "KIỂM TRA PHIẾU" in (tmp_path / str(year) / f"kiem-tra-{year}.txt").read_text(encoding="utf-8")
    assert "Năm 2025" in out and "tạm tính theo điểm tự chấm" in out


def test_console_entry_point():
    done = subprocess.run([sys.executable, "-m", "kit", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("kit ")


def test_check_includes_the_movement_files(capsys):
    code, out, _ = run(capsys, "check", "--campaign", str(DEMO), "--year", "2023")
    rows = (DEMO / "nominations" / "2023.csv").read_text(encoding="utf-8").splitlines()
    duplicate = len(rows) - 1  # (the demo's copied row is the one before the unknown unit's, at the end)
    assert code == 1 and f"nominations/2023.csv, dòng {duplicate}" in out and "PERSON_DUPLICATE" in out
