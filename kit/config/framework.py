"""Criteria frameworks (bộ tiêu chí): one per year and group, loaded from YAML and validated.

A criterion has a ``code`` (its printed number, which may change from year to year) and a
``key`` (its identity across years), so year-over-year comparison survives renumbering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kit.config.answers import ANSWER_TYPES, Tier, counts_in_max
from kit.core import problems as P
from kit.core import vn
from kit.core.errors import FileProblem
from kit.core.yamlfile import finite, line_of, load, syntax_problem, unknown_keys

_EPS = 1e-6
FRAMEWORK_KEYS = {"year", "group", "title", "total", "areas"}
AREA_KEYS = {"code", "key", "name", "max", "criteria"}
CRITERION_KEYS = {"code", "key", "content", "type", "max", "min", "na", "tiers", "per_item", "value_min", "value_max",
                  "guide"}


@dataclass(frozen=True)
class Criterion:
    code: str
    key: str
    area: str
    content: str
    type: str
    max: float
    min: float = 0.0
    na: bool = False
    tiers: tuple[Tier, ...] = ()
    per_item: float = 0.0
    value_min: float = 0.0
    value_max: float = 100.0
    guide: str = ""

    @property
    def counts_in_max(self) -> bool:
        return counts_in_max(self.type)


@dataclass
class Area:
    code: str
    key: str
    name: str
    max: float
    criteria: list[Criterion] = field(default_factory=list)


@dataclass
class Framework:
    year: int
    group: str
    title: str
    total: float
    areas: list[Area]
    path: Path | None = None

    @property
    def criteria(self) -> list[Criterion]:
        return [c for a in self.areas for c in a.criteria]

    def by_code(self) -> dict[str, Criterion]:
        return {c.code: c for c in self.criteria}


def framework_path(root: Path, year: int, group: str) -> Path:
    return root / "criteria" / f"{year}-{group}.yml"


def _num(raw: dict, name: str, default: float | None, where: P.Where, problems: list[P.Problem]) -> float:
    value = raw.get(name, default)
    if not finite(value):  # .nan and .inf would pass every comparison the checks make
        problems.append(P.make(P.Code.CONFIG_INVALID, row=line_of(raw), **where,
                               detail=f"\"{name}\" phải là một số hữu hạn (đang là {value!r})"))
        return 0.0
    return float(value)  # type: ignore[arg-type]  # finite() checked it is a number


def _criterion(raw: dict, area: str, where: P.Where, problems: list[P.Problem]) -> Criterion | None:
    code = str(raw.get("code", "")).strip()
    row = line_of(raw)
    if not code:
        problems.append(P.make(P.Code.CONFIG_INVALID, row=row, **where, detail="tiêu chí thiếu \"code\""))
        return None
    kind = raw.get("type")
    if kind not in ANSWER_TYPES:
        problems.append(P.make(P.Code.ANSWER_TYPE_UNKNOWN, row=row, **where, value=kind,
                               expected=", ".join(ANSWER_TYPES)))
        return None
    unknown_keys(raw, CRITERION_KEYS, where.get("file", ""), problems)
    found = len(problems)
    numbers = {name: _num(raw, name, default, where, problems) for name, default in
               (("max", 0.0 if kind == "deduction" else None), ("min", 0.0), ("per_item", 0.0), ("value_min", 0.0),
                ("value_max", 100.0))}
    tiers = []
    for t in raw.get("tiers") or []:
        if not isinstance(t, dict):
            problems.append(P.make(P.Code.CONFIG_INVALID, row=row, **where,
                                   detail=f"tiêu chí {code}: mỗi mức cần \"min\" và \"points\""))
            continue
        unknown_keys(t, {"min", "points"}, where.get("file", ""), problems)
        tiers.append(Tier(_num(t, "min", None, where, problems), _num(t, "points", None, where, problems)))
    if any(p.is_error for p in problems[found:]):
        return None
    crit = Criterion(code=code, key=str(raw.get("key") or code), area=area, content=str(raw.get("content", "")).strip(),
                     type=kind, max=numbers["max"], min=numbers["min"], na=bool(raw.get("na", False)),
                     tiers=tuple(tiers), per_item=numbers["per_item"], value_min=numbers["value_min"],
                     value_max=numbers["value_max"], guide=str(raw.get("guide", "")).strip())
    _check_criterion(crit, row, where, problems)
    return crit


def _check_criterion(c: Criterion, row: int | None, where: P.Where, problems: list[P.Problem]) -> None:
    def bad(detail: str) -> None:
        problems.append(P.make(P.Code.CONFIG_INVALID, row=row, **where, detail=f"tiêu chí {c.code}: {detail}"))

    if c.type == "deduction":
        if c.max != 0 or c.min >= 0 or c.per_item <= 0:
            bad("điểm trừ cần max = 0, min < 0 và per_item > 0")
        if c.na:
            bad("điểm trừ không thể \"không áp dụng\"")
    elif c.max <= 0:
        bad("điểm tối đa phải lớn hơn 0")
    if c.type != "deduction" and c.min != 0:
        bad("chỉ tiêu chí điểm trừ mới có min âm")
    if c.type == "tiers":
        mins = [t.min for t in c.tiers]
        if not c.tiers:
            bad("chấm theo mức cần danh sách \"tiers\"")
        elif mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            bad("các mức \"tiers\" phải xếp theo ngưỡng giảm dần, không trùng")
        elif any(t.points < 0 or t.points > c.max + _EPS for t in c.tiers) or abs(c.tiers[0].points - c.max) > _EPS:
            bad("điểm của mức cao nhất phải bằng điểm tối đa, các mức khác trong khoảng 0 - tối đa")
    if c.value_min >= c.value_max:
        bad("value_min phải nhỏ hơn value_max")


def parse(raw: object, path: Path, year: int, group: str) -> tuple[Framework | None, list[P.Problem]]:
    """Build and validate a framework from parsed YAML; returns every problem found."""
    problems: list[P.Problem] = []
    where: P.Where = {"file": path}
    if not isinstance(raw, dict) or not isinstance(raw.get("areas"), list) or not raw["areas"]:
        return None, [P.make(P.Code.CONFIG_INVALID, **where, detail="bộ tiêu chí cần có danh sách \"areas\"")]
    unknown_keys(raw, FRAMEWORK_KEYS, path, problems)
    if raw.get("year") not in (None, year) or raw.get("group") not in (None, group):
        problems.append(P.make(P.Code.CONFIG_INVALID, row=line_of(raw), **where,
                               detail=f"year/group trong tệp khác tên tệp ({year}-{group})"))
    areas: list[Area] = []
    seen_codes: dict[str, int | None] = {}
    seen_keys: set[str] = set()
    for raw_area in raw["areas"]:
        row = line_of(raw_area)
        if not isinstance(raw_area, dict) or not str(raw_area.get("code", "")).strip():
            problems.append(P.make(P.Code.CONFIG_INVALID, row=row, **where, detail="lĩnh vực thiếu \"code\""))
            continue
        code = str(raw_area["code"]).strip()
        unknown_keys(raw_area, AREA_KEYS, path, problems)
        area = Area(code, str(raw_area.get("key") or code), str(raw_area.get("name", "")).strip(),
                    _num(raw_area, "max", None, where, problems))
        for raw_crit in raw_area.get("criteria") or []:
            crit = _criterion(raw_crit, code, where, problems) if isinstance(raw_crit, dict) else None
            if crit is None:
                continue
            if crit.code in seen_codes or crit.key in seen_keys:
                problems.append(P.make(P.Code.CONFIG_INVALID, row=line_of(raw_crit), **where,
                                       detail=f"mã hoặc khóa tiêu chí {crit.code}/{crit.key} bị trùng"))
                continue
            seen_codes[crit.code] = line_of(raw_crit)
            seen_keys.add(crit.key)
            area.criteria.append(crit)
        counted = sum(c.max for c in area.criteria if c.counts_in_max)
        if abs(counted - area.max) > _EPS:
            problems.append(P.make(P.Code.POINTS_MISMATCH, row=row, **where,
                                   detail=f"lĩnh vực {code} ghi {vn.points(area.max)} điểm nhưng các tiêu chí cộng lại "
                                          f"{vn.points(counted)} điểm"))
        areas.append(area)
    total = _num(raw, "total", 100.0, where, problems)
    area_sum = sum(a.max for a in areas)
    if abs(area_sum - total) > _EPS:
        problems.append(P.make(P.Code.POINTS_MISMATCH, row=line_of(raw), **where,
                               detail=f"tổng điểm ghi {vn.points(total)} nhưng các lĩnh vực cộng lại "
                                      f"{vn.points(area_sum)}"))
    fw = Framework(year, group, str(raw.get("title", "")), total, areas, path)
    return fw, problems


def load_framework(root: Path, year: int, group: str) -> tuple[Framework | None, list[P.Problem]]:
    path = framework_path(root, year, group)
    if not path.exists():
        return None, [P.make(P.Code.CONFIG_MISSING, file=path, value=f"bộ tiêu chí năm {year}, nhóm {group}")]
    try:
        raw = load(path)
    except yaml.YAMLError as exc:
        return None, [syntax_problem(exc, path)]
    except FileProblem as exc:
        return None, [exc.problem]
    try:
        return parse(raw, path, year, group)
    except (TypeError, ValueError, AttributeError, KeyError, OverflowError):
        detail = "cấu trúc tệp không đúng mẫu; hãy so với bộ tiêu chí minh họa (areas → criteria)"
        return None, [P.make(P.Code.CONFIG_INVALID, file=path, detail=detail)]
