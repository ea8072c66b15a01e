"""Commendation proposals (đề nghị khen thưởng): candidates, rules, quotas, reasons.

For every candidate the result keeps why: each condition met, the one condition a near-miss
lacked, or the position at which a quota cut a qualified candidate. Pure: the inputs (results,
the movement's tables, the rules) come from the year state; kit.outputs.proposals writes the lists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from kit.config.campaign import Campaign
from kit.config.rules import FIELDS, Rule, Rules
from kit.core import problems as P
from kit.core.values import optional_float as _num
from kit.core.vocab import Kind, Outcome, label
from kit.intake.layout import header_key
from kit.intake.movement import RATINGS, Movement, Table, registration_status
from kit.scoring.results import YearResults

ASCENDING = {"rank", "last_rank"}  # order fields where smaller is better


@dataclass
class Finding:
    rule: Rule
    candidate: dict
    outcome: Outcome
    reasons: list[str]
    position: str = ""

    @property
    def provisional(self) -> bool:
        """Considered on results not fully appraised (only when a provisional list was asked for)."""
        return self.outcome != Outcome.UNAPPRAISED and bool(self.candidate.get("unappraised"))


@dataclass
class Awards:
    level: str  # yearly / final
    years: list[int]
    findings: list[Finding] = field(default_factory=list)
    problems: list[P.Problem] = field(default_factory=list)
    rules: Rules | None = None
    provisional: bool = False  # asked for: candidates not fully appraised are considered, marked TẠM TÍNH

    def proposed(self) -> list[Finding]:
        return [f for f in self.findings if f.outcome == Outcome.PROPOSED]


def collective_yearly(campaign: Campaign, results: YearResults, registrations: Table) -> list[dict]:
    reg = registration_status(campaign, results.year, registrations).set_index("unit")["status"]
    out = []
    for r in results.units.itertuples():
        out.append({"id": r.unit, "name": r.unit_name, "unit": r.unit, "group": r.group, "position": "",
                    "band": r.band or None, "percent": _num(r.percent), "rank": _num(r.rank), "status": r.status,
                    "registration": reg.get(r.unit), "appraised_share":
                        (r.appraised_count / r.criteria) if _num(r.criteria) else None,
                    "unappraised": _unappraised([r])})
    return out


def _unappraised(rows: list) -> str:
    """What is left to appraise in these yearly results of a unit ("" when nothing): no commendation rests on
    a unit's own self scores unless a provisional list is asked for."""
    left = [f"năm {int(r.year)}: {int(r.appraised_count)}/{int(r.criteria)} tiêu chí" for r in rows
            if _num(r.criteria) and r.appraised_count < r.criteria]
    return "đã thẩm định " + "; ".join(left) if left else ""


def individual_yearly(campaign: Campaign, results: YearResults, nominations: Table, initiatives: Table) -> list[dict]:
    units = results.units.set_index("unit")
    recognised = {i["id"] for i in initiatives.rows if i["recognised_on"]}
    out = []
    for n in nominations.rows:
        u = units.loc[n["unit"]]
        out.append({"id": f"{n['name']}|{n['unit']}", "name": n["name"], "unit": n["unit"], "group": u["group"],
                    "position": n["position"], "rating": n["rating"], "initiative": n["initiative"] in recognised,
                    "discipline": n["discipline"], "unit_band": u["band"] or None, "unit_percent": _num(u["percent"]),
                    "unappraised": _unappraised([u])})
    return out


def collective_final(campaign: Campaign, yearly: list[YearResults], registrations: Table) -> list[dict]:
    per_unit: dict[str, list] = {u.code: [] for u in campaign.units}
    for res in yearly:
        for r in res.units.itertuples():
            if not r.status.gone:  # the years a unit took part in
                per_unit[r.unit].append(r)
    registered = {(r["year"], r["unit"]) for r in registrations.rows}
    out = []
    for u in campaign.units:
        rows = per_unit[u.code]
        if not rows:
            continue
        percents = [p for p in (_num(r.percent) for r in rows) if p is not None]
        last = rows[-1] if rows else None
        out.append({"id": u.code, "name": u.name, "unit": u.code, "group": u.group, "position": "",
                    "years_in_band": [r.band for r in rows], "mean_percent": sum(percents) / len(percents)
                    if percents else None, "improvement": (percents[-1] - percents[0]) if len(percents) > 1 else None,
                    "last_band": (last.band or None) if last is not None else None,
                    "last_rank": _num(last.rank) if last is not None else None,
                    "registered_every_year": all((r.year, u.code) in registered for r in rows),
                    "unappraised": _unappraised(rows)})
    return out


def individual_final(campaign: Campaign, yearly: list[YearResults], nominations: list[Table],
                     initiatives: Table) -> list[dict]:
    years = {res.year for res in yearly}
    people: dict[tuple[str, str], dict] = {}
    bands = {res.year: res.units.set_index("unit")["band"] for res in yearly}
    by_unit = {res.year: res.units.set_index("unit") for res in yearly}
    for table in nominations:
        for n in table.rows:
            p = people.setdefault((header_key(n["name"]), n["unit"]), {
                "id": f"{n['name']}|{n['unit']}", "name": n["name"], "unit": n["unit"],
                "group": campaign.units_by_code[n["unit"]].group, "position": n["position"], "excellent_years": 0,
                "discipline": False, "unit_years_in_band": [bands[y].get(n["unit"]) for y in sorted(bands)],
                "unappraised": _unappraised([by_unit[y].loc[n["unit"]] for y in sorted(by_unit)
                                             if n["unit"] in by_unit[y].index])})
            p["excellent_years"] += n["rating"] == RATINGS[0]
            p["discipline"] = p["discipline"] or n["discipline"]
            p["position"] = n["position"] or p["position"]
    for p in people.values():
        p["initiatives"] = sum(1 for i in initiatives.rows if i["recognised_on"] and i["recognised_on"].year in years
                               and i["unit"] == p["unit"] and header_key(p["name"]) in map(header_key, i["authors"]))
    return list(people.values())


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return "—" if value is None else str(label(value))


def _sort_key(rule: Rule, candidate: dict) -> tuple:
    key = []
    for name in rule.order:
        v = candidate.get(name)
        v = sum(b is not None for b in v) if isinstance(v, list) else v
        v = -math.inf if v is None else (float(v) if not isinstance(v, str) else 0.0)
        key.append(v if name in ASCENDING else -v)
    return (*key, candidate["name"])


def evaluate(rules: list[Rule], candidates: dict[Kind, list[dict]], provisional: bool = False) -> list[Finding]:
    """Rules in order of precedence; a candidate proposed for one title is not proposed for a later one.

    A candidate whose results are not fully appraised is set aside ("chưa thẩm định đủ", once, under the first
    rule of its kind) unless ``provisional``: then it is considered and its findings are marked provisional.
    """
    findings: list[Finding] = []
    taken: set[tuple[Kind, str]] = set()
    firsts = {} if provisional else {r.kind: r for r in reversed(rules)}  # the first rule of each kind
    for kind, first in firsts.items():
        for cand in candidates.get(kind, []):
            if cand.get("unappraised"):
                taken.add((kind, cand["id"]))
                findings.append(Finding(first, cand, Outcome.UNAPPRAISED, [f"✖ {cand['unappraised']}"]))
    for rule in rules:
        labels = FIELDS[("yearly", rule.kind)] | FIELDS[("final", rule.kind)]
        pool = [c for c in candidates[rule.kind] if (rule.kind, c["id"]) not in taken]
        qualified: list[tuple[dict, list[str]]] = []
        for cand in pool:
            met = [f"✔ {c.describe(labels)} (đạt: {_shown(c.value_of(cand))})" for c in rule.conditions
                   if c.check(cand)]
            failed = [f"✖ {c.describe(labels)} (thực tế: {_shown(c.value_of(cand))})" for c in rule.conditions
                      if not c.check(cand)]
            if not failed:
                qualified.append((cand, met))
            elif len(failed) == 1:
                findings.append(Finding(rule, cand, Outcome.NEAR, failed + met))
        groups: dict[str, list[tuple[dict, list[str]]]] = {}
        for item in sorted(qualified, key=lambda it: _sort_key(rule, it[0])):
            groups.setdefault(item[0]["group"] if rule.per_group else "", []).append(item)
        for group, items in groups.items():
            size = sum(not rule.per_group or c["group"] == group for c in candidates[rule.kind])
            limit = rule.quota_count if rule.quota_count is not None else (
                math.floor(rule.quota_share * size + 1e-9) if rule.quota_share is not None else len(items))
            for i, (cand, met) in enumerate(items, start=1):
                order = ", ".join(labels[o] for o in rule.order) or "tên"
                position = f"thứ {i} theo {order}; chỉ tiêu {limit}"
                if i <= limit:
                    taken.add((rule.kind, cand["id"]))
                    findings.append(Finding(rule, cand, Outcome.PROPOSED, met, position))
                else:
                    findings.append(Finding(rule, cand, Outcome.CUT, met, position))
    return findings


def awards_for(campaign: Campaign, level: str, yearly: list[YearResults], movement: list[Movement],
               provisional: bool = False) -> Awards:
    """Proposals for one year (level "yearly": one result and its movement) or the period ("final": every year).

    ``provisional``: consider candidates whose results are not fully appraised (every output then says TẠM TÍNH).
    """
    years = [r.year for r in yearly]
    result = Awards(level, years, rules=campaign.rules, provisional=provisional)
    registrations, initiatives = movement[0].registrations, movement[0].initiatives
    nominations = [m.nominations for m in movement]
    result.problems = registrations.problems + initiatives.problems + [p for t in nominations for p in t.problems]
    if result.rules is None:
        return result
    result.problems += result.rules.problems
    if level == "yearly":
        candidates = {Kind.COLLECTIVE: collective_yearly(campaign, yearly[0], registrations),
                      Kind.INDIVIDUAL: individual_yearly(campaign, yearly[0], nominations[0], initiatives)}
        result.findings = evaluate(result.rules.yearly, candidates, provisional)
    else:
        candidates = {Kind.COLLECTIVE: collective_final(campaign, yearly, registrations),
                      Kind.INDIVIDUAL: individual_final(campaign, yearly, nominations, initiatives)}
        result.findings = evaluate(result.rules.final, candidates, provisional)
    return result
