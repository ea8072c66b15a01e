"""Closing widgets that are replaced: a widget lives until closed, in the kernel and in the browser."""

from __future__ import annotations

import ipywidgets as w


def close_tree(widget: w.Widget) -> None:
    """Close a widget, everything inside it and their layouts and styles. Widgets live until closed, in the kernel
    and in the browser: rows rebuilt for every unit shown and never closed added up to thousands of models per hour
    of work. Nothing closed here may be shared with widgets that stay (rows make their own layouts)."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    for part in (getattr(widget, "layout", None), getattr(widget, "style", None)):
        if isinstance(part, w.Widget):
            part.close()
    widget.close()
