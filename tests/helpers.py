"""What tests share: a tiny campaign using every answer type, a program that fills forms as a unit would."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

from openpyxl import load_workbook

from kit.config.campaign import Campaign
from kit.intake.layout import field_of, meta_of
from kit.outputs.forms import HEADER_ROW, build_form, form_name

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data"

CAMPAIGN_YML = """\
name: "Đợt thử nghiệm"
district: "Châu Thành"
province: "Tây Ninh"
demo: true
years: [2024]
groups:
  - {code: A, name: "Nhóm A"}
  - {code: B, name: "Nhóm B"}
deadlines:
  2024: {submission: 2024-12-15}
bands:
  - {name: "Tốt", from: 80}
  - {name: "Khá", from: 50, to: 80}
  - {name: "Kém", from: 0, to: 50}
"""

FRAMEWORK_YML = """\
year: 2024
group: {group}
title: "Bộ tiêu chí thử"
total: 10
areas:
  - code: "1"
    name: "Chỉ đạo"
    max: 6
    criteria:
      - {{code: "1.1", type: yes_no, max: 2, content: "Có kế hoạch CCHC"}}
      - code: "1.2"
        type: tiers
        max: 2
        na: true
        content: "Tỷ lệ hồ sơ trực tuyến"
        tiers: [{{min: 90, points: 2}}, {{min: 50, points: 1}}]
      - {{code: "1.3", type: judgement, max: 2, content: "Tuyên truyền"}}
      - {{code: "1.4", type: bonus, max: 1, content: "Điểm cộng sáng kiến"}}
      - {{code: "1.5", type: deduction, min: -1, per_item: 0.5, value_max: 50, content: "Điểm trừ trễ hạn"}}
  - code: "2"
    name: "Tác động"
    max: 4
    criteria:
      - {{code: "2.1", type: survey, max: 4, content: "Khảo sát hài lòng"}}
"""

UNITS_CSV = "code,name,group\nU1,Đơn vị Một,A\nU2,Đơn vị Hai,A\nU3,Xã Ba,B\n"

GOOD = {
    "1.1": {"answer": "Có", "self": 2, "evidence": "KH số 1/KH-UBND"},
    "1.2": {"value": 95.5, "self": 2, "evidence": "Số liệu Cổng DVC"},
    "1.3": {"self": 1.5, "explanation": "Có 10 tin bài", "evidence": "BC số 5/BC-UBND"},
    "1.4": {"self": 0},
    "1.5": {"value": 1, "self": -0.5},
    "2.1": {},
}


def write_campaign(root: Path, framework: str = FRAMEWORK_YML, units: str = UNITS_CSV,
                   campaign: str = CAMPAIGN_YML, *, gradebook: bool = True) -> Path:
    """A campaign folder; ``gradebook``: with its (SQLite) gradebook begun, as ``kit gradebook init`` does."""
    (root / "criteria").mkdir(parents=True, exist_ok=True)
    (root / "campaign.yml").write_text(textwrap.dedent(campaign), encoding="utf-8")
    (root / "units.csv").write_text(units, encoding="utf-8")
    for group in ("A", "B"):
        (root / "criteria" / f"2024-{group}.yml").write_text(framework.format(group=group), encoding="utf-8")
    (root / "submissions" / "2024").mkdir(parents=True, exist_ok=True)
    if gradebook:
        init_gradebook(root)
    return root


def init_gradebook(root: Path, url: str = "") -> None:
    """Begin a campaign folder's gradebook (``kit gradebook init``): opening never creates one."""
    from kit.store.gradebook import Gradebook
    from kit.store.ledger import LEDGER_FILE

    Gradebook(url or f"sqlite:///{(root / 'gradebook.sqlite').resolve()}", ledger=root / LEDGER_FILE,
              create=True).close()


def title_row(ws) -> int:
    """The table's header row of a sheet set up for printing: the row repeated on every page."""
    return int(ws.print_title_rows.split(":")[0].strip("$"))


def fill_form(path: Path, answers: dict[str, dict], meta: dict[str, object] | None = None) -> Path:
    """Fill a form as a unit would in Excel: find columns by header, rows by criterion code."""
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = {field_of(c.value): c.column for c in ws[HEADER_ROW] if c.value}
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        values = answers.get(str(ws.cell(row, header["code"]).value))
        for name, value in (values or {}).items():
            ws.cell(row, header[name]).value = value
    for row in ws.iter_rows(max_row=HEADER_ROW - 1):
        for cell in row:
            key = meta_of(cell.value) if isinstance(cell.value, str) else None
            if key and meta and key in meta:
                ws.cell(cell.row, cell.column + 1).value = meta[key]
    wb.save(path)
    return path


def submit(campaign: Campaign, unit: str, answers: dict[str, dict] | None = None, *, name: str | None = None,
           meta: dict | None = None) -> Path:
    """Put a filled form of ``unit`` into the 2024 submissions folder."""
    u = campaign.unit(unit)
    path = campaign.submissions_dir(2024) / (name or form_name(u, 2024))
    build_form(campaign, u, 2024).save(path)
    return fill_form(path, GOOD if answers is None else answers, meta)


def copy_demo(target: Path, **kwargs) -> Path:
    """A copy of the bundled demo campaign. The WAL index files another test process's reader may have beside its
    gradebook (they come and go while tests run in parallel) are not part of it: nobody writes the bundled demo."""
    extra = kwargs.pop("ignore", None)

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n.endswith(("-wal", "-shm", "-journal"))}
        return skipped | (set(extra(folder, names)) if extra else set())

    return Path(shutil.copytree(DEMO, target, ignore=ignore, **kwargs))


SUCCESSOR_UNITS = ("code,name,group,valid_from\nXCHAUTHANH,Xã Châu Thành,XA,01/07/2025\n"
                   "XHOAHOI,Xã Hòa Hội,XA,01/07/2025\nPTANNINH,Phường Tân Ninh,XA,01/07/2025\n"
                   "XHAODUOC,Xã Hảo Đước,XA,01/07/2025\n")
# A 2026 rule that needs earlier years: "Tập thể lao động xuất sắc" (an illustration: its legal conditions are the
# office's to write; "Điều …" stays unfilled) on the two years before, and a Bằng khen on Giấy khen in the three
# years before.
SUCCESSOR_RULES = """\
example: true
titles:
  - {code: TTLDXS, name: "Tập thể lao động xuất sắc", for: collective}
  - {code: BK_TAPTHE, name: "Bằng khen của Chủ tịch UBND tỉnh", for: collective}
  - {code: GK_TAPTHE, name: "Giấy khen của Chủ tịch UBND huyện", for: collective, thematic: true}
  - {code: GKS_TAPTHE, name: "Giấy khen của Giám đốc Sở Nội vụ", for: collective, thematic: true}
yearly:
  - title: TTLDXS
    basis: "Điều … (Tập thể lao động xuất sắc)"
    conditions:
      - {field: years_in_band_before, bands: ["Xuất sắc", "Tốt", "Khá"], min: 2}
    quota: {share: 1}
    order: [percent]
  - title: BK_TAPTHE
    basis: "Điều … (Bằng khen)"
    conditions:
      - {field: awards_in_years, titles: [GK_TAPTHE, GKS_TAPTHE], thematic: true, years: 3, min: 2}
    quota: {share: 1}
    order: [percent]
"""


def write_successor_campaign(root: Path, history_from: str | None, *, units: str = SUCCESSOR_UNITS,
                             rules: str = SUCCESSOR_RULES, extra: str = "", year: int = 2026) -> Path:
    """A minimal campaign of ``year`` (one group, no submissions yet) whose units succeed the demo's communes merged
    on 1/7/2025, its previous campaign named by ``history_from`` (None: not named); ``extra``: more campaign.yml."""
    text = CAMPAIGN_YML.replace("years: [2024]", f"years: [{year}]").replace(
        "2024: {submission: 2024-12-15}", f"{year}: {{submission: {year}-11-30, awards: {year + 1}-01-15}}").replace(
        '  - {code: A, name: "Nhóm A"}\n  - {code: B, name: "Nhóm B"}\n', '  - {code: XA, name: "UBND cấp xã"}\n')
    text = text.replace('name: "Đợt thử nghiệm"', 'name: "Phong trào thi đua CCHC 2026–2030"')
    if history_from is not None:
        text += f"history_from: {history_from}\n"
    (root / "criteria").mkdir(parents=True, exist_ok=True)
    (root / "campaign.yml").write_text(text + extra, encoding="utf-8")
    (root / "units.csv").write_text(units, encoding="utf-8")
    (root / "commendation.yml").write_text(rules, encoding="utf-8")
    (root / "criteria" / f"{year}-XA.yml").write_text(FRAMEWORK_YML.replace("year: 2024", f"year: {year}")
                                                      .format(group="XA"), encoding="utf-8")
    (root / "submissions" / str(year)).mkdir(parents=True, exist_ok=True)
    init_gradebook(root)
    return root


CHROMIUM = Path("/usr/bin/chromium")


def chromium() -> Iterator:
    """Debian's chromium driven by Playwright (never `playwright install`), for a module's browser fixture
    (`yield from chromium()`): the one set of flags the JupyterLab and hub tests share."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()
