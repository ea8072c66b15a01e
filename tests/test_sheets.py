import zipfile

import pytest

from kit.core.errors import FileProblem
from kit.intake.sheets import read_grids
from tests.helpers import submit


def problem_of(path):
    with pytest.raises(FileProblem) as exc:
        read_grids(path)
    return exc.value.problem.code


def test_broken_files_are_named(tmp_path):
    (tmp_path / "a.xlsx").write_bytes(b"")
    (tmp_path / "b.xlsx").write_bytes(b"PK\x03\x04garbage" * 10)
    (tmp_path / "c.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (tmp_path / "d.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le"))
    (tmp_path / "e.pdf").write_bytes(b"%PDF")
    (tmp_path / "f.xlsx").write_text("hello")
    (tmp_path / "g.csv").write_bytes("Mã tiêu chí;Diem".encode("cp1252"))
    assert [problem_of(tmp_path / n) for n in ("a.xlsx", "b.xlsx", "c.xls", "d.xlsx", "e.pdf", "f.xlsx", "g.csv")] == [
        "FILE_EMPTY", "FILE_CORRUPT", "FILE_OLD_XLS", "FILE_ENCRYPTED", "FILE_TYPE", "FILE_CORRUPT", "FILE_ENCODING"]
    (tmp_path / "h.csv").write_bytes("Mã tiêu chí;Điểm".encode("utf-16"))  # Excel's "Unicode text": read as it is
    assert read_grids(tmp_path / "h.csv")[0].rows == [["Mã tiêu chí", "Điểm"]]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("sep", [",", ";"])
def test_csv_utf8_with_or_without_bom(tmp_path, bom, sep):
    path = tmp_path / "x.csv"
    path.write_bytes(bom + f"Mã tiêu chí{sep}Điểm tự chấm\n1.1{sep}\"2,5\"\n".encode())
    (grid,) = read_grids(path)
    assert grid.rows == [["Mã tiêu chí", "Điểm tự chấm"], ["1.1", "2,5"]]


def test_formula_without_cached_value_is_found(tiny):
    path = submit(tiny, "U1", {"1.3": {"self": "=1+1"}})
    grids = read_grids(path)
    assert list(grids[0].formulas_without_value.values()) == ["=1+1"]
    (row, col), = grids[0].formulas_without_value
    assert grids[0].rows[row - 1][col - 1] in ("", None)


def test_formula_with_cached_value_is_fine(tiny, tmp_path):
    path = submit(tiny, "U1")
    # Rewrite one self-score cell as Excel saves it: a formula plus its cached value.
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace('<c r="G14" s="', '<c r="G14" s="', 1).replace(
        "<v>1.5</v>", "<f>1+0.5</f><v>1.5</v>", 1).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    grids = read_grids(path)
    assert grids[0].formulas_without_value == {}
    assert 1.5 in [v for row in grids[0].rows for v in row]
