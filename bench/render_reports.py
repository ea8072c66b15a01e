"""Benchmark: `kit render --all` on the demo campaign vs a plain papermill CLI + nbconvert CLI loop.

Both render the same notebooks with the same parameters: the yearly reports, the final report
and every unit scorecard. The plain way is what a user would script: for each notebook,
`papermill IN OUT -p ...` then `jupyter nbconvert --to html --no-input OUT`. Goal: >= 10x.

    python bench/render_reports.py [--limit N]   (N: only the first N notebooks of the plain loop,
                                                  extrapolated; default: all of them)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from kit.config.campaign import load_campaign
    from kit.outputs.render import NOTEBOOKS, jobs_for

    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    campaign = load_campaign(ROOT / "data")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        subprocess.run([str(BIN / "kit"), "render", "--all", "--campaign", str(ROOT / "data"), "--reports",
                        str(out / "kit"), "--quiet"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        kit_seconds = time.perf_counter() - start
        jobs = jobs_for(campaign, out / "plain", years=campaign.years, final=True)
        jobs += jobs_for(campaign, out / "plain", years=campaign.years, units=True)
        count = len(jobs)
        sample = jobs[: args.limit] if args.limit else jobs
        start = time.perf_counter()
        for job in sample:
            job.output.parent.mkdir(parents=True, exist_ok=True)
            params = [x for k, v in job.parameters.items() for x in ("-p", k, str(v))]
            subprocess.run([str(BIN / "papermill"), str(NOTEBOOKS / job.notebook), str(job.output), *params],
                           check=True, cwd=ROOT, capture_output=True)
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(job.output)],
                           check=True, cwd=ROOT, capture_output=True)
        plain_seconds = (time.perf_counter() - start) * count / len(sample)
    print(f"render {count} notebooks (yearly, final, scorecards) + HTML without code:")
    print(f"  kit render --all (one kernel per worker, in-process HTML): {kit_seconds:7.1f} s")
    how = "measured" if len(sample) == count else f"extrapolated from {len(sample)}"
    print(f"  papermill CLI + jupyter nbconvert CLI loop ({how}):     {plain_seconds:7.1f} s")
    print(f"  speed-up: {plain_seconds / kit_seconds:.1f}x (goal >= 10x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
