import math

import pytest

from kit.core.values import cell_text, code_text, fold, is_blank, parse_number


@pytest.mark.parametrize("raw, expected", [
    (2, 2.0), (2.5, 2.5), ("2,5", 2.5), (" 2.5 ", 2.5), ("95 %", 95.0), ("1,234.5", 1234.5), ("-0,5", -0.5),
    ("\u00a03", 3.0),
])
def test_parse_number_accepts_what_people_type(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize("raw", ["đạt", "", None, True, "nan", float("nan"), "1,2,3x"])
def test_parse_number_rejects_non_numbers(raw):
    assert parse_number(raw) is None


def test_fold_strips_diacritics_and_case():
    assert fold("  Điểm  TỰ chấm ") == "diem tu cham"
    assert fold("Không áp dụng") == "khong ap dung"


def test_cell_and_code_text():
    assert cell_text(2.0) == "2" and cell_text(None) == "" and cell_text(math.nan) == ""
    assert code_text(1.2) == "1.2" and code_text(" nv ") == "NV"
    assert is_blank("  ") and not is_blank(0)
