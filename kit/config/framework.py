"""Criteria frameworks (bộ tiêu chí): one per year and group, loaded from YAML and validated.

A criterion has a ``code`` (its printed number, which may change from year to year) and a
``key`` (its identity across years), so year-over-year comparison survives renumbering.

Three levels (lĩnh vực → tiêu chí → tiêu chí thành phần): a criterion may list ``parts:``. The parts are then the
scored rows (each with its own code, key, type and points) and carry their ``Parent``; the parent is a heading whose
points are the sum of its parts, or that sum capped at the parent's ``max`` when ``cap: true``. Everything keyed by
criterion code (forms, decisions, agreement) sees only scored rows, so two-level frameworks are unchanged; the cap is
applied where totals are summed (kit.scoring.totals), nowhere else.

Applicability by unit kind: a criterion (or a parent, for all its parts) may say ``applies_to: [xa, thi_tran]`` or
``not_for: [phuong]`` (kinds from kit.config.units.UNIT_KINDS). For a unit of another kind the criterion is not part
of its form nor of its applicable maximum; a unit without a kind gets every criterion.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kit.config.answers import ANSWER_TYPES, Tier, counts_in_max
from kit.config.feedlinks import LINK_KEYS, FeedLink, parse_link
from kit.config.units import UNIT_KINDS
from kit.core import problems as P
from kit.core import vn
from kit.core.errors import FileProblem
from kit.core.yamlfile import finite, line_of, load, syntax_problem, unknown_keys

_EPS = 1e-6
FRAMEWORK_KEYS = {"year", "group", "title", "total", "areas"}
AREA_KEYS = {"code", "key", "name", "max", "criteria"}
CRITERION_KEYS = {"code", "key", "content", "type", "max", "min", "na", "tiers", "per_item", "value_min", "value_max",
                  "guide", "applies_to", "not_for", *LINK_KEYS}
PARENT_KEYS = {"code", "key", "content", "max", "cap", "parts", "applies_to", "not_for"}


def applies(applies_to: tuple[str, ...], not_for: tuple[str, ...], kind: str) -> bool:
    """Whether a criterion with these rules is part of a unit of ``kind`` ("" = no kind given: always)."""
    if not kind:
        return True
    return (not applies_to or kind in applies_to) and kind not in not_for


@dataclass(frozen=True)
class Parent:
    """A criterion with sub-criteria (tiêu chí có tiêu chí thành phần): a heading, never a scored row."""

    code: str
    key: str
    content: str
    max: float
    cap: bool = False  # True: the parts may add up to more than ``max``; what counts stops at ``max``


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
    parent: Parent | None = None
    applies_to: tuple[str, ...] = ()
    not_for: tuple[str, ...] = ()
    feed: FeedLink | None = None  # its proposal comes from an outside source (kit.config.feedlinks)

    @property
    def counts_in_max(self) -> bool:
        return counts_in_max(self.type)

    def applies(self, kind: str) -> bool:
        return applies(self.applies_to, self.not_for, kind)


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

    def criteria_for(self, kind: str) -> list[Criterion]:
        """The scored rows a unit of ``kind`` answers (kit.config.units.UNIT_KINDS; "" = every criterion)."""
        return [c for c in self.criteria if c.applies(kind)]

    @property
    def parent_codes(self) -> set[str]:
        return {c.parent.code for c in self.criteria if c.parent}


def part_label(content: str, parent: str = "", parent_content: str = "", *, flat: bool = False) -> str:
    """A sub-criterion's text as every output writes it: "└ content" under its parent's heading row, or
    "6.9 Parent └ content" in a flat table without heading rows; a criterion without a parent as it is."""
    if not parent:
        return content
    return f"{parent} {parent_content} └ {content}" if flat else f"└ {content}"


def framework_path(root: Path, year: int, group: str) -> Path:
    return root / "criteria" / f"{year}-{group}.yml"


def _num(raw: dict, name: str, default: float | None, where: P.Where, problems: list[P.Problem]) -> float:
    value = raw.get(name, default)
    if not finite(value):  # .nan and .inf would pass every comparison the checks make
        problems.append(P.make(P.Code.CONFIG_INVALID, row=line_of(raw), **where,
                               detail=f"\"{name}\" phải là một số hữu hạn (đang là {value!r})"))
        return 0.0
    return float(value)  # type: ignore[arg-type]  # finite() checked it is a number


def _kinds(raw: dict, code: str, where: P.Where, problems: list[P.Problem]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``applies_to`` / ``not_for`` of a criterion or parent, checked: a list of known kinds, not both."""
    found: dict[str, tuple[str, ...]] = {}
    for name in ("applies_to", "not_for"):
        value = raw.get(name)
        if value is None:
            found[name] = ()
            continue
        items = value if isinstance(value, list) else [value]
        kinds = tuple(str(k).strip() for k in items)
        for kind in kinds:
            if kind not in UNIT_KINDS:
                problems.append(P.make(P.Code.CONFIG_INVALID, row=line_of(raw), **where,
                                       detail=f"tiêu chí {code}: loại đơn vị \"{kind}\" trong \"{name}\" không có; "
                                              f"dùng một trong: {', '.join(UNIT_KINDS)}"))
        found[name] = kinds
    if found["applies_to"] and found["not_for"]:
        problems.append(P.make(P.Code.CONFIG_INVALID, row=line_of(raw), **where,
                               detail=f"tiêu chí {code}: chỉ ghi một trong \"applies_to\" hoặc \"not_for\""))
    return found["applies_to"], found["not_for"]


def _criterion(raw: dict, area: str, where: P.Where, problems: list[P.Problem],
               parent: Parent | None = None, inherited: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
               ) -> Criterion | None:
    code = str(raw.get("code", "")).strip()
    row = line_of(raw)
    if not code:
        problems.append(P.make(P.Code.CONFIG_INVALID, row=row, **where, detail="tiêu chí thiếu \"code\""))
        return None
    if "parts" in raw:
        problems.append(P.make(P.Code.CONFIG_INVALID, row=row, **where,
                               detail=f"tiêu chí thành phần {code} không được có \"parts\": bộ tiêu chí chỉ có ba "
                                      "cấp (lĩnh vực → tiêu chí → tiêu chí thành phần)"))
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
    applies_to, not_for = _kinds(raw, code, where, problems)
    link = parse_link(raw, code, kind, numbers["max"], [t.points for t in tiers], where, problems)
    if any(p.is_error for p in problems[found:]):
        return None
    if parent is not None and not counts_in_max(kind):
        problems.append(P.make(P.Code.CONFIG_INVALID, row=row, **where,
                               detail=f"tiêu chí thành phần {code}: điểm cộng, điểm trừ không thể là tiêu chí thành "
                                      "phần"))
        return None
    crit = Criterion(code=code, key=str(raw.get("key") or code), area=area, content=str(raw.get("content", "")).strip(),
                     type=kind, max=numbers["max"], min=numbers["min"], na=bool(raw.get("na", False)),
                     tiers=tuple(tiers), per_item=numbers["per_item"], value_min=numbers["value_min"],
                     value_max=numbers["value_max"], guide=str(raw.get("guide", "")).strip(), parent=parent,
                     applies_to=applies_to or inherited[0], not_for=not_for or inherited[1], feed=link)
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
    if c.type == "tiers" or (c.feed is not None and c.feed.convert == "tiers"):
        mins = [t.min for t in c.tiers]
        if not c.tiers:
            bad("chấm theo mức cần danh sách \"tiers\"")
        elif mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            bad("các mức \"tiers\" phải xếp theo ngưỡng giảm dần, không trùng")
        elif any(t.points < 0 or t.points > c.max + _EPS for t in c.tiers) or abs(c.tiers[0].points - c.max) > _EPS:
            bad("điểm của mức cao nhất phải bằng điểm tối đa, các mức khác trong khoảng 0 - tối đa")
    if c.value_min >= c.value_max:
        bad("value_min phải nhỏ hơn value_max")


def _unique(code: str, key: str, row: int | None, seen_codes: dict[str, int | None], seen_keys: set[str],
            where: P.Where, problems: list[P.Problem]) -> bool:
    """Codes and keys are unique across a framework's criteria, parents and parts alike."""
    if code in seen_codes or key in seen_keys:
        problems.append(P.make(P.Code.CONFIG_INVALID, row=row, **where,
                               detail=f"mã hoặc khóa tiêu chí {code}/{key} bị trùng"))
        return False
    seen_codes[code] = row
    seen_keys.add(key)
    return True


def _parent(raw: dict, area: str, where: P.Where, problems: list[P.Problem]
            ) -> tuple[Parent, list[Criterion], list[dict]] | None:
    """A criterion with ``parts``: its parts as scored rows; the parts' points checked against the parent's max."""
    code, row = str(raw.get("code", "")).strip(), line_of(raw)
    parts = raw.get("parts")
    if not code or not isinstance(parts, list) or not parts or not all(isinstance(p, dict) for p in parts):
        problems.append(P.make(P.Code.CONFIG_INVALID, row=row, **where,
                               detail=f"tiêu chí {code or '(thiếu code)'}: \"parts\" phải là danh sách tiêu chí "
                                      "thành phần"))
        return None
    unknown_keys(raw, PARENT_KEYS, where.get("file", ""), problems)
    if "type" in raw:
        problems.append(P.make(P.Code.CONFIG_INVALID, row=row, **where,
                               detail=f"tiêu chí {code} có tiêu chí thành phần: cách chấm (\"type\") ghi ở từng "
                                      "tiêu chí thành phần"))
    cap = bool(raw.get("cap", False))
    found = len(problems)
    inherited = _kinds(raw, code, where, problems)
    declared = _num(raw, "max", None if cap else 0.0, where, problems) if cap or "max" in raw else None
    if any(p.is_error for p in problems[found:]):
        return None
    provisional = Parent(code, str(raw.get("key") or code), str(raw.get("content", "")).strip(), 0.0, cap)
    leaves = [_criterion(p, area, where, problems, provisional, inherited) for p in parts]
    kept = [(c, p) for c, p in zip(leaves, parts, strict=True) if c is not None]
    summed = sum(c.max for c, _ in kept)
    if len(kept) < len(parts):
        return None
    total = summed if declared is None else declared
    if cap and summed < total - _EPS:
        problems.append(P.make(P.Code.POINTS_MISMATCH, row=row, **where,
                               detail=f"tiêu chí {code} (cap) ghi tối đa {vn.points(total)} điểm nhưng các tiêu chí "
                                      f"thành phần cộng lại chỉ {vn.points(summed)} điểm"))
    elif not cap and abs(summed - total) > _EPS:
        problems.append(P.make(P.Code.POINTS_MISMATCH, row=row, **where,
                               detail=f"tiêu chí {code} ghi {vn.points(total)} điểm nhưng các tiêu chí thành phần "
                                      f"cộng lại {vn.points(summed)} điểm (ghi \"cap: true\" nếu điểm tối đa là mức "
                                      "trần)"))
    parent = Parent(provisional.code, provisional.key, provisional.content, total, cap)
    return parent, [dataclasses.replace(c, parent=parent) for c, _ in kept], [p for _, p in kept]


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
        counted = 0.0
        for raw_crit in raw_area.get("criteria") or []:
            if isinstance(raw_crit, dict) and "parts" in raw_crit:
                found = _parent(raw_crit, code, where, problems)
                if found is None:
                    continue
                parent, leaves, raw_parts = found
                if not _unique(parent.code, parent.key, line_of(raw_crit), seen_codes, seen_keys, where, problems):
                    continue
            else:
                crit = _criterion(raw_crit, code, where, problems) if isinstance(raw_crit, dict) else None
                if crit is None:
                    continue
                parent, leaves, raw_parts = None, [crit], [raw_crit]
            for crit, raw_part in zip(leaves, raw_parts, strict=True):
                if _unique(crit.code, crit.key, line_of(raw_part), seen_codes, seen_keys, where, problems):
                    area.criteria.append(crit)
                    counted += crit.max if crit.counts_in_max and parent is None else 0.0
            if parent is not None:
                counted += parent.max
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
