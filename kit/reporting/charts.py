"""Charts for reports: large type for projectors, a colour-blind-safe palette, Vietnamese labels.

Each function returns (figure, alt text); ``kit.reporting.show_figure`` puts the alt text on the
image in the HTML. The Okabe-Ito palette and the cividis colour map stay readable with the
common colour-vision deficiencies and in grey print.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # reports render without a screen; notebooks still show the PNG we embed

from typing import Any  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from cycler import cycler  # noqa: E402

from kit.core import vn  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STYLE: dict[Any, Any] = {
    "font.size": 14, "axes.titlesize": 17, "axes.labelsize": 15, "xtick.labelsize": 13, "ytick.labelsize": 13,
    "legend.fontsize": 13, "axes.prop_cycle": cycler(color=OKABE_ITO), "figure.dpi": 100,
    "axes.spines.top": False, "axes.spines.right": False,
    "text.parse_math": False}  # unit names are text: "$" is a dollar sign, not the start of a formula


def _fig(width: float, height: float):
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return fig, ax


def band_distribution(counts: pd.DataFrame, title: str):
    """counts: index = group names, columns = bands (best first), values = number of units."""
    with plt.rc_context(STYLE):
        fig, ax = _fig(11, 0.9 * len(counts) + 2.2)
        left = np.zeros(len(counts))
        for i, band in enumerate(counts.columns):
            values = counts[band].to_numpy()
            ax.barh(counts.index, values, left=left, label=band, color=OKABE_ITO[i % len(OKABE_ITO)])
            for y, (x0, v) in enumerate(zip(left, values, strict=True)):
                if v:
                    ax.text(x0 + v / 2, y, str(int(v)), ha="center", va="center", color="white", fontweight="bold")
            left += values
        ax.set_xlabel("Số đơn vị")
        ax.set_title(title)
        ax.legend(ncols=len(counts.columns), loc="upper center", bbox_to_anchor=(0.5, -0.25), frameon=False)
    parts = "; ".join(f"{g}: " + ", ".join(f"{b} {int(n)}" for b, n in row.items() if n)
                      for g, row in counts.iterrows())
    return fig, f"{title}. {parts}."


def heatmap(matrix: pd.DataFrame, title: str):
    """matrix: rows = units, columns = areas, values = percentage achieved (0-100)."""
    with plt.rc_context(STYLE):
        fig, ax = _fig(max(8, 1.2 * matrix.shape[1] + 5), 0.42 * matrix.shape[0] + 2.5)
        im = ax.imshow(matrix.to_numpy(dtype=float), cmap="cividis", vmin=0, vmax=100, aspect="auto")
        ax.set_xticks(range(matrix.shape[1]), matrix.columns)
        ax.set_yticks(range(matrix.shape[0]), matrix.index)
        for (y, x), v in np.ndenumerate(matrix.to_numpy(dtype=float)):
            if not np.isnan(v):
                ax.text(x, y, f"{v:.0f}", ha="center", va="center", fontsize=11,
                        color="black" if v > 55 else "white")
        ax.set_xlabel("Lĩnh vực")
        ax.set_title(title)
        fig.colorbar(im, ax=ax, label="Tỷ lệ đạt (%)", shrink=0.8)
    weakest = matrix.mean().idxmin() if matrix.size else ""
    return fig, (f"{title}: {matrix.shape[0]} đơn vị × {matrix.shape[1]} lĩnh vực; "
                 f"lĩnh vực thấp nhất bình quân: {weakest}.")


def bars(values: pd.Series, title: str, xlabel: str, reference: pd.Series | None = None, ref_label: str = ""):
    """Horizontal bars (e.g. a unit's % per area), optionally with a reference marker (group average)."""
    with plt.rc_context(STYLE):
        fig, ax = _fig(11, 0.55 * len(values) + 2)
        ax.barh(values.index.astype(str), values.to_numpy(dtype=float), color=OKABE_ITO[0], label="Đơn vị")
        if reference is not None:
            ax.scatter(reference.reindex(values.index).to_numpy(dtype=float), values.index.astype(str), marker="D",
                       s=90, color=OKABE_ITO[1], zorder=3, label=ref_label)
            ax.legend(loc="lower right")
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        ax.set_title(title)
    listed = "; ".join(f"{k}: {vn.number(v, 1)}" for k, v in values.items() if pd.notna(v))
    return fig, f"{title}. {listed}."


def trends(table: pd.DataFrame, title: str, ylabel: str = "Tỷ lệ đạt (%)"):
    """table: index = years, columns = series (units, groups or areas)."""
    with plt.rc_context(STYLE):
        fig, ax = _fig(11, 6)
        markers = "osD^vP*X"
        for i, col in enumerate(table.columns):
            ax.plot(table.index.astype(str), table[col].to_numpy(dtype=float), marker=markers[i % len(markers)],
                    linewidth=2.5, markersize=8, label=str(col), color=OKABE_ITO[i % len(OKABE_ITO)])
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
        ax.grid(axis="y", alpha=0.3)
    first, last = table.index[0], table.index[-1]
    moves = "; ".join(f"{c}: {vn.number(table.loc[first, c], 1)} → {vn.number(table.loc[last, c], 1)}"
                      for c in table.columns if pd.notna(table.loc[first, c]) and pd.notna(table.loc[last, c]))
    return fig, f"{title}, {first}–{last}. {moves}."


def lineage(links: list[tuple[str, str, float]], title: str):
    """links: (predecessor name, successor name, share); predecessors on the left, successors on the right."""
    before = list(dict.fromkeys(p for p, _, _ in links))
    after = list(dict.fromkeys(s for _, s, _ in links))
    rows = max(len(before), len(after), 1)
    with plt.rc_context(STYLE):
        fig, ax = _fig(12, 0.42 * rows + 1.6)
        y_of = {name: rows - 1 - i * (rows - 1) / max(len(before) - 1, 1) for i, name in enumerate(before)}
        z_of = {name: rows - 1 - i * (rows - 1) / max(len(after) - 1, 1) for i, name in enumerate(after)}
        for p, s, share in links:
            ax.plot([0.32, 0.68], [y_of[p], z_of[s]], color=OKABE_ITO[after.index(s) % len(OKABE_ITO)],
                    linewidth=1.5 + 2 * share, alpha=0.8)
            if share < 1:
                ax.text(0.5, (y_of[p] + z_of[s]) / 2, f"{vn.points(share * 100)} %", ha="center", va="bottom",
                        fontsize=11)
        for name, y in y_of.items():
            ax.text(0.31, y, name, ha="right", va="center", fontsize=12)
        for name, z in z_of.items():
            ax.text(0.69, z, name, ha="left", va="center", fontsize=13, fontweight="bold")
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.8, rows - 0.2)
        ax.axis("off")
        ax.set_title(title)
    listed = "; ".join(f"{s} ← " + ", ".join(f"{p}" + (f" ({vn.points(share * 100)} %)" if share < 1 else "")
                                               for p, s2, share in links if s2 == s) for s in after)
    return fig, f"{title}. {listed}."
