"""Commendation rules: structured conditions in an editable file, interpreted here (never eval'd).

``commendation.yml`` in the campaign lists the titles (hình thức khen thưởng) and, for the yearly
and the final summing-up, rules in order of precedence: a title, conditions over fields of a
candidate, a quota and the order that decides who fits in it. The law and the district's guidance
change; this file changes with them, the code does not.
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
OPS = ("in", "not_in", "min", "max", "equals")
# fields whose values are states: the rules file may name them by code or by their Vietnamese label
STATES: dict[str, type[Vocab]] = {"status": Status, "registration": Registration}


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any  # a list (in, not_in), a number (min, max) or anything comparable (equals)
    bands: tuple[str, ...] = ()  # for years_in_band / unit_years_in_band

    def value_of(self, candidate: dict) -> object:
        """The candidate's value for this condition (band lists are counted against ``bands``)."""
        got = candidate.get(self.field)
        return sum(b in self.bands for b in got) if self.bands and isinstance(got, list) else got

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
        want = {"in": "thuộc", "not_in": "không thuộc", "min": "≥", "max": "≤", "equals": "="}[self.op]
        value = ", ".join(str(label(v)) for v in self.value) if isinstance(self.value, list) else _word(self.value)
        return f"{name} {want} {value}"


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

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def validity(self) -> str:
        start = f"từ {self.valid_from:%d/%m/%Y}" if self.valid_from else ""
        end = f"đến {self.valid_to:%d/%m/%Y}" if self.valid_to else ""
        return " ".join(x for x in (start, end) if x) or "không giới hạn"


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

    def at(self, day: dt.date) -> Rule | None:
        """This rule as it applies on ``day``: with the first of its titles then in force; None when none is."""
        valid = next((t for t in self.choices if t.valid_on(day)), None)
        return None if valid is None else replace(self, title=valid.code, title_name=valid.name)


@dataclass
class Rules:
    path: Path
    example: bool
    note: str
    yearly: list[Rule] = field(default_factory=list)
    final: list[Rule] = field(default_factory=list)
    problems: list[P.Problem] = field(default_factory=list)


def _condition(raw: dict, level: str, kind: Kind, where: P.Where, problems: list) -> Condition | None:
    unknown_keys(raw, {"field", "bands", *OPS}, where.get("file", ""), problems)
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
    if name in ("years_in_band", "unit_years_in_band") and not bands:
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
    return Condition(name, ops[0], value, bands)


def _rule(raw: dict, level: str, titles: dict[str, Title], where: P.Where, problems: list) -> Rule | None:
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
    unknown_keys(raw, {"title", "conditions", "quota", "order"}, where.get("file", ""), problems)
    unknown_keys(raw.get("quota"), {"count", "share", "per"}, where.get("file", ""), problems)
    found = [_condition(x, level, kind, where, problems) for x in raw.get("conditions") or []]
    conditions = [c for c in found if c is not None]
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
                choices, line_of(raw))


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
    unknown_keys(raw, {"example", "note", "titles", "yearly", "final"}, where["file"], rules.problems)
    titles: dict[str, Title] = {}
    for t in raw.get("titles") or []:
        unknown_keys(t, {"code", "name", "for", "valid_from", "valid_to"}, where["file"], rules.problems)
        kind = parse(Kind, t.get("for")) if isinstance(t, dict) else None
        if not isinstance(t, dict) or not t.get("code") or kind is None:
            detail = "mỗi hình thức cần \"code\", \"name\" và \"for: collective|individual\""
            rules.problems.append(P.make(P.Code.RULE_INVALID, **where, row=line_of(t), detail=detail))
            continue
        dates = {k: parse_date(t[k]) if t.get(k) else None for k in ("valid_from", "valid_to")}
        for k, day in dates.items():
            if t.get(k) and day is None:
                rules.problems.append(P.make(P.Code.DATE_INVALID, **where, row=line_of(t), value=t[k]))
        titles[t["code"]] = Title(str(t["code"]), str(t.get("name", t["code"])), kind, dates["valid_from"],
                                  dates["valid_to"])
    for level in ("yearly", "final"):
        for item in raw.get(level) or []:
            rule = _rule(item, level, titles, where, rules.problems) if isinstance(item, dict) else None
            if rule is not None:
                getattr(rules, level).append(rule)
    return rules
