"""The results workbook of a year (xlsx: units, areas, criteria, sources) or its CSV (units only)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kit import __version__
from kit.config.campaign import Campaign
from kit.config.framework import part_label
from kit.core.vocab import label
from kit.intake.check import CheckReport
from kit.outputs.sheet_print import Heading, date_line, signed_by
from kit.outputs.xlsx import write_csv, write_xlsx
from kit.scoring.results import YearResults

UNIT_HEADERS = {
    "year": "Năm", "group_name": "Nhóm", "unit": "Mã đơn vị", "unit_name": "Tên đơn vị", "status": "Tình trạng phiếu",
    "self": "Điểm tự chấm (phần khảo sát: theo kết quả khảo sát)", "proposal": "Điểm đề xuất tự động",
    "appraised": "Điểm thẩm định (các tiêu chí đã thẩm định)", "counted": "Điểm xét",
    "max_applicable": "Điểm tối đa áp dụng", "percent": "Tỷ lệ đạt (%)",
    "band": "Xếp loại", "rank": "Thứ hạng trong nhóm", "self_minus_appraised": "Chênh lệch tự chấm - thẩm định",
    "appraised_count": "Số tiêu chí đã thẩm định", "criteria": "Số tiêu chí", "na_count": "Số tiêu chí không áp dụng",
    "rows_missing": "Số tiêu chí thiếu/bị loại", "basis": "Cơ sở tính", "note": "Thời gian tham gia, sắp xếp đơn vị",
}
AREA_HEADERS = {
    "year": "Năm", "unit": "Mã đơn vị", "unit_name": "Tên đơn vị", "area": "Lĩnh vực", "area_name": "Tên lĩnh vực",
    "self": "Điểm tự chấm (phần khảo sát: theo kết quả khảo sát)", "proposal": "Điểm đề xuất tự động",
    "appraised": "Điểm thẩm định (các tiêu chí đã thẩm định)", "counted": "Điểm xét",
    "max_applicable": "Điểm tối đa áp dụng", "percent": "Tỷ lệ đạt (%)",
    "self_minus_appraised": "Chênh lệch tự chấm - thẩm định", "basis": "Cơ sở tính",
}
DETAIL_HEADERS = {
    "year": "Năm", "unit": "Mã đơn vị", "code": "Mã tiêu chí", "content": "Nội dung tiêu chí", "max": "Điểm tối đa",
    "answer": "Trả lời", "value": "Giá trị đo", "self": "Điểm tự chấm", "proposal": "Điểm đề xuất tự động",
    "appraised": "Điểm thẩm định", "counted": "Điểm xét", "evidence": "Tài liệu kiểm chứng",
    "explanation": "Giải trình của đơn vị",
}



def results_path(reports: Path, year: int, suffix: str = ".xlsx") -> Path:
    return reports / str(year) / f"ket-qua-{year}{suffix}"


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
    units = results.units[list(UNIT_HEADERS)].assign(status=results.units["status"].map(label))
    units = units.rename(columns=UNIT_HEADERS)
    if out.suffix.lower() == ".csv":
        if campaign.demo:  # a CSV has no room for a title: every row says it
            units.insert(0, "Ghi chú", campaign.demo_note)
        return write_csv(out, units)
    areas = results.areas[list(AREA_HEADERS)].rename(columns=AREA_HEADERS)
    notes = source_notes(campaign, report, f"Kết quả chấm điểm CCHC năm {report.year}")
    detail = results.long[list(DETAIL_HEADERS)].copy()
    if "parent" in results.long:  # sub-criteria: named with their parent (the sheet has no heading rows)
        detail["content"] = [part_label(c, p, pc, flat=True) for c, p, pc in zip(
            results.long["content"], results.long["parent"], results.long["parent_content"], strict=True)]
    detail = detail.rename(columns=DETAIL_HEADERS)
    issuer = campaign.issuer(campaign.year_end(report.year))  # in office on the day it speaks for
    heading = Heading(issuer, f"Kết quả chấm điểm cải cách hành chính năm {report.year}", campaign.name,
                      (campaign.demo_note,))
    return write_xlsx(out, {"Kết quả": units, "Theo lĩnh vực": areas, "Chi tiết tiêu chí": detail}, notes,
                      heading, signed_by(issuer, date_line(issuer.place, None)))  # dated by hand when signed
