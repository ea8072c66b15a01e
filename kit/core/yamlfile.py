"""YAML loading that remembers line numbers, so configuration problems can name a line."""

from __future__ import annotations

import difflib
import math
from pathlib import Path

import yaml

from kit.core import problems as P
from kit.core.textfile import read_text

LINE = "__line__"


# libyaml's parser when PyYAML was built with it (every wheel on PyPI): ten times faster on the frameworks than the
# pure-Python one, same marks and the same safe constructor
_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SAFE):  # type: ignore[misc,valid-type]
    """Safe loader (no arbitrary objects) that records each mapping's 1-based line under ``__line__``."""

    def construct_mapping(self, node, deep=False):  # noqa: D401 - yaml API
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


def load(path: Path) -> object:
    """Parse a YAML file; raises ``yaml.YAMLError`` (with its own line) on a syntax error and ``FileProblem`` on a
    file not in UTF-8."""
    return yaml.load(read_text(path), Loader=_LineLoader)  # noqa: S506 - _LineLoader derives from SafeLoader


def syntax_problem(exc: yaml.YAMLError, file: str | Path) -> P.Problem:
    """A YAML syntax error as a located problem in Vietnamese (the parser's English stays out of the message)."""
    mark = getattr(exc, "problem_mark", None)
    return P.make(P.Code.CONFIG_INVALID, file=file, row=mark.line + 1 if mark else None,
                  detail="lỗi cú pháp YAML" + (f" ở cột {mark.column + 1}" if mark else "") + ": thường do thiếu "
                         "dấu ngoặc hoặc dấu nháy đóng, thiếu dấu hai chấm, hoặc thụt lề không đều")


def line_of(mapping: object) -> int | None:
    return mapping.get(LINE) if isinstance(mapping, dict) else None


def unknown_keys(mapping: object, allowed: set[str], file: str | Path, problems: list[P.Problem]) -> None:
    """Warn about keys the kit does not read (a typo such as "maxx" would otherwise be silently ignored)."""
    if not isinstance(mapping, dict):
        return
    for key in mapping:
        if key != LINE and str(key) not in allowed:
            near = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            problems.append(P.make(P.Code.CONFIG_UNKNOWN_KEY, P.WARNING, file=file, row=line_of(mapping), value=key,
                                   expected=f"có phải \"{near[0]}\"?" if near else
                                   f"các khóa dùng được: {', '.join(sorted(allowed))}"))


def finite(value: object) -> bool:
    """A YAML number that can be used: not a bool, not .nan, not .inf."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
