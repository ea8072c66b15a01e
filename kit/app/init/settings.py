"""What a new campaign is (its name, the body that runs it, years, groups, bands, deadlines) and its campaign.yml.

The file is written for the office that will edit it by hand later, so every key comes with a Vietnamese comment
saying what it means and how to change it, like the demo's. Values are written as YAML double-quoted strings (JSON
syntax), so a name with a colon or a quote cannot break the file.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

# The classification most provinces use today (five bands); the office changes them in campaign.yml.
DEFAULT_BANDS: tuple[tuple[str, float], ...] = (("Xuất sắc", 90), ("Tốt", 80), ("Khá", 65), ("Trung bình", 50),
                                                ("Yếu", 0))
# Month and day of each yearly deadline; explanation and awards fall in the next year when their month comes before
# the submission's.
DEFAULT_DEADLINES: dict[str, tuple[int, int]] = {"registration": (2, 28), "submission": (11, 30),
                                                 "explanation": (1, 15), "awards": (1, 20)}
DEADLINE_NAMES = {"registration": "đăng ký thi đua", "submission": "nộp phiếu tự đánh giá",
                  "explanation": "hạn giải trình", "awards": "ngày đề nghị khen thưởng"}


def _yaml_number(x: float) -> str:
    """A number as YAML writes it (campaign.yml is read by the kit: 72.5, never the decimal comma people read)."""
    return str(int(x)) if x == int(x) else repr(x)


def _q(text: object) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(text), ensure_ascii=False)


def default_signer(body: str) -> str:
    """How the head of ``body`` signs, by the body's kind; the office corrects it in campaign.yml if needed."""
    word = body.strip().casefold()
    if word.startswith("sở"):
        return "GIÁM ĐỐC"
    if word.startswith("phòng"):
        return "TRƯỞNG PHÒNG"
    if word.startswith(("ubnd", "ủy ban")):
        return "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    return "THỦ TRƯỞNG CƠ QUAN"


@dataclass
class Settings:
    """Everything ``kit init`` asks for. ``place`` is the địa danh of documents' date line; ``parent`` the body above
    the issuing body on letterheads (Decree 30/2020: cơ quan chủ quản)."""

    name: str
    body: str
    place: str
    years: list[int]
    groups: dict[str, str]
    parent: str = ""
    province: str = ""
    district: str = ""
    signer: str = ""
    plan: str = ""
    demo: bool = False
    bands: list[tuple[str, float]] = field(default_factory=lambda: list(DEFAULT_BANDS))
    deadlines: dict[str, tuple[int, int]] = field(default_factory=lambda: dict(DEFAULT_DEADLINES))

    def deadline(self, year: int, what: str) -> dt.date:
        month, day = self.deadlines[what]
        after = what in ("explanation", "awards") and month < self.deadlines.get("submission", (12, 31))[0]
        target_year = year + 1 if after else year
        while True:  # 29/2 in a common year: the day before
            try:
                return dt.date(target_year, month, day)
            except ValueError:
                day -= 1


def campaign_yml(s: Settings) -> str:
    """campaign.yml of a new campaign, commented in Vietnamese for the office."""
    signer = s.signer or default_signer(s.body)
    demo = "# Dữ liệu minh họa — mọi con số trong thư mục này là bịa ra, chỉ để thử bộ công cụ.\n" if s.demo else ""
    groups = "\n".join(f"  - {{code: {code}, name: {_q(name)}}}" for code, name in s.groups.items())
    issuer = f"  - {{name: {_q(s.body)}"
    issuer += f", parent: {_q(s.parent)}" if s.parent else ""
    issuer += f", place: {_q(s.place)}, signer: {_q(signer)}}}"
    deadlines = "\n".join(
        f"  {year}: {{" + ", ".join(f"{what}: {s.deadline(year, what).isoformat()}" for what in s.deadlines) + "}"
        for year in s.years)
    ordered = sorted(s.bands, key=lambda b: -b[1])
    bands = []
    for i, (name, lower) in enumerate(ordered):
        upper = f", to: {_yaml_number(ordered[i - 1][1])}" if i else ""
        bands.append(f"  - {{name: {_q(name)}, from: {_yaml_number(lower)}{upper}}}")
    district = f"district: {_q(s.district)}\n" if s.district else ""
    return f"""{demo}# Đợt thi đua (phong trào thi đua CCHC) — tệp do `kit init` tạo; sửa được bằng Notepad hoặc bất kỳ
# trình soạn thảo nào (lưu mã UTF-8). Sau mỗi lần sửa, chạy `kit check` để kiểm tra.
#
# Tên phong trào, in ở đầu mọi báo cáo và văn bản.
name: {_q(s.name)}
# Địa bàn: tỉnh (và huyện, nếu phong trào của một huyện).
province: {_q(s.province)}
{district}# Kế hoạch phát động phong trào, dẫn trong văn bản ("Kế hoạch số …/KH-… ngày … của …"); để trống nếu chưa có.
plan: {_q(s.plan)}
# true: dữ liệu minh họa (mọi báo cáo, văn bản ghi "Dữ liệu minh họa"); false: dữ liệu thật.
demo: {"true" if s.demo else "false"}
# Các năm chấm điểm của giai đoạn.
years: [{", ".join(map(str, s.years))}]
# Nhóm đơn vị: mỗi nhóm có bộ tiêu chí riêng (criteria/NĂM-MÃNHÓM.yml) và được xếp hạng riêng.
groups:
{groups}
# Cơ quan ban hành văn bản (báo cáo, thông báo, tờ trình): tên, cơ quan chủ quản (parent), địa danh ghi ở dòng
# ngày tháng (place), chức danh ký (signer; xuống dòng bằng \\n). Thêm signer_name: "Họ tên" để in tên người ký.
# Khi cơ quan thay đổi giữa giai đoạn, ghi valid_to cho cơ quan cũ và thêm cơ quan mới với valid_from.
issuers:
{issuer}
# Hạn của từng năm (năm-tháng-ngày): registration = đăng ký thi đua; submission = nộp phiếu tự đánh giá;
# explanation = hạn giải trình (in trong thông báo kết quả); awards = ngày đề nghị khen thưởng (văn bản năm ghi
# ngày này và chỉ dùng những gì đã biết đến ngày đó).
deadlines:
{deadlines}
# Xếp loại theo tỷ lệ = điểm đạt / điểm tối đa áp dụng x 100; mỗi mức tính từ "from" đến dưới "to".
# Mức thấp nhất bắt đầu từ 0; mức cao nhất không có "to". Năm nào dùng mức khác: thêm khóa bands_by_year.
bands:
{chr(10).join(bands)}
# Mục tiêu của kế hoạch (báo cáo tổng kết liệt kê đơn vị giữ được các mức này mọi năm). Bỏ dấu # để dùng:
# target:
#   text: "…"
#   bands: ["Xuất sắc", "Tốt"]
# Thẩm định lần 2 độc lập: tỷ lệ đơn vị mỗi nhóm được chọn (share) và tiêu chí chênh hơn gap điểm giữa tự chấm
# và thẩm định. Bỏ dấu # để dùng:
# second_appraisal: {{share: 0.2, gap: 1}}
"""
