"""The gradebook: append-only history, migrations, several writers, and a writer killed mid-run."""

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kit.cli import main as main_cli
from kit.core.errors import GradebookError
from kit.core.vocab import Stage
from kit.store.gradebook import Decision, Gradebook, appraisals, open_explanations, set_stages


def d(code="1.1", score=1.0, who="Lan", stage="appraisal", **kw):
    return Decision(2024, "U1", code, stage, score, who, **kw)


def test_latest_decision_counts_and_history_is_kept(gradebook_url):
    with Gradebook(gradebook_url) as gb:
        gb.record([d(score=1), d(score=2, who="Minh"), d(stage="explanation", score=2.5), d(code="1.2", score=None,
                                                                                             na=True)])
        cur = gb.latest(2024).set_index("code")
        assert cur.loc["1.1", "score"] == 2 and cur.loc["1.1", "evaluator"] == "Minh" and bool(cur.loc["1.2", "na"])
        assert gb.history(2024, "U1", "1.1")["stage"].tolist() == ["appraisal", "appraisal", "explanation"]
        assert appraisals(gb.history(2024)).set_index("code").loc["1.1", "appraised"] == 2


def test_history_cannot_be_edited(gradebook_url):
    with Gradebook(gradebook_url) as gb:
        gb.record(d())
        for sql in ("UPDATE decisions SET score = 0", "DELETE FROM decisions"):
            with pytest.raises(DBAPIError, match="append-only"), gb.engine.begin() as conn:
                conn.execute(text(sql))
        assert gb.count() == 1


def test_who_is_required(gradebook_url):
    with Gradebook(gradebook_url) as gb:
        for bad in (d(who=""), d(who="   "), d(score=None), d(stage="draft")):
            with pytest.raises(GradebookError):
                gb.record(bad)
        assert gb.count() == 0


def test_created_and_migrated_on_open_and_refuses_newer_schema(gradebook_url):
    Gradebook(gradebook_url).close()
    with Gradebook(gradebook_url) as gb:  # second open: nothing to do
        assert gb.count() == 0
        with gb.engine.begin() as conn:
            conn.execute(text("UPDATE kit_meta SET value = '99' WHERE key = 'schema_version'"))
    with pytest.raises(GradebookError, match="mới hơn"):
        Gradebook(gradebook_url)


def test_schema_3_gains_the_second_appraisal_stages_keeping_every_decision_and_chain(gradebook_url):
    with Gradebook(gradebook_url) as gb:  # a schema-3 gradebook with decisions: the old stage check, version 3
        gb.record([Decision(2024, "U1", "1.1", "appraisal", 2.0, "Lan"), Decision(2024, "U1", "1.3", "appraisal", 1.0,
                                                                                  "Lan", comment="Thiếu")])
        with gb.engine.connect() as conn, conn.execution_options(kit_write=True).begin():
            set_stages(conn, [Stage.APPRAISAL, Stage.EXPLANATION, Stage.FINAL])
            conn.execute(text("UPDATE kit_meta SET value = '3' WHERE key = 'schema_version'"))
        with pytest.raises(DBAPIError):
            gb.record(Decision(2024, "U1", "1.3", "second", 1.5, "Bảo"))
        before = gb.history(2024)
    with Gradebook(gradebook_url) as gb:  # the first writer migrates
        assert gb.history(2024).equals(before)  # same rows, ids and chains (checked against the recorded heads)
        gb.record([Decision(2024, "U1", "1.3", "second", 1.5, "Bảo"),
                   Decision(2024, "U1", "1.3", "reconciliation", 1.25, "Hội đồng", comment="Đạt một phần")])
        assert gb.history(2024)["stage"].tolist() == ["appraisal", "appraisal", "second", "reconciliation"]
        assert appraisals(gb.history(2024)).set_index("code").loc["1.3", "appraised"] == 1.25
        with pytest.raises(DBAPIError, match="append-only"), gb.engine.begin() as conn:
            conn.execute(text("UPDATE decisions SET score = 0"))
        with pytest.raises(DBAPIError, match="append-only"), gb.engine.begin() as conn:
            conn.execute(text("DELETE FROM decisions"))
        with pytest.raises(DBAPIError):  # the database itself still refuses an unknown stage
            with gb.engine.begin() as conn:
                conn.execute(text("INSERT INTO decisions (id, year, unit, code, criterion_key, stage, score, na, "
                                  "evaluator, comment, created_at, evidence_hash, source, chain) VALUES (99, 2024, "
                                  "'U1', '1.1', '', 'draft', 1, false, 'X', '', 'now', '', 'x', '')"))


def test_a_second_appraisal_counts_nowhere_and_answers_no_explanation(gradebook_url):
    with Gradebook(gradebook_url) as gb:
        gb.record([Decision(2024, "U1", "1.3", "appraisal", 1.0, "Lan"),
                   Decision(2024, "U1", "1.3", "explanation", 2.0, "Thư ký", comment="Bổ sung"),
                   Decision(2024, "U1", "1.3", "second", 2.0, "Bảo")])
        history = gb.history(2024)
        assert appraisals(history)["appraised"].tolist() == [1.0]
        assert open_explanations(history)["stage"].tolist() == ["explanation"]
        # a second appraisal is checked against the latest second appraisal, not the counted decision
        first_id = int(history["id"].iloc[0])
        ids, refused = gb.record_if_current([(Decision(2024, "U1", "1.3", "second", 1.0, "Minh"), first_id)])
        assert ids == [] and len(refused) == 1


def test_comments_and_positions(gradebook_url):
    with Gradebook(gradebook_url) as gb:
        gb.add_comment("Thiếu kiểm chứng", "Lan")
        gb.add_comment("Thiếu kiểm chứng ", "Minh")
        assert gb.comments() == ["Thiếu kiểm chứng"]
        gb.add_comment("Chỉ của Bảo", "Bảo")
        assert gb.comments(by="Bảo") == ["Chỉ của Bảo"]
        gb.save_position("Lan", {"unit": "U1"})
        gb.save_position("Lan", {"unit": "U2"})
        assert gb.position("Lan") == {"unit": "U2"} and gb.position("Minh") is None


def _writer(target: str, worker: int, count: int) -> None:
    with Gradebook(target) as gb:
        for i in range(count):
            gb.record(Decision(2024, f"U{worker}", f"{i}", "appraisal", float(i % 3), f"Người {worker}"))


def test_four_processes_writing_at_once_lose_nothing(gradebook_url):
    ctx = mp.get_context("spawn")  # the first open of an empty database is one of them: creation is locked too
    count = 300 if gradebook_url.startswith("postgresql") else 1000  # (a network round trip per decision)
    procs = [ctx.Process(target=_writer, args=(gradebook_url, w, count)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]  # no error reached any writer
    with Gradebook(gradebook_url) as gb:
        hist = gb.history(2024)
        assert len(hist) == 4 * count and hist.groupby("unit").size().tolist() == [count] * 4
        assert gb.integrity() == "ok"


KILLED_WRITER = textwrap.dedent("""
    import sys
    from kit.store.gradebook import Decision, Gradebook, appraisals
    with Gradebook(sys.argv[1]) as gb:
        for i in range(100000):
            (new_id,) = gb.record(Decision(2024, "U1", str(i), "appraisal", 1.0, "Lan"))
            print(new_id, flush=True)  # acknowledged: committed before it is printed
""")


def test_writer_killed_mid_run_keeps_every_acknowledged_decision(gradebook_url):
    target = gradebook_url
    Gradebook(target).close()
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, target], stdout=subprocess.PIPE, text=True)
    acked = []
    deadline = time.monotonic() + 120
    while len(acked) < 300 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            acked.append(int(line))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    acked += [int(x) for x in proc.stdout.read().split()]
    assert len(acked) >= 300 and proc.returncode == -signal.SIGKILL
    with Gradebook(target) as gb:
        stored = set(gb.history(2024)["id"])
        assert set(acked) <= stored and gb.integrity() == "ok"


def test_two_saves_at_the_same_moment_exactly_one_wins(tiny, book, monkeypatch):
    """The lost-update race, forced: the second save arrives between the first one's check and its insert.
    The check and the insert are one transaction holding the write lock, so the second waits, then is refused."""
    import threading

    from kit.app.actor import signed_in
    from kit.app.appraisal import Entry, Workspace

    with signed_in("Nguyễn Thị Lan"):  # no registry: each login acts alone, under its own name
        first = Workspace.open(tiny, 2024, book)
    with signed_in("Trần Văn Minh"):
        second = Workspace.open(tiny, 2024, book)
    other = Gradebook.for_campaign(tiny)
    second.gradebook = other
    results = {}
    original = Gradebook._insert
    calls = []

    def insert_after_a_competitor(conn, row):
        if not calls:
            calls.append(row)
            competitor = threading.Thread(target=lambda: results.update(
                second=second.save([Entry("U1", "1.3", 1.0, comment="thiếu tin bài")])))
            competitor.start()
            competitor.join(timeout=0.5)  # it blocks on the lock while this transaction is open
            assert competitor.is_alive()
            results["thread"] = competitor
        return original(conn, row)

    monkeypatch.setattr(Gradebook, "_insert", staticmethod(insert_after_a_competitor))
    mine = first.save([Entry("U1", "1.3", 2.0)])
    results["thread"].join(timeout=30)
    other.close()
    assert [c for _, c, _ in mine.saved] == ["1.3"] and mine.conflicts == []
    theirs = results["second"]
    assert theirs.saved == [] and [(u, c) for u, c, _ in theirs.conflicts] == [("U1", "1.3")]
    assert theirs.conflicts[0][2]["evaluator"] == "Nguyễn Thị Lan"  # the refused evaluator is told who saved
    assert book.history(2024, "U1", "1.3")["evaluator"].tolist() == ["Nguyễn Thị Lan"]


def _racer(root, rounds, barrier, out, name):
    from kit.app.actor import signed_in
    from kit.app.appraisal import Entry, Workspace
    from kit.config.campaign import load_campaign

    campaign = load_campaign(root)
    with Gradebook.for_campaign(campaign) as gb, signed_in(name):
        ws = Workspace.open(campaign, 2024, gb)
        for unit, code in rounds:
            barrier.wait(timeout=60)
            result = ws.save([Entry(unit, code, 1.0 if code != "1.5" else -0.5, comment="đua")])
            out.put((unit, code, name, bool(result.saved)))


def test_racing_processes_get_exactly_one_acknowledgement_per_criterion(tiny, book):
    rounds = [(u, c) for u in ("U1", "U2", "U3") for c in ("1.3", "1.4", "1.5")]
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(4), ctx.Queue()
    procs = [ctx.Process(target=_racer, args=(str(tiny.root), rounds, barrier, out, f"Cán bộ {i}")) for i in range(4)]
    for p in procs:
        p.start()
    acks = [out.get(timeout=120) for _ in range(4 * len(rounds))]
    for p in procs:
        p.join(timeout=60)
    won = {}
    for unit, code, name, saved in acks:
        won.setdefault((unit, code), [])
        if saved:
            won[(unit, code)].append(name)
    assert all(len(names) == 1 for names in won.values()), won  # never two "Đã lưu" for one criterion
    history = book.history(2024)
    assert history.groupby(["unit", "code"]).size().tolist() == [1] * len(rounds)


def test_relative_sqlite_paths_are_the_campaign_folders_and_passwords_never_shown(tmp_path, monkeypatch):
    from kit.store.gradebook import default_url, shown

    monkeypatch.delenv("KIT_GRADEBOOK_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    camp = tmp_path / "camp"
    assert default_url(camp) == f"sqlite:///{(camp / 'gradebook.sqlite').resolve()}"
    assert default_url(camp, "sqlite:///so/diem.sqlite") == f"sqlite:///{(camp / 'so' / 'diem.sqlite').resolve()}"
    assert default_url(camp, "sqlite:////abs/x.sqlite") == "sqlite:////abs/x.sqlite"
    assert shown("postgresql://kit:bi-mat@db.example/thidua") == "postgresql://kit:***@db.example/thidua"


def test_postgresql_refuses_edits_and_the_ledger_finds_what_an_owner_forced(postgres):
    with Gradebook(postgres.new_database()) as gb:
        gb.record([d(score=1), d(code="1.2", score=2), d(code="1.3", score=0)])
        for sql in ("UPDATE decisions SET score = 0", "DELETE FROM decisions", "TRUNCATE decisions"):
            with pytest.raises(DBAPIError, match="append-only"), gb.engine.begin() as conn:
                conn.execute(text(sql))
        victim = int(gb.history(2024)["id"].iloc[1])
        with gb.engine.begin() as conn:  # an owner who lifts the triggers can edit; the chain shows it
            conn.execute(text("ALTER TABLE decisions DISABLE TRIGGER USER"))
            conn.execute(text(f"UPDATE decisions SET score = 5 WHERE id = {victim}"))
            conn.execute(text("ALTER TABLE decisions ENABLE TRIGGER USER"))
        with pytest.raises(GradebookError, match=f"quyết định số {victim} "):
            gb.history(2024)


# The grants README gives a team's PostgreSQL server: the app's role may read and append decisions, nothing more.
APP_ROLE_SQL = """
CREATE ROLE kit_app LOGIN PASSWORD 'doi-mat-khau';
GRANT SELECT, INSERT ON decisions TO kit_app;
GRANT SELECT, INSERT, DELETE ON kit_meta, positions TO kit_app;
GRANT SELECT, INSERT ON comment_library TO kit_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO kit_app;
"""


def test_postgresql_app_role_without_update_or_delete_grants_works(postgres, capsys):
    owner_url = postgres.new_database()
    assert main_cli(["gradebook", "init", "--url", owner_url]) == 0  # the owner creates the schema once
    with Gradebook(owner_url) as owner, owner.engine.begin() as conn:
        conn.execute(text(APP_ROLE_SQL))
    app_url = owner_url.replace("postgres@", "kit_app:doi-mat-khau@")
    with Gradebook(app_url) as gb:
        gb.record([d(score=1), d(score=2, who="Minh")])
        gb.add_comment("Thiếu kiểm chứng", "Lan")
        gb.add_comment("Chỉ của Bảo", "Bảo")
        assert gb.comments(by="Bảo") == ["Chỉ của Bảo"]
        gb.save_position("Lan", {"unit": "U1"})
        gb.save_position("Lan", {"unit": "U2"})
        assert gb.latest(2024)["score"].tolist() == [2.0] and gb.position("Lan") == {"unit": "U2"}
        for sql, refused in (("UPDATE decisions SET score = 0", "permission denied"),
                             ("DELETE FROM decisions", "permission denied"),
                             ("ALTER TABLE decisions DISABLE TRIGGER USER", "must be owner")):
            with pytest.raises(DBAPIError, match=refused), gb.engine.begin() as conn:
                conn.execute(text(sql))
    assert "doi-mat-khau" not in capsys.readouterr().out
