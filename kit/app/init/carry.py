"""Carry an old campaign's framework of one year into each year and group of a new campaign, by criterion key.

A criterion's ``key`` is its identity across years and its ``code`` only the number printed (kit.config.framework),
so what is carried is the key with everything it means (content, type, points, tiers, kinds); the codes are given
again in order (area 1, 2…; criterion 1.1, 1.2…; part 6.9.1…), and the report names each criterion whose printed
number changed ("renumbered": its key, its old and new code). A criterion that applies only to kinds of unit the new
campaign does not have (thị trấn, gone with the district level) is dropped, its area's points with it, and reported.
Keys that collide in the old framework cannot be carried (which one would the history follow?): each collision is a
located problem and nothing is written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kit.config.framework import Criterion, Framework, framework_path, load_framework
from kit.config.units import UNIT_KINDS
from kit.core import problems as P
from kit.core import vn
from kit.core.errors import FileProblem
from kit.core.yamlfile import line_of, load


@dataclass
class Carried:
    """The frameworks for the new campaign, by (year, group), the report's lines, and the problems."""

    frameworks: dict[tuple[int, str], dict] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)
    problems: list[P.Problem] = field(default_factory=list)


def _key_collisions(path: Path) -> list[P.Problem]:
    """Every key used twice in an old framework file, with the lines of both (criteria, parents and parts)."""
    try:
        raw = load(path)
    except (yaml.YAMLError, FileProblem):
        return []  # load_framework reports it
    seen: dict[str, int | None] = {}
    problems = []

    def visit(item: object) -> None:
        if not isinstance(item, dict):
            return
        key = str(item.get("key") or item.get("code") or "")
        if key in seen:
            problems.append(P.make(P.Code.FRAMEWORK_KEY_COLLISION, file=path, row=line_of(item), value=key,
                                   detail=f"đã dùng ở dòng {seen[key]}"))
        elif key:
            seen[key] = line_of(item)
        for part in item.get("parts") or []:
            visit(part)

    for area in (raw.get("areas") or []) if isinstance(raw, dict) else []:
        for item in (area.get("criteria") or []) if isinstance(area, dict) else []:
            visit(item)
    return problems


def _criterion_dict(c: Criterion, code: str) -> dict:
    out: dict = {"code": code, "key": c.key, "content": c.content, "type": c.type, "max": c.max}
    if c.min:
        out["min"] = c.min
    if c.na:
        out["na"] = True
    if c.tiers:
        out["tiers"] = [{"min": t.min, "points": t.points} for t in c.tiers]
    if c.per_item:
        out["per_item"] = c.per_item
    if c.value_min:
        out["value_min"] = c.value_min
    if c.value_max != 100.0:
        out["value_max"] = c.value_max
    if c.guide:
        out["guide"] = c.guide
    if c.applies_to:
        out["applies_to"] = list(c.applies_to)
    if c.not_for:
        out["not_for"] = list(c.not_for)
    return out


def _keeps(c: Criterion, kinds: set[str] | None) -> bool:
    """Whether some unit of the new campaign answers ``c`` (every criterion when the kinds are not known, or when a
    unit has no kind: it answers everything)."""
    return kinds is None or "" in kinds or any(c.applies(k) for k in kinds)


def renumbered(fw: Framework, kinds: set[str] | None) -> tuple[list[dict], list[tuple[Criterion, str]],
                                                                 list[Criterion]]:
    """The framework's areas as YAML dicts with codes given again in order; the criteria whose code changed (with
    the new code) and those dropped."""
    areas: list[dict] = []
    changed: list[tuple[Criterion, str]] = []
    dropped: list[Criterion] = []
    for area in fw.areas:
        kept = [c for c in area.criteria if _keeps(c, kinds)]
        dropped += [c for c in area.criteria if not _keeps(c, kinds)]
        if not kept:
            continue
        number = str(len(areas) + 1)
        items: list[dict] = []
        parents: dict[str, dict] = {}
        for c in kept:
            if c.parent is None:
                code = f"{number}.{len(items) + 1}"
                items.append(_criterion_dict(c, code))
            else:
                entry = parents.get(c.parent.key)
                if entry is None:
                    entry = {"code": f"{number}.{len(items) + 1}", "key": c.parent.key, "content": c.parent.content,
                             "max": c.parent.max, "parts": []}
                    if c.parent.cap:
                        entry["cap"] = True
                    parents[c.parent.key] = entry
                    items.append(entry)
                code = f"{entry['code']}.{len(entry['parts']) + 1}"
                entry["parts"].append(_criterion_dict(c, code))
            if code != c.code:
                changed.append((c, code))
        for entry in parents.values():  # a parent that lost parts keeps the points of the parts left
            if not entry.get("cap"):
                entry["max"] = sum(p["max"] for p in entry["parts"])
        counted = sum(i["max"] for i in items if "parts" in i or i["type"] not in ("bonus", "deduction"))
        areas.append({"code": number, "key": area.key, "name": area.name, "max": counted, "criteria": items})
    return areas, changed, dropped


def carry_frameworks(old: Path, year: int, new_years: list[int], groups: dict[str, str],
                     kinds: dict[str, set[str]] | None = None) -> Carried:
    """The old campaign's frameworks of ``year`` carried into every new year and group (a group the old campaign
    does not have is left to the caller: its name is in the report). ``kinds``: the unit kinds of each new group,
    when a unit list is known."""
    out = Carried()
    found: dict[str, Framework] = {}
    have = sorted(p.stem for p in (old / "criteria").glob("*-*.yml")) if (old / "criteria").is_dir() else []
    if not any(framework_path(old, year, group).exists() for group in groups):
        where = f"có: {', '.join(have)}" if have else f"{old} không có thư mục criteria/ của một đợt thi đua"
        out.problems.append(P.make(P.Code.CONFIG_MISSING, file=old / "criteria",
                                   value=f"bộ tiêu chí năm {year} của các nhóm {', '.join(groups)} ({where}); hãy "
                                         "chỉ đúng thư mục đợt thi đua cũ (--frameworks-from), năm (--year) và mã "
                                         "nhóm (--group)"))
        return out
    for group in groups:
        path = framework_path(old, year, group)
        if not path.exists():
            out.report.append(f"Nhóm {group}: không có bộ tiêu chí năm {year} trong {old} (tệp {path.name}); dùng bộ "
                              "tiêu chí mẫu, cần thay bằng bộ tiêu chí chính thức.")
            continue
        collisions = _key_collisions(path)
        fw, problems = load_framework(old, year, group)
        out.problems += collisions + [p for p in problems if p.is_error and not collisions]
        if fw is not None and not collisions and not P.has_errors(problems):
            found[group] = fw
    if P.has_errors(out.problems):
        return out
    for group, fw in found.items():
        areas, changed, dropped = renumbered(fw, (kinds or {}).get(group))
        total = sum(a["max"] for a in areas)
        count = sum(1 for a in areas for i in a["criteria"] for _ in (i.get("parts") or [i]))
        out.report.append(f"Nhóm {group} ({groups[group]}): mang sang {count} tiêu chí từ {fw.path} theo khóa "
                          f"(key), tổng {vn.points(total)} điểm.")
        for c, code in changed:
            out.report.append(f"  - đánh số lại: {c.code} → {code} (khóa {c.key}: {c.content})")
        by_kind: dict[str, list[str]] = defaultdict(list)
        for c in dropped:
            only = ", ".join(UNIT_KINDS.get(k, k) for k in c.applies_to) or "—"
            by_kind[only].append(f"{c.code} (khóa {c.key}: {c.content})")
        for only, items in by_kind.items():
            out.report.append(f"  - bỏ (chỉ áp dụng cho {only}, đợt mới không có đơn vị loại này): "
                              + "; ".join(items))
        for new_year in new_years:
            title = re.sub(rf"\b{year}\b", str(new_year), fw.title) or f"Bộ tiêu chí năm {new_year}"
            out.frameworks[(new_year, group)] = {"year": new_year, "group": group, "title": title, "total": total,
                                                 "areas": areas}
    return out
