"""Commendation proposals (đề nghị khen thưởng): candidates, rules, quotas, reasons.

For every candidate the result keeps why: each condition met, the one condition a near-miss
lacked, or the position at which a quota cut a qualified candidate. Pure: the inputs (results,
the movement's tables, the rules) come from the year state; kit.outputs.proposals writes the lists.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from kit.config.campaign import Campaign
from kit.config.rules import FIELDS, Rule, Rules
from kit.core import problems as P
from kit.core.values import optional_float as _num
from kit.core.vocab import Kind, Outcome, label
from kit.intake.layout import header_key
from kit.intake.movement import RATINGS, Movement, Table, registration_status
from kit.scoring.inspections import overdue
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
    on: dt.date | None = None  # the date the proposals are made for: the titles then in force apply

    def proposed(self) -> list[Finding]:
        return [f for f in self.findings if f.outcome == Outcome.PROPOSED]


def collective_yearly(campaign: Campaign, results: YearResults, registrations: Table, on: dt.date | None = None
                      ) -> list[dict]:
    """``on``: the proposals' date (default ``proposals_date``), on which inspection findings are overdue or not."""
    reg = registration_status(campaign, results.year, registrations).set_index("unit")["status"]
    late = overdue(results.findings, on or proposals_date(campaign, "yearly", [results.year]))
    out = []
    for r in results.units.itertuples():
        out.append({"id": r.unit, "name": r.unit_name, "unit": r.unit, "group": r.group, "position": "",
                    "band": r.band or None, "percent": _num(r.percent), "rank": _num(r.rank), "status": r.status,
                    "registration": reg.get(r.unit), "appraised_share":
                        (r.appraised_count / r.criteria) if _num(r.criteria) else None,
                    "overdue_findings": late.get(r.unit, 0),
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


def collective_final(campaign: Campaign, yearly: list[YearResults], registrations: Table, on: dt.date) -> list[dict]:
    """Collective candidates of a final dated ``on``: the units that exist that day (a merged or dissolved unit
    cannot be commended), each judged on its line of results. A unit that took over others has one line per
    predecessor — that unit's years, then the successor's — besides its own when it existed before (rules on
    years in a band or progress run per line, the proposal goes to the unit that exists now)."""
    per_unit: dict[str, list] = {u.code: [] for u in campaign.units}
    for res in yearly:
        for r in res.units.itertuples():
            if not r.status.gone:  # the years a unit took part in
                per_unit[r.unit].append(r)
    registered = {(r["year"], r["unit"]) for r in registrations.rows}
    out = []
    for u in campaign.units:
        if u.active_between(on, on) is None:
            continue
        own = per_unit[u.code]
        links = [x for x in campaign.roster.predecessors(u.code) if x.predecessor and x.effective <= on]
        lines = [(u.name, own)] if own and (not links or own[0].year < links[0].effective.year) else []
        lines += [(f"{u.name} (kế thừa {x.predecessor_name})",
                   per_unit[x.predecessor] + [r for r in own if r.year >= x.effective.year]) for x in links]
        for name, rows in lines:
            if not rows:
                continue
            percents = [p for p in (_num(r.percent) for r in rows) if p is not None]
            last = rows[-1]
            out.append({"id": u.code, "name": name, "unit": u.code, "group": u.group, "position": "",
                        "years_in_band": [r.band for r in rows], "mean_percent": sum(percents) / len(percents)
                        if percents else None, "improvement": (percents[-1] - percents[0]) if len(percents) > 1
                        else None, "last_band": last.band or None, "last_rank": _num(last.rank),
                        "registered_every_year": all((r.year, r.unit) in registered for r in rows),
                        "unappraised": _unappraised(rows)})
    return out


def individual_final(campaign: Campaign, yearly: list[YearResults], nominations: list[Table],
                     initiatives: Table, on: dt.date | None = None) -> list[dict]:
    """Individual candidates of a final: each person (by id) with the years and units of their achievements —
    those up to ``on`` (an achievement in a unit formed after the final's date is not the final's)."""
    years = {res.year for res in yearly}
    people: dict[tuple[str, str], dict] = {}
    bands = {res.year: res.units.set_index("unit")["band"] for res in yearly}
    by_unit = {res.year: res.units.set_index("unit") for res in yearly}
    for table in nominations:
        for n in table.rows:
            start = campaign.units_by_code[n["unit"]].valid_from
            if on is not None and start is not None and start > on:
                continue
            p = people.setdefault(n["person"], {
                "id": n["person"], "name": n["name"], "excellent_years": 0, "discipline": False, "worked_in": {}})
            p["worked_in"][n["year"]] = n["unit"]  # the unit at the time of the achievement, kept per year
            p["unit"], p["position"] = n["unit"], n["position"] or p.get("position", "")  # the latest: current
            p["excellent_years"] += n["rating"] == RATINGS[0]
            p["discipline"] = p["discipline"] or n["discipline"]
    for p in people.values():
        worked_in = p.pop("worked_in")
        p["group"] = campaign.units_by_code[p["unit"]].group
        p["unit_years_in_band"] = [bands[y].get(worked_in[y]) if y in worked_in else None for y in sorted(bands)]
        p["unappraised"] = _unappraised([by_unit[y].loc[u] for y, u in sorted(worked_in.items())
                                         if u in by_unit[y].index])
        p["initiatives"] = sum(1 for i in initiatives.rows if i["recognised_on"] and i["recognised_on"].year in years
                               and i["unit"] in worked_in.values()
                               and header_key(p["name"]) in map(header_key, i["authors"]))
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
                if (rule.kind, cand["id"]) in taken:  # another line of the same unit was proposed first
                    continue
                order = ", ".join(labels[o] for o in rule.order) or "tên"
                position = f"thứ {i} theo {order}; chỉ tiêu {limit}"
                if i <= limit:
                    taken.add((rule.kind, cand["id"]))
                    findings.append(Finding(rule, cand, Outcome.PROPOSED, met, position))
                else:
                    findings.append(Finding(rule, cand, Outcome.CUT, met, position))
    return findings


def awards_for(campaign: Campaign, level: str, yearly: list[YearResults], movement: list[Movement],
               provisional: bool = False, on: dt.date | None = None) -> Awards:
    """Proposals for one year (level "yearly": one result and its movement) or the period ("final": every year).

    ``provisional``: consider candidates whose results are not fully appraised (every output then says TẠM TÍNH).
    ``on``: the date of the proposals (default ``proposals_date``): the titles in force and, for a final, the units
    that exist that day (the district's own final on 30/6/2025, the successors' after 31/12/2025).
    """
    years = [r.year for r in yearly]
    result = Awards(level, years, rules=campaign.rules, provisional=provisional)
    registrations, initiatives = movement[0].registrations, movement[0].initiatives
    nominations = [m.nominations for m in movement]
    result.problems = registrations.problems + initiatives.problems + [p for t in nominations for p in t.problems]
    if result.rules is None:
        return result
    result.problems += result.rules.problems
    result.on = on or proposals_date(campaign, level, years)
    rules = in_force(result.rules.yearly if level == "yearly" else result.rules.final, result.on, result.problems)
    if level == "yearly":
        candidates = {Kind.COLLECTIVE: collective_yearly(campaign, yearly[0], registrations, result.on),
                      Kind.INDIVIDUAL: individual_yearly(campaign, yearly[0], nominations[0], initiatives)}
    else:
        candidates = {Kind.COLLECTIVE: collective_final(campaign, yearly, registrations, result.on),
                      Kind.INDIVIDUAL: individual_final(campaign, yearly, nominations, initiatives, result.on)}
    result.findings = evaluate(rules, candidates, provisional)
    return result


def proposals_date(campaign: Campaign, level: str, years: list[int]) -> dt.date:
    """The date commendations are proposed on, which decides the titles in force: a year's ``awards`` deadline
    (campaign.yml) or its last day; for the final, the end of the campaign's period."""
    if level == "final":
        return campaign.roster.period_end
    return campaign.deadline(years[0], "awards") or min(dt.date(years[0], 12, 31), campaign.roster.period_end)


def in_force(rules: list[Rule], day: dt.date, problems: list[P.Problem]) -> list[Rule]:
    """Each rule with its title in force on ``day``; a rule none of whose titles is then in force is refused,
    with a message (a title of an abolished level is never proposed)."""
    kept = []
    for rule in rules:
        current = rule.at(day)
        if current is None:
            names = "; ".join(f"{t.name} ({t.validity})" for t in rule.choices)
            problems.append(P.make(P.Code.TITLE_NOT_IN_FORCE, file="commendation.yml", row=rule.row, value=names,
                                   expected=f"{day:%d/%m/%Y}"))
        else:
            kept.append(current)
    return kept
