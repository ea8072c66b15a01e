"""Benchmark: one save + totals refresh through the scoring panel, on a campaign of 1,000 units.

Goal: median <= 50 ms on both backends. The panel is the widget class the notebook shows, driven as in
the tests (set a score, click "Lưu"); each save checks the criterion's current decision, appends the
decision with its ledger chain and the year's head in one locked transaction (SQLite with
synchronous=FULL; PostgreSQL on a throwaway local server started from the installed binaries, fsync on),
writes the campaign's ledger file, then recomputes the unit's totals and the group's progress.

With evidence files (the default; --no-evidence without): the first units of each group cite two files per
criterion, some a 5 MB one (bench/_synth.py ``with_evidence``); a save fingerprints the cited files of the rows it
checks, hashing each once (streamed) and then only stat-ing it (kit.intake.evidence ``digest``).

    python bench/appraisal_save.py [--units 1000] [--saves 60] [--backend sqlite|postgresql|both] [--no-evidence]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _synth import big_campaign, with_evidence  # noqa: E402
from results_scale import synth_report  # noqa: E402

from kit.app.appraisal import Workspace  # noqa: E402
from kit.app.year import year_state  # noqa: E402
from kit.store.gradebook import Gradebook, evidence_hash  # noqa: E402
from kit.ui.scoring_panel import AppraisalPanel  # noqa: E402
from tools.pgtemp import PostgresCluster  # noqa: E402


def run(units: int, saves: int, url: str = "", evidence: bool = True) -> None:
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        campaign = big_campaign(Path(tmp), units)
        campaign.gradebook_url = url
        year = 2025
        start = time.perf_counter()
        with Gradebook.initialize(campaign) as gb:  # begun explicitly, as kit gradebook init does
            report = synth_report(campaign, year, rng)
            files = with_evidence(campaign, report) if evidence else 0
            state = year_state(campaign, report, gb.history(year))
            panel = AppraisalPanel(Workspace(state, gb))
            opened = time.perf_counter() - start
            cold = warm = 0.0
            if evidence:  # what caching buys: the row citing the 5 MB file, first (streamed) and then cached
                row = next(r for rows in panel.ws.rows.values() for r in rows.values() if "bao-cao-lon" in r.evidence)
                t0 = time.perf_counter()
                evidence_hash(row.seen)
                t1 = time.perf_counter()
                evidence_hash(row.seen)
                cold, warm = (t1 - t0) * 1000, (time.perf_counter() - t1) * 1000
            times = []
            for i in range(saves):
                if i % 15 == 0:  # move to another unit now and then, as an evaluator does
                    panel.unit.value = panel.unit.options[(i // 15) % len(panel.unit.options)][1]
                editor = panel.editors[i % len(panel.editors)]
                if editor.row.choices is not None:
                    editor.score.value = editor.row.choices[i % len(editor.row.choices)]
                else:
                    editor.score.value = f"{editor.row.max / 2:g}"
                editor.comment.value = "Đối chiếu tài liệu kiểm chứng"  # a reason, required when lowering
                t0 = time.perf_counter()
                panel.save_button.click()
                times.append((time.perf_counter() - t0) * 1000)
                assert "Đã lưu 1 tiêu chí" in panel.message.value, panel.message.value
            saved = gb.count()
            backend = gb.engine.dialect.name
    times.sort()
    cited = f"evidence files cited ({files / 2**20:.0f} MB, hashed on first use)" if evidence else "no evidence files"
    print(f"{backend:>10}, {units} units, {cited} (panel opened in {opened:.2f} s, untimed): save + totals "
          f"refresh median {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, "
          f"max {times[-1]:.1f} ms "
          f"over {len(times)} saves (goal: median <= 50 ms); {saved} decisions stored"
          + (f"; fingerprint of a row citing a 5 MB file: {cold:.1f} ms first, {warm:.2f} ms cached"
             if evidence else ""))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--saves", type=int, default=60)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--no-evidence", action="store_true", help="no evidence files (the text cells only)")
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        run(args.units, args.saves, evidence=not args.no_evidence)
    if args.backend in ("postgresql", "both"):
        try:
            cluster = PostgresCluster(fsync=True)
        except (FileNotFoundError, OSError) as exc:
            print(f"postgresql: skipped, no server binaries ({exc})")
            return 0
        try:
            run(args.units, args.saves, cluster.new_database(), evidence=not args.no_evidence)
        finally:
            cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
