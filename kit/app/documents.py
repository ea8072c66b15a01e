"""What goes into the documents the office signs, from the same year state the reports use (``kit docs``).

For a year: the report on the year's scoring, a notice of its result to every unit, the Tờ trình proposing
commendations with its list, the draft decision, and the prefilled achievement report of every proposed collective
and individual. For the period: the summing-up report, the Tờ trình, the draft decision and the achievement
reports. Each document names the body in office on its date (``issuers:`` in campaign.yml); what neither the data
nor the configuration gives (the number, the signer's name, the lessons the council draws) is left "…" and listed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kit.app.doc_frame import (
    RECIPIENTS,
    decided_by,
    deciders,
    frame_of,
    legal_grounds,
    proposer_frame,
    report_author,
    symbol,
    unit_heading,
)
from kit.app.doc_gaps import gaps_in, known_gaps
from kit.app.doc_kinds import DocumentKind, Run, Scope, kinds_for, register
from kit.app.pipeline import proposals
from kit.app.year import YearState
from kit.config.authorities import Authority
from kit.config.campaign import Campaign
from kit.core import vn
from kit.core.errors import UsageError
from kit.core.vocab import FindingState, Kind, Status, label
from kit.intake.layout import header_key
from kit.intake.records import revoked_index
from kit.outputs.official import GAP, Missing, Written, render
from kit.outputs.proposals import period_text  # one wording of a period, lists and documents alike
from kit.scoring import inspections as si
from kit.scoring.awards import Awards, Finding
from kit.scoring.past import PastYear, previous_text
from kit.scoring.prose import achievement_text, citation_complete
from kit.store.gradebook import latest

ERRORS_SHOWN = 10  # a refused form's errors listed in its notice


@dataclass
class Batch:
    """The documents of one ``kit docs`` run: those written, and those that failed (an edited template with a
    broken tag) with the message saying why — one bad template never stops the others."""

    made_from: str
    written: list[Written] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    not_sent: list[str] = field(default_factory=list)  # units a notice dated ``day`` could not reach: ceased before
    day: dt.date | None = None  # the date of the run's documents

    def missing(self) -> Counter[str]:
        """Each value left "…", with the number of documents it is missing from."""
        return Counter(what for w in self.written for what in w.missing)


# -- commendation: Tờ trình, draft decision, achievement reports ------------------------------------------------
def _lists(campaign: Campaign, awards: Awards) -> dict[str, list[dict]]:
    names = campaign.unit_names
    out: dict[str, list[dict]] = {"tap_the": [], "ca_nhan": []}
    for f in awards.proposed():
        rows = out["tap_the" if f.rule.kind == Kind.COLLECTIVE else "ca_nhan"]
        rows.append({"tt": str(len(rows) + 1), "ten": f.candidate["name"], "chuc_vu": f.candidate.get("position") or "",
                     "don_vi": names.get(f.candidate["unit"], ""), "hinh_thuc": f.rule.title_name,
                     "thanh_tich": _thanh_tich(f, awards)})
    return out


def _thanh_tich(finding: Finding, awards: Awards) -> str:
    """The list's "Thành tích" cell: the council's sentence, then the article the title rests on when it is
    configured (when it is not, the achievement report lists it as a gap)."""
    text = achievement_text(finding, awards.years)
    return f"{text} Căn cứ: {finding.citation}." if citation_complete(finding.citation) else text


def _citation_line(finding: Finding) -> str:
    """"Căn cứ đề nghị: …" of an achievement report: the rule pack's citation as written (a "…" still in it, the
    article not yet verified, is listed with its setting and line by ``doc_gaps``)."""
    return f"Căn cứ đề nghị: {finding.citation or GAP}."


def submission_context(campaign: Campaign, awards: Awards, authority: Authority | None = None) -> dict:
    """Tờ trình đề nghị khen thưởng + Danh sách kèm theo, to one deciding authority (default: the first) from the
    body that proposes to it, with only the titles it awards."""
    day = awards.on or dt.date.today()
    issuer = campaign.issuer(day)
    to = authority or deciders(campaign, awards)[0]
    route = campaign.authorities.route_to(to, day)
    mine = decided_by(awards, to)
    period = period_text(awards)
    frame = frame_of(campaign, day, issuer, above=route.parent, body=route.by, kind="TTr", authority=route.signature,
                   signer=route.signer_name or Missing(f"họ tên người ký tờ trình lên {to.name} (signer_name trong "
                                                       "authorities: propose)"),
                   recipients=RECIPIENTS, place=route.place)
    return frame | _lists(campaign, mine) | {
        "giai_doan": period, "kinh_gui": to.name + (f" (qua {route.via})" if route.via else ""),
        "can_cu": legal_grounds(campaign, awards, period), "tam_tinh": awards.provisional}


def decision_context(campaign: Campaign, awards: Awards, authority: Authority | None = None) -> dict:
    """Dự thảo quyết định khen thưởng of one deciding authority (default: the first): its own letterhead and
    signature, only the titles it awards, on the Tờ trình of the body that proposes to it."""
    day = awards.on or dt.date.today()
    issuer = campaign.issuer(day)
    by = authority or deciders(campaign, awards)[0]
    route = campaign.authorities.route_to(by, day)
    full = by.body.replace("UBND", "Ủy ban nhân dân", 1)
    period = period_text(awards)
    frame = frame_of(campaign, day, issuer, above=by.parent, body=by.body, kind="QĐ", authority=by.signature,
                   signer=by.signer_name or Missing(f"họ tên người ký quyết định của {by.name} (signer_name "
                                                    "trong authorities: decide)"),
                   recipients=["Như Điều 3", "Lưu: VT"], place=by.place)
    lists = _lists(campaign, decided_by(awards, by))
    titles = Counter((row["hinh_thuc"], key) for key in ("tap_the", "ca_nhan") for row in lists[key])
    articles = [f"Điều 1. Tặng {title} cho {n} {'tập thể' if key == 'tap_the' else 'cá nhân'} (có danh sách kèm "
                f"theo) đã có thành tích trong phong trào thi đua CCHC và KSTTHC {period}."
                for (title, key), n in titles.items()]
    if len(articles) > 1:
        articles = ["Điều 1. Khen thưởng các tập thể, cá nhân (có danh sách kèm theo) đã có thành tích trong phong "
                    f"trào thi đua CCHC và KSTTHC {period}, cụ thể:"] + [
                        f"- {a.removeprefix('Điều 1. ')}" for a in articles]
    return frame | lists | {
        "giai_doan": period, "chuc_danh_quyet_dinh": f"{by.head} {full}".upper(),
        "chuc_danh_quyet_dinh_thuong": f"{by.head} {full}", "can_cu": legal_grounds(campaign, awards, period),
        "co_quan_de_nghi": route.by, "so_to_trinh": f"…/{symbol('TTr', route.by)}",
        "dieu_1": articles or ["Điều 1. (Không có tập thể, cá nhân được đề nghị.)"],
        "nguon_quy": Missing("nguồn quỹ thi đua, khen thưởng (Điều 2)"),
        "thi_hanh": Missing("chức danh thủ trưởng cơ quan tham mưu thi hành (Điều 3)"),
        "tam_tinh": awards.provisional}  # a provisional list's draft says TẠM TÍNH


def _unit_years(states: list[YearState], unit: str) -> list[dict]:
    """The unit's results year by year with those of the units it took over (named), which its record carries."""
    campaign = states[-1].campaign
    before = [line.predecessor for line in campaign.roster.predecessors(unit) if line.predecessor not in ("", unit)]
    rows = []
    for code in [unit, *before]:
        for yd in states:
            units = yd.results.units.set_index("unit")
            if code in units.index and units.loc[code, "status"].scored:
                u = units.loc[code]
                when = str(yd.year) if code == unit else f"{yd.year} ({campaign.units_by_code[code].name})"
                rows.append({"nam": when, "diem": vn.number(u["counted"]), "ty_le": vn.number(u["percent"]),
                             "xep_loai": u["band"] or "—", "hang": vn.integer(u["rank"])})
    return sorted(rows, key=lambda r: r["nam"])  # by year: the predecessors' years come before the unit's own


def achievement_context(campaign: Campaign, awards: Awards, finding: Finding, states: list[YearState]) -> dict:
    """Báo cáo thành tích of one proposed collective or individual, headed by its own unit and prefilled from the
    unit's results over the years of the proposal and the reasons the rule found."""
    c = finding.candidate
    person = finding.rule.kind == Kind.INDIVIDUAL
    author, day = report_author(campaign, campaign.units_by_code[c["unit"]], awards.on or dt.date.today())
    unit = campaign.units_by_code[c["unit"]] if person or author is None else author
    above, body = unit_heading(campaign, author, day)
    frame = frame_of(campaign, day, campaign.issuer(day), above=above if isinstance(above, str) else "", body=body,
                   kind="BC", authority=["NGƯỜI BÁO CÁO THÀNH TÍCH"] if person else ["THỦ TRƯỞNG ĐƠN VỊ"],
                   signer=c["name"] if person else Missing("họ tên thủ trưởng đơn vị (báo cáo thành tích)"),
                   recipients=[]) | ({} if isinstance(above, str) else {"co_quan_tren": above})
    if person:
        record = states[-1].movement.records.person(c.get("subject") or "") or {}
        ended = f" (đến ngày {vn.date(unit.valid_to)})" if unit.valid_to and unit.valid_to < day else ""
        sketch: list[str | Missing] = [f"Họ và tên: {c['name']}.", f"Chức vụ: {c.get('position') or '…'}.",
                                       f"Đơn vị công tác: {unit.name}{ended}."]
        if record.get("gender"):
            sketch.append(f"Giới tính: {label(record['gender'])}.")
        if record.get("birth_date"):
            sketch.append(f"Ngày sinh: {vn.date(record['birth_date'])}.")
        sketch.append(Missing("sơ lược lý lịch: quê quán, trình độ, quá trình công tác (mục I báo cáo thành tích)"))
    else:
        sketch = [f"Tên tập thể: {unit.name}.", f"Nhóm: {campaign.groups.get(unit.group, unit.group)}.",
                  Missing("đặc điểm, chức năng, nhiệm vụ, tổ chức bộ máy (mục I báo cáo thành tích tập thể)")]
    return frame | {
        "hinh_thuc": finding.rule.title_name, "giai_doan": period_text(awards), "don_vi": unit.name,
        "muc_1": "SƠ LƯỢC LÝ LỊCH" if person else "SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", "so_luoc": sketch,
        "cac_nam": _previous_years(c) + _unit_years(states, unit.code),
        "can_cu_de_nghi": [achievement_text(finding, awards.years), _citation_line(finding)],
        "sang_kien": _initiatives(states, c, person),
        "da_khen_thuong": _past_awards(finding, states),
        "xac_nhan_tham_quyen": ["XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ" if person else "XÁC NHẬN CỦA CẤP TRÊN TRỰC TIẾP"],
        "xac_nhan_nguoi_ky": Missing("họ tên người xác nhận báo cáo thành tích")}


def _previous_years(candidate: dict) -> list[dict]:
    """The unit's results of the previous campaign's years that its history rules counted (``history_from``), each
    saying where it comes from: "2025 (Xã Hòa Hội; kết quả năm 2025 theo Phong trào … (chiến dịch trước))"."""
    seen: dict[tuple[int, str], PastYear] = {}
    for line in candidate.get("results_before") or []:
        for row in line.values():
            if row.source:
                seen.setdefault((row.year, row.unit), row)
    def shown(value: float | None, write: Callable[[float], str]) -> str:
        return "—" if value is None else write(value)

    return [{"nam": f"{row.year} ({row.unit_name}; {previous_text([row.year], row.source)})",
             "diem": shown(row.points, vn.number), "ty_le": shown(row.percent, vn.number),
             "xep_loai": row.band or "—", "hang": shown(row.rank, vn.integer)}
            for _, row in sorted(seen.items())]


def _past_awards(finding: Finding, states: list[YearState]) -> list[str]:
    """Mục III: the awards the office's register (award_history.csv) holds for the person, or for the collective
    and the units it took over, oldest first; a revoked one marked as such (``kit awards revoke``)."""
    c = finding.candidate
    campaign, records = states[-1].campaign, states[-1].movement.records
    revoked = revoked_index(states[-1].revocations)
    if finding.rule.kind == Kind.INDIVIDUAL:
        history = records.history_of(Kind.INDIVIDUAL, c.get("subject") or "", revoked)
    else:
        before = [line.predecessor for line in campaign.roster.predecessors(c["unit"])
                  if line.predecessor not in ("", c["unit"])]  # "": a predecessor from outside the campaign
        history = [{**a, "via": code} for code in [c["unit"], *before]
                   for a in records.history_of(Kind.COLLECTIVE, code, revoked)]
    history += [a for a in c.get("history") or [] if a.get("previous")]  # the previous campaign's (history_from)
    names = campaign.unit_names
    lines = []
    for a in sorted(history, key=lambda a: (a["date"] or dt.date.min, a["decision"])):
        line = f"Năm {a['year']}: {a['title']}, quyết định số {a['decision']}"
        line += f" ngày {vn.date(a['date'])}" if a["date"] else ""
        line += f" của {a['issuer']}" if a["issuer"] else ""
        if a.get("via", c["unit"]) != c["unit"]:
            line += f" (tặng {names.get(a['via'], a['via'])}, đơn vị tiền thân)"
        if a.get("previous"):
            line += f" — theo {a['previous']}"
        if a.get("revoked"):
            line += f" — đã bị hủy bỏ (quyết định số {(a.get('revocation') or {}).get('number') or '…'})"
        lines.append(line + ".")
    return lines or ["Chưa có hình thức khen thưởng nào trong sổ theo dõi khen thưởng (award_history.csv)."]


def _initiatives(states: list[YearState], candidate: dict, person: bool) -> list[str]:
    """The recognised initiatives of the proposal's years: the person's own (an author), or the unit's."""
    years = {yd.year for yd in states}
    found = []
    for row in states[0].movement.initiatives.rows:
        day = row["recognised_on"]
        mine = header_key(candidate["name"]) in map(header_key, row["authors"]) if person else \
            row["unit"] == candidate["unit"]
        if day and day.year in years and mine:
            found.append(f"{row['title']} (số {row['id']}; {row['recognised_by']} công nhận ngày {vn.date(day)}).")
    return found or ["Không có sáng kiến được công nhận trong thời gian đề nghị."]


# -- the year: report and notices -------------------------------------------------------------------------------
def _taking_part(yd: YearState, day: dt.date | None = None) -> pd.DataFrame:
    """The units of the year that still exist (and, with ``day``, that had been formed by then: the district's
    own final on 30/6/2025 does not count the communes formed on 1/7/2025)."""
    units = yd.results.units
    kept = ~units["status"].map(lambda s: s.gone)
    if day is not None:
        formed = {u.code for u in yd.campaign.units if u.valid_from is None or u.valid_from <= day}
        kept &= units["unit"].isin(formed)
    return units[kept]


def year_report_context(yd: YearState, awards: Awards) -> dict:
    campaign, year = yd.campaign, yd.year
    day = awards.on or dt.date(year, 12, 31)
    frame = proposer_frame(campaign, day, "BC", ["Sở Nội vụ tỉnh", "Lưu: VT"])
    units = _taking_part(yd)
    part = [f"Năm {year} có {len(units)} cơ quan, đơn vị tham gia chấm điểm."]
    for (_, name), frame_ in units.groupby(["group", "group_name"], sort=False):
        counts = Counter(frame_["status"])
        part.append(f"{name}: {len(frame_)} đơn vị; nộp phiếu đúng hạn {counts[Status.SUBMITTED]}, nộp trễ "
                    f"{counts[Status.LATE]}, phiếu không được chấp nhận {counts[Status.REJECTED]}, chưa nộp "
                    f"{counts[Status.MISSING]}.")
    gone = campaign.departed(year)
    if gone:
        part.append(f"{len(gone)} đơn vị không còn tham gia do sắp xếp, sáp nhập: "
                    + "; ".join(f"{campaign.units_by_code[c].name}" for c in gone) + ".")
    bands = [b.name for b in campaign.bands(year)]
    ranked = units.dropna(subset=["rank"])
    ranking, groups = [], []
    for i, ((_, name), frame_) in enumerate(ranked.groupby(["group", "group_name"], sort=False), start=1):
        counts = Counter(frame_["band"])
        ranking.append(f"{name}: {len(frame_)} đơn vị được xếp loại, tỷ lệ bình quân "
                       f"{vn.number(frame_['percent'].mean(), 2)} %; "
                       + ", ".join(f"{counts[b]} {b}" for b in bands if counts[b]) + ".")
        groups.append({"tt": str(i), "ten": name, "don_vi": [
            {"hang": vn.integer(r.rank), "ten": r.unit_name, "diem": vn.number(r.counted),
             "toi_da": vn.number(r.max_applicable), "ty_le": vn.number(r.percent), "xep_loai": r.band}
            for r in frame_.sort_values("rank").itertuples()]})
    proposed = Counter(f"{f.rule.title_name} ({f.rule.kind.label})" for f in awards.proposed())
    return frame | {
        "nam_bao_cao": str(year),
        "mo_dau": [f"Thực hiện {campaign.plan or 'kế hoạch của phong trào thi đua'}, {frame['co_quan_ten']} báo cáo "
                   f"kết quả chấm điểm, thẩm định công tác cải cách hành chính và kiểm soát thủ tục hành chính năm "
                   f"{year} của các cơ quan, đơn vị như sau:"],
        "tham_gia": part, "xep_loai": ranking or ["Chưa có đơn vị nào được xếp loại."], "nhom_ket_qua": groups,
        "han_che": _shortcomings(yd) + _inspections(yd, day),
        "khen_thuong": [f"Đề nghị {n} {what}." for what, n in proposed.items()] or [
            "Không có tập thể, cá nhân đủ điều kiện đề nghị khen thưởng."]
        + (["Danh sách đề nghị là TẠM TÍNH do còn đơn vị chưa thẩm định đủ."] if awards.provisional else [])}


def _shortcomings(yd: YearState) -> list[str]:
    """The weakest areas of each group, the units that over-claim most, and what is still open."""
    lines = []
    areas = yd.results.areas.dropna(subset=["percent"])
    for _, frame_ in areas.groupby("group", sort=False):
        weakest = frame_.groupby("area_name", sort=False)["percent"].mean().sort_values().head(2)
        name = yd.campaign.groups.get(frame_["group"].iloc[0], "")
        lines.append(f"{name}: lĩnh vực đạt thấp nhất là " + "; ".join(
            f"{a} (bình quân {vn.number(p, 1)} %)" for a, p in weakest.items()) + ".")
    over = yd.results.units.dropna(subset=["self_minus_appraised"])
    over = over[over["self_minus_appraised"] >= 1].sort_values("self_minus_appraised", ascending=False).head(3)
    if len(over):
        lines.append("Một số đơn vị tự chấm cao hơn kết quả thẩm định: " + "; ".join(
            f"{r.unit_name} (chênh {vn.number(r.self_minus_appraised, 2)} điểm)" for r in over.itertuples()) + ".")
    units = yd.results.units.dropna(subset=["criteria"])
    todo = units[units["appraised_count"] < units["criteria"]]
    if len(todo):
        lines.append(f"Còn {len(todo)} đơn vị chưa được thẩm định đầy đủ; kết quả của các đơn vị này là tạm tính.")
    return lines or ["Không có tồn tại, hạn chế nổi bật qua kết quả chấm điểm."]


def _inspections(yd: YearState, day: dt.date) -> list[str]:
    """The year's inspection findings and where they stand on the report's date."""
    found = yd.results.findings
    if not len(found):
        return []
    counts = Counter(si.states(found, day))
    line = (f"Kiểm tra công vụ năm {yd.year}: {len(found)} kết luận kiểm tra ghi nhận {int(found['violations'].sum())} "
            f"vi phạm tại {found['unit'].nunique()} đơn vị; đến ngày {vn.date(day)}: "
            + "; ".join(f"{counts[s]} {s.label.lower()}" for s in FindingState if counts[s]) + ".")
    late = si.overdue(found, day)
    if late:
        names = yd.campaign.unit_names
        line += " Quá hạn chưa khắc phục: " + "; ".join(f"{names.get(u, u)} ({n})" for u, n in late.items()) + "."
    return [line]


def notice_context(yd: YearState, unit: str, day: dt.date) -> dict:
    """Thông báo kết quả to one unit: its points, band and rank, every criterion cut below its self-score with the
    evaluator's reason, and by when to lodge an explanation. A unit without a result is told why (``_no_result``);
    a result not fully appraised is TẠM TÍNH (``tam_tinh``, ``tien_do``: how far the appraisal went)."""
    campaign = yd.campaign
    frame = proposer_frame(campaign, day, "TB", ["Như trên", "Lưu: VT"])
    row = yd.results.units.set_index("unit").loc[unit]
    scored = bool(row["status"].scored)
    provisional = scored and row["appraised_count"] < row["criteria"]
    progress = f"đã thẩm định {int(row['appraised_count'])}/{int(row['criteria'])} tiêu chí" if scored else ""
    why: list[str] = []
    if scored:
        ranked = yd.results.units.dropna(subset=["rank"])
        size = int((ranked["group"] == row["group"]).sum())
        result = [f"Tổng điểm: {vn.number(row['counted'])}/{vn.number(row['max_applicable'])} điểm (tối đa áp dụng), "
                  f"đạt {vn.number(row['percent'])} %.",
                  f"Xếp loại: {row['band'] or '—'}; xếp hạng {vn.integer(row['rank'])}/{size} trong nhóm "
                  f"{row['group_name']}."]
        if provisional:
            result.append(f"Kết quả tạm tính: {progress}; các tiêu chí chưa thẩm định tạm tính theo điểm tự chấm.")
    else:
        result, why = _no_result(yd, unit, row["status"])
    long = yd.results.long
    rows = long[(long["unit"] == unit) & long["is_appraised"]]
    reasons = latest(yd.decisions[yd.decisions["unit"] == unit])
    comments = dict(zip(reasons["code"], reasons["comment"], strict=True))
    own = pd.to_numeric(rows["self"], errors="coerce")
    cut = rows[(own - pd.to_numeric(rows["appraised"], errors="coerce")) > 1e-9]
    deadline = campaign.deadline(yd.year, "explanation")
    return frame | {
        "nam_bao_cao": str(yd.year), "don_vi": row["unit_name"], "ket_qua": result, "co_ket_qua": scored,
        "tam_tinh": provisional, "tien_do": progress, "ly_do": why,
        "bi_tru": [{"ma": r.code, "tieu_chi": r.content,
                    "tu_cham": vn.number(pd.to_numeric(r.self, errors="coerce")),
                    "tham_dinh": "Không áp dụng" if r.appraised_na else vn.number(r.appraised),
                    "ly_do": comments.get(r.code) or Missing("lý do trừ điểm (nhận xét của cán bộ thẩm định)")}
                   for r in cut.itertuples()],
        "han_giai_trinh": vn.date(deadline) if deadline else Missing(
            f"hạn giải trình năm {yd.year} (deadlines: explanation trong campaign.yml)")}


def _no_result(yd: YearState, unit: str, status: Status) -> tuple[list[str], list[str]]:
    """Why a unit has no result in the year, in the notice's words, and the errors of its form when it was refused
    (the check's own, located in the file, so that the unit can correct them)."""
    year = yd.year
    if status.gone:
        departure = yd.campaign.departed(year).get(unit)
        reason = departure.text[0].lower() + departure.text[1:] if departure else (
            "đã sáp nhập" if status == Status.MERGED else "đã ngừng hoạt động")
        return [f"Đơn vị không tham gia chấm điểm năm {year}: {reason}."], []
    if status == Status.MISSING:
        deadline = yd.campaign.deadline(year)
        return [f"Đơn vị chưa có kết quả chấm điểm năm {year}: chưa nộp phiếu tự đánh giá"
                + (f" (hạn nộp ngày {vn.date(deadline)})." if deadline else ".")], []
    errors = list(dict.fromkeys(f"{p.where()}: {p.message}" if p.where() else p.message
                                for s in yd.check.submissions if s.unit == unit for p in s.problems if p.is_error))
    shown = [f"- {e}" for e in errors[:ERRORS_SHOWN]]
    if len(errors) > ERRORS_SHOWN:
        shown.append(f"- Và {len(errors) - ERRORS_SHOWN} lỗi khác cùng loại.")
    return [f"Đơn vị chưa có kết quả chấm điểm năm {year}: phiếu tự đánh giá không được chấp nhận do có "
            f"{len(errors)} lỗi sau:" if errors else
            f"Đơn vị chưa có kết quả chấm điểm năm {year}: phiếu tự đánh giá không được chấp nhận."], shown


# -- the period: summing-up ------------------------------------------------------------------------------------
def final_report_context(states: list[YearState], awards: Awards) -> dict:
    campaign = states[0].campaign
    day = awards.on or campaign.roster.period_end
    period = period_text(awards)
    frame = proposer_frame(campaign, day, "BC", ["Sở Nội vụ tỉnh", "Lưu: VT"])
    by_year, summary = [], []
    for yd in states:
        ranked = _taking_part(yd, day).dropna(subset=["rank"])
        bands = [b.name for b in campaign.bands(yd.year)]
        for (_, name), frame_ in ranked.groupby(["group", "group_name"], sort=False):
            counts = Counter(frame_["band"])
            by_year.append({"nam": str(yd.year), "nhom": name, "so_don_vi": str(len(frame_)),
                            "ty_le": vn.number(frame_["percent"].mean()),
                            "phan_loai": ", ".join(f"{counts[b]} {b}" for b in bands if counts[b])})
    took_part = {r.unit for yd in states for r in _taking_part(yd, day).itertuples()}
    summary.append(f"{period.capitalize()}: {len(took_part)} cơ quan, đơn vị tham gia phong trào; kết quả chấm điểm "
                   "từng năm như bảng sau.")
    trends = _trends(states, day)
    moves = [f"Từ {vn.date(line.effective)}: {line.predecessor_name} → {campaign.units_by_code[line.successor].name}"
             + (f" ({line.basis})" if line.basis else "") + "."
             for line in campaign.roster.lineage if line.effective is None or line.effective <= day]
    proposed = Counter(f"{f.rule.title_name} ({f.rule.kind.label})" for f in awards.proposed())
    return frame | {
        "giai_doan": period,
        "mo_dau": [f"Thực hiện {campaign.plan or 'kế hoạch của phong trào thi đua'}, {frame['co_quan_ten']} báo cáo "
                   f"tổng kết phong trào thi đua {period} như sau:"],
        "ket_qua": summary, "theo_nam": by_year, "sap_xep": moves, "xu_huong": trends,
        "bai_hoc": Missing("bài học kinh nghiệm (Hội đồng viết, mục III báo cáo tổng kết)"),
        "khen_thuong": [f"Đề nghị {n} {what}." for what, n in proposed.items()] or [
            "Không có tập thể, cá nhân đủ điều kiện đề nghị khen thưởng tổng kết."]}


def _trends(states: list[YearState], day: dt.date) -> list[str]:
    """Per group: mean percentage first and last year; the units that improved most; the areas that moved most."""
    lines = []
    first, last = states[0], states[-1]
    if first is last:
        return ["Giai đoạn chỉ có một năm: chưa có xu hướng."]
    for group, name in first.campaign.groups.items():
        means = []
        for yd in states:
            ranked = _taking_part(yd, day).dropna(subset=["rank"])
            means.append((yd.year, ranked.loc[ranked["group"] == group, "percent"].mean()))
        known = [(y, m) for y, m in means if pd.notna(m)]
        if len(known) >= 2:
            (y0, m0), (y1, m1) = known[0], known[-1]
            verb = "tăng" if m1 >= m0 else "giảm"
            lines.append(f"{name}: tỷ lệ bình quân {verb} từ {vn.number(m0, 1)} % (năm {y0}) lên "
                         f"{vn.number(m1, 1)} % (năm {y1})." if m1 >= m0 else
                         f"{name}: tỷ lệ bình quân {verb} từ {vn.number(m0, 1)} % (năm {y0}) xuống "
                         f"{vn.number(m1, 1)} % (năm {y1}).")
    before = first.results.units.set_index("unit")["percent"]
    after = last.results.units.set_index("unit")["percent"]
    delta = (after - before).dropna().sort_values(ascending=False).head(3)
    names = last.results.units.set_index("unit")["unit_name"]
    if len(delta):
        lines.append(f"Tiến bộ nhiều nhất từ năm {first.year} đến năm {last.year}: " + "; ".join(
            f"{names[u]} (+{vn.number(d, 1)} điểm phần trăm)" if d >= 0 else
            f"{names[u]} ({vn.number(d, 1)} điểm phần trăm)" for u, d in delta.items()) + ".")
    return lines or ["Chưa đủ số liệu để đánh giá xu hướng."]


# -- writing the set -------------------------------------------------------------------------------------------
def _made_from(states: list[YearState]) -> str:
    """What a set of documents was made from, for their properties (see ``render``; Word keeps 255 characters):
    the years and the fingerprint of their data (a year's own, as its reports print it; a period's, combined)."""
    campaign = states[0].campaign
    if len(states) == 1:
        data = str(states[0].fingerprint)
    else:
        digest = hashlib.sha256("".join(yd.fingerprint.digest for yd in states).encode()).hexdigest()[:16]
        data = f"{digest} ({sum(yd.fingerprint.decisions for yd in states)} quyết định)"
    years = f"{states[0].year}–{states[-1].year}" if len(states) > 1 else str(states[0].year)
    anchor = f"; {states[-1].anchor.line}" if states[-1].anchor else ""  # printed visibly too (official.render)
    text = f"Năm {years}; dữ liệu {data}{anchor}" + (f"; {campaign.demo_note}" if campaign.demo else "")
    return f"{text}; {campaign.name}"[:255]


def _write(batch: Batch, campaign: Campaign, kind: DocumentKind, context: dict, path: Path,
           known: list[tuple[str, str]]) -> None:
    try:
        written = render(kind.template_source(campaign.root), context, path, batch.made_from)
    except UsageError as exc:
        batch.failed.append(f"{path.name}: {exc}")
        return
    # blanks inside configured text ("Điều …") are listed too, each with the setting that fills it
    written.missing = list(dict.fromkeys(written.missing + gaps_in(context, known)))
    batch.written.append(written)


def _write_kinds(batch: Batch, run: Run, kinds: list[DocumentKind], folder: Path) -> None:
    known = known_gaps(run.campaign, run.awards.pack)
    for kind in kinds:
        for item in kind.items(run):
            path = folder / kind.file_name(run, item)
            try:  # a configuration a document cannot be made from (no authority that day…) stops that one only
                context = kind.context(run, item)
            except UsageError as exc:
                batch.failed.append(f"{path.name}: {exc}")
                continue
            _write(batch, run.campaign, kind, context, path, known)


def _commendation(batch: Batch, campaign: Campaign, awards: Awards, states: list[YearState], folder: Path,
                  end: str) -> None:
    """The commendation documents of a run (Tờ trình, draft decision, achievement reports)."""
    scope = Scope.YEAR if awards.level == "yearly" else Scope.PERIOD
    run = Run(campaign, states, awards, awards.on or dt.date(states[-1].year, 12, 31), end, scope)
    _write_kinds(batch, run, [k for k in kinds_for(scope, commendation=True) if k.commendation], folder)


def _file_key(candidate: dict) -> str:
    """A file name for a person: the unit, the name without marks and the person's id when known, so that two
    people of one name never share a file ("NV-NguyenVanAn-CC100012")."""
    text = "-".join(x for x in (candidate["unit"], candidate["name"], candidate.get("subject") or "") if x)
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in plain if ch.isalnum() or ch == "-").strip("-")


def documents_folder(reports: Path, year: int | None) -> Path:
    """Where ``kit docs`` writes: reports/<year>/van-ban, or reports/final/van-ban."""
    return reports / (str(year) if year else "final") / "van-ban"


def year_documents(yd: YearState, folder: Path, *, notices_only: bool = False, provisional: bool = False) -> Batch:
    """Every document of one year (``notices_only``: the notices to the units): the kinds registered for it."""
    campaign = yd.campaign
    batch = Batch(_made_from([yd]))
    awards = proposals([yd], "yearly", provisional=provisional)
    day = awards.on or dt.date(yd.year, 12, 31)
    has_rules = campaign.rules is not None
    kinds = kinds_for(Scope.UNIT, commendation=has_rules) + ([] if notices_only else [
        k for k in kinds_for(Scope.YEAR, commendation=has_rules) if Scope.UNIT not in k.scopes])
    _write_kinds(batch, Run(campaign, [yd], awards, day, str(yd.year), Scope.YEAR), kinds, folder)
    batch.day = day
    batch.not_sent = [campaign.units_by_code[c].name for c in _taking_part(yd)["unit"] if not _alive(campaign, c, day)]
    return batch


def _alive(campaign: Campaign, code: str, day: dt.date) -> bool:
    """A unit can receive a document dated ``day``: it had not ceased by then (a notice is never addressed to
    an office abolished with the district)."""
    unit = campaign.units_by_code[code]
    return unit.valid_to is None or unit.valid_to >= day


def final_documents(states: list[YearState], folder: Path, *, on: dt.date | None = None,
                    provisional: bool = False) -> Batch:
    """The summing-up report and the final commendation documents (``on``: a final dated earlier, the
    district's own on 30/6/2025): the kinds registered for the period."""
    campaign = states[0].campaign
    batch = Batch(_made_from(states))
    awards = proposals(states, "final", provisional=provisional, on=on or states[0].on)
    first, last = states[0].year, states[-1].year
    early = awards.on is not None and awards.on < dt.date(last, 12, 31)
    end = f"{first}-{awards.on:%Y%m%d}" if early and awards.on else f"{first}-{last}"
    day = awards.on or campaign.roster.period_end
    kinds = kinds_for(Scope.PERIOD, commendation=campaign.rules is not None)
    _write_kinds(batch, Run(campaign, states, awards, day, end, Scope.PERIOD), kinds, folder)
    return batch


# -- the kit's own kinds, in the order they are written ---------------------------------------------------------
def _achievement_file(run: Run, f: Finding) -> str:
    who = "ca-nhan" if f.rule.kind == Kind.INDIVIDUAL else "tap-the"
    # one file per proposal: a person or unit proposed for two titles gets two reports
    key = f.candidate["unit"] if who == "tap-the" else _file_key(f.candidate)
    return f"thanh-tich/{who}-{key}-{f.rule.title}-{run.end}.docx"


BOTH = frozenset({Scope.YEAR, Scope.PERIOD})
register(DocumentKind(
    "thong-bao-ket-qua", frozenset({Scope.UNIT}), "thong-bao-ket-qua",
    context=lambda run, unit: notice_context(run.year, unit, run.day),
    file_name=lambda run, unit: f"thong-bao/thong-bao-ket-qua-{unit}-{run.year.year}.docx",
    items=lambda run: [u for u in _taking_part(run.year)["unit"] if _alive(run.campaign, u, run.day)]))
register(DocumentKind(
    "bao-cao-ket-qua-nam", frozenset({Scope.YEAR}), "bao-cao-ket-qua-nam",
    context=lambda run, _: year_report_context(run.year, run.awards),
    file_name=lambda run, _: f"bao-cao-ket-qua-{run.year.year}.docx"))
register(DocumentKind(
    "bao-cao-tong-ket", frozenset({Scope.PERIOD}), "bao-cao-tong-ket",
    context=lambda run, _: final_report_context(run.states, run.awards),
    file_name=lambda run, _: f"bao-cao-tong-ket-{run.end}.docx"))
register(DocumentKind(  # one per deciding authority: "…-2024-ct-huyen.docx"
    "to-trinh-khen-thuong", BOTH, "to-trinh-khen-thuong", commendation=True,
    context=lambda run, a: submission_context(run.campaign, run.awards, a),
    file_name=lambda run, a: f"to-trinh-khen-thuong-{run.end}-{a.slug}.docx",
    items=lambda run: deciders(run.campaign, run.awards)))
register(DocumentKind(
    "quyet-dinh-khen-thuong", BOTH, "quyet-dinh-khen-thuong", commendation=True,
    context=lambda run, a: decision_context(run.campaign, run.awards, a),
    file_name=lambda run, a: f"du-thao-quyet-dinh-khen-thuong-{run.end}-{a.slug}.docx",
    items=lambda run: deciders(run.campaign, run.awards)))
register(DocumentKind(
    "bao-cao-thanh-tich", BOTH, "bao-cao-thanh-tich", commendation=True,
    context=lambda run, f: achievement_context(run.campaign, run.awards, f, run.states),
    file_name=_achievement_file, items=lambda run: run.awards.proposed()))
