"""The parts every document the office signs shares: who issues it and above whom (the letterhead), its number and
date line, who signs, who decides what it proposes, the period it speaks of and its legal grounds.

``kit.app.documents`` builds each kind's values on these; a new document kind (``kit.app.doc_kinds``) takes its frame
from here too, so that every document names the body in office on its date the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from kit.config.authorities import Authority, not_itself
from kit.config.campaign import Campaign
from kit.config.issuers import Issuer, letterhead
from kit.config.units import Unit
from kit.core import vn
from kit.core.errors import UsageError
from kit.outputs.official import Missing
from kit.scoring.awards import Awards

NUMBER = Missing("số văn bản (điền khi vào sổ văn bản đi)")
RECIPIENTS = ["Như trên", "Lưu: VT"]


# -- who issues, and the parts every document shares -----------------------------------------------------------
def symbol(kind: str, body: str) -> str:
    """"TTr" + "Hội đồng Thi đua – Khen thưởng" → "TTr-HĐTĐKT"; "UBND …" → "…-UBND"; "Sở Nội vụ" → "SNV"."""
    words = body.split()
    if words and words[0].upper() == "UBND":
        return f"{kind}-UBND"
    return f"{kind}-" + "".join(w[0] for w in words if w[0].isalpha()).upper()


def superior(issuer: Issuer) -> str:
    """The body that decides on what the issuer proposes: the committee of a council, the parent of a department."""
    return issuer.name if issuer.council else issuer.parent


def frame_of(campaign: Campaign, day: dt.date, issuer: Issuer, *, above: str, body: str, kind: str,
           authority: list[str], signer: str | Missing, recipients: list[str], place: str = "") -> dict:
    """What every document shares: letterhead, number, place and date, signature, Nơi nhận (``place``: of the
    body that signs, when not the issuer's)."""
    d, m, y = vn.official_date(day)
    return {
        "co_quan_tren": above.upper(), "co_quan": body.upper() or Missing("tên cơ quan ban hành"),
        "co_quan_ten": body or Missing("tên cơ quan ban hành"), "so": NUMBER, "ky_hieu": symbol(kind, body),
        "dia_danh": place or issuer.place or Missing("địa danh (place trong issuers)"), "ngay": d, "thang": m, "nam": y,
        "tham_quyen": [line.upper() for line in authority] or [Missing("thẩm quyền ký (signer trong issuers)")],
        "nguoi_ky": signer, "noi_nhan": recipients,
        "minh_hoa": f"{campaign.demo_note}: văn bản mẫu, không có giá trị." if campaign.demo else "",
    }


def proposer_frame(campaign: Campaign, day: dt.date, kind: str, recipients: list[str]) -> dict:
    """The frame of a document the campaign's office issues on ``day`` (the council, or the department)."""
    issuer = campaign.issuer(day)
    above, _ = letterhead(issuer)
    return frame_of(campaign, day, issuer, above=above, body=issuer.council or issuer.name, kind=kind,
                  authority=issuer.signer.split("\n") if issuer.signer else [],
                  signer=issuer.signer_name or Missing("họ tên người ký (signer_name trong issuers)"),
                  recipients=not_itself(issuer, recipients)) | {"co_quan_tren": above}


# -- who decides: one Tờ trình and one draft decision per deciding authority (kit.config.authorities) -----------
def deciders(campaign: Campaign, awards: Awards) -> list[Authority]:
    """The authorities that decide the proposed titles, in the order of the table; with nothing proposed, the first
    in office on the proposals' date (the documents then say so)."""
    day = awards.on or dt.date.today()
    table = campaign.authorities
    found = {table.deciding(f.rule.title, day) for f in awards.proposed()}
    if None in found:
        lost = sorted({f.rule.title_name for f in awards.proposed() if table.deciding(f.rule.title, day) is None})
        raise UsageError(f"Không có cấp quyết định ngày {day:%d/%m/%Y} cho: {', '.join(lost)} (authorities: decide "
                         "trong campaign.yml).")
    ordered = [a for a in table.decide if a in found]
    return ordered or [a for a in table.decide if a.valid_on(day)][:1]


def decided_by(awards: Awards, authority: Authority) -> Awards:
    """The proposals whose title ``authority`` awards: a title decided higher up never enters its decision."""
    return replace(awards, findings=[f for f in awards.findings if f.rule.title in authority.titles])


def legal_grounds(campaign: Campaign, awards: Awards, period: str) -> list[str | Missing]:
    """The "Căn cứ" lines: the legal texts of the rule pack in force on the proposals' date (the 2003 Law and
    Decree 91/2017 for 2022–2023, Decree 98/2023 to 30/6/2025, Decree 152/2025 after), the plan, the results."""
    lines: list[str | Missing] = [f"Căn cứ {text};" for text in awards.legal_basis] or [
        Missing("căn cứ pháp lý: văn bản về thi đua, khen thưởng (basis của bộ quy định trong commendation.yml)")]
    if campaign.plan:
        lines.append(f"Căn cứ {campaign.plan} về {campaign.name[0].lower() + campaign.name[1:]};")
    lines.append(f"Căn cứ kết quả chấm điểm, thẩm định và xếp loại {period} của các cơ quan, đơn vị;")
    return lines


# -- who heads a unit's own report on a date -----------------------------------------------------------------
COMMUNE_KINDS = {"xa", "phuong", "thi_tran"}


def report_author(campaign: Campaign, unit: Unit, day: dt.date) -> tuple[Unit | None, dt.date]:
    """Who writes a report about ``unit`` dated ``day``, and the report's date. The unit itself while it exists;
    once it has ceased (the office chooses, ``ceased_unit_reports`` in campaign.yml): by default its successor
    (lineage.csv) alive that day or, when it has none (a district office abolished with the district), the body
    that runs the campaign that day (None: ``campaign.issuer``); with ``last_day``, the unit itself dated on its
    last day. A ceased unit never heads a report dated after it ceased."""
    if unit.valid_to is None or unit.valid_to >= day:
        return unit, day
    if campaign.ceased_unit_reports == "last_day":
        return unit, unit.valid_to
    heirs = [campaign.units_by_code[x.successor] for x in campaign.roster.successors(unit.code)]
    alive = [u for u in heirs if u.active_between(day, day) is not None]
    return (alive[0] if alive else None), day


def unit_heading(campaign: Campaign, unit: Unit | None, day: dt.date) -> tuple[str | Missing, str]:
    """The two heading lines of a unit's own document on ``day`` (Decree 30/2020): the body above it, then the
    unit — a commune's People's Committee under the district (the province once the district is gone), a vertical
    agency under its own parent (units.csv ``parent``), an office under the body that runs the campaign."""
    issuer = campaign.issuer(day)
    above = superior(issuer) or issuer.name  # the district's committee, or the province's after it
    if unit is None:  # a ceased unit without a successor: the body running the campaign stands for it
        return (issuer.name, issuer.council) if issuer.council else (issuer.parent, issuer.name)
    if unit.kind == "nganh_doc":
        return unit.parent or Missing(f"cơ quan cấp trên của {unit.name} (cột parent trong units.csv)"), unit.name
    if unit.kind in COMMUNE_KINDS:
        return above, f"UBND {unit.name}"
    return above, unit.name
