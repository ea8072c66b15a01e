"""The province example (``kit init --example tinh``): a generated 2026 campaign of a province's Sở Nội vụ at the
scale two-level local government gives it, for trying the kit and for measuring it (bench/province.py).

The shape is the new Tây Ninh's (merged with Long An from 1/7/2025): 96 commune-level units, 82 xã and 14 phường
(counts as announced on 30/6/2025), and 14 departments (a count assumed, not verified), in two groups. The unit
names are invented ("Xã Minh Họa 01"): the full list of the new communes' names was not verified, and an example
must not pass for an official list. Scores and submissions are drawn from a seeded generator (the same seed gives
the same campaign), and the campaign is ``demo: true``, so every report and document says "Dữ liệu minh họa". It
lives in the kit (users run it from an installed kit) and is generated on demand, never committed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

from openpyxl.worksheet.worksheet import Worksheet

from kit.app.init.settings import Settings
from kit.app.init.unit_list import ListedUnit, derive_code
from kit.app.init.writer import NewCampaign, create_campaign
from kit.config.answers import NA, NO, YES, tier_points
from kit.config.campaign import Campaign, load_campaign
from kit.config.framework import Criterion
from kit.core import atomic
from kit.intake.layout import COLUMNS
from kit.outputs.forms import HEADER_ROW, build_form, form_name, meta_ref
from kit.outputs.xlsx import save_workbook

EXAMPLES = ("tinh",)
SEED = 20260101
YEAR = 2026
COMMUNES, WARDS, DEPARTMENTS = 82, 14, 14
GROUPS = {"XA": "UBND xã, phường", "SO": "Sở, ban, ngành tỉnh"}
MISSING = 3  # units that send nothing (shown "Chưa nộp")
LATE = 4  # units that send after the deadline


def settings() -> Settings:
    return Settings(name="Phong trào thi đua cải cách hành chính tỉnh Tây Ninh năm 2026 (Dữ liệu minh họa)",
                    body="Sở Nội vụ", parent="UBND tỉnh Tây Ninh", place="Tây Ninh", province="Tây Ninh",
                    years=[YEAR], groups=dict(GROUPS), demo=True, signer="GIÁM ĐỐC")


def units() -> list[ListedUnit]:
    """82 xã, 14 phường and 14 departments, with invented names (see the module's docstring)."""
    named = [(f"Xã Minh Họa {i:02d}", "xa", "XA") for i in range(1, COMMUNES + 1)]
    named += [(f"Phường Minh Họa {i:02d}", "phuong", "XA") for i in range(1, WARDS + 1)]
    named += [(f"Sở Minh Họa {i:02d}", "so", "SO") for i in range(1, DEPARTMENTS + 1)]
    return [ListedUnit(derive_code(name, kind), name, group, kind, "", row)
            for row, (name, kind, group) in enumerate(named, start=2)]


class Filler:
    """Draws one unit's answers: a unit's quality sets how well it does; some units claim more than they did."""

    def __init__(self, rng: random.Random, quality: float, overclaims: bool):
        self.rng, self.q, self.overclaims = rng, quality, overclaims

    def answer(self, c: Criterion) -> dict:
        rng, over = self.rng, self.overclaims and self.rng.random() < 0.35
        if c.na and rng.random() < 0.08:
            return {"answer": NA, "explanation": "Đơn vị không phát sinh nhiệm vụ này trong năm"}
        row: dict
        if c.type == "yes_no":
            yes = rng.random() < self.q
            row = {"answer": YES if yes else NO, "self": c.max if yes or over else 0}
        elif c.type == "tiers":
            value = round(min(100.0, max(0.0, rng.gauss(self.q * 100, 9))), 1)
            row = {"value": value, "self": c.max if over else tier_points(c.tiers, value)}
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
            day, month = rng.randint(1, 28), rng.randint(1, 11)
            row["evidence"] = f"{c.guide or 'Văn bản'}: số {rng.randint(5, 250)}/KH ngày {day:02d}/{month:02d}/{YEAR}"
        return row


def _fill(ws: Worksheet, answers: dict[str, dict]) -> None:
    col = {f: i + 1 for i, (f, _, _) in enumerate(COLUMNS)}
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        for name, value in (answers.get(ws.cell(r, 1).value) or {}).items():
            ws.cell(r, col[name], value)


def fill_submissions(root: Path, seed: int = SEED) -> list[Path]:
    """Every unit's filled form of the year (but ``MISSING`` units') in submissions/<year>/, with received.csv:
    what the office has once the units have answered."""
    campaign: Campaign = load_campaign(root)
    rng = random.Random(seed)
    units_ = campaign.units_of(YEAR)
    quality = {u.code: rng.uniform(0.55, 0.95) for u in units_}
    overclaimers = set(rng.sample([u.code for u in units_], 6))
    missing = set(rng.sample([u.code for u in units_], MISSING))
    late = set(rng.sample([u.code for u in units_ if u.code not in missing], LATE))
    deadline = campaign.deadline(YEAR) or dt.date(YEAR, 11, 30)
    folder = campaign.submissions_dir(YEAR)
    atomic.make_folder(folder)
    written, register = [], []
    for unit in units_:
        if unit.code in missing:
            continue
        filler = Filler(random.Random(f"{seed}-{unit.code}"), quality[unit.code], unit.code in overclaimers)
        wb = build_form(campaign, unit, YEAR)
        ws = wb.active
        fw = campaign.framework(YEAR, unit.group)
        _fill(ws, {c.code: filler.answer(c) for c in fw.criteria_for(unit.kind)})
        sent = deadline + dt.timedelta(days=filler.rng.randint(1, 10) if unit.code in late
                                       else -filler.rng.randint(0, 20))
        ws[meta_ref("sent")] = sent
        path = folder / form_name(unit, YEAR)
        save_workbook(wb, path)
        written.append(path)
        register.append((path.name, sent.isoformat()))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([("file", "received"), *register])
    atomic.write_text(folder / "received.csv", buffer.getvalue())
    return written


def create_example(name: str, folder: Path, *, submissions: bool = True, seed: int = SEED) -> Campaign:
    """Write the example ``name`` (EXAMPLES) into ``folder`` (new or empty)."""
    assert name in EXAMPLES, name  # the CLI offers only these
    report = [f"Ví dụ \"{name}\" (Dữ liệu minh họa): {COMMUNES} xã, {WARDS} phường, {DEPARTMENTS} sở; tên đơn vị "
              f"là tên bịa (\"Xã Minh Họa 01\"), điểm và phiếu sinh ngẫu nhiên với hạt giống {seed}."]

    def submit(staging: Path) -> None:
        fill_submissions(staging, seed)

    new = NewCampaign(settings(), units(), report=report, extra=submit if submissions else None)
    return create_campaign(folder, new)
