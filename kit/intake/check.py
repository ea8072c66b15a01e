"""Check every submission of a year: per-file reading plus what only the whole year shows.

Cross-file checks: two files for one unit, units that sent nothing, late submissions. The
result keeps the accepted rows as a table for scoring and a per-file summary, so nothing
is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kit.config.campaign import Campaign
from kit.core import problems as P
from kit.core import vn
from kit.core.errors import FileProblem
from kit.core.textfile import csv_rows
from kit.core.values import cell_text, parse_date
from kit.core.vocab import Status
from kit.intake import evidence
from kit.intake.feeds import Feeds, read_feed, read_feeds
from kit.intake.feeds.surveys import SURVEYS
from kit.intake.sheets import SUFFIXES
from kit.intake.submission import Submission, read_submission

RECEIVED_REGISTER = "received.csv"
ROW_COLUMNS = ["year", "unit", "group", "code", "key", "area", "answer", "value", "self", "evidence",
               "explanation", "file", "row"]
SURVEY_COLUMNS = ["year", "unit", "code", "survey"]
_PARALLEL_FROM = 40  # below this, starting worker processes costs more than it saves


@dataclass
class CheckReport:
    year: int
    submissions: list[Submission]
    problems: list[P.Problem] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    late: dict[str, dt.date] = field(default_factory=dict)
    received: dict[str, dt.date] = field(default_factory=dict)  # accepted forms: register date, else "Ngày gửi"
    statuses: dict[str, Status] = field(default_factory=dict)  # units taking part in the year, and departed ones
    surveys: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SURVEY_COLUMNS))  # feeds' surveys
    feeds: Feeds = field(default_factory=Feeds)  # every registered source's table of the year (kit.intake.feeds)

    @property
    def all_problems(self) -> list[P.Problem]:
        return [p for s in self.submissions for p in s.problems] + self.problems

    @property
    def ok(self) -> bool:
        return not P.has_errors(self.all_problems)

    def table(self) -> pd.DataFrame:
        """Accepted rows of every accepted submission, one per unit and criterion."""
        rows = [r for s in self.submissions for r in s.rows]
        return pd.DataFrame(rows, columns=ROW_COLUMNS)

    def summary(self) -> list[dict]:
        out = []
        for s in self.submissions:
            errors = sum(p.is_error for p in s.problems)
            out.append({"file": s.label, "unit": s.unit, "sheet": s.sheet, "rows_read": s.rows_read,
                        "accepted": len(s.rows), "rejected": s.rejected, "errors": errors,
                        "warnings": len(s.problems) - errors, "late": s.unit in self.late})
        return out


def _candidates(folder: Path) -> list[Path]:
    """What in a year's folder may be a form: not a lock file (~$x.xlsx), hidden file, the register, an evidence
    folder or zip."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if not p.name.startswith(("~$", ".", "README"))
                  and p.name != RECEIVED_REGISTER and not evidence.is_container(p))


def submission_files(folder: Path) -> list[Path]:
    """Files units returned: regular files only, never a link (it may lead anywhere, /etc/shadow included) nor a
    special file (reading a fifo hangs); those are reported by ``refused_files``."""
    return [p for p in _candidates(folder) if p.is_file() and not p.is_symlink()]


def refused_files(folder: Path) -> list[P.Problem]:
    """A problem for each link or special file where forms are put (never opened)."""
    out = []
    for p in _candidates(folder):
        if (p.is_symlink() or not (p.is_file() or p.is_dir())) and (why := evidence.refusal(p, folder)):
            out.append(P.make(P.Code.FILE_REFUSED, file=f"{folder.name}/{p.name}", value=p.name, detail=why,
                              expected=f"thư mục {folder.name}/"))
    return out


def _received(folder: Path, problems: list[P.Problem]) -> dict[str, dt.date]:
    """The office's register of when each file arrived (file,received), when it keeps one."""
    path = folder / RECEIVED_REGISTER
    if not path.exists():
        return {}
    try:
        rows = csv_rows(path, f"{folder.name}/{RECEIVED_REGISTER}")
    except FileProblem as exc:
        problems.append(exc.problem)
        return {}
    return {cell_text(row.get("file")): d for row in rows
            if cell_text(row.get("file")) and (d := parse_date(row.get("received"))) is not None}


def load_surveys(campaign: Campaign, year: int) -> tuple[pd.DataFrame, list[P.Problem]]:
    """Satisfaction survey results (surveys/<year>.csv: unit,code,value in %), read through their feed
    (kit.intake.feeds.surveys), as a table in ``SURVEY_COLUMNS``."""
    table = read_feed(SURVEYS, campaign, year)
    return survey_frame(table.rows), table.problems


def survey_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The surveys feed's rows as ``CheckReport.surveys`` (year, unit, code, survey)."""
    return pd.DataFrame({"year": rows["year"].astype(int), "unit": rows["unit"], "code": rows["indicator"],
                         "survey": rows["value"].astype(float)}, columns=SURVEY_COLUMNS)


_worker_campaign: Campaign | None = None


def _init_worker(campaign: Campaign) -> None:
    """Each worker process receives the campaign once, not once per file."""
    global _worker_campaign
    _worker_campaign = campaign


def _read_one(args: tuple[Path, int]) -> Submission:
    path, year = args
    assert _worker_campaign is not None, "set by _init_worker"
    return read_submission(path, _worker_campaign, year)


def _read_all(campaign: Campaign, files: list[Path], year: int, jobs: int | None,
              progress: Callable[[int], None] | None) -> list[Submission]:
    jobs = jobs or min(os.cpu_count() or 1, 4)
    subs = []
    if jobs <= 1 or len(files) < _PARALLEL_FROM:
        for f in files:
            subs.append(read_submission(f, campaign, year))
            if progress:
                progress(1)
        return subs
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(campaign,)) as pool:
        for sub in pool.map(_read_one, [(f, year) for f in files], chunksize=16):
            subs.append(sub)
            if progress:
                progress(1)
    return subs


def check_year(campaign: Campaign, year: int, *, jobs: int | None = None,
               progress: Callable[[int], None] | None = None, feeds: Feeds | None = None) -> CheckReport:
    """Read and check all submissions of ``year`` and every registered feed (``feeds``: already read); see
    ``CheckReport``. The feeds' problems, and those of the frameworks' ``feed:`` lines, are the year's (a source
    kept with its records, the inspection register, is one of the movement's files and listed with them)."""
    campaign.require_year(year)
    folder = campaign.submissions_dir(year)
    files = submission_files(folder)
    unsupported = [f for f in files if f.suffix.lower() not in SUFFIXES]
    readable = [f for f in files if f.suffix.lower() in SUFFIXES]
    report = CheckReport(year, _read_all(campaign, readable, year, jobs, progress))
    for f in unsupported:
        report.problems.append(P.make(P.Code.FILE_TYPE, file=f"{year}/{f.name}", detail=f.suffix or "(không có đuôi)"))
    report.problems += refused_files(folder)
    by_unit: dict[str, list[Submission]] = defaultdict(list)
    for sub in report.submissions:
        if sub.identified:
            by_unit[sub.unit].append(sub)
    for unit, subs in by_unit.items():
        if len(subs) > 1:
            names = ", ".join(s.label for s in subs)
            for sub in subs:
                sub.problems.append(P.make(P.Code.UNIT_DUPLICATE, file=sub.label, value=unit, detail=names))
                sub.rows = []
    taking_part = {u.code for u in campaign.units_of(year)}
    departed = campaign.departed(year)
    for sub in report.submissions:
        if sub.identified and sub.unit not in taking_part:
            why = departed[sub.unit].text if sub.unit in departed else "chưa thành lập hoặc ngoài thời gian đợt thi đua"
            sub.problems.append(P.make(P.Code.UNIT_NOT_IN_YEAR, file=sub.label, value=sub.unit, expected=year,
                                       detail=why))
            sub.rows = []
    _check_evidence(report, evidence.scan_year(folder))
    sent_something = {sub.unit for sub in report.submissions}
    report.missing = [u.code for u in campaign.units_of(year) if u.code not in sent_something]
    for code in report.missing:
        report.problems.append(P.make(P.Code.UNIT_MISSING, P.WARNING, value=code, expected=year))
    report.feeds = feeds if feeds is not None else read_feeds(campaign, year)
    if SURVEYS.name in report.feeds:
        report.surveys = survey_frame(report.feeds[SURVEYS.name].rows)
    report.problems.extend(report.feeds.listed_problems)
    deadline = campaign.deadline(year)
    register = _received(folder, report.problems)
    for sub in report.submissions:
        received = register.get(sub.file.name, sub.sent)
        if received and sub.rows:
            report.received[sub.unit] = received
        if deadline and received and received > deadline and sub.rows:
            report.late[sub.unit] = received
            sub.problems.append(P.make(P.Code.SUBMISSION_LATE, P.WARNING, file=sub.label,
                                       value=f"{received:%d/%m/%Y}", expected=f"{deadline:%d/%m/%Y}"))
    report.statuses = _statuses([u.code for u in campaign.units_of(year)], report)
    report.statuses.update({code: d.status for code, d in departed.items()})
    return report


def _check_evidence(report: CheckReport, bundles: dict[str, evidence.Bundle]) -> None:
    """Each accepted form's citations against its unit's evidence files (kit.intake.evidence); a bundle's own
    problems (a damaged or unsafe zip) go with the unit's form, or to the whole year when it sent none."""
    checked: set[str] = set()
    for sub in report.submissions:
        if not sub.rows:
            continue
        bundle = bundles.get(sub.unit)
        where: P.Where = {"file": sub.label, "sheet": sub.sheet}
        sub.problems += (bundle.problems if bundle else []) + evidence.check_rows(
            sub.rows, bundle, where, sub.evidence_column, report.year)
        checked.add(sub.unit)
    for unit, bundle in bundles.items():
        if unit not in checked:
            report.problems += bundle.problems


def _statuses(units: list[str], report: CheckReport) -> dict[str, Status]:
    """The one place a form's status is derived: accepted rows win over a rejected file of the same unit (units
    that no longer exist get Status.MERGED / Status.CEASED from the campaign's roster)."""
    status = dict.fromkeys(units, Status.MISSING)
    for sub in report.submissions:
        if sub.unit in status and status[sub.unit] == Status.MISSING:
            status[sub.unit] = Status.REJECTED
    for sub in report.submissions:
        if sub.unit in status and sub.rows:
            status[sub.unit] = Status.LATE if sub.unit in report.late else Status.SUBMITTED
    return status


SHOWN_PER_KIND = 10  # problems of one kind shown for one file; the rest are counted (the JSON output lists all)


def summarised(problems: list[P.Problem], year: int, indent: str = "    ") -> list[str]:
    """Lines for ``problems``: at most ``SHOWN_PER_KIND`` of each code, then how many more of that kind.

    A zip of 200,000 members that no row cites must not print 200,000 warnings (65 MB): the text stays a screen
    a person reads; ``kit check --format json`` keeps every problem for whoever needs the full list."""
    seen: Counter[str] = Counter(p.code for p in problems)
    shown: Counter[str] = Counter()
    lines = []
    for p in problems:
        shown[p.code] += 1
        if shown[p.code] <= SHOWN_PER_KIND:
            lines.append(f"{indent}{p.format()}")
        if shown[p.code] == SHOWN_PER_KIND and seen[p.code] > SHOWN_PER_KIND:
            more = seen[p.code] - SHOWN_PER_KIND
            lines.append(f"{indent}… và {vn.integer(more)} vấn đề khác cùng loại ({p.code}); danh sách đầy đủ: "
                         f"kit check --year {year} --format json")
    return lines


def format_text(report: CheckReport) -> str:
    """The report people read: problems grouped by file (repeated ones summarised), then a per-file count of
    rows."""
    lines = [f"KIỂM TRA PHIẾU TỰ ĐÁNH GIÁ NĂM {report.year}", ""]
    for sub in report.submissions:
        if sub.problems:
            lines.append(f"● {P.printable(sub.label)} (đơn vị {sub.unit or '?'})")
            lines.extend(summarised(sub.problems, report.year))
    if report.problems:
        lines.append("● Toàn năm")
        lines.extend(summarised(report.problems, report.year))
    lines += ["", "TỔNG HỢP THEO TỆP (dòng đọc / nhận / loại, lỗi, cảnh báo)"]
    for row in report.summary():
        lines.append(f"  {P.printable(row['file']):<32} {row['unit']:<8} {row['rows_read']:>4} / "
                     f"{row['accepted']:>4} / "
                     f"{row['rejected']:>4}   lỗi {row['errors']:>3}   cảnh báo {row['warnings']:>3}")
    everything = report.all_problems
    errors = sum(p.is_error for p in everything)
    lines += ["", f"{len(report.submissions)} tệp, {errors} lỗi, {len(everything) - errors} cảnh báo; "
              f"chưa nộp: {', '.join(report.missing) or 'không'}; nộp muộn: {', '.join(report.late) or 'không'}."]
    return "\n".join(lines)


def format_json(report: CheckReport) -> str:
    return P.to_json(report.all_problems, year=report.year, files=report.summary(), missing=report.missing,
                     late={u: d.isoformat() for u, d in report.late.items()}, ok=report.ok)
