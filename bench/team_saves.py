"""Benchmark: a team saving at once, each account through its own PostgreSQL role (issue 23).

20 accounts (``--accounts``), each in its own process with its own connection, make 50 saves each
(``--saves``) on the criteria assigned to them, all starting together: every save is one decision appended with
``record_if_current`` (base checked), which on an account's connection is one call of the owner's function
``kit_record_decisions`` (lock with timeout, assignment check, author from ``session_user``, id, chain, heads;
``kit.store.roles``). Then the same load through the one shared role, as before ``kit gradebook grant``, for the
ratio. PostgreSQL on a throwaway local server started from the installed binaries, fsync on.

Printed per mode: saves lost (acknowledged but not in the gradebook, or refused), saves recorded under another
account (always 0 through the roles: the database sets the author), median and p95 save time, and whether the
whole chain verifies. Goal: median <= 50 ms, p95 <= 150 ms on 2 cores.

    python bench/team_saves.py [--accounts 20] [--saves 50]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from kit.core.errors import GradebookError  # noqa: E402
from kit.core.vocab import Stage  # noqa: E402
from kit.store.engine import driver_url  # noqa: E402
from kit.store.gradebook import Decision, Gradebook  # noqa: E402
from kit.store.roles import AccountRoles, Assignment, grant  # noqa: E402
from tools.pgtemp import PostgresCluster  # noqa: E402

YEAR = 2025


def unit_of(i: int) -> str:
    return f"U{i:03d}"


def worker(url: str, account: str, unit: str, saves: int, pause: float, start, out) -> None:
    """One evaluator's kernel: its own engine, ``saves`` saves one after the other, each timed, with a random
    pause of 0 to 2 x ``pause`` ms between them (0: saving back to back, the worst case)."""
    times, failed = [], 0
    rng = random.Random(account)
    with Gradebook(url) as gb:
        gb.history(YEAR)  # opened and read once, as the notebook does, before the clock
        start.wait()
        for j in range(saves):
            item = Decision(YEAR, unit, f"C{j:03d}", Stage.APPRAISAL, float(j % 5) / 2, account)
            began = time.perf_counter()
            try:
                ids, refused = gb.record_if_current([(item, None)])
                failed += len(refused)
            except GradebookError:
                failed += 1
            times.append((time.perf_counter() - began) * 1000)
            if pause:
                time.sleep(rng.uniform(0, 2 * pause) / 1000)
    out.put((account, times, failed))


def run(urls: dict[str, str], saves: int, owner_url: str, pause: float) -> dict:
    """Every account's worker at once; what the gradebook holds afterwards, read by the owner."""
    start = mp.Barrier(len(urls) + 1)
    out: mp.Queue = mp.Queue()
    procs = [mp.Process(target=worker, args=(url, account, unit_of(i), saves, pause, start, out))
             for i, (account, url) in enumerate(sorted(urls.items()))]
    for p in procs:
        p.start()
    start.wait()
    began = time.perf_counter()
    results = [out.get() for _ in procs]
    wall = time.perf_counter() - began
    for p in procs:
        p.join()
    times = sorted(t for _, ts, _ in results for t in ts)
    failed = sum(f for _, _, f in results)
    expected = {unit_of(i): account for i, account in enumerate(sorted(urls))}
    with Gradebook(owner_url) as owner:
        history = owner.history(YEAR)  # the whole chain checked, as every reader does
    recorded = len(history)
    elsewhere = int(sum(history["evaluator"] != history["unit"].map(expected)))
    return {"lost": len(urls) * saves - recorded, "failed": failed, "elsewhere": elsewhere,
            "median": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))], "wall": wall,
            "saves": len(times)}


def team(cluster: PostgresCluster, names: list[str], saves: int) -> tuple[str, dict[str, str]]:
    """A new gradebook granted to ``names`` (each given its own unit's ``saves`` criteria): its owner's URL and
    each account's."""
    url = cluster.new_database()
    Gradebook(url).close()
    engine = create_engine(driver_url(url))
    given = [Assignment(YEAR, name, unit_of(i), f"C{j:03d}", 1) for i, name in enumerate(names) for j in range(saves)]
    with tempfile.TemporaryDirectory() as folder, engine.begin() as conn:
        report = grant(conn, [AccountRoles(n, frozenset({"evaluator"})) for n in names], given, Path(folder), url,
                       new_passwords=True)
        urls = {n: report.credentials[n].read_text(encoding="utf-8").strip() for n in names}
    engine.dispose()
    return url, urls


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--pause", type=float, action="append", metavar="MS",
                        help="mean pause between one account's saves (repeatable; default: 0, back to back, and 100)")
    parser.add_argument("--no-fsync", action="store_true", help="what the WAL flush costs (not the figure to quote)")
    args = parser.parse_args()
    names = [f"tham_dinh_{i:02d}" for i in range(args.accounts)]
    try:
        cluster = PostgresCluster(fsync=not args.no_fsync)
    except (FileNotFoundError, OSError) as exc:
        print(f"postgresql: skipped, no server binaries ({exc})")
        return 0
    try:
        with create_engine(driver_url(cluster.url("postgres"))).connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
        print(f"PostgreSQL {version}, fsync {'off' if args.no_fsync else 'on'}, {mp.cpu_count()} cores: "
              f"{args.accounts} accounts x {args.saves} saves, each account its own process and connection, all "
              "starting together")
        for pause in args.pause or [0.0, 100.0]:
            print(f"-- pause between one account's saves: {pause:g} ms on average"
                  + (" (back to back: the lock's queue is the whole figure)" if not pause else ""))
            roles_url, urls = team(cluster, names, args.saves)
            shared_url = cluster.new_database()
            Gradebook(shared_url).close()
            modes = {"own roles": run(urls, args.saves, roles_url, pause),
                     "shared role": run({n: shared_url for n in names}, args.saves, shared_url, pause)}
            for mode, r in modes.items():
                print(f"{mode:>12}: {r['saves']} saves in {r['wall']:.1f} s; lost {r['lost']} (refused "
                      f"{r['failed']}), recorded under another account {r['elsewhere']}; save median "
                      f"{r['median']:.1f} ms, p95 {r['p95']:.1f} ms; chain verified")
            own, shared = modes["own roles"], modes["shared role"]
            print(f"ratio own roles / shared role: median {own['median'] / shared['median']:.2f}x, "
                  f"p95 {own['p95'] / shared['p95']:.2f}x")
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
