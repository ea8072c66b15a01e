"""Demo inspection registers (Dữ liệu minh họa): inspections/<year>.csv, what inspection visits found.

Each year two offices, two communes and one provincial agency are found with more violations than their form
declares, so the deduction criterion's proposal changes; some findings are fixed on time, some late, some are
still open past their deadline. The 2023 register has a malformed row that ``kit check`` must report. Its own
random stream, so the forms and decisions of the other units keep theirs.
"""

from __future__ import annotations

import csv
import datetime as dt
import random

from kit.app.year import check_files
from kit.config.campaign import Campaign

HEADER = ["Ngày kiểm tra", "Mã đơn vị", "Cơ quan kiểm tra", "Số quyết định/biên bản", "Nội dung phát hiện",
          "Mã tiêu chí", "Số vi phạm", "Hạn khắc phục", "Ngày khắc phục"]
BODIES = ["Tổ kiểm tra công vụ huyện", "Đoàn kiểm tra CCHC huyện", "Thanh tra huyện"]
FINDINGS = {"tre_han": "Hồ sơ giải quyết trễ hạn chưa có thư xin lỗi người dân",
            "vi_pham": "Công chức không đeo thẻ, chậm tiếp nhận hồ sơ tại Bộ phận một cửa"}
PER_YEAR = {"CQ": 2, "XA": 2, "NG": 1}


def _day(d: dt.date) -> str:
    return f"{d:%d/%m/%Y}"


def generate_inspections(campaign: Campaign, seed: int) -> None:
    rng = random.Random(seed)
    folder = campaign.root / "inspections"
    folder.mkdir(exist_ok=True)
    for year in campaign.years:
        _, report, _ = check_files(campaign, year)
        declared = {(r.unit, r.code): r.value for r in report.table().itertuples()}
        rows = []
        for group, count in PER_YEAR.items():
            units = [u for u in campaign.units_in(group, year) if any(k[0] == u.code for k in declared)]
            for unit in sorted(rng.sample(units, min(count, len(units))), key=lambda u: u.code):
                first = max(dt.date(year, 3, 1), unit.valid_from or dt.date(year, 1, 1))
                last = min(dt.date(year, 10, 31), (unit.valid_to or dt.date(year, 12, 31)) - dt.timedelta(days=30))
                day = first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))
                criterion = rng.choice([c for c in campaign.framework(year, group).criteria if c.type == "deduction"])
                value = declared.get((unit.code, criterion.code))
                found = (int(value) if isinstance(value, (int, float)) and value == value else 0) + rng.randint(1, 2)
                deadline = day + dt.timedelta(days=rng.choice([30, 45, 60]))
                fate = rng.random()
                fixed = (deadline - dt.timedelta(days=rng.randint(1, 20)) if fate < 0.5 else
                         deadline + dt.timedelta(days=rng.randint(5, 25)) if fate < 0.75 else None)
                rows.append([_day(day), unit.code, rng.choice(BODIES), f"{rng.randint(3, 90)}/BB-KTCV",
                             FINDINGS.get(criterion.key, criterion.content), criterion.code, found, _day(deadline),
                             _day(fixed) if fixed else ""])
        if year == 2023:  # a malformed row: violations written in words
            bad = list(rows[0])
            bad[3], bad[6] = "91/BB-KTCV", "hai vụ"
            rows.append(bad)
        with open(folder / f"{year}.csv", "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([HEADER, *sorted(rows[:-1] if year == 2023 else rows,
                                                      key=lambda r: (r[0][6:], r[0][3:5], r[0][:2], r[1])),
                                      *([rows[-1]] if year == 2023 else [])])
