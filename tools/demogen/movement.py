"""Demo data of the movement (Dữ liệu minh họa): registrations, initiatives, nominations, rules.

Separate from tools.demogen.generate's random stream so that adding it left the demo forms unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from kit.config.campaign import Campaign, Unit

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Ngọc", "Minh", "Thanh", "Hoàng", "Kim", "Quốc", "Thị Thu", "Văn Hoài"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Khoa", "Lan", "Linh", "Long", "Mai", "Nam",
         "Nga", "Phúc", "Quang", "Tâm", "Thảo", "Trí", "Tuấn", "Vy", "Yến", "Đức"]
POSITIONS = {"CQ": ["Trưởng phòng", "Phó Trưởng phòng", "Chuyên viên"],
             "NG": ["Thủ trưởng cơ quan", "Phó Thủ trưởng cơ quan", "Chuyên viên"],
             "XA": ["Chủ tịch UBND", "Phó Chủ tịch UBND", "Công chức Văn phòng – Thống kê",
                    "Công chức Tư pháp – Hộ tịch"]}
RATINGS = ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"]
INITIATIVES = ["Số hóa hồ sơ hộ tịch tồn đọng bằng biểu mẫu điện tử", "Tổ hỗ trợ dịch vụ công trực tuyến tại ấp",
               "Lịch tiếp nhận hồ sơ ngoài giờ hành chính vào thứ Bảy", "Bảng theo dõi hồ sơ trễ hạn trên nhóm Zalo",
               "Mã QR tra cứu thủ tục hành chính tại Bộ phận một cửa", "Họp không giấy cho giao ban tuần",
               "Mẫu báo cáo CCHC điện tử dùng chung", "Chuẩn hóa quy trình nội bộ theo ISO 9001:2015",
               "Hướng dẫn ký số cho công chức cấp xã", "Cẩm nang văn hóa công sở bỏ túi"]

RULES_YML = """\
# VÍ DỤ MINH HỌA (Dữ liệu minh họa) — quy định khen thưởng mẫu, mô phỏng Luật Thi đua, khen thưởng 2022,
# Nghị định 98/2023/NĐ-CP và Kế hoạch phát động (khen thưởng hằng năm và khi tổng kết năm 2025).
# Hội đồng Thi đua – Khen thưởng sửa tệp này theo hướng dẫn hiện hành; kit chỉ đọc và áp dụng.
# Điều kiện: field + một phép so sánh (in, not_in, min, max, equals). Chỉ tiêu: count (số lượng) hoặc
# share (tỷ lệ 0..1 trên số đối tượng), per: group để tính riêng từng nhóm. Thứ tự ưu tiên theo order.
example: true
note: "Quy định mẫu để minh họa; không phải hướng dẫn khen thưởng thật của huyện Châu Thành."
# Hình thức có thời hạn: cấp huyện không còn từ 01/07/2025. Một quy định có thể nêu nhiều hình thức thay thế
# nhau (title: [A, B]): kit dùng hình thức đầu tiên còn hiệu lực vào ngày xét khen thưởng.
titles:
  - {code: BK_TAPTHE, name: "Bằng khen của Chủ tịch UBND tỉnh", for: collective}
  - {code: GK_TAPTHE, name: "Giấy khen của Chủ tịch UBND huyện", for: collective, valid_to: 2025-06-30}
  - {code: GKS_TAPTHE, name: "Giấy khen của Giám đốc Sở Nội vụ", for: collective, valid_from: 2025-07-01}
  - {code: BK_CANHAN, name: "Bằng khen của Chủ tịch UBND tỉnh", for: individual}
  - {code: GK_CANHAN, name: "Giấy khen của Chủ tịch UBND huyện", for: individual, valid_to: 2025-06-30}
  - {code: GKS_CANHAN, name: "Giấy khen của Giám đốc Sở Nội vụ", for: individual, valid_from: 2025-07-01}
yearly:
  - title: [GK_TAPTHE, GKS_TAPTHE]
    conditions:
      - {field: band, in: ["Xuất sắc", "Tốt"]}
      - {field: rank, max: 3}
      - {field: status, in: ["Đã nộp"]}
      - {field: registration, in: ["Đúng hạn"]}
      - {field: overdue_findings, max: 0}  # no inspection finding left open past its deadline
    quota: {share: 0.2, per: group}
    order: [percent]
  - title: [GK_CANHAN, GKS_CANHAN]
    conditions:
      - {field: rating, in: ["Hoàn thành xuất sắc nhiệm vụ"]}
      - {field: initiative, equals: true}
      - {field: discipline, equals: false}
      - {field: unit_band, in: ["Xuất sắc", "Tốt", "Khá"]}
    quota: {count: 8}
    order: [unit_percent]
final:
  - title: BK_TAPTHE
    conditions:
      - {field: years_in_band, bands: ["Xuất sắc", "Tốt"], min: 3}
      - {field: registered_every_year, equals: true}
    quota: {count: 1, per: group}
    order: [mean_percent]
  - title: [GK_TAPTHE, GKS_TAPTHE]
    conditions:
      - {field: years_in_band, bands: ["Xuất sắc", "Tốt"], min: 2}
      - {field: improvement, min: 0}
    quota: {share: 0.25, per: group}
    order: [improvement]
  - title: BK_CANHAN
    conditions:
      - {field: excellent_years, min: 3}
      - {field: initiatives, min: 1}
      - {field: discipline, equals: false}
    quota: {count: 3}
    order: [excellent_years, initiatives]
  - title: [GK_CANHAN, GKS_CANHAN]
    conditions:
      - {field: excellent_years, min: 2}
      - {field: discipline, equals: false}
    quota: {count: 10}
    order: [excellent_years]
"""


def _write(path: Path, header: list[str], rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])


def generate_movement(campaign: Campaign, seed: int) -> None:
    rng = random.Random(seed)
    own = random.Random(seed + 10)  # the provincial agencies' draws, apart: the others' movement stays as it was

    def stream(unit: Unit) -> random.Random:
        return own if unit.group == "NG" else rng

    root = campaign.root
    (root / "commendation.yml").write_text(RULES_YML, encoding="utf-8")
    registrations = []
    for year in campaign.years:
        deadline = campaign.deadline(year, "registration")
        for unit in campaign.units_of(year):
            if (year, unit.code) == (2023, "THANHLONG"):
                continue  # never registered that year
            r = stream(unit)
            late = r.random() < 0.1
            day = deadline + dt.timedelta(days=r.randint(1, 20) if late else -r.randint(0, 25))
            registrations.append((year, unit.code, day.isoformat(), f"{r.randint(10, 99)}/KH-{unit.code}",
                                  day.isoformat()))
    _write(root / "registrations.csv", ["year", "unit", "registered", "plan_number", "plan_date"], registrations)
    people = {u.code: [(f"{stream(u).choice(FAMILY)} {stream(u).choice(MIDDLE)} {stream(u).choice(GIVEN)}",
                        stream(u).choice(POSITIONS[u.group]), f"CC{100001 + 2 * i + k}") for k in range(2)]
              for i, u in enumerate(campaign.units)}  # name, position, civil-servant code
    for unit in campaign.units:  # a new unit's staff come from the units it took over: people, not positions
        before = [x.predecessor for x in campaign.roster.predecessors(unit.code) if x.predecessor]
        if unit.valid_from is not None and before:
            people[unit.code] = [people[code][0] for code in before][:3]
    initiatives = []
    authored: dict[tuple[str, int], str] = {}
    for i, title in enumerate(INITIATIVES, start=1):
        year = rng.choice(campaign.years)
        unit = rng.choice([u for u in campaign.units_of(year) if u.group != "NG"])
        name = rng.choice(people[unit.code])[0]
        ident = f"SK{year}-{i:02d}"
        initiatives.append((ident, title, name, unit.code, rng.choice(["Hội đồng sáng kiến huyện",
                                                                     "Hội đồng sáng kiến tỉnh"]),
                            dt.date(year, rng.randint(6, 11), rng.randint(1, 28)).isoformat(),
                            rng.choice(["Cấp huyện", "Cấp tỉnh", "Cơ sở"])))
        authored[(name, year)] = ident
    _write(root / "initiatives.csv", ["id", "title", "authors", "unit", "recognised_by", "recognised_on", "scope"],
           initiatives)
    for year in campaign.years:
        rows = []
        for unit in campaign.units_of(year):
            r = stream(unit)
            for name, position, person in people[unit.code]:
                if r.random() < 0.15:
                    continue
                rating = RATINGS[0] if r.random() < 0.45 else r.choice(RATINGS[1:])
                discipline = "Có" if r.random() < 0.02 else "Không"
                rows.append((name, unit.code, position, rating, authored.get((name, year), ""), discipline,
                             person))
        if year == 2023:  # the mistakes the check must catch: a person twice, an unknown unit
            rows.append(rows[0])
            rows.append(("Trần Văn Lạ", "XYZ", "Chuyên viên", RATINGS[1], "", "Không", ""))
        _write(root / "nominations" / f"{year}.csv", ["name", "unit", "position", "rating", "initiative",
                                                      "discipline", "person_id"], rows)
