"""What a report worker's kernel runs besides the notebooks, called by name (``kit.outputs.render.kernel_call``).

A reused kernel is warmed up while its worker starts, so that the first notebook costs what the others do: the
modules the reports import, matplotlib's fonts (the first figure drawn loads them), and the years the jobs will read
loaded into ``kit.app.year``'s cache. Living here as ordinary functions (not strings of code) keeps the kernel's
imports under the import contract.
"""

from __future__ import annotations

import io


def warm(campaign: str, years: list[int]) -> None:
    """Import what the reports import, draw one figure, load ``years`` of the campaign folder into the cache."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import kit.app.fingerprint  # noqa: F401  (imported for the reports that follow)
    from kit.app import year
    from kit.config.campaign import load_campaign

    figure, axes = plt.subplots()
    axes.bar(["Tốt"], [1.0])
    axes.set_title("Xếp loại")
    figure.savefig(io.BytesIO(), format="png")
    plt.close(figure)
    if years:
        year.load_years(load_campaign(campaign), sorted(set(years)))
