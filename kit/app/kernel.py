"""What a report worker's kernel runs besides the notebooks, called by name (``kit.outputs.render.kernel_call``).

A reused kernel is warmed up while its worker starts, so that the first notebook costs what the others do: the
modules the reports import (read from the notebooks' own import statements: the kit never names a module above its
floor), matplotlib's fonts (the first figure drawn loads them), and the years the jobs will read loaded into
``kit.app.year``'s cache. Living here as ordinary functions (not strings of code) keeps the kernel's imports under
the import contract.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Sequence


def notebook_imports(notebook: str) -> list[ast.stmt]:
    """The top-level import statements of a notebook's code cells."""
    import nbformat

    found: list[ast.stmt] = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        try:
            found += [n for n in ast.parse(cell.source).body if isinstance(n, ast.Import | ast.ImportFrom)]
        except SyntaxError:  # a cell with IPython magics: its imports are left to the notebook
            continue
    return found


def warm(campaign: str, years: list[int], notebooks: Sequence[str] = ()) -> None:
    """Import what the ``notebooks`` import, draw one figure, load ``years`` of the campaign folder into the cache.
    Nothing here may fail a render: an import that fails now fails again, visibly, in its notebook."""
    for notebook in notebooks:
        for statement in notebook_imports(notebook):
            try:
                exec(compile(ast.Module([statement], []), notebook, "exec"), {})  # the kit's own notebook
            except Exception:  # reported by the notebook itself
                continue
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kit.app import year
    from kit.config.campaign import load_campaign

    figure, axes = plt.subplots()
    axes.bar(["Tốt"], [1.0])
    axes.set_title("Xếp loại")
    figure.savefig(io.BytesIO(), format="png")
    plt.close(figure)
    if years:
        year.load_years(load_campaign(campaign), sorted(set(years)))
