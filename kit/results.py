"""Results of a year: totals, percentage, band and rank per unit, and totals per area.

Built from the checked submissions (and, once the gradebook exists, the appraisals). A unit
that sent nothing, or whose form was rejected, is listed with that status and no rank.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kit import __version__
from kit.campaign import Campaign
from kit.check import CheckReport
from kit.scoring import classify, criteria_table, long_table, rank_within, totals
from kit.tables import write_csv, write_xlsx

UNIT_HEADERS = {
    "year": "Năm", "group_name": "Nhóm", "unit": "Mã đơn vị", "unit_name": "Tên đơn vị", "status": "Tình trạng phiếu",
    "self": "Điểm tự chấm", "proposal": "Điểm đề xuất tự động", "appraised": "Điểm thẩm định",
    "counted": "Điểm xét", "max_applicable": "Điểm tối đa áp dụng", "percent": "Tỷ lệ đạt (%)",
    "band": "Xếp loại", "rank": "Thứ hạng trong nhóm", "self_minus_appraised": "Chênh lệch tự chấm - thẩm định",
    "appraised_count": "Số tiêu chí đã thẩm định", "criteria": "Số tiêu chí", "na_count": "Số tiêu chí không áp dụng",
    "rows_missing": "Số tiêu chí thiếu/bị loại", "basis": "Cơ sở tính",
}
AREA_HEADERS = {
    "year": "Năm", "unit": "Mã đơn vị", "unit_name": "Tên đơn vị", "area": "Lĩnh vực", "area_name": "Tên lĩnh vực",
    "self": "Điểm tự chấm", "proposal": "Điểm đề xuất tự động", "appraised": "Điểm thẩm định", "counted": "Điểm xét",
    "max_applicable": "Điểm tối đa áp dụng", "percent": "Tỷ lệ đạt (%)",
    "self_minus_appraised": "Chênh lệch tự chấm - thẩm định", "basis": "Cơ sở tính",
}
DETAIL_HEADERS = {
    "year": "Năm", "unit": "Mã đơn vị", "code": "Mã tiêu chí", "content": "Nội dung tiêu chí", "max": "Điểm tối đa",
    "answer": "Trả lời", "value": "Giá trị đo", "self": "Điểm tự chấm", "proposal": "Điểm đề xuất tự động",
    "appraised": "Điểm thẩm định", "counted": "Điểm xét", "evidence": "Tài liệu kiểm chứng",
    "explanation": "Giải trình của đơn vị",
}
STATUS_OK, STATUS_LATE, STATUS_MISSING, STATUS_REJECTED = "Đã nộp", "Nộp muộn", "Chưa nộp", "Phiếu bị loại"


@dataclass
class YearResults:
    year: int
    units: pd.DataFrame
    areas: pd.DataFrame
    long: pd.DataFrame


def _status(campaign: Campaign, report: CheckReport) -> dict[str, str]:
    status = {u.code: STATUS_MISSING for u in campaign.units}
    for sub in report.submissions:
        if sub.unit in status and status[sub.unit] == STATUS_MISSING:
            status[sub.unit] = STATUS_REJECTED
    for sub in report.submissions:
        if sub.unit in status and sub.rows:
            status[sub.unit] = STATUS_LATE if sub.unit in report.late else STATUS_OK
    return status


def year_results(campaign: Campaign, report: CheckReport, appraisals: pd.DataFrame | None = None) -> YearResults:
    """Compute the results of ``report.year`` (appraisals: year, unit, code, appraised, appraised_na)."""
    year = report.year
    criteria = criteria_table(campaign, year)
    long = long_table(criteria, report.table(), report.surveys, appraisals)
    names = {u.code: u.name for u in campaign.units}
    per_unit = totals(long, ["unit"], carry=["year", "group"])
    per_unit["rows_missing"] = per_unit["unit"].map((~long["in_form"]).groupby(long["unit"]).sum()).astype(int)
    per_unit["band"] = classify(per_unit["percent"], campaign.bands(year))
    per_unit["rank"] = rank_within(per_unit, ["group"])
    everyone = pd.DataFrame([(year, u.group, u.code) for u in campaign.units], columns=["year", "group", "unit"])
    units = everyone.merge(per_unit, on=["year", "group", "unit"], how="left")
    units["group_name"] = units["group"].map(campaign.groups)
    units["unit_name"] = units["unit"].map(names)
    units["status"] = units["unit"].map(_status(campaign, report))
    units = units.sort_values(["group", "rank", "unit"], na_position="last").reset_index(drop=True)
    areas = totals(long, ["unit", "area"], carry=["year", "group", "area_name"])
    areas["unit_name"] = areas["unit"].map(names)
    return YearResults(year, units, areas, long)


def source_notes(campaign: Campaign, report: CheckReport, what: str) -> list[str]:
    """What a generated table was made from; demo output says so first."""
    notes = [campaign.demo_note] if campaign.demo else []
    notes += [
        what,
        f"Đợt thi đua: {campaign.name}",
        f"Thư mục dữ liệu: {campaign.root.resolve()}",
        f"Năm: {report.year}; số tệp phiếu: {len(report.submissions)}; "
        f"chưa nộp: {', '.join(report.missing) or 'không'}",
        f"Tạo bởi kit {__version__} lúc {dt.datetime.now():%d/%m/%Y %H:%M}",
        "Bảng được tạo tự động, không sửa tay; muốn thay đổi hãy sửa dữ liệu nguồn và tạo lại.",
    ]
    return notes


def write_results(campaign: Campaign, report: CheckReport, results: YearResults, out: Path) -> Path:
    """Write the results as .xlsx (units, areas, sources) or .csv (units only)."""
    units = results.units[list(UNIT_HEADERS)].rename(columns=UNIT_HEADERS)
    if out.suffix.lower() == ".csv":
        if campaign.demo:  # a CSV has no room for a title: every row says it
            units.insert(0, "Ghi chú", campaign.demo_note)
        return write_csv(out, units)
    areas = results.areas[list(AREA_HEADERS)].rename(columns=AREA_HEADERS)
    notes = source_notes(campaign, report, f"Kết quả chấm điểm CCHC năm {report.year}")
    detail = results.long[list(DETAIL_HEADERS)].rename(columns=DETAIL_HEADERS)
    return write_xlsx(out, {"Kết quả": units, "Theo lĩnh vực": areas, "Chi tiết tiêu chí": detail}, notes)
