"""Commendation proposals (đề nghị khen thưởng): candidates, rules, quotas, reasons.

For every candidate the result keeps why: each condition met, the one condition a near-miss
lacked, or the position at which a quota cut a qualified candidate. The proposal list is laid
out like an official "Danh sách đề nghị khen thưởng"; the honour roll is public information only.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kit import problems as P
from kit.campaign import Campaign
from kit.layout import header_key
from kit.movement import RATINGS, Table, load_initiatives, load_nominations, load_registrations, registration_status
from kit.results import YearResults
from kit.rules import FIELDS, Rule, Rules, load_rules
from kit.tables import put_text_safe

PROPOSED, CUT, NEAR = "Đề nghị", "Vượt chỉ tiêu", "Chưa đạt (thiếu 1 điều kiện)"
ASCENDING = {"rank", "last_rank"}  # order fields where smaller is better


@dataclass
class Finding:
    rule: Rule
    candidate: dict
    outcome: str
    reasons: list[str]
    position: str = ""


@dataclass
class Awards:
    level: str  # yearly / final
    years: list[int]
    findings: list[Finding] = field(default_factory=list)
    problems: list[P.Problem] = field(default_factory=list)
    rules: Rules | None = None

    def proposed(self) -> list[Finding]:
        return [f for f in self.findings if f.outcome == PROPOSED]


def _num(x: object) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA else float(x)


def collective_yearly(campaign: Campaign, results: YearResults, registrations: Table) -> list[dict]:
    reg = registration_status(campaign, results.year, registrations).set_index("unit")["status"]
    out = []
    for r in results.units.itertuples():
        out.append({"id": r.unit, "name": r.unit_name, "unit": r.unit, "group": r.group, "position": "",
                    "band": r.band or None, "percent": _num(r.percent), "rank": _num(r.rank), "status": r.status,
                    "registration": reg.get(r.unit), "appraised_share":
                        (r.appraised_count / r.criteria) if _num(r.criteria) else None})
    return out


def individual_yearly(campaign: Campaign, results: YearResults, nominations: Table, initiatives: Table) -> list[dict]:
    units = results.units.set_index("unit")
    recognised = {i["id"] for i in initiatives.rows if i["recognised_on"]}
    out = []
    for n in nominations.rows:
        u = units.loc[n["unit"]]
        out.append({"id": f"{n['name']}|{n['unit']}", "name": n["name"], "unit": n["unit"], "group": u["group"],
                    "position": n["position"], "rating": n["rating"], "initiative": n["initiative"] in recognised,
                    "discipline": n["discipline"], "unit_band": u["band"] or None, "unit_percent": _num(u["percent"])})
    return out


def collective_final(campaign: Campaign, yearly: list[YearResults], registrations: Table) -> list[dict]:
    per_unit = {u.code: [] for u in campaign.units}
    for res in yearly:
        for r in res.units.itertuples():
            per_unit[r.unit].append(r)
    registered = {(r["year"], r["unit"]) for r in registrations.rows}
    out = []
    for u in campaign.units:
        rows = per_unit[u.code]
        percents = [p for p in (_num(r.percent) for r in rows) if p is not None]
        last = rows[-1] if rows else None
        out.append({"id": u.code, "name": u.name, "unit": u.code, "group": u.group, "position": "",
                    "years_in_band": [r.band for r in rows], "mean_percent": sum(percents) / len(percents)
                    if percents else None, "improvement": (percents[-1] - percents[0]) if len(percents) > 1 else None,
                    "last_band": (last.band or None) if last is not None else None,
                    "last_rank": _num(last.rank) if last is not None else None,
                    "registered_every_year": all((res.year, u.code) in registered for res in yearly)})
    return out


def individual_final(campaign: Campaign, yearly: list[YearResults], nominations: list[Table],
                     initiatives: Table) -> list[dict]:
    years = {res.year for res in yearly}
    people: dict[tuple[str, str], dict] = {}
    bands = {res.year: res.units.set_index("unit")["band"] for res in yearly}
    for table in nominations:
        for n in table.rows:
            p = people.setdefault((header_key(n["name"]), n["unit"]), {
                "id": f"{n['name']}|{n['unit']}", "name": n["name"], "unit": n["unit"],
                "group": campaign.unit(n["unit"]).group, "position": n["position"], "excellent_years": 0,
                "discipline": False, "unit_years_in_band": [bands[y].get(n["unit"]) for y in sorted(bands)]})
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
    return "—" if value is None else str(value)


def _sort_key(rule: Rule, candidate: dict) -> tuple:
    key = []
    for name in rule.order:
        v = candidate.get(name)
        v = sum(b is not None for b in v) if isinstance(v, list) else v
        v = -math.inf if v is None else (float(v) if not isinstance(v, str) else 0.0)
        key.append(v if name in ASCENDING else -v)
    return (*key, candidate["name"])


def evaluate(rules: list[Rule], candidates: dict[str, list[dict]]) -> list[Finding]:
    """Rules in order of precedence; a candidate proposed for one title is not proposed for a later one."""
    findings: list[Finding] = []
    taken: set[tuple[str, str]] = set()
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
                findings.append(Finding(rule, cand, NEAR, failed + met))
        groups: dict[str, list[tuple[dict, list[str]]]] = {}
        for item in sorted(qualified, key=lambda it: _sort_key(rule, it[0])):
            groups.setdefault(item[0]["group"] if rule.per_group else "", []).append(item)
        for group, items in groups.items():
            size = sum(1 for c in candidates[rule.kind] if not rule.per_group or c["group"] == group)
            limit = rule.quota_count if rule.quota_count is not None else (
                math.floor(rule.quota_share * size + 1e-9) if rule.quota_share is not None else len(items))
            for i, (cand, met) in enumerate(items, start=1):
                order = ", ".join(labels[o] for o in rule.order) or "tên"
                position = f"thứ {i} theo {order}; chỉ tiêu {limit}"
                if i <= limit:
                    taken.add((rule.kind, cand["id"]))
                    findings.append(Finding(rule, cand, PROPOSED, met, position))
                else:
                    findings.append(Finding(rule, cand, CUT, met, position))
    return findings


def awards_for(campaign: Campaign, level: str, yearly: list[YearResults]) -> Awards:
    """Proposals for one year (level "yearly", one YearResults) or the period (level "final")."""
    years = [r.year for r in yearly]
    result = Awards(level, years, rules=load_rules(campaign.root))
    registrations, initiatives = load_registrations(campaign), load_initiatives(campaign)
    nominations = [load_nominations(campaign, y, initiatives) for y in years]
    result.problems = registrations.problems + initiatives.problems + [p for t in nominations for p in t.problems]
    if result.rules is None:
        return result
    result.problems += result.rules.problems
    if level == "yearly":
        candidates = {"collective": collective_yearly(campaign, yearly[0], registrations),
                      "individual": individual_yearly(campaign, yearly[0], nominations[0], initiatives)}
        result.findings = evaluate(result.rules.yearly, candidates)
    else:
        candidates = {"collective": collective_final(campaign, yearly, registrations),
                      "individual": individual_final(campaign, yearly, nominations, initiatives)}
        result.findings = evaluate(result.rules.final, candidates)
    return result


def honour_roll_html(campaign: Campaign, awards: Awards, title: str) -> str:
    """A public page for the district e-portal: titles, names, positions and units; nothing internal."""
    names = {u.code: u.name for u in campaign.units}
    parts = []
    by_title: dict[str, list[Finding]] = {}
    for f in awards.proposed():
        by_title.setdefault(f"{f.rule.title_name} — {'tập thể' if f.rule.kind == 'collective' else 'cá nhân'}",
                            []).append(f)
    for heading, items in by_title.items():
        rows = "".join(f"<li><b>{html.escape(f.candidate['name'])}</b>"
                       + (f", {html.escape(f.candidate['position'])}" if f.candidate.get("position") else "")
                       + (f", {html.escape(names[f.candidate['unit']])}" if f.rule.kind == "individual" else "")
                       + "</li>" for f in items)
        parts.append(f"<h2>{html.escape(heading)}</h2><ol>{rows}</ol>")
    demo = f"<p class='demo'>{campaign.demo_note}: danh sách giả định, không phải kết quả thật.</p>" \
        if campaign.demo else ""
    body = "".join(parts) or "<p>Chưa có đề nghị khen thưởng.</p>"
    return (f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "<style>body{font-family:sans-serif;max-width:900px;margin:2em auto;font-size:18px;line-height:1.5}"
            "h1{color:#8b0000}.demo{color:#b00;font-weight:bold}</style></head><body>"
            f"{demo}<h1>{html.escape(title)}</h1><p>{html.escape(campaign.name)}</p>{body}"
            "<p style='font-size:14px;color:#555'>Danh sách đề nghị khen thưởng, chờ quyết định của cấp có thẩm quyền."
            "</p></body></html>")


def write_proposals(campaign: Campaign, awards: Awards, out: Path, period: str) -> Path:
    """The proposal list laid out like an official list, plus a sheet with every candidate's reasons."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách đề nghị"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, width in zip("ABCDE", (6, 34, 34, 32, 60), strict=True):
        ws.column_dimensions[col].width = width
    heads = [("A1", f"UBND HUYỆN {campaign.district.upper()}"), ("A2", "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG"),
             ("D1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), ("D2", "Độc lập - Tự do - Hạnh phúc")]
    for ref, text in heads:
        ws[ref] = text
        ws[ref].font = Font(bold=True)
    ws["A4"] = "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"
    ws["A4"].font = Font(bold=True, size=14)
    ws["A5"] = f"Thành tích trong phong trào thi đua thực hiện nhiệm vụ CCHC và KSTTHC {period}"
    if campaign.demo or (awards.rules and awards.rules.example):
        ws["A6"] = (f"{campaign.demo_note or 'Ví dụ'}: quy định khen thưởng là ví dụ minh họa, "
                    "danh sách không có giá trị.")
        ws["A6"].font = Font(bold=True, color="C00000")
    for ref in ("A4", "A5"):
        ws.merge_cells(f"{ref}:E{ref[1:]}")
        ws[ref].alignment = Alignment(horizontal="center")
    row = 8
    for i, head in enumerate(["STT", "Tên tập thể / Họ và tên", "Chức vụ, đơn vị", "Hình thức đề nghị",
                              "Tóm tắt thành tích"], start=1):
        cell = ws.cell(row, i, head)
        cell.font, cell.border, cell.alignment = Font(bold=True), box, Alignment(wrap_text=True, horizontal="center")
    names = {u.code: u.name for u in campaign.units}
    for label, kind in (("I. TẬP THỂ", "collective"), ("II. CÁ NHÂN", "individual")):
        row += 1
        ws.cell(row, 1, label).font = Font(bold=True)
        for n, f in enumerate([f for f in awards.proposed() if f.rule.kind == kind], start=1):
            row += 1
            where = names[f.candidate["unit"]] if kind == "individual" else campaign.groups[f.candidate["group"]]
            values = [n, f.candidate["name"], ", ".join(x for x in (f.candidate.get("position"), where) if x),
                      f.rule.title_name, "; ".join(r.lstrip("✔ ") for r in f.reasons)]
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row, col)
                put_text_safe(cell, value)
                cell.border, cell.alignment = box, Alignment(wrap_text=True, vertical="top")
    _detail_sheets(wb, campaign, awards)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def _detail_sheets(wb, campaign: Campaign, awards: Awards) -> None:
    """Every candidate considered, with the reasons, and what the list was made from."""
    from openpyxl.styles import Font

    names = {u.code: u.name for u in campaign.units}
    detail = wb.create_sheet("Xét duyệt chi tiết")
    detail.append(["Hình thức", "Đối tượng", "Đơn vị", "Kết quả", "Thứ tự / chỉ tiêu", "Lý do"])
    for f in awards.findings:
        detail.append([f.rule.title_name, None, names[f.candidate["unit"]], f.outcome, f.position,
                       "\n".join(f.reasons)])
        put_text_safe(detail.cell(detail.max_row, 2), f.candidate["name"])
    for cell in detail[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEF", (30, 30, 30, 26, 34, 90), strict=True):
        detail.column_dimensions[col].width = width
    source = wb.create_sheet("Nguồn dữ liệu")
    notes = [campaign.demo_note, f"Quy định: {awards.rules.path.name if awards.rules else '(không có)'}",
             awards.rules.note if awards.rules else "", f"Năm: {', '.join(map(str, awards.years))}",
             "Danh sách được tạo tự động; muốn thay đổi hãy sửa quy định hoặc dữ liệu nguồn rồi tạo lại."]
    for line in notes:
        if line:
            source.append([line])


def write_outputs(campaign: Campaign, level: str, yearly: list[YearResults], reports: Path, out: Path | None = None
                  ) -> tuple[Awards, Path, Path]:
    """Proposals (.xlsx) and honour roll (.html): ``level`` "yearly" (one result) or "final" (the period)."""
    years = [r.year for r in yearly]
    awards = awards_for(campaign, level, yearly)
    period = f"năm {years[0]}" if level == "yearly" else f"giai đoạn {years[0]}–{years[-1]}"
    stem = f"{years[0]}/de-nghi-khen-thuong-{years[0]}" if level == "yearly" else \
        f"final/de-nghi-khen-thuong-{years[0]}-{years[-1]}"
    out = out or reports / f"{stem}.xlsx"
    write_proposals(campaign, awards, out, period)
    roll = out.with_name(out.stem.replace("de-nghi-khen-thuong", "bang-vang") + ".html")
    roll.write_text(honour_roll_html(campaign, awards, f"Bảng vàng thi đua CCHC {period}"), encoding="utf-8")
    return awards, out, roll


def proposals_table(awards: Awards) -> pd.DataFrame:
    rows = [{"Hình thức": f.rule.title_name, "Đối tượng": "Tập thể" if f.rule.kind == "collective" else "Cá nhân",
             "Tên": f.candidate["name"], "Đơn vị": f.candidate["unit"], "Lý do": "; ".join(f.reasons)}
            for f in awards.proposed()]
    return pd.DataFrame(rows)


def outcome_counts(awards: Awards) -> pd.DataFrame:
    rows = {}
    for f in awards.findings:
        rows.setdefault(f.rule.title_name + (" (tập thể)" if f.rule.kind == "collective" else " (cá nhân)"),
                        {PROPOSED: 0, CUT: 0, NEAR: 0})[f.outcome] += 1
    return pd.DataFrame([{"Hình thức": k, **v} for k, v in rows.items()])
