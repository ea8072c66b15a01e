"""Every chart returns a figure and an alt text that says what the chart shows."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from kit.reporting import charts


def test_band_distribution_alt_text_lists_counts():
    counts = pd.DataFrame({"Tốt": [2, 5], "Khá": [1, 0]}, index=["Cơ quan", "Xã"])
    fig, alt = charts.band_distribution(counts, "Phân bố xếp loại")
    assert alt == "Phân bố xếp loại. Cơ quan: Tốt 2, Khá 1; Xã: Tốt 5." and fig.axes
    plt.close(fig)


def test_heatmap_names_the_weakest_area():
    matrix = pd.DataFrame({"1": [90.0, 80.0], "2": [40.0, np.nan]}, index=["A", "B"])
    fig, alt = charts.heatmap(matrix, "Theo lĩnh vực")
    assert "2 đơn vị × 2 lĩnh vực" in alt and alt.endswith("lĩnh vực thấp nhất bình quân: 2.")
    plt.close(fig)


def test_trends_describe_first_and_last_year():
    table = pd.DataFrame({"Xã": [60.0, 70.5]}, index=[2022, 2025])
    fig, alt = charts.trends(table, "Xu hướng")
    assert alt == "Xu hướng, 2022–2025. Xã: 60.0 → 70.5." and len(fig.axes[0].lines) == 1
    plt.close(fig)


def test_palette_is_colour_blind_safe_okabe_ito():
    assert charts.OKABE_ITO[:3] == ["#0072B2", "#E69F00", "#009E73"]
