"""Benchmark: checking 500 returned forms (goal: <= 30 s on 2 cores).

Makes 500 filled .xlsx forms with the kit's own form writer (untimed), then times in one run:
  - ``kit check`` logic (check_year) with worker processes and with one process;
  - just reading the same files with pandas.read_excel(engine="openpyxl"), the plain way;
  - just reading them with pandas.read_excel(engine="calamine"), the reader the kit uses.

    python bench/check_forms.py [--forms 500]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools.demogen: not installed with the kit

from _synth import big_campaign  # noqa: E402

from kit.intake.check import check_year  # noqa: E402
from kit.outputs.forms import build_form, form_name  # noqa: E402
from tools.demogen.generate import Filler, fill  # noqa: E402

YEAR = 2024


def make_forms(campaign, rng: random.Random) -> list[Path]:
    folder = campaign.submissions_dir(YEAR)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for unit in campaign.units:
        wb = build_form(campaign, unit, YEAR)
        filler = Filler(rng, rng.uniform(0.5, 0.95), rng.random() < 0.1)
        fill(wb.active, {c.code: filler.answer(c, YEAR) for c in campaign.framework(YEAR, unit.group).criteria})
        path = folder / form_name(unit, YEAR)
        wb.save(path)
        paths.append(path)
    return paths


def timed(label: str, fn) -> float:
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    print(f"  {label:<58} {elapsed:7.2f} s")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--forms", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        campaign = big_campaign(Path(tmp), args.forms)
        start = time.perf_counter()
        paths = make_forms(campaign, random.Random(7))
        print(f"{len(paths)} forms written in {time.perf_counter() - start:.1f} s (untimed setup); "
              f"{os.cpu_count()} cores")
        results: dict[str, float] = {}

        def check(jobs: int) -> None:
            report = check_year(campaign, YEAR, jobs=jobs)
            assert len(report.submissions) == len(paths) and report.ok, "bench forms must check clean"

        results["parallel"] = timed("kit check, 2 worker processes (default)", lambda: check(2))
        results["serial"] = timed("kit check, one process", lambda: check(1))
        results["openpyxl"] = timed("read only: pandas.read_excel(engine='openpyxl')",
                                    lambda: [pd.read_excel(p, header=None, engine="openpyxl") for p in paths])
        results["calamine"] = timed("read only: pandas.read_excel(engine='calamine')",
                                    lambda: [pd.read_excel(p, header=None, engine="calamine") for p in paths])
    print(f"  per form, kit check in parallel: {results['parallel'] / len(paths) * 1000:.1f} ms (goal: 500 in <= 30 s)")
    ratio = results["openpyxl"] / results["parallel"]
    print(f"  full check (parallel) vs plain openpyxl read only: {ratio:.1f}x faster")
    print(f"  calamine vs openpyxl, read only: {results['openpyxl'] / results['calamine']:.1f}x faster")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
