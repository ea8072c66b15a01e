"""Who decides each title, who proposes it to them and how each signs: the authority table, with validity dates.

A commendation is decided by the authority whose title it bears: a "Giấy khen của Chủ tịch UBND huyện" by the
district's Chủ tịch, a "Giấy khen của Giám đốc Sở Nội vụ" by that director, a "Bằng khen của Chủ tịch UBND tỉnh" by
the province's Chủ tịch on a proposal sent up through the Sở Nội vụ. The decision of a Chủ tịch is his own: it is
signed "CHỦ TỊCH" (or "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"); "TM. ỦY BAN NHÂN DÂN" is the collective committee's
signature (Decree 30/2020, Appendix I). The emulation council advises and its standing body prepares the Tờ
trình; a body never proposes to itself.

``authorities:`` in campaign.yml holds two lists: ``decide`` (each authority: its head and body, how it signs, the
titles it awards, its validity) and ``propose`` (who sends the Tờ trình to each authority, how that body signs,
its validity). ``kit docs`` writes one Tờ trình and one draft decision per deciding authority, each with only the
titles that authority awards. Without the key (older campaign files) the table is read off the titles' names and
the ``issuers:`` rows. A table that contradicts itself is refused with file and line, all problems at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kit.config.issuers import Issuer
from kit.config.rules import Title
from kit.core import problems as P
from kit.core.errors import UsageError
from kit.core.values import parse_date
from kit.core.yamlfile import line_of, unknown_keys

DECIDE_KEYS = {"code", "head", "body", "parent", "place", "signer", "signer_name", "titles", "valid_from", "valid_to"}
PROPOSE_KEYS = {"to", "by", "parent", "place", "signer", "signer_name", "via", "valid_from", "valid_to"}
HEADS = ("Tổng Giám đốc", "Giám đốc", "Chủ tịch", "Thủ trưởng", "Trưởng ban", "Bộ trưởng")  # a title's "của …"
CAPACITY = re.compile(r"^(TM|KT|Q|TL|TUQ)\.\s*(.+)$")  # Decree 30/2020: thay mặt, ký thay, quyền, thừa lệnh…


@dataclass(frozen=True)
class Authority:
    """One deciding authority: the head of a body ("Chủ tịch" of "UBND tỉnh Tây Ninh"), the titles it awards."""

    code: str
    head: str
    body: str
    parent: str = ""  # the body above on the decision's letterhead ("UBND tỉnh Tây Ninh" above "Sở Nội vụ")
    place: str = ""
    signer: str = ""  # the signature's title lines; default the head ("CHỦ TỊCH")
    signer_name: str = ""
    titles: tuple[str, ...] = ()
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    row: int | None = None

    @property
    def name(self) -> str:
        return f"{self.head} {self.body}"

    @property
    def signature(self) -> list[str]:
        return [line for line in self.signer.split("\n") if line.strip()] or [self.head.upper()]

    @property
    def slug(self) -> str:
        """"CT_HUYEN" → "ct-huyen": the authority in a file name."""
        return "".join(ch if ch.isalnum() else "-" for ch in self.code.casefold()).strip("-")

    def valid_on(self, day: dt.date) -> bool:
        return _within(day, self.valid_from, self.valid_to)


@dataclass(frozen=True)
class Route:
    """Who sends the Tờ trình to an authority (``to``): the body, the one above it on the letterhead, how it signs,
    and the body it goes through (``via``: "Sở Nội vụ" for a Bằng khen of the province's Chủ tịch)."""

    to: str
    by: str
    parent: str = ""
    place: str = ""
    signer: str = ""
    signer_name: str = ""
    via: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    row: int | None = None

    @property
    def signature(self) -> list[str]:
        return [line for line in self.signer.split("\n") if line.strip()]

    def valid_on(self, day: dt.date) -> bool:
        return _within(day, self.valid_from, self.valid_to)


@dataclass
class Authorities:
    decide: list[Authority] = field(default_factory=list)
    propose: list[Route] = field(default_factory=list)

    def deciding(self, title: str, day: dt.date) -> Authority | None:
        """The authority that awards ``title`` on ``day``."""
        return next((a for a in self.decide if title in a.titles and a.valid_on(day)), None)

    def route_to(self, authority: Authority, day: dt.date) -> Route:
        """Who proposes to ``authority`` on ``day`` (a checked table has one for every day of the campaign)."""
        found = next((r for r in self.propose if r.to == authority.code and r.valid_on(day)), None)
        if found is None:
            raise UsageError(f"Không có cơ quan trình lên {authority.name} ngày {day:%d/%m/%Y} (authorities: "
                             "propose trong campaign.yml).")
        return found


def not_itself(issuer: Issuer, recipients: list[str]) -> list[str]:
    """Nơi nhận without the issuer itself: a report the Sở Nội vụ issues goes to the body above it, not to
    "Sở Nội vụ tỉnh"."""
    own = [same_body(name) for name in (issuer.name, issuer.council) if name]
    out = [(issuer.parent if any(same_body(r).startswith(o) for o in own) else r) for r in recipients]
    return [r for r in dict.fromkeys(out) if r]


def _within(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def same_body(text: str) -> str:
    """Names compared as a reader would: case, spacing, dashes and "Ủy ban nhân dân" = "UBND" do not matter."""
    text = re.sub(r"\s+", " ", text.replace("–", "-").strip()).casefold()
    return re.sub(r"ủy ban nhân dân|uỷ ban nhân dân", "ubnd", text)


# -- reading -----------------------------------------------------------------------------------------------------
def load_authorities(raw: object, path: Path, problems: list[P.Problem], *, titles: dict[str, Title],
                     issuers: list[Issuer], district: str, province: str) -> Authorities:
    """``authorities:`` of campaign.yml, or the table read off the titles' names and the issuers without it."""
    if raw is None:
        return _defaults(titles, issuers, district, province)
    if not isinstance(raw, dict):
        problems.append(P.make(P.Code.CONFIG_INVALID, file=path, detail="\"authorities\" cần hai danh sách: "
                               "decide (cấp quyết định từng hình thức) và propose (cơ quan trình)"))
        return Authorities()
    unknown_keys(raw, {"decide", "propose"}, path, problems)
    found = Authorities()
    for item in _items(raw, "decide", path, problems):
        unknown_keys(item, DECIDE_KEYS, path, problems)
        if not item.get("code") or not item.get("head") or not item.get("body"):
            problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=line_of(item), detail=(
                "mỗi cấp quyết định (authorities: decide) cần \"code\", \"head\" (Chủ tịch, Giám đốc…) và \"body\" "
                "(UBND tỉnh …, Sở …)")))
            continue
        codes = item.get("titles") or []
        start, end = _dates(item, path, problems)
        found.decide.append(Authority(
            str(item["code"]), str(item["head"]), str(item["body"]), **_texts(item, "parent", "place", "signer",
                                                                              "signer_name"),
            titles=tuple(str(c) for c in (codes if isinstance(codes, list) else [codes])), valid_from=start,
            valid_to=end, row=line_of(item)))
    for item in _items(raw, "propose", path, problems):
        unknown_keys(item, PROPOSE_KEYS, path, problems)
        if not item.get("to") or not item.get("by"):
            problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=line_of(item), detail=(
                "mỗi dòng trình (authorities: propose) cần \"to\" (mã cấp quyết định) và \"by\" (cơ quan trình)")))
            continue
        start, end = _dates(item, path, problems)
        found.propose.append(Route(str(item["to"]), str(item["by"]), **_texts(item, "parent", "place", "signer",
                                                                               "signer_name", "via"),
                                   valid_from=start, valid_to=end, row=line_of(item)))
    return found


def _items(raw: dict, key: str, path: Path, problems: list[P.Problem]) -> list[dict]:
    items = raw.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=line_of(raw),
                               detail=f"\"authorities: {key}\" phải là danh sách"))
        return []
    return items


def _texts(item: dict, *keys: str) -> dict[str, str]:
    return {k: str(item.get(k) or "") for k in keys}


def _dates(item: dict, path: Path, problems: list[P.Problem]) -> tuple[dt.date | None, dt.date | None]:
    out = []
    for key in ("valid_from", "valid_to"):
        day = parse_date(item[key]) if item.get(key) else None
        if item.get(key) and day is None:
            problems.append(P.make(P.Code.DATE_INVALID, file=path, row=line_of(item), value=item[key]))
        out.append(day)
    return out[0], out[1]


def holder(title_name: str) -> tuple[str, str] | None:
    """"Bằng khen của Chủ tịch UBND tỉnh" → ("Chủ tịch", "UBND tỉnh"): whose title it bears; None for a title that
    names nobody ("Lao động tiên tiến")."""
    _, of, rest = title_name.partition(" của ")
    head = next((h for h in HEADS if of and same_body(rest).startswith(same_body(h) + " ")), None)
    return (head, rest[len(head):].strip()) if head else None


def _defaults(titles: dict[str, Title], issuers: list[Issuer], district: str, province: str) -> Authorities:
    """Without ``authorities:``: each title is decided by the head it names (the district's and province's own
    names added), for as long as the title exists; a title naming nobody by the head of the issuer of the day;
    each proposed by the issuer of each period with its signature."""
    found = Authorities()
    held: dict[tuple[str, str], list[Title]] = {}
    for t in titles.values():
        who = holder(t.name)
        if who is not None:
            head, body = who
            place = {"huyện": district, "tỉnh": province}.get(body.split()[-1].casefold(), "") if body else ""
            held.setdefault((head, f"{body} {place}".strip()), []).append(t)
    by_name: dict[str, Authority] = {}
    for n, ((head, body), named) in enumerate(held.items(), start=1):
        starts, ends = [t.valid_from for t in named], [t.valid_to for t in named]
        by_name[body] = Authority(f"A{n}", head, body, titles=tuple(t.code for t in named),
                                  valid_from=None if None in starts else min(d for d in starts if d),
                                  valid_to=None if None in ends else max(d for d in ends if d))
    found.decide = list(by_name.values())
    unnamed = tuple(t.code for t in titles.values() if holder(t.name) is None)  # "Chiến sĩ thi đua cơ sở"
    for n, i in enumerate(issuers if unnamed else [], start=len(found.decide) + 1):
        head = "Chủ tịch" if same_body(i.name).startswith("ubnd") else "Thủ trưởng"  # the head of the issuing body
        found.decide.append(Authority(f"A{n}", head, i.name, i.parent, i.place, titles=unnamed,
                                      valid_from=i.valid_from, valid_to=i.valid_to))
    for a in found.decide:
        for i in issuers:
            proposer = i.council or i.name
            found.propose.append(Route(a.code, proposer, i.name if i.council else i.parent, i.place, i.signer,
                                       i.signer_name, valid_from=i.valid_from, valid_to=i.valid_to, row=i.row))
    return found


# -- checking ----------------------------------------------------------------------------------------------------
def signature_problem(lines: list[str], *, body: str, head: str = "") -> str:
    """Why a signature does not belong to its document ("" when it does). ``head``: the document is the decision of
    that head (a Chủ tịch's, a Giám đốc's own power): signed by the head, "KT." or "Q." the head, never "TM." a
    collective. Without ``head``: a document of ``body``, which may sign "TM." only for itself (a council "TM. HỘI
    ĐỒNG", a committee "TM. ỦY BAN NHÂN DÂN")."""
    if not lines:
        return ""
    first = lines[0].strip().upper()
    found = CAPACITY.match(first)
    if head:
        own = head.upper()
        if first == own or (found and found.group(1) in ("KT", "Q") and found.group(2).strip() == own):
            return ""
        return (f"quyết định của {head} {body} phải ký \"{own}\" (hoặc \"KT. {own}\", \"Q. {own}\"), không phải "
                f"\"{lines[0].strip()}\"" + (": \"TM.\" là chữ ký thay mặt tập thể" if found and
                                             found.group(1) == "TM" else ""))
    if found and found.group(1) == "TM":
        collective = found.group(2).strip()
        own_kind = "HỘI ĐỒNG" if same_body(body).startswith("hội đồng") else \
            "ỦY BAN NHÂN DÂN" if same_body(body).startswith("ubnd") else ""
        if collective not in (own_kind, body.upper()):
            return (f"\"{lines[0].strip()}\" là ký thay mặt {collective.lower()}, không phải của {body}"
                    + ("" if own_kind else f" ({body} không phải tập thể lãnh đạo: ký chức danh thủ trưởng)"))
    return ""


def check_authorities(found: Authorities, titles: dict[str, Title] | None, issuers: list[Issuer],
                      span: tuple[dt.date, dt.date], path: Path, row: int | None = None) -> list[P.Problem]:
    """Every contradiction of the table, each located: a signature for another body, a body proposing to itself,
    an authority awarding a title that bears another's name, a title or an authority left without a decider or a
    proposer on some day of the campaign, two on one day. ``row``: the table's line, for what no row says;
    ``titles``: None when the campaign has no commendation.yml (nothing is awarded, titles are not checked)."""
    out: list[P.Problem] = []

    def bad(row: int | None, detail: str) -> None:
        out.append(P.make(P.Code.CONFIG_INVALID, file=path, row=row, detail=detail))

    codes = {a.code for a in found.decide}
    for a in found.decide:
        why = signature_problem(a.signature, body=a.body, head=a.head)
        if why:
            bad(a.row, f"cấp quyết định {a.code}: {why}")
        for code in a.titles if titles is not None else ():
            t = (titles or {}).get(code)
            if t is None:
                bad(a.row, f"cấp quyết định {a.code}: hình thức \"{code}\" không có trong commendation.yml")
                continue
            held = holder(t.name)
            if held and not same_body(a.name).startswith(same_body(" ".join(held))):
                bad(a.row, f"{a.name} không quyết định được \"{t.name}\" (hình thức mang tên {' '.join(held)})")
    for r in found.propose:
        target = next((a for a in found.decide if a.code == r.to), None)
        if r.to not in codes or target is None:
            bad(r.row, f"dòng trình lên \"{r.to}\": không có cấp quyết định mã này (authorities: decide)")
            continue
        if same_body(r.by) in (same_body(target.body), same_body(target.name)):
            bad(r.row, f"{r.by} trình chính mình: tờ trình lên {target.name} phải do cơ quan tham mưu (Hội đồng "
                       "Thi đua – Khen thưởng hoặc cơ quan thường trực của Hội đồng) hay cấp dưới lập (ghi cơ quan "
                       "trình trong authorities: propose của campaign.yml)")
        why = signature_problem(r.signature, body=r.by)
        if why:
            bad(r.row, f"tờ trình lên {target.name}: {why}")
    for i in issuers:
        body = i.council or i.name
        why = signature_problem([line for line in i.signer.split("\n") if line.strip()], body=body)
        if why:
            bad(i.row, f"cơ quan ban hành (issuers) {body}: {why}")
    for t in (titles or {}).values():
        start, end = max(span[0], t.valid_from or span[0]), min(span[1], t.valid_to or span[1])
        holders = [(a.valid_from, a.valid_to) for a in found.decide if t.code in a.titles]
        for gap in _gaps(start, end, holders):
            bad(row, f"hình thức \"{t.name}\" ({t.code}) không có cấp quyết định {gap} (authorities: decide)")
        for twice in _overlaps(holders):
            bad(row, f"hình thức \"{t.name}\" ({t.code}) có hai cấp quyết định {twice}")
    for a in found.decide:
        start, end = max(span[0], a.valid_from or span[0]), min(span[1], a.valid_to or span[1])
        routes = [(r.valid_from, r.valid_to) for r in found.propose if r.to == a.code]
        for gap in _gaps(start, end, routes):
            bad(a.row, f"không có cơ quan trình lên {a.name} {gap} (authorities: propose)")
        for twice in _overlaps(routes):
            bad(a.row, f"hai cơ quan cùng trình lên {a.name} {twice}")
    return list(dict.fromkeys(out))  # a default route repeats its issuer's problem: once is enough


Interval = tuple[dt.date | None, dt.date | None]


def _gaps(start: dt.date, end: dt.date, intervals: Iterable[Interval]) -> list[str]:
    """The stretches of [start, end] no interval covers, as "từ … đến …"."""
    out, day = [], start
    for a, b in sorted(intervals, key=lambda x: x[0] or dt.date.min):
        a, b = a or dt.date.min, b or dt.date.max
        if b < day:
            continue
        if a > day:
            out.append((day, min(end, a - dt.timedelta(days=1))))
        day = max(day, b + dt.timedelta(days=1)) if b < dt.date.max else dt.date.max
        if day > end:
            break
    if day <= end:
        out.append((day, end))
    return [f"từ {a:%d/%m/%Y} đến {b:%d/%m/%Y}" for a, b in out if a <= b]


def _overlaps(intervals: Iterable[Interval]) -> list[str]:
    ordered = sorted(((a or dt.date.min, b or dt.date.max) for a, b in intervals))
    return [f"từ {max(a2, a1):%d/%m/%Y}" for (a1, b1), (a2, _) in zip(ordered, ordered[1:], strict=False)
            if a2 <= b1]
