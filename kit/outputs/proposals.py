"""The commendation outputs: the proposal list laid out like an official "Danh sách đề nghị khen thưởng"
(with a sheet of every candidate's reasons) and the public honour roll (names, positions, units only).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from kit.config.campaign import Campaign
from kit.core.atomic import write_text
from kit.core.vocab import Kind, label
from kit.outputs.sheet_print import (
    Heading,
    date_line,
    fit_rows,
    right_columns,
    set_print,
    signed_by,
    write_heading,
    write_signature,
)
from kit.outputs.xlsx import save_workbook
from kit.scoring.awards import Awards, Finding
from kit.scoring.prose import achievement_text
from kit.store.ledger import Anchor

PROVISIONAL = "TẠM TÍNH"
PROVISIONAL_NOTE = (f"{PROVISIONAL}: danh sách lập khi kết quả chưa được thẩm định đủ (theo yêu cầu lập danh sách tạm "
                    "tính); các dòng ghi TẠM TÍNH chưa đủ căn cứ để trình khen thưởng.")


def _early(awards: Awards) -> bool:
    """A final dated before the end of its last year (the district's own final on 30/6/2025)."""
    return awards.level == "final" and awards.on is not None and awards.on < dt.date(awards.years[-1], 12, 31)


def proposals_path(reports: Path, awards: Awards) -> Path:
    """Where a list goes; a provisional one beside the official list ("…-tam-tinh.xlsx"), never over it: the
    official list and the public honour roll made from it stay as they were."""
    years = awards.years
    tail = "-tam-tinh" if awards.provisional else ""
    if awards.level == "yearly":
        return reports / str(years[0]) / f"de-nghi-khen-thuong-{years[0]}{tail}.xlsx"
    end = f"{awards.on:%Y%m%d}" if _early(awards) and awards.on else str(years[-1])
    return reports / "final" / f"de-nghi-khen-thuong-{years[0]}-{end}{tail}.xlsx"


def period_text(awards: Awards) -> str:
    years = awards.years
    if awards.level == "yearly":
        return f"năm {years[0]}"
    return f"giai đoạn {years[0]} – {awards.on:%d/%m/%Y}" if _early(awards) and awards.on else \
        f"giai đoạn {years[0]}–{years[-1]}"


def honour_roll_html(campaign: Campaign, awards: Awards, title: str, anchor: Anchor | None = None) -> str:
    """A public page for the district e-portal: titles, names, positions and units; nothing internal but the
    gradebook's anchor (``anchor``), a short code that lets anyone later check the gradebook against what was
    published (``kit gradebook verify --against``)."""
    names = campaign.unit_names
    parts = []
    by_title: dict[str, list[Finding]] = {}
    for f in awards.proposed():
        by_title.setdefault(f"{f.rule.title_name} — {f.rule.kind.label}",
                            []).append(f)
    for heading, items in by_title.items():
        rows = "".join(f"<li><b>{html.escape(f.candidate['name'])}</b>"
                       + (f", {html.escape(f.candidate['position'])}" if f.candidate.get("position") else "")
                       + (f", {html.escape(names[f.candidate['unit']])}" if f.rule.kind == Kind.INDIVIDUAL else "")
                       + (f" — <b class='demo'>{PROVISIONAL}</b>" if f.provisional else "")
                       + "</li>" for f in items)
        parts.append(f"<h2>{html.escape(heading)}</h2><ol>{rows}</ol>")
    demo = f"<p class='demo'>{campaign.demo_note}: danh sách giả định, không phải kết quả thật.</p>" \
        if campaign.demo else ""
    if awards.provisional:
        demo += f"<p class='demo'>{html.escape(PROVISIONAL_NOTE)}</p>"
    body = "".join(parts) or "<p>Chưa có đề nghị khen thưởng.</p>"
    return (f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "<style>body{font-family:sans-serif;max-width:900px;margin:2em auto;font-size:18px;line-height:1.5}"
            "h1{color:#8b0000}.demo{color:#b00;font-weight:bold}</style></head><body>"
            f"{demo}<h1>{html.escape(title)}</h1><p>{html.escape(campaign.name)}</p>{body}"
            "<p style='font-size:14px;color:#555'>Danh sách đề nghị khen thưởng, chờ quyết định của cấp có thẩm quyền."
            + (f"<br>{html.escape(anchor.line)}" if anchor else "") + "</p></body></html>")


def write_proposals(campaign: Campaign, awards: Awards, out: Path, period: str) -> Path:
    """The proposal list laid out like an official list, plus a sheet with every candidate's reasons."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách đề nghị"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, width in zip("ABCDEF", (6, 34, 34, 32, 60, 44), strict=True):
        ws.column_dimensions[col].width = width
    day = awards.on or dt.date.today()
    issuer = campaign.issuer(day)  # in office on the proposals' date
    example = (f"{campaign.demo_note or 'Ví dụ'}: quy định khen thưởng là ví dụ minh họa, danh sách không có giá "
               "trị.") if campaign.demo or (awards.rules and awards.rules.example) else ""
    about = f"Thành tích trong phong trào thi đua thực hiện nhiệm vụ CCHC và KSTTHC {period}"
    if awards.pack_text:  # the legal period's rules applied, named on the list itself
        about += f"\n{awards.pack_text}"
    row = write_heading(ws, Heading(issuer, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", about,
                                    (example, PROVISIONAL_NOTE if awards.provisional else "")), 6)
    header_row = row + 1
    row = header_row
    for i, head in enumerate(["STT", "Tên tập thể / Họ và tên", "Chức vụ, đơn vị", "Hình thức đề nghị",
                              "Tóm tắt thành tích", "Căn cứ (điều, văn bản)"], start=1):
        cell = ws.cell(row, i, head)
        cell.font, cell.border, cell.alignment = Font(bold=True), box, Alignment(wrap_text=True, horizontal="center")
    names = campaign.unit_names
    for heading, kind in (("I. TẬP THỂ", Kind.COLLECTIVE), ("II. CÁ NHÂN", Kind.INDIVIDUAL)):
        row += 1
        ws.cell(row, 1, heading).font = Font(bold=True)
        for number, f in enumerate([f for f in awards.proposed() if f.rule.kind == kind], start=1):
            row += 1
            place = names[f.candidate["unit"]] if kind == Kind.INDIVIDUAL else campaign.groups[f.candidate["group"]]
            position = ", ".join(x for x in (f.candidate.get("position"), place) if x)
            summary = achievement_text(f, awards.years)  # the council's sentence; the trace: the reasons sheet
            if f.provisional:
                summary = f"{PROVISIONAL} ({f.candidate['unappraised']}) — {summary}"
            values: list[object] = [number, f.candidate["name"], position, f.rule.title_name, summary, f.citation]
            for column, value in enumerate(values, start=1):
                cell = ws.cell(row, column)
                cell.value = value
                cell.border, cell.alignment = box, Alignment(wrap_text=True, vertical="top")
    fit_rows(ws, header_row, row)
    end = write_signature(ws, row + 2, right_columns(ws, 6), 6, signed_by(issuer, date_line(issuer.place, day)))
    set_print(ws, (header_row, header_row), 6, end - 1, example)
    _detail_sheets(wb, campaign, awards)
    return save_workbook(wb, out)


def _detail_sheets(wb, campaign: Campaign, awards: Awards) -> None:
    """Every candidate considered, with the reasons, and what the list was made from."""
    from openpyxl.styles import Alignment, Font

    names = campaign.unit_names
    detail = wb.create_sheet("Xét duyệt chi tiết")
    detail.append(["Hình thức", "Đối tượng", "Đơn vị", "Kết quả", "Thứ tự / chỉ tiêu", "Lý do", "Căn cứ"])
    for f in awards.findings:
        outcome = f"{label(f.outcome)} — {PROVISIONAL}" if f.provisional else label(f.outcome)
        detail.append([f.rule.title_name, f.candidate["name"], names[f.candidate["unit"]], outcome, f.position,
                       "\n".join(f.reasons), f.citation])
    for cell in detail[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEFG", (30, 30, 30, 26, 34, 90, 50), strict=True):
        detail.column_dimensions[col].width = width
    for cell in [*detail["F"][1:], *detail["G"][1:]]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    fit_rows(detail, 1, detail.max_row)
    set_print(detail, (1, 1), 7)
    source = wb.create_sheet("Nguồn dữ liệu")
    notes = [campaign.demo_note, f"Quy định: {awards.rules.path.name if awards.rules else '(không có)'}",
             awards.rules.note if awards.rules else "", awards.pack_text,
             *(f"Căn cứ {text};" for text in awards.legal_basis), f"Năm: {', '.join(map(str, awards.years))}",
             "Danh sách được tạo tự động; muốn thay đổi hãy sửa quy định hoặc dữ liệu nguồn rồi tạo lại."]
    for line in notes:
        if line:
            source.append([line])
    set_print(source, None, 1)


def write_outputs(campaign: Campaign, awards: Awards, reports: Path, out: Path | None = None,
                  anchor: Anchor | None = None) -> tuple[Path, Path]:
    """Proposals (.xlsx) and honour roll (.html) beside them; returns both paths. ``anchor``: the gradebook's,
    printed on the honour roll."""
    period = period_text(awards)
    out = out or proposals_path(reports, awards)
    write_proposals(campaign, awards, out, period)
    roll = out.with_name(out.stem.replace("de-nghi-khen-thuong", "bang-vang") + ".html")
    write_text(roll, honour_roll_html(campaign, awards, f"Bảng vàng thi đua CCHC {period}", anchor))
    return out, roll
