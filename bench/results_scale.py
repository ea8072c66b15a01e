"""Benchmark: results for 10,000 units x ~40 criteria x 4 years (goal: <= 5 s, <= 2 GB).

Builds the check output in memory (as ``kit check`` would hand it over: one Submission per
unit with its accepted rows), then times ``year_results`` for every year: long table,
automatic proposals, totals per unit and per area, bands and ranks. Peak memory is the
process's maximum resident set size.

    python bench/results_scale.py [--units 10000]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synth import big_campaign  # noqa: E402

from kit.intake.check import CheckReport  # noqa: E402
from kit.intake.submission import Submission  # noqa: E402
from kit.scoring.results import year_results  # noqa: E402


def synth_report(campaign, year: int, rng: random.Random) -> CheckReport:
    subs = []
    for unit in campaign.units:
        fw = campaign.framework(year, unit.group)
        sub = Submission(Path(f"{year}/{unit.code}_{year}.xlsx"), year, unit=unit.code, identified=True)
        for c in fw.criteria:
            answer, value, score = "", None, rng.uniform(0, c.max)
            if c.type == "yes_no":
                answer = rng.choice(["Có", "Không"])
            elif c.type in ("tiers", "deduction"):
                value = rng.uniform(0, 100) if c.type == "tiers" else rng.randint(0, 3)
                score = max(c.min, -value * c.per_item) if c.type == "deduction" else score
            sub.rows.append({"year": year, "unit": unit.code, "group": unit.group, "code": c.code, "key": c.key,
                             "area": c.area, "answer": answer, "value": value, "self": round(score, 2),
                             "evidence": "KH số 1", "explanation": "", "file": str(sub.file), "row": 0})
        sub.rows_read = len(sub.rows)
        subs.append(sub)
    return CheckReport(year, subs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        campaign = big_campaign(Path(tmp), args.units)
        reports = [synth_report(campaign, y, rng) for y in campaign.years]
        rows = sum(len(s.rows) for r in reports for s in r.submissions)
        start = time.perf_counter()
        for report in reports:
            res = year_results(campaign, report)
            assert res.units["percent"].notna().all()
        elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"results: {args.units} units x {len(campaign.years)} years = {rows:,} criterion rows")
    print(f"  year_results (all years): {elapsed:.2f} s  (goal <= 5 s)")
    print(f"  peak resident memory, whole process incl. building the input: {peak_mb:,.0f} MB  (goal <= 2048 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
