"""The documents the office signs, written from the same year state the reports use (``kit docs``).

First of them: the *Tờ trình đề nghị khen thưởng* with its *Danh sách kèm theo*, yearly or final, from the
commendation proposals — every proposed collective and individual, the title, and why. The body in office on the
proposals' date issues it (``issuers:`` in campaign.yml); what the configuration does not give is printed "…".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kit.config.campaign import Campaign
from kit.core.vocab import Kind
from kit.outputs.official import GAP, Document
from kit.scoring.awards import Awards


def _period(awards: Awards) -> str:
    years = awards.years
    if awards.level == "yearly":
        return f"năm {years[0]}"
    end = awards.on
    early = end is not None and end < dt.date(years[-1], 12, 31)
    return f"giai đoạn {years[0]} – {end:%d/%m/%Y}" if early and end else f"giai đoạn {years[0]}–{years[-1]}"


def proposal_submission(campaign: Campaign, awards: Awards) -> Document:
    """Tờ trình đề nghị khen thưởng + Danh sách kèm theo (two pages or more)."""
    day = awards.on or dt.date.today()
    issuer = campaign.issuer(day)
    words = (issuer.council or issuer.name).split()
    symbol = "UBND" if words[0].upper() == "UBND" else "".join(w[0] for w in words if w[0].isalpha()).upper()
    doc = Document(issuer, f"{GAP}/TTr-{symbol}", day, campaign.demo_note if campaign.demo else "")
    doc.missing.append("số tờ trình (điền khi vào sổ văn bản đi)")
    period = _period(awards)
    doc.title("TỜ TRÌNH", f"Về việc đề nghị khen thưởng thành tích trong phong trào thi đua thực hiện nhiệm vụ "
                         f"cải cách hành chính và kiểm soát thủ tục hành chính {period}")
    # to the body above: the province's committee for a department; the district's chairman for its council
    doc.addressee(issuer.parent if issuer.parent else f"Chủ tịch UBND huyện {campaign.district}")
    proposed = awards.proposed()
    collectives = [f for f in proposed if f.rule.kind == Kind.COLLECTIVE]
    people = [f for f in proposed if f.rule.kind == Kind.INDIVIDUAL]
    doc.paragraph("Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;")
    if campaign.plan:
        doc.paragraph(f"Căn cứ {campaign.plan} về {campaign.name[0].lower() + campaign.name[1:]};")
    doc.paragraph(f"Căn cứ kết quả chấm điểm, thẩm định và xếp loại {period} của các cơ quan, đơn vị;")
    doc.paragraph(f"{issuer.council or issuer.name} kính trình xem xét, khen thưởng {len(collectives)} tập thể và "
                  f"{len(people)} cá nhân có thành tích trong phong trào thi đua {period} (có danh sách kèm theo).")
    if awards.provisional:
        doc.paragraph("Danh sách có đề nghị TẠM TÍNH: kết quả của một số đơn vị chưa thẩm định đủ.", bold=True)
    doc.paragraph("Kính trình xem xét, quyết định./.")
    doc.closing(["Như trên", "Lưu: VT"], "")
    doc.page_break()
    names = {u.code: u.name for u in campaign.units}
    doc.title("DANH SÁCH", f"Đề nghị khen thưởng thành tích trong phong trào thi đua CCHC và KSTTHC {period}\n"
                           f"(Kèm theo Tờ trình số {doc.number} ngày {day:%d/%m/%Y})")
    for heading, found in (("I. TẬP THỂ", collectives), ("II. CÁ NHÂN", people)):
        doc.paragraph(f"{heading} ({len(found)})", bold=True)
        rows = [[str(i), f.candidate["name"], f.candidate.get("position") or "", names.get(f.candidate["unit"], ""),
                 f.rule.title_name, "; ".join(r.removeprefix("✔ ") for r in f.reasons)]
                for i, f in enumerate(found, start=1)]
        doc.table(["TT", "Tên tập thể, cá nhân", "Chức vụ", "Đơn vị", "Hình thức khen thưởng", "Thành tích"], rows,
                  [10, 35, 22, 28, 30, 40])
    return doc


def documents_path(reports: Path, awards: Awards) -> Path:
    folder = reports / (str(awards.years[0]) if awards.level == "yearly" else "final") / "van-ban"
    end = f"{awards.years[0]}" if awards.level == "yearly" else (
        f"{awards.years[0]}-{awards.on:%Y%m%d}" if awards.on and awards.on < dt.date(awards.years[-1], 12, 31)
        else f"{awards.years[0]}-{awards.years[-1]}")
    return folder / f"to-trinh-khen-thuong-{end}.docx"
