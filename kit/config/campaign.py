"""A campaign is a folder: campaign.yml, units.csv, criteria/, submissions/, surveys/.

``load_campaign`` reads and validates all configuration at once and raises ``CampaignError``
listing every problem, so a district fixes its configuration in one pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kit.config.authorities import Authorities, check_authorities, load_authorities
from kit.config.feedlinks import feed_settings
from kit.config.framework import Framework, load_framework
from kit.config.issuers import Issuer, issuer_on, load_issuers
from kit.config.rules import Rules, load_rules
from kit.config.units import LINEAGE_FILE, Departure, Lineage, Roster, Unit, load_lineage, load_units, never_active
from kit.core import problems as P
from kit.core import vn
from kit.core.errors import CampaignError, FileProblem, UsageError
from kit.core.values import parse_number
from kit.core.yamlfile import line_of, load, syntax_problem, unknown_keys

DEFAULT_CAMPAIGN = Path("data")
CAMPAIGN_KEYS = {"name", "district", "province", "plan", "demo", "years", "groups", "deadlines", "bands", "target",
                 "bands_by_year", "gradebook", "period_end", "issuers", "authorities", "second_appraisal",
                 "ceased_unit_reports", "history_from", "feeds"}
# Who writes the achievement report of a unit that had ceased on the report's date (kit.app.documents):
# its successor (lineage.csv), or the unit itself on its last day; the successor when it has none.
CEASED_UNIT_REPORTS = ("successor", "last_day")


@dataclass(frozen=True)
class Band:
    """A classification band: percentage in [lower, upper); upper None means open above."""

    name: str
    lower: float
    upper: float | None


@dataclass(frozen=True)
class SecondAppraisal:
    """Which criteria get an independent second appraisal (``second_appraisal:`` in campaign.yml): a share of each
    group's units, drawn the same way every time (kit.scoring.agreement.sampled_units), and every criterion whose
    first appraisal differs from the self score by more than ``gap`` points. Nothing: no second appraisal."""

    share: float = 0.0
    gap: float | None = None
    seed: int = 0  # changes the draw, when the council wants another sample

    @property
    def active(self) -> bool:
        return self.share > 0 or self.gap is not None


def _second_appraisal(raw: object, path: Path, problems: list[P.Problem]) -> SecondAppraisal:
    if raw is None:
        return SecondAppraisal()
    if not isinstance(raw, dict):
        problems.append(P.make(P.Code.CONFIG_INVALID, file=path, detail="\"second_appraisal\" phải có dạng "
                               "{share: 0.2, gap: 2}"))
        return SecondAppraisal()
    unknown_keys(raw, {"share", "gap", "seed"}, path, problems)
    share, gap, seed = parse_number(raw.get("share", 0)), raw.get("gap"), parse_number(raw.get("seed", 0))
    gap_value = None if gap is None else parse_number(gap)
    wrong = []
    if share is None or not 0 <= share <= 1:
        wrong.append(f"\"share\" (tỷ lệ đơn vị chấm lần 2) phải từ 0 đến 1, ví dụ 0.2 — đang là \"{raw.get('share')}\"")
    if gap is not None and (gap_value is None or gap_value < 0):
        wrong.append(f"\"gap\" (số điểm chênh giữa tự chấm và thẩm định) phải là số không âm — đang là \"{gap}\"")
    if seed is None or seed != int(seed):
        wrong.append(f"\"seed\" phải là số nguyên — đang là \"{raw.get('seed')}\"")
    if wrong:
        problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=line_of(raw),
                               detail="second_appraisal: " + "; ".join(wrong)))
        return SecondAppraisal()
    assert share is not None and seed is not None
    return SecondAppraisal(share, gap_value, int(seed))


@dataclass(frozen=True)
class HistorySource:
    """``history_from:`` in campaign.yml: the previous campaign whose results, bands, awards and lineage count for
    this one's history rules (kit.app.previous reads and checks it). ``path`` is its folder or its handover archive
    (``kit archive``), relative to this campaign's folder or absolute; ``units`` maps a unit of this campaign to the
    previous campaign's units it continues when their codes differ (by default a unit continues the one of the same
    code). ``line``: where campaign.yml says so, for every problem about it."""

    written: str
    path: Path
    line: int | None
    units: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def archive(self) -> bool:
        return self.path.suffix.lower() == ".zip"

    def continued(self, code: str) -> tuple[str, ...]:
        """The previous campaign's units ``code`` continues (named in ``units``, else its own code)."""
        return dict(self.units).get(code, (code,))


def _key_line(path: Path, key: str) -> int | None:
    """The line of a top-level key (yamlfile keeps the lines of mappings, not of scalar values)."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((i for i, line in enumerate(lines, start=1) if line.startswith(f"{key}:")), None)


def _history_from(raw: object, root: Path, path: Path, units: set[str], problems: list[P.Problem]
                  ) -> HistorySource | None:
    """``history_from: ../chau-thanh-2022-2025`` (or ``.zip``), or ``{path: …, units: {NEW: OLD, NEW2: [OLD1,
    OLD2]}}``. Only its form is checked here; whether it can be read is ``kit check``'s (kit.app.previous)."""
    if raw is None:
        return None
    line = _key_line(path, "history_from") or line_of(raw)
    mapping = raw if isinstance(raw, dict) else {"path": raw}
    unknown_keys(mapping, {"path", "units"}, path, problems)
    written = mapping.get("path")
    if not isinstance(written, str) or not written.strip():
        problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=line, detail=(
            "\"history_from\" phải ghi đường dẫn tới thư mục đợt thi đua trước hoặc gói lưu trữ bàn giao (.zip) của "
            "nó, ví dụ history_from: ../chau-thanh-2022-2025")))
        return None
    pairs: list[tuple[str, tuple[str, ...]]] = []
    given = mapping.get("units") or {}
    if not isinstance(given, dict):
        problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=line, detail=(
            "\"units\" của history_from phải có dạng {MÃ_MỚI: MÃ_CŨ} hoặc {MÃ_MỚI: [MÃ_CŨ_1, MÃ_CŨ_2]}")))
        given = {}
    for new, old in given.items():
        if new == "__line__":
            continue
        olds = tuple(str(o).strip().upper() for o in (old if isinstance(old, list) else [old]) if str(o).strip())
        if str(new).upper() not in units or not olds:
            problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=line_of(given) or line, detail=(
                f"history_from, units: \"{new}\" phải là mã một đơn vị trong units.csv, ghi kèm mã (các) đơn vị "
                "của đợt thi đua trước mà nó tiếp nối")))
            continue
        pairs.append((str(new).upper(), olds))
    target = Path(written.strip()).expanduser()
    target = Path(os.path.normpath(target if target.is_absolute() else root / target))
    if target.resolve() == root.resolve():
        problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=line, detail=(
            "\"history_from\" chỉ tới chính đợt thi đua này; hãy ghi thư mục hoặc gói lưu trữ của đợt trước")))
        return None
    return HistorySource(written.strip(), target, line, tuple(pairs))


@dataclass
class Campaign:
    root: Path
    name: str
    district: str
    province: str
    demo: bool
    years: list[int]
    groups: dict[str, str]
    units: list[Unit]
    deadlines: dict[int, dict[str, dt.date]]
    bands_by_year: dict[int, list[Band]]
    frameworks: dict[tuple[int, str], Framework] = field(default_factory=dict)
    gradebook_url: str = ""  # empty: gradebook.sqlite in the campaign folder
    plan: str = ""  # the plan that launched the movement, cited in documents ("Kế hoạch số 44/KH-UBND ngày …")
    target_text: str = ""  # the plan's target, e.g. "kept in the province's good group"
    target_bands: list[str] = field(default_factory=list)  # bands that count as holding the target
    rules: Rules | None = None  # commendation.yml (None: the campaign has none); its problems are kept, not raised
    warnings: list[P.Problem] = field(default_factory=list)  # configuration problems that do not stop the campaign
    lineage: list[Lineage] = field(default_factory=list)  # lineage.csv: who took over from whom
    period_end: dt.date | None = None  # the campaign ends early (e.g. 30/6/2025); default: 31/12 of its last year
    issuers: list[Issuer] = field(default_factory=list)  # who issues documents, by date (kit.config.issuers)
    second_appraisal: SecondAppraisal = field(default_factory=SecondAppraisal)
    ceased_unit_reports: str = "successor"  # CEASED_UNIT_REPORTS
    authorities: Authorities = field(default_factory=Authorities)  # kit.config.authorities
    history_from: HistorySource | None = None  # the previous campaign (kit.app.previous)
    feed_settings: dict[str, dict[str, object]] = field(default_factory=dict)  # campaign.yml feeds:

    def __post_init__(self) -> None:
        self.units_by_code = {u.code: u for u in self.units}
        end = self.period_end or dt.date(max(self.years, default=1900), 12, 31)
        self.roster = Roster(tuple(self.units), tuple(self.lineage), end)

    def unit(self, code: str) -> Unit | None:
        return self.units_by_code.get(code)

    @property
    def unit_names(self) -> dict[str, str]:
        """Every unit's name by its code (``Roster.names``)."""
        return self.roster.names

    def units_in(self, group: str, year: int | None = None) -> list[Unit]:
        """A group's units; those taking part in ``year`` when given."""
        return [u for u in (self.units if year is None else self.units_of(year)) if u.group == group]

    def units_of(self, year: int) -> list[Unit]:
        """The units taking part in ``year`` (``Roster``: merged and ceased units are represented or gone)."""
        return self.roster.taking_part(year)

    @property
    def own_end(self) -> dt.date | None:
        """The day the body that ran the campaign ceased, when before the period's end (UBND huyện: 30/6/2025):
        that body's own final summing-up is dated then."""
        first = issuer_on(self.issuers, dt.date(min(self.years, default=1900), 1, 1))
        end = first.valid_to if first else None
        return end if end is not None and end < self.roster.period_end else None

    def issuer(self, day: dt.date) -> Issuer:
        """The body that issues the campaign's documents dated ``day``."""
        found = issuer_on(self.issuers, day)
        if found is None:
            raise UsageError(f"Không có cơ quan ban hành văn bản ngày {day:%d/%m/%Y} (khóa \"issuers\" trong "
                             "campaign.yml). Hãy bổ sung cơ quan kế thừa và thời gian hiệu lực.")
        return found

    def year_end(self, year: int) -> dt.date:
        """The last day of ``year`` within the campaign's period: the day a year's results and reports speak for,
        which decides the body that issues them."""
        return min(dt.date(year, 12, 31), self.roster.period_end)

    def departed(self, year: int) -> dict[str, Departure]:
        """Units that existed but take no part in ``year``, and why (shown as such, never as "Chưa nộp")."""
        return self.roster.departed(year)

    def framework(self, year: int, group: str) -> Framework:
        self.require_year(year)
        return self.frameworks[(year, group)]

    def bands(self, year: int) -> list[Band]:
        return self.bands_by_year[year]

    def deadline(self, year: int, what: str = "submission") -> dt.date | None:
        return self.deadlines.get(year, {}).get(what)

    def require_year(self, year: int) -> None:
        if year not in self.years:
            raise UsageError(f"Năm {year} không thuộc đợt thi đua (các năm: {', '.join(map(str, self.years))}).")

    def submissions_dir(self, year: int) -> Path:
        return self.root / "submissions" / str(year)

    @property
    def identity(self) -> str:
        """A short stable id of the campaign (its name, place and years), written into files that come back, so
        a workbook exported from another campaign is recognised and refused."""
        text = "|".join([self.name, self.district, self.province, *map(str, self.years)])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10].upper()

    @property
    def demo_note(self) -> str:
        return "Dữ liệu minh họa" if self.demo else ""


def _bands(raw: object, path: Path, problems: list[P.Problem]) -> list[Band]:
    if not isinstance(raw, list) or not raw:
        problems.append(P.make(P.Code.CONFIG_INVALID, file=path, detail="\"bands\" phải là danh sách các mức xếp loại"))
        return []
    bands = []
    for item in raw:
        unknown_keys(item, {"name", "from", "to"}, path, problems)
        lower, upper = parse_number((item or {}).get("from")), (item or {}).get("to")
        if not isinstance(item, dict) or not item.get("name") or lower is None:
            problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=line_of(item),
                                   detail="mỗi mức xếp loại cần \"name\" và \"from\""))
            continue
        bands.append(Band(str(item["name"]), lower, None if upper is None else parse_number(upper)))
    bands.sort(key=lambda b: b.lower)
    issues = []
    if bands and bands[0].lower != 0:
        issues.append(f"mức thấp nhất phải bắt đầu từ 0 (đang là {vn.points(bands[0].lower)})")
    for low, high in zip(bands, bands[1:], strict=False):
        if low.upper is None or low.upper != high.lower:
            issues.append(f"\"{low.name}\" đến {low.upper if low.upper is not None else '∞'} "
                          f"nhưng \"{high.name}\" bắt đầu từ {vn.points(high.lower)}")
    if bands and bands[-1].upper is not None:
        issues.append(f"mức cao nhất \"{bands[-1].name}\" không được có \"to\"")
    if issues:
        problems.append(P.make(P.Code.BANDS_OVERLAP, file=path, detail="; ".join(issues)))
    return sorted(bands, key=lambda b: -b.lower)


def _date(value: object, path: Path, problems: list[P.Problem], line: int | None) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=line,
                               detail=f"ngày \"{value}\" phải dạng YYYY-MM-DD"))
        return None


def _settings(raw: object, path: Path, problems: list[P.Problem]) -> tuple:
    """Groups, years, bands per year and deadlines from campaign.yml; raises on a malformed structure."""
    if not isinstance(raw, dict):
        raise CampaignError([P.make(P.Code.CONFIG_INVALID, file=path, detail="tệp phải là một bảng khóa: giá trị")])
    unknown_keys(raw, CAMPAIGN_KEYS, path, problems)
    for item in raw.get("groups") or []:
        unknown_keys(item, {"code", "name"}, path, problems)
    unknown_keys(raw.get("target"), {"text", "bands"}, path, problems)
    groups = {str(g["code"]): str(g.get("name", g["code"])) for g in raw.get("groups") or []}
    years = []
    for y in raw.get("years") or []:
        if isinstance(y, int) and not isinstance(y, bool) and 1900 < y < 2200:
            years.append(y)
        else:
            problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=line_of(raw),
                                   detail=f"năm \"{y}\" trong \"years\" phải là số năm, ví dụ 2025"))
    if not groups or not years:
        problems.append(P.make(P.Code.CONFIG_INVALID, file=path, detail="cần khai báo \"groups\" và \"years\""))
    default_bands = _bands(raw.get("bands"), path, problems)
    overrides = {int(y): _bands(b, path, problems) for y, b in (raw.get("bands_by_year") or {}).items()
                 if y != "__line__"}
    deadlines: dict[int, dict[str, dt.date]] = {}
    for year, items in (raw.get("deadlines") or {}).items():
        if year == "__line__":
            continue
        deadlines[int(year)] = {k: d for k, v in items.items() if k != "__line__"
                                if (d := _date(v, path, problems, line_of(items))) is not None}
    return groups, years, {y: overrides.get(y, default_bands) for y in years}, deadlines


def find_campaign(path: Path | str) -> Path:
    """A campaign folder given relative to the project: notebooks run in notebooks/, the CLI in the root."""
    path = Path(path)
    if path.is_absolute() or (path / "campaign.yml").exists():
        return path
    for parent in Path.cwd().parents[:3]:
        if (parent / path / "campaign.yml").exists():
            return parent / path
    return path


def load_campaign(root: Path | str = DEFAULT_CAMPAIGN) -> Campaign:
    """Load and validate a campaign folder; raise ``CampaignError`` with every problem found."""
    root = find_campaign(root)
    path = root / "campaign.yml"
    if not path.exists():
        raise UsageError(f"Không tìm thấy {path}. Hãy chỉ đúng thư mục đợt thi đua bằng --campaign THƯ_MỤC.")
    try:
        raw = load(path)
    except yaml.YAMLError as exc:
        raise CampaignError([syntax_problem(exc, path)]) from None
    except FileProblem as exc:
        raise CampaignError([exc.problem]) from None
    problems: list[P.Problem] = []
    try:
        groups, years, bands, deadlines = _settings(raw, path, problems)
    except (TypeError, ValueError, AttributeError, KeyError, OverflowError):
        detail = "cấu trúc tệp không đúng mẫu; hãy so với tệp campaign.yml minh họa (nhóm, năm, hạn, mức xếp loại)"
        raise CampaignError([P.make(P.Code.CONFIG_INVALID, file=path, detail=detail)]) from None
    assert isinstance(raw, dict), "_settings refuses anything else"
    units = load_units(root / "units.csv", groups, problems)
    lineage = load_lineage(root / LINEAGE_FILE, {u.code: u for u in units}, problems)
    period_end = _date(raw["period_end"], path, problems, line_of(raw)) if raw.get("period_end") else None
    campaign = Campaign(root, str(raw.get("name", "")), str(raw.get("district", "")), str(raw.get("province", "")),
                        bool(raw.get("demo", False)), years, groups, units, deadlines, bands,
                        gradebook_url=str(raw.get("gradebook") or ""), plan=str(raw.get("plan") or ""),
                        target_text=str((raw.get("target") or {}).get("text", "")),
                        target_bands=[str(b) for b in (raw.get("target") or {}).get("bands", [])],
                        lineage=lineage, period_end=period_end,
                        issuers=load_issuers(raw.get("issuers"), str(raw.get("district", "")), path, problems),
                        second_appraisal=_second_appraisal(raw.get("second_appraisal"), path, problems),
                        ceased_unit_reports=str(raw.get("ceased_unit_reports") or "successor"),
                        history_from=_history_from(raw.get("history_from"), root, path, {u.code for u in units},
                                                   problems),
                        feed_settings=feed_settings(raw.get("feeds"), {"file": path}, problems))
    if campaign.ceased_unit_reports not in CEASED_UNIT_REPORTS:
        problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=line_of(raw),
                               detail=f"\"ceased_unit_reports\" phải là successor (đơn vị kế thừa lập báo cáo thành "
                                      "tích) hoặc last_day (báo cáo ghi ngày cuối cùng đơn vị còn hoạt động) — đang là "
                                      f"\"{campaign.ceased_unit_reports}\""))
    problems.extend(never_active(campaign.roster, years, root / "units.csv"))
    for year in years:
        for group in groups:
            fw, found = load_framework(root, year, group)
            problems.extend(found)
            if fw is not None:
                campaign.frameworks[(year, group)] = fw
    if P.has_errors(problems):
        raise CampaignError([p for p in problems if p.is_error])
    campaign.warnings = problems
    campaign.rules = load_rules(root)
    table: list[P.Problem] = []
    titles = campaign.rules.titles if campaign.rules else {}
    campaign.authorities = load_authorities(raw.get("authorities"), path, table, titles=titles,
                                            issuers=campaign.issuers, district=campaign.district,
                                            province=campaign.province)
    table += check_authorities(campaign.authorities, titles if campaign.rules else None, campaign.issuers,
                               (dt.date(min(years, default=1900), 1, 1), campaign.roster.period_end), path,
                               line_of(raw.get("authorities")))
    if P.has_errors(table):
        raise CampaignError([p for p in table if p.is_error])
    campaign.warnings += table
    return campaign
