"""Learning pairs: who could learn what from whom ("trao đổi, học tập kinh nghiệm" in the plan).

For each unit and each area where it stands in the bottom quarter of its group, the units that did best in that
area: up to two of its own group, then the best of the other groups (areas matched by their stable key, so a
commune can learn from an office), each with the evidence behind its full-mark criteria. Deterministic: ties
are broken by unit code; every suggestion says why it is made.

The rule, written once: in a group of n units with a result in an area, sorted by percentage (then code), the
first ceil(n / 4) are its bottom quarter, except a unit already level with the best (nothing to learn there); a
mentor scores strictly higher than the learner and is in the top quarter of its own group in that area.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from kit.config.campaign import Campaign
from kit.core import vn

PAIR_COLUMNS = ["group", "unit", "unit_name", "key", "area_name", "percent", "position", "size", "mentors", "why"]
SAME_GROUP, OTHER_GROUPS, EVIDENCE = 2, 1, 2  # mentors named per pair, evidence titles per mentor


def area_keys(campaign: Campaign, year: int) -> dict[tuple[str, str], str]:
    """(group, area code) -> the area's stable key that year."""
    return {(g, a.code): a.key or a.name for (y, g), fw in campaign.frameworks.items() if y == year
            for a in fw.areas}


def _evidence(long: pd.DataFrame, keys: dict[tuple[str, str], str]) -> dict[tuple[str, str], list[str]]:
    """(unit, area key) -> evidence of the criteria it scored in full (code order), what a learner would ask for."""
    full = long[(long["counted"] >= long["max"]) & (long["max"] > 0) & long["evidence"].fillna("").astype(bool)]
    out: dict[tuple[str, str], list[str]] = {}
    for r in sorted(full.itertuples(), key=lambda r: (r.unit, _code_order(r.code))):
        out.setdefault((r.unit, keys.get((r.group, r.area), r.area)), []).append(f"{r.code}: {r.evidence}")
    return out


def _code_order(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in str(code).split("."))


def year_areas(campaign: Campaign, year: int, areas: pd.DataFrame) -> pd.DataFrame:
    """A year's per-area results (kit.scoring.results) with the area key."""
    keys = area_keys(campaign, year)
    return areas.assign(key=[keys.get((g, a), a) for g, a in zip(areas["group"], areas["area"], strict=True)])


def learning_pairs(areas: pd.DataFrame, evidence: Callable[[str, str], list[str]],
                   names: dict[str, str]) -> pd.DataFrame:
    """``areas``: group, unit, unit_name, key, area_name, percent (one row per unit and area);
    ``evidence(unit, key)``: a mentor's evidence titles; ``names``: group code -> name."""
    areas = areas.dropna(subset=["percent"])
    stats: dict[tuple[str, str], pd.DataFrame] = {}
    for (group, key), frame in areas.groupby(["group", "key"], sort=False):
        ordered = frame.sort_values(["percent", "unit"], ascending=[True, True]).reset_index(drop=True)
        stats[(group, key)] = ordered
    top: dict[tuple[str, str], list] = {}
    for gk, ordered in stats.items():  # each group's top quarter in the area, best first (rows made once: a
        best = ordered.sort_values(["percent", "unit"], ascending=[False, True])  # province's 96 communes
        top[gk] = list(best.head(math.ceil(len(best) / 4)).itertuples())  # asked for them thousands of times)
    rows = []
    for (group, key), ordered in stats.items():
        n = len(ordered)
        if n < 2:
            continue
        best = ordered["percent"].max()
        for position, r in enumerate(ordered.head(math.ceil(n / 4)).itertuples(), start=1):
            if r.percent >= best:
                continue
            same = [m for m in top[(group, key)] if m.percent > r.percent][:SAME_GROUP]
            others = sorted((m for (g, k), t in top.items() if k == key and g != group for m in t
                             if m.percent > r.percent), key=lambda m: (-m.percent, m.unit))[:OTHER_GROUPS]
            mentors = [{"unit": m.unit, "unit_name": m.unit_name, "group": m.group, "percent": m.percent,
                        "evidence": evidence(m.unit, key)[:EVIDENCE]} for m in [*same, *others]]
            if not mentors:
                continue
            rank = n - position + 1  # ordered worst first; rank 1 = best in the group
            lead = same[0] if same else others[0]
            why = (f"{r.area_name}: {vn.number(r.percent, 2)} %, hạng {rank}/{n} trong nhóm (thuộc 1/4 thấp nhất); "
                   f"{lead.unit_name} đạt {vn.number(lead.percent, 2)} %, thuộc nhóm dẫn đầu lĩnh vực này"
                   + ("" if same else f" ({names.get(lead.group, lead.group)})") + ".")
            rows.append((group, r.unit, r.unit_name, key, r.area_name, r.percent, rank, n, mentors, why))
    out = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    return out.sort_values(["group", "unit", "key"], kind="stable").reset_index(drop=True)


def year_pairs(campaign: Campaign, year: int, areas: pd.DataFrame, long: pd.DataFrame) -> pd.DataFrame:
    """The learning pairs of one year."""
    keyed = year_areas(campaign, year, areas)
    found = _evidence(long, area_keys(campaign, year))
    return learning_pairs(keyed, lambda unit, key: found.get((unit, key), []), campaign.groups)


def period_pairs(campaign: Campaign, years: list[tuple[int, pd.DataFrame, pd.DataFrame]]) -> pd.DataFrame:
    """The learning pairs of a period: each unit's mean percentage per area over the years it has a result
    (areas by key, names as in the last year); a mentor's evidence from its latest year."""
    frames, found = [], {}
    for year, areas, long in years:
        frames.append(year_areas(campaign, year, areas).assign(year=year))
        found.update(_evidence(long, area_keys(campaign, year)))  # later years overwrite earlier ones
    if not frames:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    all_years = pd.concat(frames, ignore_index=True).sort_values("year")
    mean = all_years.groupby(["group", "unit", "key"], sort=False).agg(
        unit_name=("unit_name", "last"), area_name=("area_name", "last"), percent=("percent", "mean")).reset_index()
    mean["percent"] = mean["percent"].round(2)
    return learning_pairs(mean, lambda unit, key: found.get((unit, key), []), campaign.groups)


LEARNING_NOTE = ("Với mỗi đơn vị và mỗi lĩnh vực mà đơn vị thuộc 1/4 thấp nhất của nhóm, gợi ý các đơn vị dẫn đầu "
                 "lĩnh vực đó (cùng nhóm trước, rồi một đơn vị của nhóm khác) kèm tài liệu kiểm chứng của các tiêu "
                 "chí họ đạt điểm tối đa, để trao đổi, học tập kinh nghiệm. Cột \"Vì sao gợi ý\" ghi căn cứ.")


def as_table(pairs: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Learning pairs as read by people: who, in which area, from whom, which documents to ask for, and why."""
    def mentors(ms: list[dict]) -> str:
        return "; ".join(f"{m['unit_name']} ({vn.number(m['percent'], 2)} %)" for m in ms)

    def evidence(ms: list[dict]) -> str:
        return " | ".join(f"{m['unit_name']} — {e}" for m in ms for e in m["evidence"])

    return pd.DataFrame({"Nhóm": pairs["group"].map(names), "Đơn vị": pairs["unit_name"],
                         "Lĩnh vực": pairs["area_name"], "Tỷ lệ đạt (%)": pairs["percent"],
                         "Gợi ý học tập từ": pairs["mentors"].map(mentors),
                         "Tài liệu kiểm chứng tham khảo": pairs["mentors"].map(evidence),
                         "Vì sao gợi ý": pairs["why"]})
