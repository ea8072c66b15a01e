import math

import pytest

from kit.core.values import cell_text, code_text, fold, is_blank, parse_number, percent, round_half_up


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


@pytest.mark.parametrize(("value", "rounded"), [(80.125, 80.13), (2.675, 2.68), (51.225, 51.23), (-0.125, -0.13),
                                                (40.980000000000004, 40.98), (1.005, 1.01), (12.0, 12.0)])
def test_round_half_up_as_excel_round(value, rounded):
    assert round_half_up(value) == rounded


def test_percent_in_decimal_arithmetic():
    assert percent(40.98, 80) == 51.23  # binary floating point: 51.224999... → 51.22
    assert percent(79.995, 100) == 80.0 and percent(64.1025, 80.0) == 80.13
    assert math.isnan(percent(10, 0)) and math.isnan(percent(math.nan, 100))


def test_points_as_vietnamese_write_them():
    from kit.core import vn

    assert [vn.points(x) for x in (1.5, 2.0, 0.25, -0.5, 71.5, None)] == ["1,5", "2", "0,25", "-0,5", "71,5", "—"]


def test_a_half_point_choice_and_its_refusal_read_with_a_decimal_comma():
    """The evaluator's dropdown offered "1.5 điểm" and the refusal said "mức: 2, 1.5, 1" (found in the browser test's
    page text): Vietnamese write 1,5."""
    from kit.app.appraisal import Row
    from kit.config.answers import Tier, appraisal_problem
    from kit.ui.scoring_panel import RowEditor

    tiers = (Tier(min=90, points=2.0), Tier(min=50, points=1.5))
    row = Row("U1", "Đơn vị", "1.1", "1.1", "1", "Nội dung", "tiers", 2.0, 0.0, False, tiers, True, "", None, None,
              "", "", None)
    labels = [label for label, _ in RowEditor(row, "1.1. Nội dung", [], lambda _e: None).score.options]
    assert labels == ["— chưa chấm —", "2 điểm", "1,5 điểm", "0 điểm"]
    message = appraisal_problem("tiers", 1.0, max_points=2.0, min_points=0.0, tiers=tiers)
    assert message == "chỉ được chấm một trong các mức: 2; 1,5; 0"


def test_no_number_reaches_a_user_with_a_decimal_point():
    """Every number a user reads goes through kit.core.vn (points, number, integer); a bare ``:g`` format would
    print 1.5. The one exception is a formula Excel reads (data validation bounds)."""
    import re

    from tests.helpers import ROOT

    bare = re.compile(r"\{[^{}]*:g\}")
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}" for path in sorted((ROOT / "kit").rglob("*.py"))
             if path.name != "vn.py" for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if bare.search(line) and "formula" not in line]
    assert found == []
