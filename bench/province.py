"""Benchmark: a province's campaign at the scale two-level local government gives it (issue #24, item 4).

On the generated province (``kit init --example tinh``: 96 communes and wards and 14 departments, 110 units, one
year, 2026), every step runs as the operator runs it, as a ``kit`` subprocess in a temporary folder:

  init      kit init --example tinh --no-submissions (the campaign: settings, 110 units, frameworks, gradebook)
  (untimed) the units' filled forms (kit.app.init.example.fill_submissions: 107 forms, 3 units send nothing)
  forms     kit forms --year 2026 (110 forms)
  check     kit check --year 2026
  results   kit results --year 2026
  render    kit render --all (the yearly report, 110 scorecards, the final report: 112 reports in one run, as the
            operator runs it: the workers' start is shared by all); per report
  docs      kit docs --year 2026 (report, 110 notices)

and the peak memory of any of these processes (their own and their workers': getrusage of the children), with
each step's CPU seconds (workers included), which a machine shared with other work does not inflate as it does
the wall-clock figures.
Goals: forms + check + results <= 15 s together, render <= 0.4 s per report, memory <= 1 GB.

    python bench/province.py [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kit.app.init.example import fill_submissions  # noqa: E402

KIT = [sys.executable, "-m", "kit"]
GOAL_PIPELINE, GOAL_PER_REPORT, GOAL_MEMORY_MB = 15.0, 0.4, 1024


CPU: dict[str, float] = {}  # CPU seconds of each step, its workers' included: what a shared machine cannot blur


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def step(label: str, args: list[str], results: dict[str, float]) -> str:
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run([*KIT, *args], capture_output=True, text=True, encoding="utf-8")
    results[label] = time.perf_counter() - start
    CPU[label] = _cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"{label}: exit {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done.stdout


def reports_made(out: str) -> int:
    found = re.search(r"Đã tạo (\d+)/(\d+) báo cáo", out)
    return int(found.group(1)) if found else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    t: dict[str, float] = {}
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        root, reports = Path(tmp) / "tinh", Path(tmp) / "reports"
        common = ["--campaign", str(root), "--reports", str(reports)]
        step("init", ["init", "--example", "tinh", "--no-submissions", str(root)], t)
        start = time.perf_counter()
        sent = len(fill_submissions(root))
        filled = time.perf_counter() - start
        step("forms", ["forms", *common, "--year", "2026"], t)
        step("check", ["check", *common, "--year", "2026"], t)
        step("results", ["results", *common, "--year", "2026"], t)
        render = ["render", *common, "--quiet", "--jobs", str(args.jobs)]
        rendered = reports_made(step("render --all", [*render, "--all"], t))
        step("docs", ["docs", *common, "--year", "2026"], t)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    pipeline = t["forms"] + t["check"] + t["results"]
    per_report = t["render --all"] / max(rendered, 1)
    cpu_each = CPU["render --all"] / max(rendered, 1)
    print(f"Province example: 110 units, one year (2026), {args.jobs} render workers; {sent} filled forms "
          f"(generated in {filled:.1f} s, untimed)")
    print(f"load average before / after: {load[0]:.1f} / {os.getloadavg()[0]:.1f} (2 cores: above 2, other work "
          "slowed these figures; the CPU seconds are not slowed)")
    for label in ("init", "forms", "check", "results", "render --all", "docs"):
        extra = f"  ({rendered} reports)" if label == "render --all" else ""
        print(f"  {label:<18} {t[label]:6.2f} s wall, {CPU[label]:6.2f} s CPU{extra}")
    print(f"forms + check + results: {pipeline:.2f} s (goal <= {GOAL_PIPELINE:g} s) "
          f"{'OK' if pipeline <= GOAL_PIPELINE else 'MISSED'}")
    print(f"render --all: {t['render --all']:.2f} s for {rendered} reports, {per_report:.2f} s per report "
          f"(goal <= {GOAL_PER_REPORT:g} s) {'OK' if per_report <= GOAL_PER_REPORT else 'MISSED'}; CPU "
          f"{cpu_each:.2f} s per report, {cpu_each / args.jobs:.2f} s per report over {args.jobs} idle cores")
    print(f"peak memory of one process: {peak_mb:.0f} MB (goal <= {GOAL_MEMORY_MB} MB) "
          f"{'OK' if peak_mb <= GOAL_MEMORY_MB else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
