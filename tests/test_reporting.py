"""Report helpers: the header every report carries, escaped tables, figures with alt text; the year state's cache."""

import os
from unittest import mock

import pandas as pd

from kit.app.fingerprint import combined, fingerprint
from kit.app.year import load_year
from kit.reporting import charts
from kit.reporting import display as reporting
from kit.store.gradebook import Decision, Gradebook
from tests.helpers import DEMO, copy_demo


def shown(fn, *args, **kw):
    out = []
    with mock.patch.object(reporting, "_display", out.append):
        fn(*args, **kw)
    return "".join(out)


def test_header_names_inputs_time_and_demo(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    yd = load_year(DEMO, 2024)
    text = shown(reporting.header, yd.campaign, "BÁO CÁO <THỬ>", {"year": 2024}, yd.fingerprint)
    assert text.index("Dữ liệu minh họa") < text.index("BÁO CÁO")
    assert "01/01/2025 07:00" in text and yd.fingerprint.digest[:16] in text and "&lt;THỬ&gt;" in text


def test_tables_escape_and_show_missing_values():
    df = pd.DataFrame({"Hạng": pd.array([1, None], dtype="Int64"), "Kiểm chứng": ["<script>x</script>", "ok"]})
    text = shown(reporting.show_table, df, "Bảng")
    assert "&lt;script&gt;" in text and "<script>" not in text and "<NA>" not in text and "—" in text
    assert "Không có." in shown(reporting.show_table, df.iloc[0:0])


def test_figures_carry_alt_text():
    fig_alt = charts.bars(pd.Series({"1. Chỉ đạo": 80.0, "2. Thể chế": 55.5}), "Tỷ lệ đạt", "%",
                          pd.Series({"1. Chỉ đạo": 70.0, "2. Thể chế": 60.0}), "Bình quân nhóm")
    text = shown(reporting.show_figure, fig_alt)
    assert 'alt="Tỷ lệ đạt. 1. Chỉ đạo: 80,0; 2. Thể chế: 55,5."' in text and "data:image/png;base64," in text


def test_cache_follows_the_inputs(tmp_path):
    data = copy_demo(tmp_path / "data")
    first = load_year(data, 2024)
    assert load_year(data, 2024).results is first.results  # nothing changed: computed once
    with Gradebook.for_campaign(first.campaign) as gb:
        gb.record(Decision(2024, "NV", "1.1", "appraisal", 0.0, "Kiểm thử", "đổi ý"))
    again = load_year(data, 2024)
    assert again.results is not first.results and again.fingerprint.digest != first.fingerprint.digest
    assert again.fingerprint.decisions == first.fingerprint.decisions + 1


def test_fingerprint_changes_with_a_submission(tmp_path):
    data = copy_demo(tmp_path / "data")
    yd = load_year(data, 2023)
    before = fingerprint(yd.campaign.root, [2023])
    path = data / "submissions" / "2023" / "NV_2023.xlsx"
    path.write_bytes(path.read_bytes() + b"\0")
    os.utime(path)
    assert fingerprint(yd.campaign.root, [2023]).digest != before.digest
    assert combined([before, before]).files == 2 * before.files
