"""Commendation proposals (đề nghị khen thưởng): candidates, rules, quotas, reasons.

For every candidate the result keeps why: each condition met, the one condition a near-miss
lacked, the position at which a quota cut a qualified candidate (and, at the quota's edge, which
legal priority broke a tie), the hold or discipline that keeps it out, or the revocation of its
award. Proposals follow the rule pack in force on their date, and each cites the article it rests
on. Pure: the inputs (results, the movement's tables and records, the rules, the revocations) come
from the year state; kit.outputs.proposals writes the lists.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from kit.config.campaign import Campaign
from kit.config.rules import FIELDS, PAST_FIELDS, TIE_BREAKS, Condition, Rule, RulePack, Rules
from kit.core import problems as P
from kit.core import vn
from kit.core.values import optional_float as _num
from kit.core.vocab import Hold, Kind, Outcome, label
from kit.intake.layout import header_key
from kit.intake.movement import RATINGS, Movement, Table, registration_status
from kit.intake.records import Records, decision_key, revoked_index
from kit.scoring.inspections import overdue
from kit.scoring.past import Past, previous_text
from kit.scoring.results import YearResults

ASCENDING = {"rank", "last_rank"}  # order fields where smaller is better


@dataclass
class Finding:
    rule: Rule
    candidate: dict
    outcome: Outcome
    reasons: list[str]
    position: str = ""
    citation: str = ""  # the article (and legal texts) this finding rests on, for every proposal line

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
    pack: RulePack | None = None  # the rules of the legal period applied

    def proposed(self) -> list[Finding]:
        return [f for f in self.findings if f.outcome == Outcome.PROPOSED]

    @property
    def legal_basis(self) -> list[str]:
        """The legal texts of the pack applied, each as written after "Căn cứ" in a Tờ trình or Quyết định."""
        return list(self.pack.basis) if self.pack else []

    @property
    def pack_text(self) -> str:
        """Which pack was applied, for the lists' header ("" when the rules have no periods)."""
        if self.pack is None or not self.pack.code:
            return ""
        return f"Áp dụng bộ quy định \"{self.pack.name}\" ({self.pack.validity})"


def collective_yearly(campaign: Campaign, results: YearResults, registrations: Table, on: dt.date | None = None
                      ) -> list[dict]:
    """``on``: the proposals' date (default ``proposals_date``), on which inspection findings are overdue or not."""
    reg = registration_status(campaign, results.year, registrations).set_index("unit")["status"]
    late = overdue(results.findings, on or proposals_date(campaign, "yearly", [results.year]))
    ranked = results.units.dropna(subset=["rank"])["group"].value_counts()  # the size a rank is out of
    out = []
    for r in results.units.itertuples():
        out.append({"id": r.unit, "name": r.unit_name, "unit": r.unit, "group": r.group, "position": "",
                    "group_name": campaign.groups.get(r.group, ""), "group_size": int(ranked.get(r.group, 0)),
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
        out.append({"id": f"{n['name']}|{n['unit']}", "subject": n["person"], "name": n["name"], "unit": n["unit"],
                    "group": u["group"],
                    "position": n["position"], "rating": n["rating"], "initiative": n["initiative"] in recognised,
                    "discipline": n["discipline"], "unit_band": u["band"] or None, "unit_percent": _num(u["percent"]),
                    "unappraised": _unappraised([u])})
    return out


def collective_final(campaign: Campaign, yearly: list[YearResults], registrations: Table, on: dt.date,
                     counted_from: dict[tuple[Kind, str], dt.date] | None = None) -> list[dict]:
    """Collective candidates of a final dated ``on``: the units that exist that day (a merged or dissolved unit
    cannot be commended), each judged on its line of results. A unit that took over others has one line per
    predecessor — that unit's years, then the successor's — besides its own when it existed before (rules on
    years in a band or progress run per line, the proposal goes to the unit that exists now). ``counted_from``:
    after a discipline, only the years that begin after its end count."""
    per_unit: dict[str, list] = {u.code: [] for u in campaign.units}
    after = counted_from or {}
    for res in yearly:
        for r in res.units.itertuples():
            ended = after.get((Kind.COLLECTIVE, r.unit))
            if not r.status.gone and (ended is None or dt.date(r.year, 1, 1) > ended):  # the years that count
                per_unit[r.unit].append(r)
    registered = {(r["year"], r["unit"]) for r in registrations.rows}
    out = []
    for u in campaign.units:
        if u.active_between(on, on) is None:
            continue
        own = per_unit[u.code]
        links = [x for x in campaign.roster.predecessors(u.code) if x.predecessor and x.effective <= on]
        lines = [(u.name, own, "")] if own and (not links or own[0].year < links[0].effective.year) else []
        lines += [(f"{u.name} (kế thừa {x.predecessor_name})",
                   per_unit[x.predecessor] + [r for r in own if r.year >= x.effective.year], x.predecessor)
                  for x in links]
        for name, rows, before in lines:
            if not rows:
                continue
            percents = [p for p in (_num(r.percent) for r in rows) if p is not None]
            last = rows[-1]
            out.append({"id": u.code, "name": name, "unit": u.code, "group": u.group, "position": "",
                        "years": [int(r.year) for r in rows], "years_in_band": [r.band for r in rows],
                        "mean_percent": sum(percents) / len(percents)
                        if percents else None, "improvement": (percents[-1] - percents[0]) if len(percents) > 1
                        else None, "last_band": last.band or None, "last_rank": _num(last.rank),
                        "registered_every_year": all((r.year, r.unit) in registered for r in rows),
                        "predecessor": before,  # whose achievements the line carries (an award to it covers it)
                        "unappraised": _unappraised(rows)})
    return out


def individual_final(campaign: Campaign, yearly: list[YearResults], nominations: list[Table],
                     initiatives: Table, on: dt.date | None = None,
                     counted_from: dict[tuple[Kind, str], dt.date] | None = None) -> list[dict]:
    """Individual candidates of a final: each person (by id) with the years and units of their achievements —
    those up to ``on`` (an achievement in a unit formed after the final's date is not the final's) and, after a
    discipline, those of the years that begin after its end (``counted_from``)."""
    after = counted_from or {}
    years = {res.year for res in yearly}
    people: dict[tuple[str, str], dict] = {}
    bands = {res.year: res.units.set_index("unit")["band"] for res in yearly}
    by_unit = {res.year: res.units.set_index("unit") for res in yearly}
    for table in nominations:
        for n in table.rows:
            start = campaign.units_by_code[n["unit"]].valid_from
            if on is not None and start is not None and start > on:
                continue
            ended = after.get((Kind.INDIVIDUAL, n["person"]))
            if ended is not None and dt.date(n["year"], 1, 1) <= ended:
                continue
            p = people.setdefault(n["person"], {
                "id": n["person"], "subject": n["person"], "name": n["name"], "excellent_years": 0,
                "discipline": False, "worked_in": {}})
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
    if isinstance(value, float):  # 14.79 → "14,79", 2.0 → "2": read by people, in the lists and documents
        return vn.number(value, 2).rstrip("0").rstrip(",")
    return "—" if value is None else str(label(value))


def _actual(condition: Condition, candidate: dict) -> str:
    """What a condition found, as the reasons print it: a history the previous campaign could not give is said
    to be unknown, with why; years counted from the previous campaign are named with it."""
    value = condition.value_of(candidate)
    if value is None and candidate.get("history_gap") and condition.field in PAST_FIELDS:
        return f"không xác định — {candidate['history_gap']}"
    years = condition.previous_years(candidate)
    shown = _shown(value)
    if years:
        shown += f"; {previous_text(years, candidate.get('previous_label', ''))}"
    return shown


def _order_key(rule: Rule, candidate: dict) -> tuple:
    key = []
    for name in rule.order:
        v = candidate.get(name)
        v = sum(b is not None for b in v) if isinstance(v, list) else v
        v = -math.inf if v is None else (float(v) if not isinstance(v, str) else 0.0)
        key.append(v if name in ASCENDING else -v)
    return tuple(key)


def _tie_key(pack: RulePack | None, candidate: dict) -> tuple:
    """The legal priorities among candidates equal on the rule's order (Decree 152/2025 Art. 4: women, and
    collectives with at least 70 % women, first), before the name."""
    ties = pack.tie_break if pack else ()
    return tuple(0 if candidate.get("women_first") else 1 for tie in ties if tie == "women")


def _sort_key(rule: Rule, candidate: dict, pack: RulePack | None = None) -> tuple:
    return (*_order_key(rule, candidate), *_tie_key(pack, candidate), candidate["name"])


def _edge_note(rule: Rule, pack: RulePack | None, items: list[dict], limit: int, order: str) -> dict[int, str]:
    """When candidates equal on the rule's order straddle the quota's edge, what decided between them, for each
    of them (by index): the legal priority (with its article) or, failing that, the name."""
    if not 0 < limit < len(items) or _order_key(rule, items[limit - 1]) != _order_key(rule, items[limit]):
        return {}
    level = _order_key(rule, items[limit - 1])
    tied = [i for i, c in enumerate(items) if _order_key(rule, c) == level]
    if _tie_key(pack, items[limit - 1]) != _tie_key(pack, items[limit]):
        article = pack.articles.get("tie_break", "") if pack else ""
        rule_text = "; ".join(TIE_BREAKS[t] for t in (pack.tie_break if pack else ()))
        why = f"bằng nhau theo {order} ở ngưỡng chỉ tiêu: {rule_text}" + (f" ({article})" if article else "")
    else:
        why = f"bằng nhau theo {order} ở ngưỡng chỉ tiêu: xếp theo tên (quy định của tệp commendation.yml)"
    return dict.fromkeys(tied, why)


def evaluate(rules: list[Rule], candidates: dict[Kind, list[dict]], provisional: bool = False,
             pack: RulePack | None = None) -> list[Finding]:
    """Rules in order of precedence; a candidate proposed for one title is not proposed for a later one.

    A candidate kept out (``blocked``: a hold, a discipline, a revoked award; see ``prepare``) is listed once,
    under the first rule of its kind, with the reason. A candidate whose results are not fully appraised is set
    aside ("chưa thẩm định đủ") unless ``provisional``: then it is considered and its findings are marked
    provisional. ``pack``: the legal period's pack, for the tie-break at a quota's edge and the citations.
    """
    findings: list[Finding] = []
    taken: set[tuple[Kind, str]] = set()
    cite = (lambda rule: pack.cite(rule)) if pack else (lambda rule: rule.basis)
    firsts = {r.kind: r for r in reversed(rules)}  # the first rule of each kind
    for kind, first in firsts.items():
        for cand in candidates.get(kind, []):
            if cand.get("blocked"):
                outcome, reasons, article = cand["blocked"]
                taken.add((kind, cand["id"]))
                findings.append(Finding(first, cand, outcome, reasons, citation=article))
            elif cand.get("unappraised") and not provisional:
                taken.add((kind, cand["id"]))
                findings.append(Finding(first, cand, Outcome.UNAPPRAISED, [f"✖ {cand['unappraised']}"]))
    for rule in rules:
        labels = FIELDS[("yearly", rule.kind)] | FIELDS[("final", rule.kind)]
        pool = [c for c in candidates[rule.kind] if (rule.kind, c["id"]) not in taken]
        qualified: list[tuple[dict, list[str]]] = []
        for cand in pool:
            notes = cand.get("notes", [])
            met = [f"✔ {c.describe(labels)} (đạt: {_actual(c, cand)})" for c in rule.conditions if c.check(cand)]
            failed = [f"✖ {c.describe(labels)} (thực tế: {_actual(c, cand)})" for c in rule.conditions
                      if not c.check(cand)]
            if not failed:
                qualified.append((cand, met + notes))
            elif len(failed) == 1:
                findings.append(Finding(rule, cand, Outcome.NEAR, failed + met + notes, citation=cite(rule)))
        groups: dict[str, list[tuple[dict, list[str]]]] = {}
        for item in sorted(qualified, key=lambda it: _sort_key(rule, it[0], pack)):
            groups.setdefault(item[0]["group"] if rule.per_group else "", []).append(item)
        order = ", ".join(labels[o] for o in rule.order) or "tên"
        for group, items in groups.items():
            size = sum(not rule.per_group or c["group"] == group for c in candidates[rule.kind])
            limit = rule.quota_count if rule.quota_count is not None else (
                math.floor(rule.quota_share * size + 1e-9) if rule.quota_share is not None else len(items))
            edge = _edge_note(rule, pack, [c for c, _ in items], limit, order)
            for i, (cand, met) in enumerate(items, start=1):
                if (rule.kind, cand["id"]) in taken:  # another line of the same unit was proposed first
                    continue
                position = f"thứ {i} theo {order}; chỉ tiêu {limit}" + (f"; {edge[i - 1]}" if i - 1 in edge else "")
                if i <= limit:
                    taken.add((rule.kind, cand["id"]))
                    findings.append(Finding(rule, cand, Outcome.PROPOSED, met, position, cite(rule)))
                else:
                    findings.append(Finding(rule, cand, Outcome.CUT, met, position, cite(rule)))
    return findings


def discipline_ends(records: Records | None, on: dt.date) -> dict[tuple[Kind, str], dt.date]:
    """Per person or collective, the end of the last discipline served before ``on``: only achievements after
    it count (Decree 152/2025 Art. 4)."""
    out: dict[tuple[Kind, str], dt.date] = {}
    for h in records.holds.rows if records else []:
        if h["kind"] == Hold.DISCIPLINE and h["end"] is not None and h["end"] < on:
            key = (h["kind_of"], h["subject"])
            out[key] = max(out.get(key, h["end"]), h["end"])
    return out


def _revoked_here(award: dict, subject: str, revoked: dict[str, dict]) -> dict:
    """A previous campaign's ``award`` with this campaign's revocations applied too: a decision revoked after the
    previous campaign closed is recorded here, naming the subject by this campaign's code or the old one."""
    if award.get("revoked"):
        return award
    decision = decision_key(award["decision"])
    event = revoked.get(f"{decision}|{subject}") or revoked.get(f"{decision}|{award['subject']}")
    return {**award, "revoked": True, "revocation": event} if event else award


def prepare(candidates: dict[Kind, list[dict]], records: Records | None, revocations: list[dict], year: int,
            on: dt.date, level: str, titles: set[str], pack: RulePack | None,
            covered: dict[tuple[Kind, str], str] | None = None, past: Past | None = None) -> None:
    """Add to each candidate what the office's records say: its award history (revocations applied), the legal
    priority (women), and what keeps it out (``blocked``): an open hold, a discipline in its term or not over
    before the achievement's year, the revocation of its award for this period, or an award for this period
    already given or proposed (``covered``: by an earlier final, see ``earlier_covers``). ``past``: the years
    before (kit.scoring.past) — the previous campaign's awards join the history, a unit's earlier results its
    ``results_before``, and what cannot be known before this campaign is marked (``history_known_from``)."""
    covered = covered or {}
    past = past or Past()
    revoked = revoked_index(revocations)
    articles = pack.articles if pack else {}
    ended = discipline_ends(records, on)
    for kind, cands in candidates.items():
        for cand in cands:
            subject = cand.get("subject") or cand["unit"]
            unit = "" if kind == Kind.INDIVIDUAL else cand["unit"]
            cand.update(year_considered=year, on=on, history=(records.history_of(kind, subject, revoked)
                                                              if records else []) + [
                            _revoked_here(a, subject, revoked) for a in past.awards_of(kind, subject)],
                        women_first=records.women_first(kind, subject) if records else False,
                        results_before=past.lines.get(unit, []), history_known_from=past.known_from(unit),
                        history_gap=past.gap_of(unit), previous_label=past.label)
            holds = records.holds_of(kind, subject) if records else []
            blocked = _held(holds, on, year, level, articles)
            if blocked is None:
                gone = [a for a in cand["history"] if a["revoked"] and a["year"] == year and a["code"] in titles]
                if gone:
                    a, e = gone[0], gone[0]["revocation"]
                    article = articles.get("revocation", "")
                    blocked = (Outcome.REVOKED, [f"✖ Quyết định {a['decision']} ({a['title']}, năm {a['year']}) đã bị "
                                                 f"hủy bỏ: {e['reason']} — ghi nhận bởi {e['evaluator']}"
                                                 + (f", theo quyết định {e['number']}" if e["number"] else "")
                                                 + (f" ({article})" if article else "")], article)
            if blocked is None:
                earlier = covered.get((kind, subject)) or covered.get((kind, cand.get("predecessor") or ""))
                blocked = _covered(cand, earlier, titles, year, on)
            cand["blocked"] = blocked
            if (kind, subject) in ended and level == "final":
                cand["notes"] = [f"ℹ chỉ tính thành tích từ năm {ended[(kind, subject)].year + 1} (sau khi hết thời "
                                 f"hạn kỷ luật ngày {ended[(kind, subject)]:%d/%m/%Y}"
                                 + (f"; {articles['discipline']}" if articles.get("discipline") else "") + ")"]


def _covered(cand: dict, earlier: str | None, titles: set[str], year: int, on: dt.date
             ) -> tuple[Outcome, list[str], str] | None:
    """One award per person or collective, per title, per period: a candidate an earlier final of the same period
    proposed (``earlier``), or whom the award register (award_history.csv, revocations applied) already credits
    with one of this list's titles for its last year — a decision dated by ``on`` — is not proposed again. Kept
    out of every title of the list, like a hold: a lower title for the same achievements would be a second award."""
    if earlier:
        return Outcome.COVERED, [f"✖ {earlier}: không đề nghị lại cho cùng giai đoạn"], ""
    given = [a for a in cand.get("history") or [] if a["code"] in titles and a["year"] == year and not a["revoked"]
             and (a["date"] is None or a["date"] <= on)]
    if given:
        a = given[0]
        when = f" ngày {a['date']:%d/%m/%Y}" if a["date"] else ""
        return Outcome.COVERED, [f"✖ Đã được tặng {a['title']} (quyết định số {a['decision']}{when}, năm {a['year']}; "
                                 "sổ theo dõi khen thưởng): không đề nghị lại cho cùng giai đoạn"], ""
    return None


def earlier_covers(earlier: Awards) -> dict[tuple[Kind, str], str]:
    """Whom an earlier final of the same period proposed (the district's own, dated the day before it ceased),
    and for what: a later final does not propose them again."""
    out = {}
    for f in earlier.proposed():
        subject = f.candidate.get("subject") or f.candidate["unit"]
        when = f"{earlier.on:%d/%m/%Y}" if earlier.on else ""
        out[(f.rule.kind, subject)] = f"Đã được đề nghị {f.rule.title_name} trong tổng kết ngày {when}"
    return out


def _held(holds: list[dict], on: dt.date, year: int, level: str, articles: dict[str, str]
          ) -> tuple[Outcome, list[str], str] | None:
    for h in holds:
        if h["start"] > on:
            continue
        ref = f" ({h['reference']})" if h["reference"] else ""
        until = f" đến {h['end']:%d/%m/%Y}" if h["end"] else ""
        if h["kind"] == Hold.DISCIPLINE:
            article = articles.get("discipline", "")
            cite = f" — {article}" if article else ""
            if h["end"] is None or on <= h["end"]:
                return (Outcome.HELD, [f"✖ Đang trong thời hạn kỷ luật từ {h['start']:%d/%m/%Y}{until}{ref}: chưa "
                                       f"xét khen thưởng{cite}"], article)
            if level == "yearly" and dt.date(year, 1, 1) <= h["end"]:
                return (Outcome.HELD, [f"✖ Kỷ luật{ref} hết thời hạn ngày {h['end']:%d/%m/%Y}: chỉ tính thành tích "
                                       f"sau ngày đó, không tính thành tích năm {year}{cite}"], article)
        elif h["end"] is None or on <= h["end"]:
            article = articles.get("holds", "")
            return (Outcome.HELD, [f"✖ {h['kind'].label} từ {h['start']:%d/%m/%Y}{until}{ref}"
                                   + (f" — {h['note']}" if h["note"] else "") + ": chưa xét khen thưởng"
                                   + (f" ({article})" if article else "")], article)
    return None


def awards_for(campaign: Campaign, level: str, yearly: list[YearResults], movement: list[Movement],
               provisional: bool = False, on: dt.date | None = None, *, revocations: list[dict] | None = None,
               pack: str | None = None, earlier: Awards | None = None, past: Past | None = None) -> Awards:
    """Proposals for one year (level "yearly": one result and its movement) or the period ("final": every year).

    ``provisional``: consider candidates whose results are not fully appraised (every output then says TẠM TÍNH).
    ``on``: the date of the proposals (default ``proposals_date``): the titles in force and, for a final, the units
    that exist that day (the district's own final on 30/6/2025, the successors' after 31/12/2025).
    The rule pack is the one in force on ``pack_day`` (or the one named by ``pack``: the meeting's what-if);
    ``revocations``: the gradebook's award events, applied to the award history. ``earlier``: the proposals of
    an earlier final of the same period, whose candidates this one does not propose again (``earlier_covers``).
    ``past``: the years before the one considered, this campaign's and the previous campaign's (``history_from``;
    kit.scoring.past), for the history rules.
    """
    years = [r.year for r in yearly]
    result = Awards(level, years, rules=campaign.rules, provisional=provisional)
    registrations, initiatives = movement[0].registrations, movement[0].initiatives
    nominations = [m.nominations for m in movement]
    records = movement[0].records
    result.problems = registrations.problems + initiatives.problems + [p for t in nominations for p in t.problems]
    if result.rules is None:
        return result
    result.problems += result.rules.problems + records.problems
    result.on = on or proposals_date(campaign, level, years)
    day = pack_day(result.rules, level, years, result.on)
    result.pack = result.rules.pack(pack) if pack else result.rules.pack_at(day)
    if result.pack is None:
        known = "; ".join(f"{p.code} ({p.validity})" for p in result.rules.packs) or "không có"
        result.problems.append(P.make(P.Code.PACK_NOT_IN_FORCE, file="commendation.yml", value=f"{day:%d/%m/%Y}",
                                      expected=known))
        return result
    chosen = result.pack.yearly if level == "yearly" else result.pack.final
    rules = in_force(chosen, result.on, result.problems)
    ended = discipline_ends(records, result.on)
    if level == "yearly":
        candidates = {Kind.COLLECTIVE: collective_yearly(campaign, yearly[0], registrations, result.on),
                      Kind.INDIVIDUAL: individual_yearly(campaign, yearly[0], nominations[0], initiatives)}
    else:
        candidates = {Kind.COLLECTIVE: collective_final(campaign, yearly, registrations, result.on, ended),
                      Kind.INDIVIDUAL: individual_final(campaign, yearly, nominations, initiatives, result.on, ended)}
    titles = {t.code for r in chosen for t in r.choices}
    covered = earlier_covers(earlier) if earlier is not None else {}
    prepare(candidates, records, revocations or [], years[-1], result.on, level, titles, result.pack, covered, past)
    result.findings = evaluate(rules, candidates, provisional, result.pack)
    return result


def pack_day(rules: Rules, level: str, years: list[int], on: dt.date) -> dt.date:
    """The day whose rule pack applies: for a final, the summing-up's date; for a year, its last day (a year's
    achievements are judged by the law of that year) or, with ``pack_date: proposals``, the proposals' date."""
    if level == "final" or rules.pack_date == "proposals":
        return on
    return dt.date(years[0], 12, 31)


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
