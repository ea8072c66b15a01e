"""``kit demo``: the main job on a campaign: check every year, compute results, write tables.

Later issues add rendering of the reports; this stays the one command an operator runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from kit.campaign import Campaign
from kit.check import CheckReport, check_year, format_text, submission_files
from kit.gradebook import Gradebook
from kit.results import YearResults, write_results, year_results


@dataclass
class YearOutcome:
    report: CheckReport
    results: YearResults
    files: list[Path]


def results_path(reports: Path, year: int, suffix: str = ".xlsx") -> Path:
    return reports / str(year) / f"ket-qua-{year}{suffix}"


def check_path(reports: Path, year: int) -> Path:
    return reports / str(year) / f"kiem-tra-{year}.txt"


def run_demo(campaign: Campaign, reports: Path, *, show_progress: bool = True) -> list[YearOutcome]:
    """Check, score and write every year's tables; returns what was done for the summary."""
    with Gradebook.for_campaign(campaign) as gradebook:
        return _run(campaign, reports, gradebook, show_progress)


def _run(campaign: Campaign, reports: Path, gradebook: Gradebook, show_progress: bool) -> list[YearOutcome]:
    total = sum(len(submission_files(campaign.submissions_dir(y))) for y in campaign.years)
    outcomes = []
    with tqdm(total=total, desc="Đọc phiếu", unit="tệp", disable=not show_progress) as bar:
        for year in campaign.years:
            bar.set_postfix_str(str(year))
            report = check_year(campaign, year, progress=bar.update)
            results = year_results(campaign, report, gradebook.appraisals(year))
            out = results_path(reports, year)
            written = [write_results(campaign, report, results, out)]
            text = check_path(reports, year)
            text.write_text(format_text(report) + "\n", encoding="utf-8")
            outcomes.append(YearOutcome(report, results, [*written, text]))
    return outcomes


def summary_lines(campaign: Campaign, outcomes: list[YearOutcome]) -> list[str]:
    lines = [f"{campaign.name}" + (f" — {campaign.demo_note}" if campaign.demo else ""), ""]
    for o in outcomes:
        r, units = o.report, o.results.units
        problems = r.all_problems
        errors = sum(p.is_error for p in problems)
        top = units[units["rank"] == 1]
        best = "; ".join(f"{campaign.groups[g]}: " + ", ".join(f"{r.unit_name} ({r.percent:.1f}%)"
                                                               for r in rows.itertuples())
                         for g, rows in top.groupby("group", sort=False))
        lines.append(f"Năm {r.year}: {len(r.submissions)} tệp, {errors} lỗi, {len(problems) - errors} cảnh báo; "
                     f"chưa nộp {len(r.missing)}, nộp muộn {len(r.late)}; đứng đầu — {best}")
        lines.extend(f"    → {p}" for p in o.files)
    lines.append("")
    for o in outcomes:
        units = o.results.units.dropna(subset=["criteria"])
        done, total = int(units["appraised_count"].sum()), int(units["criteria"].sum())
        full = int((units["appraised_count"] == units["criteria"]).sum())
        lines.append(f"Năm {o.report.year}: đã thẩm định {done}/{total} tiêu chí, {full}/{len(units)} đơn vị xong"
                     + ("" if done == total else "; phần chưa thẩm định tạm tính theo điểm tự chấm"))
    return lines


def render_reports(campaign: Campaign, reports: Path, *, years: list[int], final: bool, units: bool, yearly: bool,
                   jobs: int | None = None, show_progress: bool = True,
                   known: dict[int, tuple[CheckReport, YearResults]] | None = None) -> list[str]:
    """Render notebooks and HTML, proposals and honour rolls; returns the failed reports' names.

    ``known``: checks and results already computed (``kit demo``), whose tables are already written;
    without it each year is checked once here and its results xlsx written.
    """
    from kit.render import jobs_for, render

    needed = sorted(set(years) | (set(campaign.years) if final else set()))
    computed = dict(known or {})
    missing = [y for y in needed if y not in computed]
    if missing:
        with Gradebook.for_campaign(campaign) as gradebook:
            for year in missing:
                report = check_year(campaign, year)
                computed[year] = (report, year_results(campaign, report, gradebook.appraisals(year)))
                if year in years and (yearly or units):
                    write_results(campaign, report, computed[year][1], results_path(reports, year))
    _honour_rolls(campaign, reports, {y: r for y, (_, r) in computed.items()}, years if yearly else [], final)
    todo = jobs_for(campaign, reports, years=years if yearly else [], final=final)
    todo += jobs_for(campaign, reports, years=years, units=True) if units else []
    with tqdm(total=len(todo), desc="Tạo báo cáo", unit="báo cáo", disable=not show_progress) as bar:
        outcomes = render(todo, jobs, progress=lambda o: (bar.set_postfix_str(o.job.label), bar.update(1)))
    failed = [o for o in outcomes if not o.ok]
    seconds = sum(o.seconds for o in outcomes)
    print(f"Đã tạo {len(outcomes) - len(failed)}/{len(outcomes)} báo cáo trong {reports} "
          f"(tổng thời gian chạy {seconds:.0f} s).")
    for o in failed:
        print(f"  ✖ {o.job.output}: {o.error} — xem ô báo lỗi ở đầu notebook này.")
    return [o.job.label for o in failed]


def _honour_rolls(campaign: Campaign, reports: Path, results: dict[int, YearResults], years: list[int],
                  final: bool) -> None:
    """Proposal lists and public honour rolls beside the yearly and final reports."""
    from kit.awards import write_outputs
    from kit.rules import load_rules

    if load_rules(campaign.root) is None:
        return
    for year in years:
        write_outputs(campaign, "yearly", [results[year]], reports)
    if final:
        write_outputs(campaign, "final", [results[y] for y in campaign.years], reports)
