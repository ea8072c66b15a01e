"""YAML loading that remembers line numbers, so configuration problems can name a line."""

from __future__ import annotations

from pathlib import Path

import yaml

LINE = "__line__"


class _LineLoader(yaml.SafeLoader):
    """Safe loader (no arbitrary objects) that records each mapping's 1-based line under ``__line__``."""

    def construct_mapping(self, node, deep=False):  # noqa: D401 - yaml API
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


def load(path: Path) -> object:
    """Parse a YAML file; raises ``yaml.YAMLError`` (with its own line) on a syntax error."""
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LineLoader)  # noqa: S506 - _LineLoader derives from SafeLoader


def line_of(mapping: object) -> int | None:
    return mapping.get(LINE) if isinstance(mapping, dict) else None
