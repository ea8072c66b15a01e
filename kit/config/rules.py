"""Commendation rules: structured conditions in an editable file, interpreted here (never eval'd).

``commendation.yml`` in the campaign lists the titles (hình thức khen thưởng) and, for the yearly
and the final summing-up, rules in order of precedence: a title, conditions over fields of a
candidate, a quota and the order that decides who fits in it. The law and the district's guidance
change; this file changes with them, the code does not.

The law changes on fixed dates (the 2003 Law with Decree 91/2017 to 31/12/2023, the 2022 Law with
Decree 98/2023 from 1/1/2024, Decree 152/2025 from 1/7/2025), so the rules come in **packs**, each with
its period (``valid_from``/``valid_to``) and its legal basis: a list of proposals uses the one pack in
force on its date. Packs may neither overlap nor leave a gap (a day without a legal basis). A file
without ``packs:`` is one pack without dates (the rules of a single period).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from kit.core import problems as P
from kit.core.errors import FileProblem
from kit.core.values import parse_date
from kit.core.vocab import Kind, Registration, Status, Vocab, label, parse
from kit.core.yamlfile import finite, line_of, load, syntax_problem, unknown_keys

# fields a condition may test, per level and kind, with their Vietnamese labels
FIELDS: dict[tuple[str, Kind], dict[str, str]] = {
    ("yearly", Kind.COLLECTIVE): {"band": "xếp loại", "percent": "tỷ lệ đạt (%)", "rank": "thứ hạng trong nhóm",
                               "status": "tình trạng phiếu", "registration": "đăng ký thi đua",
                               "appraised_share": "tỷ lệ tiêu chí đã thẩm định",
                               "overdue_findings": "số kết luận kiểm tra quá hạn chưa khắc phục"},
    ("yearly", Kind.INDIVIDUAL): {"rating": "mức hoàn thành nhiệm vụ", "initiative": "có sáng kiến được công nhận",
                               "discipline": "bị kỷ luật", "unit_band": "xếp loại của đơn vị",
                               "unit_percent": "tỷ lệ đạt của đơn vị"},
    ("final", Kind.COLLECTIVE): {"years_in_band": "số năm đạt xếp loại", "mean_percent": "tỷ lệ đạt bình quân (%)",
                              "improvement": "mức tiến bộ (điểm %)", "last_band": "xếp loại năm cuối",
                              "last_rank": "thứ hạng năm cuối", "registered_every_year": "đăng ký đủ các năm"},
    ("final", Kind.INDIVIDUAL): {"initiatives": "số sáng kiến được công nhận", "excellent_years":
                              "số năm hoàn thành xuất sắc nhiệm vụ", "discipline": "bị kỷ luật trong giai đoạn",
                              "unit_years_in_band": "số năm đơn vị đạt xếp loại"},
}
# fields on the award history (award_history.csv), for every level and kind: counted over ``titles``, and over
# awards of a thematic movement only when the condition says ``thematic: true``
HISTORY_FIELDS = {"consecutive_years": "số năm liên tục được tặng", "awards_in_years": "số lần được tặng"}
for _key in FIELDS:
    FIELDS[_key].update(HISTORY_FIELDS)
# fields on the results of the years before the one considered (this campaign's earlier years and, through
# ``history_from``, the previous campaign's, its units' lineage followed: kit.scoring.past), for a yearly collective
# rule such as a title that needs earlier years in a band
RESULT_HISTORY_FIELDS = {"years_in_band_before": "số năm liên tục liền trước đạt xếp loại"}
FIELDS[("yearly", Kind.COLLECTIVE)].update(RESULT_HISTORY_FIELDS)
PAST_FIELDS = {**HISTORY_FIELDS, **RESULT_HISTORY_FIELDS}  # fields that look before the year considered
OPS = ("in", "not_in", "min", "max", "equals")
TIE_BREAKS = {"women": "ưu tiên cá nhân nữ, tập thể có từ 70 % nữ trở lên"}
ARTICLES = ("holds", "discipline", "tie_break", "thematic", "revocation")  # what a pack's ``articles`` may cite
# fields whose values are states: the rules file may name them by code or by their Vietnamese label
STATES: dict[str, type[Vocab]] = {"status": Status, "registration": Registration}


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any  # a list (in, not_in), a number (min, max) or anything comparable (equals)
    bands: tuple[str, ...] = ()  # for years_in_band / unit_years_in_band
    titles: tuple[str, ...] = ()  # history fields: the titles counted
    years: int = 0  # awards_in_years: how many years before the one considered
    thematic: bool = False  # history fields: whether awards of a thematic movement count

    def value_of(self, candidate: dict) -> object:
        """The candidate's value for this condition (band lists are counted against ``bands``; history fields
        are counted on the candidate's award history, revoked awards never counting)."""
        if self.field in PAST_FIELDS and self._unknown(candidate):
            return None
        if self.field in HISTORY_FIELDS:
            return self._from_history(candidate)
        if self.field in RESULT_HISTORY_FIELDS:
            return len(self._best_run(candidate))
        got = candidate.get(self.field)
        return sum(b in self.bands for b in got) if self.bands and isinstance(got, list) else got

    def _unknown(self, candidate: dict) -> bool:
        """Whether the years this condition looks at reach before what is known of the candidate (the previous
        campaign named by ``history_from`` could not be read, or the unit's lineage not traced there): its value is
        then unknown, never a silent 0."""
        known_from = candidate.get("history_known_from")
        if known_from is None:
            return False
        year = int(candidate.get("year_considered") or 0)
        if self.field == "awards_in_years":
            return year - self.years < known_from
        return year - 1 - self._walked(candidate) < known_from  # a run of years unbroken back to the unknown

    def _walked(self, candidate: dict) -> int:
        return len(self._best_run(candidate)) if self.field in RESULT_HISTORY_FIELDS else \
            self._from_history(candidate)

    def _best_run(self, candidate: dict) -> list:
        """The longest run over the candidate's lines (a unit that took over several has one line per predecessor,
        as in the final summing-up: kit.scoring.awards.collective_final)."""
        year = int(candidate.get("year_considered") or 0)
        runs = [_run(line, self.bands, year) for line in candidate.get("results_before") or []]
        return max(runs, key=len, default=[])

    def previous_years(self, candidate: dict) -> list[int]:
        """The years this condition counted from the previous campaign (``history_from``): the proposal's reasons
        name them."""
        if self.field in RESULT_HISTORY_FIELDS:
            return sorted(r.year for r in self._best_run(candidate) if r.source)
        if self.field in HISTORY_FIELDS:
            year = int(candidate.get("year_considered") or 0)
            back = self.years if self.field == "awards_in_years" else self._from_history(candidate)
            return sorted({a["year"] for a in candidate.get("history") or [] if a.get("previous")
                           and a["code"] in self.titles and not a["revoked"] and year - back <= a["year"] < year})
        return []

    def _from_history(self, candidate: dict) -> int:
        year = int(candidate.get("year_considered") or 0)
        on = candidate.get("on")
        years = {a["year"] for a in candidate.get("history") or [] if a["code"] in self.titles
                 and not a["revoked"] and (self.thematic or not a["thematic"]) and (on is None or a["date"] <= on)}
        if self.field == "awards_in_years":
            return sum(year - self.years <= y < year for y in years)
        count = 0
        while year - 1 - count in years:
            count += 1
        return count

    def check(self, candidate: dict) -> bool:
        got = self.value_of(candidate)
        if got is None or (isinstance(got, float) and math.isnan(got)):
            return False
        if self.op == "in":
            return got in self.value
        if self.op == "not_in":
            return got not in self.value
        if self.op == "min":
            return got >= self.value
        if self.op == "max":
            return got <= self.value
        return got == self.value

    def describe(self, labels: dict[str, str]) -> str:
        name = labels[self.field] + (f" ({', '.join(self.bands)})" if self.bands else "")
        if self.field in RESULT_HISTORY_FIELDS:
            name += " đến năm trước"
        if self.field in HISTORY_FIELDS:
            scope = f" trong {self.years} năm trước" if self.field == "awards_in_years" else " đến năm trước"
            name += f" {', '.join(self.titles)}{scope}" + (", kể cả khen thưởng theo chuyên đề" if self.thematic
                                                          else ", không tính khen thưởng theo chuyên đề")
        want = {"in": "thuộc", "not_in": "không thuộc", "min": "≥", "max": "≤", "equals": "="}[self.op]
        value = ", ".join(str(label(v)) for v in self.value) if isinstance(self.value, list) else _word(self.value)
        return f"{name} {want} {value}"


def _run(line: dict, bands: tuple[str, ...], year: int) -> list:
    """The unbroken run of years right before ``year`` in which ``line`` (a unit's results by year,
    kit.scoring.past.PastYear) was in ``bands``, latest first."""
    out: list = []
    while (row := line.get(year - 1 - len(out))) is not None and row.band in bands:
        out.append(row)
    return out


def _word(value: object) -> str:
    return {True: "có", False: "không"}.get(value, str(value)) if isinstance(value, bool) else str(label(value))


@dataclass(frozen=True)
class Title:
    """A form of commendation and the dates it exists (no "Giấy khen của Chủ tịch UBND huyện" after the district
    level was abolished on 1/7/2025)."""

    code: str
    name: str
    kind: Kind
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    thematic: bool = False  # awarded in a thematic movement (Law 2022 Art. 16): never the basis of a merit title

    def valid_on(self, day: dt.date) -> bool:
        return _within(day, self.valid_from, self.valid_to)

    @property
    def validity(self) -> str:
        return _validity(self.valid_from, self.valid_to)


def _within(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def _validity(start: dt.date | None, end: dt.date | None) -> str:
    text = " ".join(x for x in (f"từ {start:%d/%m/%Y}" if start else "", f"đến {end:%d/%m/%Y}" if end else "") if x)
    return text or "không giới hạn"


@dataclass(frozen=True)
class Rule:
    title: str  # the title it proposes: the first of ``choices`` valid on the proposals' date (``at``)
    title_name: str
    kind: Kind
    conditions: tuple[Condition, ...]
    quota_count: int | None = None
    quota_share: float | None = None
    per_group: bool = False
    order: tuple[str, ...] = ()
    choices: tuple[Title, ...] = ()  # the titles named by the rule, in order of preference
    row: int | None = None
    basis: str = ""  # the article it rests on, as cited on every proposal line (e.g. "Điều … Luật …")

    def at(self, day: dt.date) -> Rule | None:
        """This rule as it applies on ``day``: with the first of its titles then in force; None when none is."""
        valid = next((t for t in self.choices if t.valid_on(day)), None)
        return None if valid is None else replace(self, title=valid.code, title_name=valid.name)


@dataclass
class RulePack:
    """The rules of one legal period and what they rest on.

    ``basis``: the legal texts as written in a "Căn cứ …" line; ``short``: how a proposal line names them;
    ``articles``: the articles behind the kit's own behaviour in this period (holds, discipline, the tie-break,
    thematic awards, revocation), cited where that behaviour shows; ``tie_break``: the legal priorities applied
    before the name when candidates are equal at a quota's edge.
    """

    code: str
    name: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    basis: tuple[str, ...] = ()
    short: str = ""
    articles: dict[str, str] = field(default_factory=dict)
    tie_break: tuple[str, ...] = ()
    yearly: list[Rule] = field(default_factory=list)
    final: list[Rule] = field(default_factory=list)
    row: int | None = None

    def valid_on(self, day: dt.date) -> bool:
        return _within(day, self.valid_from, self.valid_to)

    @property
    def validity(self) -> str:
        return _validity(self.valid_from, self.valid_to)

    def cite(self, rule: Rule | None = None) -> str:
        """What a proposal line rests on: the rule's article, then the pack's texts."""
        return "; ".join(x for x in ((rule.basis if rule else ""), self.short or self.name) if x)


@dataclass
class Rules:
    path: Path
    example: bool
    note: str
    packs: list[RulePack] = field(default_factory=list)
    problems: list[P.Problem] = field(default_factory=list)
    pack_date: str = "year_end"  # a year's pack: the one in force at the year's end, or on the proposals' date
    titles: dict[str, Title] = field(default_factory=dict)

    def pack_at(self, day: dt.date) -> RulePack | None:
        return next((p for p in self.packs if p.valid_on(day)), None)

    def pack(self, code: str) -> RulePack | None:
        return next((p for p in self.packs if p.code == code), None)

    @property
    def yearly(self) -> list[Rule]:
        """The yearly rules of the latest pack (of the only one in a file without packs)."""
        return self.packs[-1].yearly if self.packs else []

    @property
    def final(self) -> list[Rule]:
        return self.packs[-1].final if self.packs else []


def _condition(raw: dict, level: str, kind: Kind, where: P.Where, problems: list,
               titles: dict[str, Title] | None = None) -> Condition | None:
    unknown_keys(raw, {"field", "bands", "titles", "years", "thematic", *OPS}, where.get("file", ""), problems)
    allowed = FIELDS[(level, kind)]
    name = raw.get("field")
    if name not in allowed:
        problems.append(P.make(P.Code.RULE_FIELD_UNKNOWN, **where, row=line_of(raw), value=name,
                               expected=", ".join(allowed)))
        return None
    ops = [op for op in OPS if op in raw]
    if len(ops) != 1:
        problems.append(P.make(P.Code.RULE_INVALID, **where, row=line_of(raw),
                               detail=f"điều kiện trên \"{name}\" cần đúng một phép so sánh: {', '.join(OPS)}"))
        return None
    bands = tuple(raw.get("bands") or ())
    if name in ("years_in_band", "unit_years_in_band", *RESULT_HISTORY_FIELDS) and not bands:
        problems.append(P.make(P.Code.RULE_INVALID, **where, row=line_of(raw),
                               detail=f"điều kiện \"{name}\" cần danh sách \"bands\""))
        return None
    value: Any = raw[ops[0]]
    if ops[0] in ("min", "max") and not finite(value):
        problems.append(P.make(P.Code.RULE_INVALID, **where, row=line_of(raw),
                               detail=f"điều kiện trên \"{name}\": \"{ops[0]}\" phải là một số hữu hạn"))
        return None
    if name in STATES:
        states = STATES[name]
        given = value if isinstance(value, list) else [value]
        parsed = [parse(states, v) for v in given]
        if None in parsed:
            words = ", ".join(m.label for m in states)
            problems.append(P.make(P.Code.RULE_INVALID, **where, row=line_of(raw),
                                   detail=f"giá trị của \"{name}\" phải là một trong: {words}"))
            return None
        value = parsed if isinstance(value, list) else parsed[0]
    if name in HISTORY_FIELDS:
        return _history_condition(raw, name, ops[0], value, titles or {}, where, problems)
    return Condition(name, ops[0], value, bands)


def _history_condition(raw: dict, name: str, op: str, value: Any, titles: dict[str, Title], where: P.Where,
                       problems: list) -> Condition | None:
    counted = raw.get("titles")
    codes = [str(c) for c in counted] if isinstance(counted, list) else ([str(counted)] if counted else [])
    if not codes:
        problems.append(P.make(P.Code.RULE_INVALID, **where, row=line_of(raw),
                               detail=f"điều kiện \"{name}\" cần danh sách \"titles\" (các hình thức được tính)"))
        return None
    unknown = [c for c in codes if c not in titles]
    for code in unknown:
        problems.append(P.make(P.Code.RULE_TITLE_UNKNOWN, **where, row=line_of(raw), value=code))
    years = raw.get("years", 0)
    if name == "awards_in_years" and (not isinstance(years, int) or isinstance(years, bool) or years < 1):
        problems.append(P.make(P.Code.RULE_INVALID, **where, row=line_of(raw),
                               detail=f"điều kiện \"{name}\" cần \"years\": số năm (số nguyên dương)"))
        return None
    return None if unknown else Condition(name, op, value, (), tuple(codes), int(years or 0),
                                          raw.get("thematic") is True)


def _rule(raw: dict, level: str, titles: dict[str, Title], where: P.Where, problems: list,
          thematic_article: str = "") -> Rule | None:
    given = raw.get("title")  # one title, or a list: the first in force on the proposals' date is used
    codes: list[str] = [str(c) for c in given] if isinstance(given, list) else [str(given)]
    unknown = [c for c in codes if c not in titles]
    for code in unknown:
        problems.append(P.make(P.Code.RULE_TITLE_UNKNOWN, **where, row=line_of(raw), value=code))
    if unknown or not codes:
        return None
    choices = tuple(titles[c] for c in codes)
    if len({t.kind for t in choices}) > 1:
        problems.append(P.make(P.Code.RULE_INVALID, **where, row=line_of(raw),
                               detail="các hình thức thay thế nhau trong một quy định phải cùng đối tượng "
                                      "(cùng tập thể hoặc cùng cá nhân)"))
        return None
    code, name, kind = choices[0].code, choices[0].name, choices[0].kind
    unknown_keys(raw, {"title", "conditions", "quota", "order", "basis"}, where.get("file", ""), problems)
    unknown_keys(raw.get("quota"), {"count", "share", "per"}, where.get("file", ""), problems)
    found = [_condition(x, level, kind, where, problems, titles) for x in raw.get("conditions") or []]
    conditions = [c for c in found if c is not None]
    merit = not any(t.thematic for t in choices)
    for c, item in zip(found, raw.get("conditions") or [], strict=True):
        if c is not None and c.thematic and merit and thematic_article:  # Decree 152/2025 Art. 4 (pack's cite)
            problems.append(P.make(P.Code.THEMATIC_AS_BASIS, **where, row=line_of(item), value=name,
                                   detail=c.field, expected=thematic_article))
            return None
    quota = raw.get("quota") or {}
    count, share = quota.get("count"), quota.get("share")
    if share is not None and (not isinstance(share, (int, float)) or not 0 <= share <= 1):
        problems.append(P.make(P.Code.QUOTA_INVALID, **where, row=line_of(quota) or line_of(raw),
                               detail=f"tỷ lệ {share} phải trong khoảng 0 đến 1 (0 % đến 100 %)"))
        return None
    if count is not None and (not isinstance(count, int) or count < 0):
        problems.append(P.make(P.Code.QUOTA_INVALID, **where, row=line_of(quota) or line_of(raw),
                               detail=f"số lượng {count} phải là số nguyên không âm"))
        return None
    order = tuple(raw.get("order") or ())
    for key in order:
        if key not in FIELDS[(level, kind)]:
            problems.append(P.make(P.Code.RULE_FIELD_UNKNOWN, **where, row=line_of(raw), value=key,
                                   expected=", ".join(FIELDS[(level, kind)])))
            return None
    if len(conditions) < len(found):
        return None
    return Rule(str(code), name, kind, tuple(conditions), count, share, quota.get("per") == "group", order,
                choices, line_of(raw), str(raw.get("basis") or ""))


def load_rules(root: Path) -> Rules | None:
    """Read commendation.yml; None when the campaign has none. Problems are collected, not raised."""
    path = root / "commendation.yml"
    if not path.exists():
        return None
    where: P.Where = {"file": "commendation.yml"}
    try:
        raw = load(path)
    except (yaml.YAMLError, FileProblem) as exc:
        rules = Rules(path, False, "")
        rules.problems.append(exc.problem if isinstance(exc, FileProblem) else
                              syntax_problem(exc, where["file"]))
        return rules
    raw = raw if isinstance(raw, dict) else {}
    rules = Rules(path, bool(raw.get("example")), str(raw.get("note", "")))
    unknown_keys(raw, {"example", "note", "titles", "yearly", "final", "packs", "pack_date"}, where["file"],
                 rules.problems)
    if raw.get("pack_date", "year_end") not in ("year_end", "proposals"):
        rules.problems.append(P.make(P.Code.RULE_INVALID, **where, row=line_of(raw), detail=(
            f"pack_date \"{raw.get('pack_date')}\" không hợp lệ: year_end (bộ quy định có hiệu lực ngày cuối năm) "
            "hoặc proposals (có hiệu lực ngày xét khen thưởng)")))
    else:
        rules.pack_date = str(raw.get("pack_date", "year_end"))
    rules.titles = titles = _titles(raw, where, rules.problems)
    if "packs" not in raw:  # one period: the rules at the top of the file
        pack = RulePack("")
        _pack_rules(pack, raw, titles, where, rules.problems)
        rules.packs = [pack]
        return rules
    for item in raw.get("packs") or []:
        found = _pack(item, titles, where, rules.problems) if isinstance(item, dict) else None
        if found is not None:
            rules.packs.append(found)
    rules.packs.sort(key=lambda p: p.valid_from or dt.date.min)
    _periods(rules.packs, where, rules.problems)
    return rules


def _titles(raw: dict, where: P.Where, problems: list) -> dict[str, Title]:
    titles: dict[str, Title] = {}
    for t in raw.get("titles") or []:
        unknown_keys(t, {"code", "name", "for", "valid_from", "valid_to", "thematic"}, where["file"], problems)
        kind = parse(Kind, t.get("for")) if isinstance(t, dict) else None
        if not isinstance(t, dict) or not t.get("code") or kind is None:
            detail = "mỗi hình thức cần \"code\", \"name\" và \"for: collective|individual\""
            problems.append(P.make(P.Code.RULE_INVALID, **where, row=line_of(t), detail=detail))
            continue
        dates = _dates(t, where, problems)
        titles[t["code"]] = Title(str(t["code"]), str(t.get("name", t["code"])), kind, dates["valid_from"],
                                  dates["valid_to"], t.get("thematic") is True)
    return titles


def _dates(raw: dict, where: P.Where, problems: list) -> dict[str, dt.date | None]:
    dates = {k: parse_date(raw[k]) if raw.get(k) else None for k in ("valid_from", "valid_to")}
    for k, day in dates.items():
        if raw.get(k) and day is None:
            problems.append(P.make(P.Code.DATE_INVALID, **where, row=line_of(raw), value=raw[k]))
    return dates


def _pack_rules(pack: RulePack, raw: dict, titles: dict[str, Title], where: P.Where, problems: list) -> None:
    for level in ("yearly", "final"):
        for item in raw.get(level) or []:
            rule = _rule(item, level, titles, where, problems, pack.articles.get("thematic", "")) \
                if isinstance(item, dict) else None
            if rule is not None:
                getattr(pack, level).append(rule)


def _pack(raw: dict, titles: dict[str, Title], where: P.Where, problems: list) -> RulePack | None:
    unknown_keys(raw, {"code", "name", "valid_from", "valid_to", "basis", "short", "articles", "tie_break", "yearly",
                       "final"}, where["file"], problems)
    unknown_keys(raw.get("articles"), set(ARTICLES), where["file"], problems)
    if not raw.get("code"):
        problems.append(P.make(P.Code.RULE_INVALID, **where, row=line_of(raw),
                               detail="mỗi bộ quy định (packs) cần \"code\", \"name\", \"valid_from\"/\"valid_to\" "
                                      "và \"basis\" (căn cứ pháp lý)"))
        return None
    dates = _dates(raw, where, problems)
    if dates["valid_from"] and dates["valid_to"] and dates["valid_from"] > dates["valid_to"]:
        problems.append(P.make(P.Code.RULE_INVALID, **where, row=line_of(raw), detail=(
            f"bộ quy định \"{raw['code']}\": valid_from ({dates['valid_from']:%d/%m/%Y}) sau valid_to "
            f"({dates['valid_to']:%d/%m/%Y})")))
        return None
    ties = tuple(str(t) for t in raw.get("tie_break") or ())
    for tie in ties:
        if tie not in TIE_BREAKS:
            problems.append(P.make(P.Code.RULE_INVALID, **where, row=line_of(raw), detail=(
                f"tie_break \"{tie}\" không có; dùng được: {', '.join(TIE_BREAKS)} (sau đó luôn xếp theo tên)")))
            return None
    basis = raw.get("basis") or []
    articles: dict = raw["articles"] if isinstance(raw.get("articles"), dict) else {}
    pack = RulePack(str(raw["code"]), str(raw.get("name", raw["code"])), dates["valid_from"], dates["valid_to"],
                    tuple(str(b) for b in (basis if isinstance(basis, list) else [basis])), str(raw.get("short", "")),
                    {str(k): str(v) for k, v in articles.items() if k in ARTICLES}, ties, row=line_of(raw))
    _pack_rules(pack, raw, titles, where, problems)
    return pack


def _periods(packs: list[RulePack], where: P.Where, problems: list) -> None:
    """Packs sorted by start: each must begin the day after the one before ends (no overlap, no gap)."""
    for before, after in zip(packs, packs[1:], strict=False):
        ends = before.valid_to
        if after.valid_from is None or ends is None or ends >= after.valid_from:
            shared = f"{before.validity} và {after.validity}"
            problems.append(P.make(P.Code.PACK_OVERLAP, **where, row=after.row, value=after.code,
                                   expected=before.code, detail=shared))
        elif ends + dt.timedelta(days=1) < after.valid_from:
            first, last = ends + dt.timedelta(days=1), after.valid_from - dt.timedelta(days=1)
            missing = f"từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}"
            problems.append(P.make(P.Code.PACK_GAP, **where, row=after.row, value=after.code, expected=before.code,
                                   detail=missing))
