"""Every chart draws its data (read back from the matplotlib artists) and says it in its alt text."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_hex, to_rgb

from kit.reporting import charts


def test_band_distribution_stacks_the_counts_in_band_order():
    counts = pd.DataFrame({"Tốt": [2, 5], "Khá": [1, 0]}, index=["Cơ quan", "Xã"])
    fig, alt = charts.band_distribution(counts, "Phân bố xếp loại")
    ax = fig.axes[0]
    bars = [(p.get_y() + p.get_height() / 2, p.get_x(), p.get_width(), to_hex(p.get_facecolor())) for p in ax.patches]
    # per group (y position 0, 1): Tốt starts at 0, Khá starts where Tốt ends; one Okabe-Ito colour per band
    assert bars == [(0, 0, 2, "#0072b2"), (1, 0, 5, "#0072b2"), (0, 2, 1, "#e69f00"), (1, 5, 0, "#e69f00")]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Cơ quan", "Xã"]
    assert [t.get_text() for t in ax.texts] == ["2", "5", "1"]  # zero-width segments carry no label
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Tốt", "Khá"]
    assert alt == "Phân bố xếp loại. Cơ quan: Tốt 2, Khá 1; Xã: Tốt 5."
    plt.close(fig)


def test_heatmap_shows_the_matrix_on_a_fixed_0_100_scale():
    matrix = pd.DataFrame({"1": [90.0, 80.0], "2": [40.0, np.nan]}, index=["A", "B"])
    fig, alt = charts.heatmap(matrix, "Theo lĩnh vực")
    ax = fig.axes[0]
    image = ax.images[0]
    np.testing.assert_array_equal(np.asarray(image.get_array().filled(np.nan)), matrix.to_numpy())
    assert image.get_clim() == (0, 100) and image.get_cmap().name == "cividis"
    assert [t.get_text() for t in ax.texts] == ["90", "40", "80"]  # the missing cell is left blank
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2"]
    assert "2 đơn vị × 2 lĩnh vực" in alt and alt.endswith("lĩnh vực thấp nhất bình quân: 2.")
    plt.close(fig)


def test_bars_draw_values_and_the_reference_markers():
    values = pd.Series({"1. Chỉ đạo": 80.0, "2. Thể chế": 55.5})
    fig, alt = charts.bars(values, "Tỷ lệ đạt", "%", pd.Series({"2. Thể chế": 60.0, "1. Chỉ đạo": 70.0}), "Nhóm")
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [80.0, 55.5]
    markers = ax.collections[0].get_offsets()
    assert markers[:, 0].tolist() == [70.0, 60.0]  # the reference follows the bars' order, not its own
    assert alt == "Tỷ lệ đạt. 1. Chỉ đạo: 80,0; 2. Thể chế: 55,5."
    plt.close(fig)


def test_trends_draw_one_line_per_series():
    table = pd.DataFrame({"Xã": [60.0, 70.5], "Cơ quan": [np.nan, 80.0]}, index=[2022, 2025])
    fig, alt = charts.trends(table, "Xu hướng")
    lines = fig.axes[0].lines
    assert [line.get_label() for line in lines] == ["Xã", "Cơ quan"]
    assert list(lines[0].get_xdata()) == ["2022", "2025"] and list(lines[0].get_ydata()) == [60.0, 70.5]
    assert alt == "Xu hướng, 2022–2025. Xã: 60,0 → 70,5."  # a series without a first value is not described
    plt.close(fig)


def _seen_by(colour: str, deficiency: np.ndarray) -> np.ndarray:
    """CIELAB of ``colour`` as a viewer with ``deficiency`` sees it (Viénot, Brettel & Mollon 1999, linear RGB)."""
    srgb = np.array(to_rgb(colour))
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) \
        @ np.clip(deficiency @ linear, 0, 1) / np.array([0.9505, 1.0, 1.089])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


PROTANOPIA = np.array([[0.11238, 0.88762, 0], [0.11238, 0.88762, 0], [0.00401, -0.00401, 1]])
DEUTERANOPIA = np.array([[0.29275, 0.70725, 0], [0.29275, 0.70725, 0], [-0.02234, 0.02234, 1]])


def _closest_pair(palette: list[str], deficiency: np.ndarray) -> float:
    seen = [_seen_by(c, deficiency) for c in palette]
    return min(float(np.linalg.norm(a - b)) for i, a in enumerate(seen) for b in seen[i + 1:])


def test_the_band_colours_stay_apart_for_red_green_colour_blind_readers():
    """The five colours a band chart uses (five bands at most) differ by ΔE ≥ 12 for protanopes and deuteranopes;
    matplotlib's own red/green/blue/orange do not (ΔE ≈ 6), so the measure can tell a bad palette."""
    for deficiency in (PROTANOPIA, DEUTERANOPIA):
        assert _closest_pair(charts.OKABE_ITO[:5], deficiency) >= 12
        assert _closest_pair(["#d62728", "#2ca02c", "#1f77b4", "#ff7f0e"], deficiency) < 12
