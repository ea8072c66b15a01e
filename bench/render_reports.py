"""Benchmark: rendering the report notebooks (+ HTML without code) four ways, in one run, on the demo campaign.

- loop: what a user would script — per notebook `papermill IN OUT -p ...`, then `jupyter nbconvert --to html
  --no-input OUT`;
- kit -j1 / kit -j2: `kit render` in a subprocess with 1 and 2 workers (what a user runs), into a temporary
  reports folder; `--force` where everything must be made (otherwise the run manifest skips);
- floor: one process running the notebooks' code cells (the same kit.reporting calls: the same tables and
  charts) and writing their HTML, with no kernel, no papermill, no nbconvert.

On (i) a subset — the 2024 yearly report and 10 scorecards of 2024 — and (ii) --all (113 notebooks); then
(iii) a second `kit render --all` with nothing changed. The kit subset: those 11 reports' files are deleted
from a rendered folder, and `kit render --all` (no --force) makes exactly them again. Also measured: what the
first notebook of a worker costs against the next ones (the warm-up). The methods alternate (subset: loop,
kit -j1, kit -j2, floor; then the same for --all). Goals: kit vs loop >= 10x on the subset, >= 30x on all;
kit vs floor <= 1.5x on the subset; the unchanged run <= 3 s.

    python bench/render_reports.py [--loop-limit N]   (N: the loop over --all runs N notebooks — one yearly,
                                                      the final, N-2 scorecards — extrapolated per notebook type)
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DATA = ROOT / "data"
SUBSET_UNITS = 10


def _demo_operator() -> str:
    from kit.config.campaign import load_campaign
    from kit.core.vocab import Role
    from kit.intake.accounts import load_accounts

    return load_accounts(load_campaign(DATA)).with_role(Role.OPERATOR)[0].account


def all_jobs(reports: Path):
    from kit.app.reports import jobs_for
    from kit.config.campaign import load_campaign

    campaign = load_campaign(DATA)
    return (jobs_for(campaign, reports, years=campaign.years, final=True)
            + jobs_for(campaign, reports, years=campaign.years, units=True))


def subset(jobs):
    """The 2024 yearly report and the first 10 scorecards of 2024."""
    from kit.app.reports import SCORECARD, YEARLY

    yearly = [j for j in jobs if j.notebook == YEARLY and j.parameters["year"] == 2024]
    cards = [j for j in jobs if j.notebook == SCORECARD and j.parameters["year"] == 2024][:SUBSET_UNITS]
    return yearly + cards


def timed(command: list[str]) -> tuple[float, str]:
    """Seconds and what the command printed."""
    start = time.perf_counter()
    # `kit render` is the operator's: the run acts as the demo's operator account, the login given the way a hub
    # gives it (kit.app.actor), since whoever runs the benchmark is not in the demo's accounts
    env = {**os.environ, "JUPYTERHUB_API_TOKEN": "bench", "JUPYTERHUB_USER": _demo_operator()}
    done = subprocess.run(command, check=True, cwd=ROOT, capture_output=True, text=True, env=env)
    return time.perf_counter() - start, done.stdout.strip()


def loop(jobs) -> dict[str, list[float]]:
    """Per notebook type, the seconds of each papermill + nbconvert pair."""
    from kit.outputs.render import NOTEBOOKS

    seconds: dict[str, list[float]] = {}
    for job in jobs:
        job.output.parent.mkdir(parents=True, exist_ok=True)
        params = [x for k, v in job.parameters.items() for x in ("-p", k, str(v))]
        start = time.perf_counter()
        subprocess.run([str(BIN / "papermill"), str(NOTEBOOKS / job.notebook), str(job.output), *params],
                       check=True, cwd=ROOT, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(job.output)],
                       check=True, cwd=ROOT, capture_output=True)
        seconds.setdefault(job.notebook, []).append(time.perf_counter() - start)
    return seconds


def kit(reports: Path, workers: int, *, force: bool) -> tuple[float, str]:
    return timed([str(BIN / "kit"), "render", "--all", "--campaign", str(DATA), "--reports", str(reports),
                  "--quiet", "--jobs", str(workers), *(["--force"] if force else [])])


def floor(reports: Path, which: str) -> float:
    """In a fresh process, as the kit's runs are."""
    return timed([sys.executable, __file__, "--floor", which, "--reports", str(reports)])[0]


def run_floor(reports: Path, which: str) -> None:
    """The notebooks' code cells run in this process, their displays collected into an HTML page per report."""
    import nbformat

    import kit.reporting.display as display
    from kit.core.atomic import write_text
    from kit.outputs.render import NOTEBOOKS

    jobs = all_jobs(reports)
    shown: list[str] = []
    display._display = shown.append  # what the notebooks display, as HTML
    books = {}
    for job in subset(jobs) if which == "subset" else jobs:
        if job.notebook not in books:
            books[job.notebook] = nbformat.read(NOTEBOOKS / job.notebook, as_version=4)
        namespace: dict = {}
        body = []
        for cell in books[job.notebook].cells:
            if cell.cell_type == "markdown":
                body.append(f"<div>{html.escape(cell.source)}</div>")
                continue
            exec(compile(cell.source, job.notebook, "exec"), namespace)
            if "parameters" in cell.metadata.get("tags", []):
                namespace.update(job.parameters)
            body += shown
            shown.clear()
        write_text(job.output.with_suffix(".html"), f"<html><head><meta charset='utf-8'><title>"
                   f"{html.escape(job.title)}</title></head><body>{''.join(body)}</body></html>")


def first_notebook_cost() -> list[str]:
    """A worker's first notebook against its next ones, same notebook type (the warm-up's purpose)."""
    from kit.app import kernel
    from kit.app.reports import jobs_for
    from kit.config.campaign import load_campaign
    from kit.outputs.render import NOTEBOOKS, Pool, kernel_call

    campaign = load_campaign(DATA)
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for units, count in ((True, 6), (False, 4)):
            base = jobs_for(campaign, out, years=[2024], units=True)[:count] if units \
                else jobs_for(campaign, out, years=[2024]) * count
            jobs = [dataclasses.replace(j, output=out / str(i) / j.output.name) for i, j in enumerate(base)]
            warm = kernel_call(kernel.warm, str(campaign.root.resolve()), campaign.years,
                               [str(NOTEBOOKS / jobs[0].notebook)])
            with Pool(1, warm=warm) as pool:
                seconds = [o.seconds for o in sorted(pool.run(jobs), key=lambda o: int(o.job.output.parent.name))]
            rest = statistics.median(seconds[1:])
            lines.append(f"  {'scorecards 2024' if units else 'yearly 2024'}: first {seconds[0]:.2f} s, the next "
                         f"{count - 1} median {rest:.2f} s (first − median {seconds[0] - rest:+.2f} s; goal <= +0.50)")
    return lines


def main() -> int:
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser()
    parser.add_argument("--loop-limit", type=int, help="notebooks of the --all loop actually run (extrapolated)")
    parser.add_argument("--floor", choices=["subset", "all"], help=argparse.SUPPRESS)
    parser.add_argument("--reports", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        run_floor(args.reports, args.floor)
        return 0

    from kit.app.reports import FINAL, SCORECARD, YEARLY

    t: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        every = all_jobs(out / "loop")
        part = subset(every)

        # (i) the subset, each way in turn
        t["subset", "loop"] = sum(sum(v) for v in loop(part).values())
        for workers in (1, 2):
            reports = out / f"kit{workers}"
            kit(reports, workers, force=True)  # a rendered folder (not timed here: the --all runs come below)
            for job in subset(all_jobs(reports)):
                job.output.unlink()
                job.output.with_suffix(".html").unlink()
            t["subset", f"kit -j{workers}"], said = kit(reports, workers, force=False)
            assert said.startswith(f"Đã tạo {len(part)}/{len(part)} báo cáo"), said
        t["subset", "floor"] = floor(out / "floor-subset", "subset")

        # (ii) everything
        if args.loop_limit and args.loop_limit < len(every):
            cards = [j for j in every if j.notebook == SCORECARD]
            step = len(cards) / (args.loop_limit - 2)
            sample = [next(j for j in every if j.notebook == YEARLY), next(j for j in every if j.notebook == FINAL)]
            sample += [cards[int(i * step)] for i in range(args.loop_limit - 2)]
        else:
            sample = every
        per_type = loop(sample)
        counts = {nb: sum(j.notebook == nb for j in every) for nb in per_type}
        t["all", "loop"] = sum(statistics.mean(v) * counts[nb] for nb, v in per_type.items())
        for workers in (1, 2):
            t["all", f"kit -j{workers}"], said = kit(out / f"all{workers}", workers, force=True)
            assert said.startswith(f"Đã tạo {len(every)}/{len(every)} báo cáo"), said
        t["all", "floor"] = floor(out / "floor-all", "all")

        # (iii) nothing changed
        t["unchanged", "kit -j2"], unchanged = kit(out / "all2", 2, force=False)
    first = first_notebook_cost()

    extrapolated = "" if sample is every else f"  (loop over --all: {len(sample)} notebooks run, extrapolated " \
        "per notebook type — 1 yearly, 1 final, the rest scorecards)"
    print(f"Rendering notebooks + HTML without code, demo campaign, {len(every)} notebooks in all; "
          f"subset = {len(part)} (2024 yearly + {SUBSET_UNITS} scorecards of 2024); 2 cores")
    print(f"{'':12}{'loop':>10}{'kit -j1':>10}{'kit -j2':>10}{'floor':>10}   seconds")
    for what in ("subset", "all"):
        print(f"{what:12}" + "".join(f"{t[what, how]:10.1f}" for how in ("loop", "kit -j1", "kit -j2", "floor")))
    if extrapolated:
        print(extrapolated)
    print(f"unchanged   kit render --all again: {t['unchanged', 'kit -j2']:.1f} s (goal <= 3 s); it said: {unchanged}")
    for what, goal in (("subset", 10), ("all", 30)):
        best = min(t[what, "kit -j1"], t[what, "kit -j2"])
        print(f"{what}: loop / kit = {t[what, 'loop'] / t[what, 'kit -j1']:.1f}x (-j1), "
              f"{t[what, 'loop'] / t[what, 'kit -j2']:.1f}x (-j2)  (goal >= {goal}x); "
              f"kit / floor = {t[what, 'kit -j1'] / t[what, 'floor']:.2f}x (-j1), "
              f"{t[what, 'kit -j2'] / t[what, 'floor']:.2f}x (-j2)" + ("  (goal <= 1.5x)" if what == "subset" else "")
              + f"; best kit {best:.1f} s")
    print("first notebook of a worker (1 worker, warmed up while idle):")
    print("\n".join(first))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
