"""Generate the demo campaign (Dữ liệu minh họa) deterministically: ``python -m tools.demogen data``.

Everything is invented: units are the real names of Châu Thành's offices and communes, but
scores, evidence and dates are drawn from a seeded random generator. Submissions are real
.xlsx forms made by ``kit.forms`` and filled as a unit would, including the mistakes
``kit check`` must catch. Running it twice gives byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
import shutil
import sys
import zipfile
from pathlib import Path

import yaml

from kit.app.actor import signed_in
from kit.config.answers import NA, NO, YES, tier_points
from kit.config.campaign import Campaign, Unit, load_campaign
from kit.config.framework import Criterion
from kit.intake.layout import COLUMNS
from kit.outputs.forms import HEADER_ROW, build_form, form_name, meta_ref
from tools.demogen import accounts, levels
from tools.demogen.catalogue import AREA_ORDER, AREAS, CATALOGUE, GROUPS, PCT, groups_of
from tools.demogen.evidence import generate_evidence
from tools.demogen.feed766 import FEED_GROUPS, FEED_LINES, FEED_YEARS, generate_766
from tools.demogen.inspections import generate_inspections
from tools.demogen.movement import generate_movement, generate_records
from tools.demogen.second import first_evaluator, second_round, write_assignments

SEED = 20220202
YEARS = [2022, 2023, 2024, 2025]
AGENCIES = [
    ("VP", "Văn phòng HĐND và UBND huyện"), ("NV", "Phòng Nội vụ"), ("TP", "Phòng Tư pháp"),
    ("TCKH", "Phòng Tài chính – Kế hoạch"), ("TNMT", "Phòng Tài nguyên và Môi trường"),
    ("LDTBXH", "Phòng Lao động – Thương binh và Xã hội"), ("VHTT", "Phòng Văn hóa và Thông tin"),
    ("GDDT", "Phòng Giáo dục và Đào tạo"), ("YT", "Phòng Y tế"), ("TTR", "Thanh tra huyện"),
    ("NNPTNT", "Phòng Nông nghiệp và Phát triển nông thôn"), ("KTHT", "Phòng Kinh tế và Hạ tầng"),
]
# Provincial agencies organised vertically and based in the district (the plan's "cơ quan tỉnh được tổ chức theo hệ
# thống ngành dọc đóng trên địa bàn huyện"): a third group with its own framework, to the district's end.
# Their draws come from their own random stream (AGENCY_SEED), so adding them left the other units' data unchanged.
PROVINCIAL = [
    ("CAHUYEN", "Công an huyện Châu Thành"), ("THUE", "Chi cục Thuế huyện Châu Thành"),
    ("BHXH", "Bảo hiểm xã hội huyện Châu Thành"), ("KBNN", "Kho bạc Nhà nước Châu Thành"),
    ("THONGKE", "Chi cục Thống kê huyện Châu Thành"),
]
# The body each of them reports to, which heads its documents (never the district's People's Committee).
PARENTS = {"CAHUYEN": "Công an tỉnh Tây Ninh", "THUE": "Cục Thuế tỉnh Tây Ninh",
           "BHXH": "Bảo hiểm xã hội tỉnh Tây Ninh", "KBNN": "Kho bạc Nhà nước Tây Ninh",
           "THONGKE": "Cục Thống kê tỉnh Tây Ninh"}
COMMUNES = [
    ("TTCT", "Thị trấn Châu Thành"), ("ANBINH", "Xã An Bình"), ("ANCO", "Xã An Cơ"), ("BIENGIOI", "Xã Biên Giới"),
    ("DONGKHOI", "Xã Đồng Khởi"), ("HAODUOC", "Xã Hảo Đước"), ("HOAHOI", "Xã Hòa Hội"), ("HOATHANH", "Xã Hòa Thạnh"),
    ("LONGVINH", "Xã Long Vĩnh"), ("NINHDIEN", "Xã Ninh Điền"), ("PHUOCVINH", "Xã Phước Vinh"),
    ("THAIBINH", "Xã Thái Bình"), ("THANHDIEN", "Xã Thanh Điền"), ("THANHLONG", "Xã Thành Long"),
    ("TRIBINH", "Xã Trí Bình"),
]
# The 2025 restructuring, as it happened (names, lineage and dates are real; the shares of Thái Bình are invented):
# district offices reorganised from 1/3/2025 (Decree 45/2025), the district gone after 30/6/2025, and Châu Thành's
# 15 commune-level units merged into 8 from 1/7/2025, some with communes of other districts.
DISTRICT_END, COMMUNES_FROM, OFFICES_FROM = dt.date(2025, 6, 30), dt.date(2025, 7, 1), dt.date(2025, 3, 1)
REORGANISED = {"LDTBXH": "NV", "TNMT": "NNMT", "NNPTNT": "NNMT"}  # office -> the office that took it over
NEW_OFFICES = [("NNMT", "Phòng Nông nghiệp và Môi trường")]
SUCCESSORS = [  # code, name, [(predecessor code or "", name of a predecessor from outside, share)]
    ("XCHAUTHANH", "Xã Châu Thành", [("TTCT", "", 1), ("DONGKHOI", "", 1), ("ANBINH", "", 1), ("THAIBINH", "", 0.5)]),
    ("PTANNINH", "Phường Tân Ninh", [("", "Các phường thuộc thành phố Tây Ninh (cũ)", 1), ("THAIBINH", "", 0.5)]),
    ("XHOAHOI", "Xã Hòa Hội", [("BIENGIOI", "", 1), ("HOATHANH", "", 1), ("HOAHOI", "", 1)]),
    ("XHAODUOC", "Xã Hảo Đước", [("ANCO", "", 1), ("TRIBINH", "", 1), ("HAODUOC", "", 1)]),
    ("XNINHDIEN", "Xã Ninh Điền", [("THANHLONG", "", 1), ("NINHDIEN", "", 1)]),
    ("XPHUOCVINH", "Xã Phước Vinh", [("PHUOCVINH", "", 1), ("", "Xã Hòa Hiệp (huyện Tân Biên)", 1)]),
    ("XLONGCHU", "Xã Long Chữ", [("LONGVINH", "", 1), ("", "Xã Long Phước (huyện Bến Cầu)", 1),
                                 ("", "Xã Long Chữ (huyện Bến Cầu)", 1)]),
    ("PTHANHDIEN", "Phường Thanh Điền", [("THANHDIEN", "", 1), ("", "Xã Hiệp Tân (thị xã Hòa Thành)", 1)]),
]
OFFICES_BASIS = "Nghị định 45/2025/NĐ-CP (tổ chức lại cơ quan chuyên môn thuộc UBND cấp huyện)"
COMMUNES_BASIS = "Nghị quyết của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính cấp xã tỉnh Tây Ninh năm 2025"
# (year, unit) -> what the unit got wrong; see _spoil. THANHLONG sends nothing in 2023.
MISTAKES = {
    (2022, "HOAHOI"): "tolerated", (2022, "NNPTNT"): "year_mismatch", (2023, "ANCO"): "bad_rows",
    (2023, "TP"): "unit_mismatch", (2024, "YT"): "codes", (2024, "BIENGIOI"): "formula",
    (2024, "LONGVINH"): "duplicate", (2025, "XPHUOCVINH"): "corrupt", (2025, "XCHAUTHANH"): "csv",
}
MISSING = {(2023, "THANHLONG")}
LATE = {2022: ["ANCO", "TNMT"], 2023: ["HAODUOC", "YT", "NINHDIEN"], 2024: ["TTR"], 2025: ["XHOAHOI", "VHTT"]}
FIXED_TIME = (2022, 2, 2, 0, 0, 0)
GROUP_NAMES = {"CQ": "cơ quan chuyên môn cấp huyện", "XA": "UBND xã, thị trấn",
               "NG": "cơ quan ngành dọc cấp tỉnh đóng trên địa bàn huyện"}
SECRETARY = COUNCIL = accounts.SECRETARY  # the secretary records the explanations and the council's decisions
COMMENTS = ["Thiếu tài liệu kiểm chứng", "Tài liệu kiểm chứng không thuộc năm đánh giá",
            "Tự chấm cao hơn kết quả thực hiện", "Số liệu không khớp với Hệ thống một cửa điện tử"]
EXPLANATIONS = ["Đơn vị bổ sung văn bản kiểm chứng đã ban hành đúng hạn",
                "Số liệu trên Hệ thống bị lỗi đồng bộ, đơn vị gửi kèm báo cáo của Trung tâm Phục vụ hành chính công",
                "Đơn vị đề nghị xem xét lại vì nhiệm vụ phát sinh cuối năm"]

CAMPAIGN_YML = """\
# Dữ liệu minh họa — demo campaign made by `python -m tools.demogen data`; every figure is invented.
name: "Phong trào thi đua thực hiện nhiệm vụ CCHC và KSTTHC huyện Châu Thành đến năm 2025"
district: "Châu Thành"
province: "Tây Ninh"
plan: "Kế hoạch số 44/KH-UBND ngày 02/02/2022 của UBND huyện Châu Thành"
demo: true
years: [2022, 2023, 2024, 2025]
groups:
  - {code: CQ, name: "Cơ quan chuyên môn cấp huyện"}
  - {code: XA, name: "UBND cấp xã"}
  - {code: NG, name: "Cơ quan ngành dọc cấp tỉnh trên địa bàn huyện"}
# Who issues documents, by date: the district until it was abolished on 30/6/2025, then the new province's
# Department of Home Affairs (Tây Ninh merged with Long An under the name Tây Ninh).
# The council signs its own reports and notices ("TM. HỘI ĐỒNG"), not the committee's ("TM. ỦY BAN NHÂN DÂN").
issuers:
  - {name: "UBND huyện Châu Thành", council: "Hội đồng Thi đua – Khen thưởng", place: "Châu Thành",
     signer: "TM. HỘI ĐỒNG\\nCHỦ TỊCH", valid_to: 2025-06-30}
  - {name: "Sở Nội vụ", parent: "UBND tỉnh Tây Ninh", place: "Tây Ninh", signer: "GIÁM ĐỐC",
     valid_from: 2025-07-01}
# Who decides each title (decide: the head whose title it bears, how the decision is signed, from when to when)
# and who sends the Tờ trình to that head (propose). One Tờ trình and one draft decision per deciding authority:
# a Bằng khen of the province's Chủ tịch is never in the district's own decision. `kit docs` refuses a table in
# which a body signs for another, proposes to itself, or a title has no authority on some day.
authorities:
  decide:
    - {code: CT_HUYEN, head: "Chủ tịch", body: "UBND huyện Châu Thành", place: "Châu Thành", signer: "CHỦ TỊCH",
       titles: [GK_TAPTHE, GK_CANHAN], valid_to: 2025-06-30}
    - {code: CT_TINH, head: "Chủ tịch", body: "UBND tỉnh Tây Ninh", place: "Tây Ninh", signer: "CHỦ TỊCH",
       titles: [BK_TAPTHE, BK_CANHAN]}
    - {code: GD_SNV, head: "Giám đốc", body: "Sở Nội vụ", parent: "UBND tỉnh Tây Ninh", place: "Tây Ninh",
       signer: "GIÁM ĐỐC", titles: [GKS_TAPTHE, GKS_CANHAN], valid_from: 2025-07-01}
  propose:
    # the council's standing body (Phòng Nội vụ) to the district's Chủ tịch, who chairs the council
    - {to: CT_HUYEN, by: "Phòng Nội vụ", parent: "UBND huyện Châu Thành", place: "Châu Thành",
       signer: "TRƯỞNG PHÒNG", valid_to: 2025-06-30}
    # up to the province: the district's committee through the Sở Nội vụ, then the Sở Nội vụ itself
    - {to: CT_TINH, by: "UBND huyện Châu Thành", place: "Châu Thành", signer: "TM. ỦY BAN NHÂN DÂN\\nCHỦ TỊCH",
       via: "Sở Nội vụ", valid_to: 2025-06-30}
    - {to: CT_TINH, by: "Sở Nội vụ", parent: "UBND tỉnh Tây Ninh", place: "Tây Ninh", signer: "GIÁM ĐỐC",
       valid_from: 2025-07-01}
    - {to: GD_SNV, by: "Văn phòng Sở", parent: "Sở Nội vụ", place: "Tây Ninh", signer: "CHÁNH VĂN PHÒNG",
       valid_from: 2025-07-01}
# registration: the unit's own emulation plan (28/02/2022 in the seed plan);
# submission: the self-assessment form of the year; explanation: the last day a unit may contest its result
# (printed in the notice of results, `kit docs`); awards: the day the year's commendations are proposed (the
# Tờ trình and the lists are dated then and say only what was known that day): after the explanations, before the
# decision.
deadlines:
  2022: {registration: 2022-02-28, submission: 2022-12-15, explanation: 2023-01-13, awards: 2023-01-16}
  2023: {registration: 2023-02-28, submission: 2023-12-15, explanation: 2024-01-15, awards: 2024-01-16}
  2024: {registration: 2024-02-29, submission: 2024-12-13, explanation: 2025-01-15, awards: 2025-01-16}
  2025: {registration: 2025-02-28, submission: 2025-11-28, explanation: 2026-01-15, awards: 2026-01-16}
# Classification by percentage = points / applicable maximum x 100; each band is [from, to).
bands:
  - {name: "Xuất sắc", from: 90}
  - {name: "Tốt", from: 80, to: 90}
  - {name: "Khá", from: 65, to: 80}
  - {name: "Trung bình", from: 50, to: 65}
  - {name: "Yếu", from: 0, to: 50}
# The plan's target (seed: the district's PAR index kept in the province's good group by 2025); the final
# report lists the units that stayed in these bands every year.
target:
  text: "Chỉ số CCHC của huyện duy trì thuộc nhóm tốt của tỉnh đến năm 2025"
  bands: ["Xuất sắc", "Tốt"]
bands_by_year:  # Tây Ninh 2022-2023 used three bands
  2022: [{name: "Tốt", from: 80}, {name: "Khá", from: 50, to: 80}, {name: "Kém", from: 0, to: 50}]
  2023: [{name: "Tốt", from: 80}, {name: "Khá", from: 50, to: 80}, {name: "Kém", from: 0, to: 50}]
# Independent second appraisal (thẩm định lần 2, blind to the first): 20 % of each group's units, drawn the same
# way every time, and every criterion whose appraisal is more than 1 point from the self score. Who does it:
# assignments.csv (round 2).
second_appraisal: {share: 0.2, gap: 1}
"""


def _split(total: float, weights: list[float]) -> list[float]:
    """Share ``total`` by weights in steps of 0.5, exactly (largest remainder)."""
    halves = round(total * 2)
    raw = [halves * w / sum(weights) for w in weights]
    base = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: base[i] - raw[i])[: halves - sum(base)]:
        base[i] += 1
    return [b / 2 for b in base]


def framework_dict(year: int, group: str) -> dict:
    order = AREA_ORDER[2025] if year >= 2025 else AREA_ORDER[2022]
    areas = []
    for number, key in enumerate(order, start=1):
        name, area_max = AREAS[key]
        entries = [e for e in CATALOGUE if e[0] == key and group in groups_of(e) and e[7] <= year <= e[8]]
        counted = [e for e in entries if e[3] not in ("bonus", "deduction")]
        points = dict(zip([e[1] for e in counted], _split(area_max, [e[4] for e in counted]), strict=True))
        criteria = []
        for i, (_, ckey, content, kind, _, opts, _, _, _) in enumerate(entries, start=1):
            c = {"code": f"{number}.{i}", "key": ckey, "content": content, "type": kind}
            c["max"] = points.get(ckey, opts.get("max", 0))
            if kind == "tiers":
                c["tiers"] = [{"min": m, "points": round(c["max"] * share * 4) / 4} for m, share in PCT]
            for opt in ("min", "per_item", "value_max", "na", "guide"):
                if opt in opts:
                    c[opt] = opts[opt]
            if year in FEED_YEARS and group in FEED_GROUPS and ckey in FEED_LINES:
                c["feed"] = FEED_LINES[ckey]  # the proposal comes from the 766 tables (tools/demogen/feed766.py)
            criteria.append(c)
        areas.append({"code": str(number), "key": key, "name": name, "max": area_max, "criteria": criteria})
    title = f"Bộ tiêu chí chấm điểm CCHC năm {year} đối với {GROUP_NAMES[group]} (Dữ liệu minh họa)"
    return {"year": year, "group": group, "title": title, "total": 100, "areas": areas}


class Filler:
    """Draws one unit's answers for one year: quality improves over the years; some units over-claim."""

    def __init__(self, rng: random.Random, quality: float, overclaims: bool):
        self.rng, self.q, self.overclaims = rng, quality, overclaims

    def evidence(self, c: Criterion, year: int) -> str:
        if self.rng.random() < 0.08:
            return ""
        day, month = self.rng.randint(1, 28), self.rng.randint(1, 12)
        kind = self.rng.choice(["KH", "BC", "QĐ", "TB"])
        return f"{c.guide or 'Văn bản'}: số {self.rng.randint(5, 250)}/{kind}-UBND ngày {day:02d}/{month:02d}/{year}"

    def answer(self, c: Criterion, year: int) -> dict:
        rng, over = self.rng, self.overclaims and self.rng.random() < 0.35
        if c.na and rng.random() < 0.08:
            return {"answer": NA, "explanation": "Đơn vị không phát sinh nhiệm vụ này trong năm"}
        if c.type == "yes_no":
            yes = rng.random() < self.q
            score = c.max if yes or over else 0
            row = {"answer": YES if yes else NO, "self": score}
        elif c.type == "tiers":
            value = round(min(100.0, max(0.0, rng.gauss(self.q * 100, 9))), 1)
            score = c.max if over else tier_points(c.tiers, value)
            row = {"value": value, "self": score}
        elif c.type == "deduction":
            count = 0 if rng.random() < self.q else rng.randint(1, 3)
            row = {"value": count, "self": 0 if over else max(-count * c.per_item, c.min)}
        elif c.type == "bonus":
            row = {"self": rng.choice([0.5, 1, 2]) if rng.random() < 0.25 else 0}
        elif c.type == "survey":
            return {}
        else:
            share = min(1.0, max(0.0, rng.gauss(self.q, 0.1)))
            row = {"self": c.max if over else round(c.max * share * 4) / 4}
        if row.get("self"):
            row["evidence"] = self.evidence(c, year)
        if row.get("answer") == NO and rng.random() < 0.3:
            row["explanation"] = "Chưa thực hiện được do thiếu nhân sự, sẽ khắc phục trong năm sau"
        return row


def fill(ws, answers: dict[str, dict]) -> None:
    col = {f: i + 1 for i, (f, _, _) in enumerate(COLUMNS)}
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        row = answers.get(ws.cell(r, 1).value)
        for field, value in (row or {}).items():
            ws.cell(r, col[field], value)


def _insert_column(ws, idx: int) -> None:
    """Insert a column as Excel does: merged cells (the form's heading) move or widen with it; openpyxl's
    insert_cols leaves them where they were."""
    ws.insert_cols(idx)
    for rng in ws.merged_cells.ranges:
        if rng.min_col >= idx:
            rng.shift(col_shift=1)
        elif rng.max_col >= idx:
            rng.expand(right=1)


def _spoil(ws, kind: str, rng: random.Random) -> None:
    """Make the mistakes units make; see MISTAKES."""
    crit_rows = [r for r in range(HEADER_ROW + 1, ws.max_row + 1) if "." in str(ws.cell(r, 1).value or "")]
    if kind == "tolerated":  # reorder rows, blank rows, extra column, reworded headers, decimal comma as text
        values = [[ws.cell(r, c).value for c in range(1, len(COLUMNS) + 1)] for r in crit_rows]
        rng.shuffle(values)
        for r, row in zip(crit_rows, values, strict=True):
            for c, v in enumerate(row, start=1):
                ws.cell(r, c).value = v
        ws.cell(HEADER_ROW, 7).value = "Điểm tự đánh giá"
        ws.cell(HEADER_ROW, 8).value = "Minh chứng (số, ngày văn bản)"
        ws.insert_rows(crit_rows[5], 2)
        _insert_column(ws, 3)
        ws.cell(HEADER_ROW, 3).value = "Người phụ trách"
        for r in range(HEADER_ROW + 1, ws.max_row + 1):
            if isinstance(ws.cell(r, 8).value, (int, float)) and ws.cell(r, 8).value % 1:
                ws.cell(r, 8).value = str(ws.cell(r, 8).value).replace(".", ",")
        ws.cell(crit_rows[0], 8).value = str(ws.cell(crit_rows[0], 8).value or 0).replace(".", ",")
    elif kind == "year_mismatch":
        ws[meta_ref("year")] = 2021
    elif kind == "unit_mismatch":
        ws[meta_ref("unit")] = "TTR"
    elif kind == "bad_rows":
        ws.cell(crit_rows[0], 7).value = 5
        ws.cell(crit_rows[4], 7).value = "đạt"
        ws.cell(crit_rows[1], 5).value = "Có lẽ"
        ws.cell(crit_rows[2], 5).value = NA
    elif kind == "codes":
        ws.cell(crit_rows[3], 1).value = ws.cell(crit_rows[2], 1).value
        ws.cell(crit_rows[6], 1).value = "9.9"
    elif kind == "formula":
        ws.cell(crit_rows[1], 7).value = f"=C{crit_rows[1]}*1"


def _stable_zip(path: Path) -> None:
    """Fixed timestamps inside the .xlsx, so regenerating the demo gives identical bytes."""
    with zipfile.ZipFile(path) as zf:
        parts = [(info.filename, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            if name == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2022-02-02T00:00:00Z", data)
            zf.writestr(zipfile.ZipInfo(name, FIXED_TIME), data, zipfile.ZIP_DEFLATED)


def _write_csv(path: Path, ws) -> None:
    """A unit that saved its form as CSV (semicolons, decimal commas, UTF-8 with BOM)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        for row in ws.iter_rows(values_only=True):
            writer.writerow(["" if v is None else str(v).replace(".", ",") if isinstance(v, float) else v
                             for v in row])


def _submission(campaign: Campaign, unit: Unit, year: int, filler: Filler, folder: Path, rng: random.Random,
                sent: dt.date) -> list[Path]:
    fw = campaign.framework(year, unit.group)
    wb = build_form(campaign, unit, year)
    ws = wb.active
    fill(ws, levels.answers(filler, fw, unit, year))
    ws[meta_ref("sent")] = sent
    kind = MISTAKES.get((year, unit.code))
    path = folder / form_name(unit, year)
    if kind == "csv":
        path = path.with_suffix(".csv")
        _write_csv(path, ws)
        return [path]
    if kind == "corrupt":
        path.write_bytes(b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(2000)))
        return [path]
    _spoil(ws, kind or "", rng)
    wb.save(path)
    _stable_zip(path)
    if kind == "duplicate":
        extra = folder / f"{unit.code}_{year}_bosung.xlsx"
        wb.save(extra)
        _stable_zip(extra)
        return [path, extra]
    return [path]


def _units_and_lineage(root: Path) -> None:
    """units.csv with each unit's validity, and lineage.csv (see kit.config.units)."""
    end = {code: OFFICES_FROM - dt.timedelta(days=1) for code in REORGANISED}
    units: list[tuple] = [(c, n, "CQ", "", f"{end.get(c, DISTRICT_END):%d/%m/%Y}") for c, n in AGENCIES]
    units += [(c, n, "CQ", f"{OFFICES_FROM:%d/%m/%Y}", f"{DISTRICT_END:%d/%m/%Y}") for c, n in NEW_OFFICES]
    units += [(c, n, "XA", "", f"{DISTRICT_END:%d/%m/%Y}") for c, n in COMMUNES]
    units += [(c, n, "XA", f"{COMMUNES_FROM:%d/%m/%Y}", "") for c, n, _ in SUCCESSORS]
    units += [(c, n, "NG", "", f"{DISTRICT_END:%d/%m/%Y}") for c, n in PROVINCIAL]
    with open(root / "units.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([("code", "name", "group", "valid_from", "valid_to", "kind", "parent"),
                                  *[(*u, levels.unit_kind(u[0], u[2]), PARENTS.get(u[0], "")) for u in units]])
    links = [(old, new, 1, f"{OFFICES_FROM:%d/%m/%Y}", OFFICES_BASIS, "") for old, new in REORGANISED.items()]
    links += [(before, code, share, f"{COMMUNES_FROM:%d/%m/%Y}", COMMUNES_BASIS, outside)
              for code, _name, parts in SUCCESSORS for before, outside, share in parts]
    with open(root / "lineage.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([("predecessor", "successor", "share", "effective", "basis", "predecessor_name"),
                                  *links])


def generate(root: Path) -> Campaign:
    """Write the whole demo campaign into ``root`` (existing demo files are replaced)."""
    rng = random.Random(SEED)
    (root / "criteria").mkdir(parents=True, exist_ok=True)
    (root / "campaign.yml").write_text(CAMPAIGN_YML, encoding="utf-8")
    _units_and_lineage(root)
    for year in YEARS:
        for group in GROUPS:
            shaped = levels.shape(framework_dict(year, group))
            text = yaml.safe_dump(shaped, allow_unicode=True, sort_keys=False, width=120)
            (root / "criteria" / f"{year}-{group}.yml").write_text("# Dữ liệu minh họa\n" + text, encoding="utf-8")
    campaign = load_campaign(root)
    own = random.Random(SEED + 2)  # the provincial agencies' stream (see PROVINCIAL)

    def stream(unit: Unit) -> random.Random:
        return own if unit.group == "NG" else rng

    quality = {u.code: stream(u).uniform(0.55, 0.92) for u in campaign.units}
    for code, _name, before in SUCCESSORS:  # a successor starts where its (own district's) predecessors stood
        mine = [quality[b] for b, _, _ in before if b]
        quality[code] = sum(mine) / len(mine)
    quality["NNMT"] = (quality["TNMT"] + quality["NNPTNT"]) / 2
    overclaimers = set(rng.sample([u.code for u in campaign.units if u.group != "NG"], 4)) | {"BHXH"}
    (root / "surveys").mkdir(exist_ok=True)
    for year in YEARS:
        folder = campaign.submissions_dir(year)
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            shutil.rmtree(old) if old.is_dir() else old.unlink()
        deadline = campaign.deadline(year)
        register, surveys = [], []
        for unit in campaign.units_of(year):
            q = min(0.98, quality[unit.code] + 0.03 * (year - 2022))
            r = stream(unit)
            for c in campaign.framework(year, unit.group).criteria:
                if c.type == "survey":
                    surveys.append((unit.code, c.code, round(min(100.0, r.gauss(q * 100, 6)), 1)))
            if (year, unit.code) in MISSING:
                continue
            late = unit.code in LATE.get(year, [])
            sent = deadline + dt.timedelta(days=r.randint(1, 12) if late else -r.randint(0, 20))
            if unit.valid_to is not None and unit.valid_to < deadline:  # real history: sent before it ceased
                sent = unit.valid_to - dt.timedelta(days=25) - (deadline - sent)
            filler = Filler(r, q, unit.code in overclaimers)
            for path in _submission(campaign, unit, year, filler, folder, r, sent):
                register.append((path.name, sent.isoformat()))
        with open(folder / "received.csv", "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([("file", "received"), *register])
        with open(root / "surveys" / f"{year}.csv", "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([("unit", "code", "value"), *surveys])
    generate_evidence(campaign, SEED + 4)
    generate_inspections(load_campaign(root), SEED + 3)
    generate_766(load_campaign(root), SEED + 5)
    write_assignments(campaign, root)
    accounts.write_accounts(root)
    with signed_in(accounts.OPERATOR):  # the generator reads the campaign as the demo's operator (kit demo does too)
        _decisions(load_campaign(root), rng, own)
        generate_movement(campaign, SEED + 1)
        generate_records(load_campaign(root), SEED + 2)
    return campaign


def _judge(row, rng: random.Random) -> tuple[float | None, bool, str]:
    """What the demo evaluators decide for one row: the proposal, corrected where evidence is thin."""
    if row.self_na and row.na_allowed:
        return None, True, ""
    score = row.proposal if row.proposal is not None else (row.self_score or 0.0)
    if row.type in ("judgement", "bonus") and row.self_score is not None:
        score = max(0.0, row.self_score - (0.25 * rng.randint(1, 4) if rng.random() < 0.35 else 0.0))
    choices = row.choices
    if choices is not None and not row.evidence and score > 0 and rng.random() < 0.5:
        score = choices[1] if len(choices) > 1 else 0.0  # one step down when nothing backs the claim
    score = min(max(score, row.min), row.max)
    lower = row.self_score is not None and score < row.self_score - 1e-9
    comment = rng.choice(COMMENTS) if lower and not row.findings else ""  # findings: their citation is the reason
    return score, False, comment


def _decisions(campaign: Campaign, rng: random.Random, own: random.Random) -> None:
    """Two evaluators appraise 2022-2024 fully and 2025 in part (a third gives the sample its second appraisal in
    2024 and 2025: tools.demogen.second); explanation rounds in 2023 and 2024."""
    from kit.app.appraisal import Workspace
    from kit.store.gradebook import Decision, Gradebook, evidence_hash
    from kit.store.ledger import LEDGER_FILE

    path = campaign.root / "gradebook.sqlite"
    for old in (path, campaign.root / LEDGER_FILE):
        old.unlink(missing_ok=True)
    with Gradebook(f"sqlite:///{path.resolve()}", ledger=campaign.root / LEDGER_FILE, create=True) as gb:
        for year in YEARS:
            ws = Workspace.open(campaign, year, gb)
            clock = dt.datetime.combine(campaign.deadline(year) + dt.timedelta(days=10), dt.time(8),
                                        dt.timezone(dt.timedelta(hours=7)))
            # real history: a unit that ceased before the deadline (the district's offices, 30/6/2025) was
            # appraised before it ceased, on a clock of its own (the same draws, so the rest is unchanged)
            due = campaign.deadline(year)
            ending = [u.valid_to for u in campaign.units_of(year) if u.valid_to and due and u.valid_to < due]
            early = dt.datetime.combine(min(ending) - dt.timedelta(days=10), dt.time(8), clock.tzinfo) if ending \
                else clock
            for unit in campaign.units_of(year):
                if unit.code not in ws.rows:
                    continue
                before = unit.valid_to is not None and due is not None and unit.valid_to < due
                rows = ws.unit_rows(unit.code)
                r = own if unit.group == "NG" else rng
                share = 1.0 if year < 2025 else r.choice([1.0, 1.0, 1.0, 0.5, 0.0])
                batch = []
                extra = random.Random(f"levels-decisions-{unit.code}-{year}")
                for row, main_stream in levels.to_appraise(rows, share):
                    step = dt.timedelta(minutes=r.randint(1, 4)) if main_stream else dt.timedelta(0)
                    if before:
                        early += step
                    else:
                        clock += step
                    at = early if before else clock
                    score, na, comment = _judge(row, r if main_stream else extra)
                    if not hasattr(row, "unit"):  # the stand-in of a replaced criterion: drawn, not recorded
                        continue
                    who = first_evaluator(campaign, year, unit.group, row.area)
                    batch.append(Decision(year, row.unit, row.code, "appraisal", score, who,
                                          row.decision_comment(comment), na, row.key, row.self_score,
                                          evidence_hash(row.seen), "demo", at.isoformat()))
                gb.record(batch)
            if year >= 2024:
                clock = second_round(ws, gb, random.Random(SEED + 4 + year), clock, reconcile_all=year == 2024)
            if year in (2023, 2024):
                _explanation_round(ws, gb, rng, clock, open_left=2 if year == 2024 else 0)
            if year == 2025:
                _council_exception(ws, gb, clock)


def _council_exception(ws, gb, clock: dt.datetime) -> None:
    """The council's exception for one unit (#15): ISO 9001 for procedures does not apply to the district
    inspectorate, which handles no administrative procedure; "Không áp dụng" with the council's reason."""
    from kit.store.gradebook import Decision, evidence_hash

    row = ws.rows["TTR"]["3.6"]
    gb.record(Decision(ws.year, row.unit, row.code, "final", None, COUNCIL,
                       "Hội đồng Thi đua – Khen thưởng quyết định không áp dụng tiêu chí này cho Thanh tra huyện: "
                       "đơn vị không giải quyết thủ tục hành chính nên không áp dụng ISO 9001 cho thủ tục",
                       True, row.key, row.self_score, evidence_hash(row.seen), "demo",
                       (clock + dt.timedelta(days=3)).isoformat()))


def _counted(row) -> float:
    """Points a fully appraised row counts (0 when not applicable)."""
    return 0.0 if row.current is None or row.current["na"] else float(row.current["score"])


def _explanation_round(ws, gb, rng: random.Random, clock: dt.datetime, open_left: int) -> None:
    """The three units that lost most points explain two criteria each; the council decides all but a few."""
    from kit.store.gradebook import Decision, evidence_hash

    ws.reload()
    # (the offices and communes: the demo's explanation rounds predate the provincial agencies' data)
    gaps = sorted(((sum((r.self_score or 0) - _counted(r) for r in ws.unit_rows(u)), u) for u in ws.rows
                   if ws.campaign.units_by_code[u].group != "NG"),
                  reverse=True)
    requests = []
    for _, unit in gaps[:3]:
        lost = sorted((r for r in ws.unit_rows(unit) if r.current and r.self_score is not None
                       and not r.current["na"] and r.self_score > r.current["score"]),
                      key=lambda r: r.current["score"] - r.self_score)[:2]
        requests.extend(lost)
    clock += dt.timedelta(days=7)
    for i, row in enumerate(requests):
        clock += dt.timedelta(minutes=17)
        gb.record(Decision(ws.year, row.unit, row.code, "explanation", row.self_score, SECRETARY,
                           EXPLANATIONS[i % len(EXPLANATIONS)], False, row.key, row.self_score,
                           evidence_hash(row.seen), "demo", clock.isoformat()))
    clock += dt.timedelta(days=5)
    for row in requests[: len(requests) - open_left]:
        clock += dt.timedelta(minutes=9)
        accepted = rng.random() < 0.5
        score = row.self_score if accepted else row.current["score"]
        gb.record(Decision(ws.year, row.unit, row.code, "final", score, COUNCIL,
                           "Chấp nhận giải trình" if accepted else "Giữ nguyên kết quả thẩm định", False, row.key,
                           row.self_score, evidence_hash(row.seen), "demo", clock.isoformat()))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0] if args else "data")
    generate(root)
    print(f"Đã tạo dữ liệu minh họa trong {root}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
