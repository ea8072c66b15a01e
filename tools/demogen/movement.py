"""Demo data of the movement (Dữ liệu minh họa): registrations, initiatives, nominations, rules.

Separate from tools.demogen.generate's random stream so that adding it left the demo forms unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from kit.config.campaign import Campaign, Unit
from tools.demogen.accounts import SECRETARY

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
# VÍ DỤ MINH HỌA (Dữ liệu minh họa) — quy định khen thưởng mẫu theo từng giai đoạn pháp luật, KHÔNG phải hướng dẫn
# khen thưởng thật của huyện Châu Thành. Hội đồng Thi đua – Khen thưởng sửa tệp này theo văn bản hiện hành; kit chỉ
# đọc và áp dụng.
# - packs: mỗi bộ quy định có thời gian hiệu lực (valid_from / valid_to) và căn cứ pháp lý (basis: từng văn bản như
#   ghi sau chữ "Căn cứ"; short: cách ghi ngắn trên từng dòng đề nghị). Các bộ không được chồng nhau, không được
#   để trống ngày nào. Danh sách năm dùng bộ có hiệu lực ngày 31/12 của năm (pack_date: proposals: ngày xét khen
#   thưởng); danh sách tổng kết dùng bộ có hiệu lực ngày tổng kết.
# - basis của từng quy định: điều khoản làm căn cứ, in trên từng dòng đề nghị. Số điều để "…" là CHƯA ĐIỀN: hãy
#   đối chiếu văn bản gốc và điền trước khi dùng thật.
# - articles: điều khoản cho các việc kit tự làm: holds (tạm dừng xét khi đang xem xét kỷ luật, thanh tra, khiếu
#   nại, báo chí phản ánh), discipline (sau kỷ luật chỉ tính thành tích từ khi hết thời hạn), tie_break (ưu tiên
#   khi bằng nhau ở ngưỡng chỉ tiêu), thematic (khen thưởng theo chuyên đề không làm căn cứ khen thưởng cấp cao
#   hơn), revocation (hủy bỏ quyết định khen thưởng).
# - Điều kiện: field + một phép so sánh (in, not_in, min, max, equals). Theo lịch sử khen thưởng
#   (award_history.csv): consecutive_years (số năm liên tục đến năm trước), awards_in_years (số lần trong "years"
#   năm trước), với titles (các hình thức được tính) và thematic: true nếu tính cả khen thưởng theo chuyên đề.
#   Khen thưởng bị hủy bỏ (kit awards revoke) không bao giờ được tính.
# - Chỉ tiêu: count (số lượng) hoặc share (tỷ lệ 0..1), per: group để tính riêng từng nhóm; thứ tự theo order,
#   bằng nhau thì theo tie_break của bộ quy định, sau cùng theo tên.
example: true
note: "Quy định mẫu để minh họa; không phải hướng dẫn khen thưởng thật của huyện Châu Thành."
pack_date: year_end
# Hình thức có thời hạn: cấp huyện không còn từ 01/07/2025 (title: [A, B]: dùng hình thức đầu tiên còn hiệu lực).
# thematic: true — khen thưởng của phong trào thi đua theo chuyên đề này.
titles:
  - {code: BK_TAPTHE, name: "Bằng khen của Chủ tịch UBND tỉnh", for: collective, thematic: true}
  - {code: GK_TAPTHE, name: "Giấy khen của Chủ tịch UBND huyện", for: collective, valid_to: 2025-06-30, thematic: true}
  - {code: GKS_TAPTHE, name: "Giấy khen của Giám đốc Sở Nội vụ", for: collective, valid_from: 2025-07-01,
     thematic: true}
  - {code: BK_CANHAN, name: "Bằng khen của Chủ tịch UBND tỉnh", for: individual, thematic: true}
  - {code: GK_CANHAN, name: "Giấy khen của Chủ tịch UBND huyện", for: individual, valid_to: 2025-06-30,
     thematic: true}
  - {code: GKS_CANHAN, name: "Giấy khen của Giám đốc Sở Nội vụ", for: individual, valid_from: 2025-07-01,
     thematic: true}
packs:
  - code: LUAT2003
    name: "Luật Thi đua, khen thưởng 2003 (sửa đổi 2005, 2009, 2013) và Nghị định 91/2017/NĐ-CP"
    valid_to: 2023-12-31
    basis:
      - "Luật Thi đua, khen thưởng số 15/2003/QH11 ngày 26 tháng 11 năm 2003, được sửa đổi, bổ sung theo Luật số
        47/2005/QH11, Luật số 32/2009/QH12 và Luật số 39/2013/QH13"
      - "Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định chi tiết thi hành một số điều
        của Luật Thi đua, khen thưởng"
    short: "Luật Thi đua, khen thưởng 2003 (sửa đổi 2005, 2009, 2013); Nghị định 91/2017/NĐ-CP"
    yearly:
      - title: GK_TAPTHE
        basis: "Điều … Luật Thi đua, khen thưởng 2003 (Giấy khen tập thể)"
        conditions: &collective_yearly
          - {field: band, in: ["Xuất sắc", "Tốt"]}
          - {field: rank, max: 3}
          - {field: status, in: ["Đã nộp"]}
          - {field: registration, in: ["Đúng hạn"]}
          - {field: overdue_findings, max: 0}  # no inspection finding left open past its deadline
        quota: {share: 0.2, per: group}
        order: [percent]
      - title: GK_CANHAN
        basis: "Điều … Luật Thi đua, khen thưởng 2003 (Giấy khen cá nhân)"
        conditions: &individual_yearly
          - {field: rating, in: ["Hoàn thành xuất sắc nhiệm vụ"]}
          - {field: discipline, equals: false}
          - {field: unit_band, in: ["Xuất sắc", "Tốt", "Khá"]}
        quota: {count: 8}
        order: [unit_percent]
  - code: LUAT2022_ND98
    name: "Luật Thi đua, khen thưởng 2022 và Nghị định 98/2023/NĐ-CP"
    valid_from: 2024-01-01
    valid_to: 2025-06-30
    basis:
      - "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"
      - "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành một số điều
        của Luật Thi đua, khen thưởng"
    short: "Luật Thi đua, khen thưởng 2022; Nghị định 98/2023/NĐ-CP"
    articles:
      revocation: "khoản 2 Điều 93 Luật Thi đua, khen thưởng 2022"
    yearly: &yearly_2022
      - title: BK_CANHAN
        basis: "Điều … Nghị định 98/2023/NĐ-CP (Bằng khen của Chủ tịch UBND cấp tỉnh)"
        conditions:
          - {field: consecutive_years, titles: [GK_CANHAN, GKS_CANHAN], thematic: true, min: 2}
          - {field: rating, in: ["Hoàn thành xuất sắc nhiệm vụ"]}
          - {field: discipline, equals: false}
        quota: {count: 2}
        order: [unit_percent]
      - title: [GK_TAPTHE, GKS_TAPTHE]
        basis: "Điều 75 Luật Thi đua, khen thưởng 2022 (Giấy khen)"
        conditions: *collective_yearly
        quota: {share: 0.2, per: group}
        order: [percent]
      - title: [GK_CANHAN, GKS_CANHAN]
        basis: "Điều 75 Luật Thi đua, khen thưởng 2022 (Giấy khen)"
        conditions: *individual_yearly
        quota: {count: 8}
        order: [unit_percent]
    final: &final_2022
      - title: BK_TAPTHE
        basis: "Điều … Nghị định về Bằng khen của Chủ tịch UBND cấp tỉnh; Kế hoạch phát động phong trào"
        conditions:
          - {field: years_in_band, bands: ["Xuất sắc", "Tốt"], min: 3}
          - {field: registered_every_year, equals: true}
        quota: {count: 1, per: group}
        order: [mean_percent]
      - title: [GK_TAPTHE, GKS_TAPTHE]
        basis: "Điều 75 Luật Thi đua, khen thưởng 2022 (Giấy khen); Kế hoạch phát động phong trào"
        conditions:
          - {field: years_in_band, bands: ["Xuất sắc", "Tốt"], min: 2}
          - {field: improvement, min: 0}
        quota: {share: 0.25, per: group}
        order: [improvement]
      - title: BK_CANHAN
        basis: "Điều … Nghị định về Bằng khen của Chủ tịch UBND cấp tỉnh; Kế hoạch phát động phong trào"
        conditions:
          - {field: excellent_years, min: 3}
          - {field: initiatives, min: 1}
          - {field: discipline, equals: false}
        quota: {count: 3}
        order: [excellent_years, initiatives]
      - title: [GK_CANHAN, GKS_CANHAN]
        basis: "Điều 75 Luật Thi đua, khen thưởng 2022 (Giấy khen); Kế hoạch phát động phong trào"
        conditions:
          - {field: excellent_years, min: 2}
          - {field: discipline, equals: false}
        quota: {count: 7}
        order: [excellent_years]
  - code: ND152
    name: "Luật Thi đua, khen thưởng 2022 và Nghị định 152/2025/NĐ-CP"
    valid_from: 2025-07-01
    basis:
      - "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"
      - "Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về phân cấp, phân quyền trong
        lĩnh vực thi đua, khen thưởng; quy định chi tiết và hướng dẫn thi hành một số điều của Luật Thi đua, khen
        thưởng"
    short: "Luật Thi đua, khen thưởng 2022; Nghị định 152/2025/NĐ-CP"
    articles:
      holds: "khoản 4 Điều 4 Nghị định 152/2025/NĐ-CP"
      discipline: "khoản 4 Điều 4 Nghị định 152/2025/NĐ-CP"
      tie_break: "khoản 6 Điều 4 Nghị định 152/2025/NĐ-CP"
      thematic: "khoản 3 Điều 4 Nghị định 152/2025/NĐ-CP"
      revocation: "khoản 2 Điều 93 Luật Thi đua, khen thưởng 2022"
    tie_break: [women]
    yearly: *yearly_2022
    final: *final_2022
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


def _nominated_again(root: Path, granted: list[tuple], year: int) -> str:
    """The first person awarded the two years before ``year``; nominated in ``year`` too (their row of the year
    before, copied, when the random draw left them out), so that the revocation shows in the next year's count."""
    twice = sorted({g[0] for g in granted if g[0] and g[6] == year - 2}
                   & {g[0] for g in granted if g[0] and g[6] == year - 1})
    if not twice:
        return ""
    path, before = root / "nominations" / f"{year}.csv", root / "nominations" / f"{year - 1}.csv"
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    if twice[0] not in {r[-1] for r in rows[1:]}:
        with open(before, encoding="utf-8") as fh:
            row = next(r for r in csv.reader(fh) if r[-1] == twice[0])
        _write(path, rows[0], [*rows[1:], row])
    return twice[0]


def generate_records(campaign: Campaign, seed: int) -> None:
    """The office's records (Dữ liệu minh họa): people, collectives, holds, and the award history of 2022–2024 —
    the awards granted on the kit's own yearly proposals, year after year (a year's proposals read the history of
    the years before) — then one revocation, recorded in the gradebook as ``kit awards revoke`` would."""
    from kit.app.pipeline import proposals
    from kit.app.year import load_year
    from kit.config.campaign import load_campaign
    from kit.core.vocab import Kind
    from kit.store.gradebook import AwardEvent, Gradebook
    from kit.store.ledger import LEDGER_FILE

    rng = random.Random(seed)
    root = campaign.root
    people: dict[str, tuple[str, str]] = {}
    for path in sorted((root / "nominations").glob("*.csv")):
        with open(path, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["person_id"]:
                    people.setdefault(row["person_id"], (row["name"], row["position"]))
    _write(root / "people.csv", ["person_id", "name", "gender", "birth_date", "position"],
           [(pid, name, "Nữ" if " Thị" in name or rng.random() < 0.3 else "Nam",
             dt.date(rng.randint(1968, 1995), rng.randint(1, 12), rng.randint(1, 28)).isoformat()
             if rng.random() < 0.7 else "", position) for pid, (name, position) in sorted(people.items())])
    collectives = []
    for unit in campaign.units:
        headcount = rng.randint(6, 25)
        collectives.append((unit.code, headcount, round(headcount * rng.choice([0.3, 0.45, 0.6, 0.75, 0.8]))))
    _write(root / "collectives.csv", ["unit", "headcount", "women"], collectives)
    ids = sorted(people)
    holds = [  # discipline being considered at the end of 2025; a discipline served in 2023-2024; an inspection
        ("", "", "Đang xem xét kỷ luật", "2025-10-01", "", "", "Chờ kết luận của Hội đồng kỷ luật"),
        (ids[3], "", "Kỷ luật", "2023-03-01", "2024-02-29", "Quyết định kỷ luật khiển trách 12/QĐ-UBND", ""),
        ("", "TNMT", "Thanh tra, kiểm tra", "2024-11-01", "2025-03-31", "Kết luận thanh tra 05/KL-TTr", ""),
    ]
    _write(root / "award_history.csv", ["person_id", "unit", "title", "decision", "date", "issuer", "year",
                                        "thematic"], [])
    _write(root / "holds.csv", ["person_id", "unit", "kind", "start", "end", "reference", "note"], holds[1:])
    granted: list[tuple] = []
    chosen = ""  # who will have a 2023 award revoked: awarded in 2022 and 2023, and nominated again in 2024
    for i, year in enumerate(campaign.years[:-1]):  # 2022-2024: decided in January of the next year
        if i == 2:  # in May 2024, before the 2024 awards are decided, so they already see it
            chosen = _nominated_again(root, granted, year)
            if chosen:  # the 2023 award of someone awarded in 2022 and 2023, revoked: false declarations
                award = next(g for g in granted if g[0] == chosen and g[6] == 2023)
                with Gradebook(f"sqlite:///{(root / 'gradebook.sqlite').resolve()}", ledger=root / LEDGER_FILE) as gb:
                    gb.record_award_event(AwardEvent(
                        award[3], award[0], "Kê khai thành tích không đúng sự thật (minh họa)", SECRETARY,
                        award[2], "40/QĐ-UBND", "2024-05-15", source="demo", created_at="2024-05-15T09:00:00+07:00"))
        loaded = load_campaign(root)
        awards = proposals([load_year(loaded, year)], "yearly")
        number, day = f"{15 + 7 * i}/QĐ-UBND", dt.date(year + 1, 1, 20)
        for f in awards.proposed():
            person = f.candidate.get("subject", "") if f.rule.kind == Kind.INDIVIDUAL else ""
            granted.append((person, f.candidate["unit"], f.rule.title_name, number, day.isoformat(),
                            "Chủ tịch UBND huyện Châu Thành", year, "Có"))
        _write(root / "award_history.csv", ["person_id", "unit", "title", "decision", "date", "issuer", "year",
                                            "thematic"], granted)
    twice = sorted({g[0] for g in granted if g[0] and g[6] == 2022} & {g[0] for g in granted if g[0] and g[6] == 2023})
    nominated_2025 = sorted(people.keys() - set(twice) - {ids[3]})
    holds[0] = (nominated_2025[0], *holds[0][1:])
    _write(root / "holds.csv", ["person_id", "unit", "kind", "start", "end", "reference", "note"], holds)

