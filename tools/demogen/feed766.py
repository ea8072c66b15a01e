"""Demo tables of the Decision 766 index (Dữ liệu minh họa): feeds/dvc766/<year>/, as an office saves them.

Every figure is invented. The district's offices (CQ) and the communes (XA) are scored by quarter in 2024 and
2025 (the provincial agencies, NG, are scored by their own sector's systems and are not in the table). Each unit's
"Tiến độ giải quyết" (TDGQ) and "Số hóa hồ sơ" (MDSH) agree with the rates its form declares — or support more —
except for the planted over-claims: a few units whose self score on the on-time rate criterion is the maximum while
the portal's TDGQ says otherwise (``PLANTED``, drawn among the units that claimed the maximum). The tables come in
the shapes the reader takes: xlsx with Vietnamese headers, the JSON the page loads, a CSV with the portal's field
codes. The mapping file names every unit the portal lists except one new commune of 1/7/2025, left unmatched on
purpose. Its own random stream, so the other files keep theirs.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from openpyxl import Workbook

from kit.app.year import check_files
from kit.config.campaign import Campaign
from kit.config.framework import Criterion
from kit.config.units import Unit
from kit.core.values import optional_float
from kit.intake.feeds import dvc766 as F

FEED_YEARS = (2024, 2025)
FEED_GROUPS = ("CQ", "XA")
# The framework lines of the demo's criteria (tools.demogen.generate): the on-time rate and the digitised rate,
# scored in tiers of a percentage, take the share of the group's maximum in % (a stand-in the office chooses:
# the index's group is wider than the one rate).
FEED_LINES = {"dung_han": "dvc766.tien_do_pct", "so_hoa": "dvc766.so_hoa_pct"}
FED = list(FEED_LINES)
PLANTED_PER_YEAR = {2024: 1, 2025: 2}
UNMATCHED = "XLONGCHU"  # the portal's new name for it is not in mapping.csv yet
HEADERS = ["STT", "Tên cơ quan", "Mã cơ quan", "Công khai, minh bạch", "Tiến độ giải quyết",
           "Dịch vụ công trực tuyến", "Thanh toán trực tuyến", "Mức độ hài lòng", "Số hóa hồ sơ", "Tổng điểm"]
ORDER = ["cong_khai", "tien_do", "clgq", "tttt", "hai_long", "so_hoa"]  # the headers' order after the agency code
NOTE = "Dữ liệu minh họa — bảng điểm Bộ chỉ số 766 tự tạo, không phải số liệu của Cổng Dịch vụ công"


def portal_name(unit: Unit, campaign: Campaign) -> str:
    """The unit as the portal names an agency: "UBND xã An Bình - tỉnh Tây Ninh", "Phòng Nội vụ - huyện …"."""
    if unit.group == "XA":
        return f"UBND {unit.name[0].lower()}{unit.name[1:]} - tỉnh {campaign.province}"
    return f"{unit.name} - huyện {campaign.district}"


def agency_code(index: int) -> str:
    return f"MH.{index:03d}"  # "MH": minh họa, shaped like the portal's codes without being one


def _planted(declared: dict, units: list[Unit], maxima: dict[str, float], rng: random.Random, count: int
             ) -> list[str]:
    """Units that claimed the maximum on the on-time rate criterion: some of them over-claim."""
    full = sorted(u.code for u in units if declared.get((u.code, "dung_han"), (None, None))[1] == maxima.get(u.code))
    return sorted(rng.sample(full, min(count, len(full))))


def _supporting(row: tuple | None, criterion: Criterion | None) -> float | None:
    """The rate (%) a unit's table shows for a fed criterion: its declared rate, raised to the lowest rate whose
    tier gives the score it claimed — the portal supports every claim but the planted ones."""
    if row is None or criterion is None:
        return None
    value, claimed = (optional_float(v) for v in row)
    needed = min((t.min for t in criterion.tiers if claimed is not None and t.points >= claimed), default=0.0)
    return max(value if value is not None else 0.0, needed)


def _scores(rng: random.Random, quality: float, rates: dict[str, float | None], over: bool) -> dict[str, float]:
    """One unit's row for one quarter: TDGQ and MDSH at least as good as its declared rates (unless planted)."""
    def near(share: float, top: float) -> float:
        return round(min(top, max(0.0, share * top)), 2)

    out = {"cong_khai": near(rng.gauss(quality, 0.05), 18), "clgq": near(rng.gauss(quality, 0.08), 12),
           "tttt": near(rng.gauss(quality - 0.1, 0.1), 10), "hai_long": near(rng.gauss(quality + 0.05, 0.03), 18)}
    on_time = (rates.get("dung_han") or quality * 100) / 100
    out["tien_do"] = near(rng.uniform(0.5, 0.62) if over else min(1.0, on_time + rng.uniform(0.005, 0.02)), 20)
    digital = (rates.get("so_hoa") or quality * 100) / 100
    out["so_hoa"] = near(min(1.0, digital + rng.uniform(0.005, 0.02)), 22)
    return out


def _write_xlsx(path: Path, rows: list[list[object]], title: str) -> None:
    from tools.demogen.generate import _stable_zip

    wb = Workbook()
    ws = wb.active
    ws.title = "Bảng điểm"
    ws.append([title])
    ws.append([NOTE])
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    _stable_zip(path)


def _write(path: Path, rows: list[list[object]], title: str) -> None:
    if path.suffix == ".xlsx":
        _write_xlsx(path, rows, title)
    elif path.suffix == ".json":  # what the page loads: strings, the portal's field codes
        items = [{"ID": str(r[0]), "TEN": r[1], "MA_COQUAN": r[2], "CAPDONVIID": "2" if "UBND" in str(r[1]) else "1",
                  **{F.FIELDS[k].code: f"{v:g}" for k, v in zip(ORDER, r[3:9], strict=True)},
                  "TONG_SCORE": f"{r[9]:g}", "ROW_STT": str(r[0])} for r in rows]
        path.write_text(json.dumps({"note": NOTE, "data": items}, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
    else:  # a CSV with the field codes, as a public client saves the JSON
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["ID", "TEN", "MA_COQUAN", *(F.FIELDS[k].code for k in ORDER), "TONG_SCORE"])
            writer.writerows(rows)


SHAPES = {(2025, 3): ".json", (2025, 4): ".csv"}  # the other quarters: .xlsx


def generate_766(campaign: Campaign, seed: int) -> dict[int, list[str]]:
    """Write the demo's 766 tables and mapping file; the planted over-claimers per year."""
    rng = random.Random(seed)
    folder = campaign.root / F.FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    fed_units = [u for u in campaign.units if u.group in FEED_GROUPS]
    codes = {u.code: agency_code(i) for i, u in enumerate(fed_units, start=1)}
    with open(campaign.root / F.MAPPING, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Tên trên Cổng", "Mã cơ quan", "Mã đơn vị", "Ghi chú"])
        writer.writerow(["Sở Nội vụ - tỉnh " + campaign.province, "MH.900", "-", "không tham gia đợt thi đua"])
        for u in fed_units:
            if u.code != UNMATCHED:
                writer.writerow([portal_name(u, campaign), codes[u.code], u.code, "Dữ liệu minh họa"])
    planted: dict[int, list[str]] = {}
    for year in FEED_YEARS:
        _, report, _ = check_files(campaign, year)
        table = report.table()
        declared = {(r.unit, r.key): (r.value, r.self) for r in table.itertuples()}
        units = [u for u in campaign.units_of(year) if u.group in FEED_GROUPS]
        criteria = {(u.code, c.key): c for u in units for c in campaign.framework(year, u.group).criteria
                    if c.key in FED}
        maxima = {u: c.max for (u, key), c in criteria.items() if key == "dung_han"}
        planted[year] = _planted(declared, units, maxima, rng, PLANTED_PER_YEAR[year])
        # the portal lists every agency of its day: the communes merged on 1/7/2025 are in the first two quarters
        # of 2025 (the reader leaves them: their year is their successors')
        listed = units + [u for u in fed_units if u.code in campaign.departed(year)]
        quality = {u.code: rng.uniform(0.7, 0.95) for u in listed}
        out = folder / str(year)
        out.mkdir(exist_ok=True)
        for old in out.iterdir():
            old.unlink()
        for quarter in (1, 2, 3, 4):
            first, last = f"{year}-{3 * quarter - 2:02d}-01", f"{year}-{3 * quarter:02d}-28"
            present = [u for u in listed if (u.valid_from is None or u.valid_from.isoformat() <= last)
                       and (u.valid_to is None or u.valid_to.isoformat() >= first)]
            rows: list[tuple[str, str, list[float], float]] = []
            for u in present:
                rates = {k: _supporting(declared.get((u.code, k)), criteria.get((u.code, k))) for k in FED}
                s = _scores(rng, quality[u.code], rates, u.code in planted[year])
                name = portal_name(u, campaign) + (" (mới)" if u.code == UNMATCHED else "")
                rows.append((name, codes[u.code] if u.code != UNMATCHED else "MH.999", [s[k] for k in ORDER],
                             round(sum(s.values()), 2)))
            rows.sort(key=lambda r: -r[3])
            numbered = [[i, name, code, *scores, total] for i, (name, code, scores, total) in enumerate(rows, 1)]
            path = out / f"quy-{quarter}{SHAPES.get((year, quarter), '.xlsx')}"
            _write(path, numbered, f"BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP – QUÝ {quarter}/{year} (Dữ liệu minh "
                                   "họa)")
    return planted
