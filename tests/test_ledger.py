"""The gradebook's ledger: edits, damage, a missing or older gradebook are found before anything is ranked."""

import random
import shutil
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from kit.app.appraisal import Workspace
from kit.app.audit import verify
from kit.app.year import load_year
from kit.cli import main
from kit.core.errors import GradebookError
from kit.core.vocab import Stage
from kit.store.gradebook import AwardEvent, Decision, Gradebook, evidence_hash
from kit.store.ledger import LEDGER_FILE, Head, LedgerFile
from kit.ui.scoring_panel import AppraisalPanel
from tests.helpers import ROOT

CODES = ("1.1", "1.2", "1.3", "1.4", "1.5")


def _fill(gb, n=60, seed=1):
    """``n`` decisions on the tiny campaign's criteria, in range."""
    rng = random.Random(seed)
    batch = [Decision(2024, rng.choice(("U1", "U2")), code, "appraisal",
                      -0.5 if code == "1.5" else rng.choice((0.0, 0.5, 1.0)), rng.choice(("Lan", "Minh")),
                      rng.choice(("", "Thiếu minh chứng", "Đạt"))) for code in rng.choices(CODES, k=n)]
    for start in range(0, n, 7):
        gb.record(batch[start:start + 7])


def _bypass_triggers(gb, sql):
    """What a database tool (or a disk) can do that the kit never does."""
    with gb.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER decisions_no_update"))
        conn.execute(text("DROP TRIGGER decisions_no_delete"))
        conn.execute(text(sql))


def _ledger_damage(tiny):
    with Gradebook.for_campaign(tiny, readonly=True) as gb:
        return verify(tiny, gb)


@pytest.mark.sqlite_only
def test_an_edit_made_outside_the_kit_stops_ranking_and_names_the_decision(tiny, book):
    _fill(book)
    victim = int(book.history(2024)["id"].iloc[3])
    _bypass_triggers(book, f"UPDATE decisions SET score = 2 WHERE id = {victim}")
    with pytest.raises(GradebookError, match=f"quyết định số {victim} .*không khớp chuỗi kiểm chứng"):
        load_year(tiny, 2024)
    found = _ledger_damage(tiny)
    assert not found.ok and [p.code for p in found.problems] == ["LEDGER_BROKEN"]
    assert f"quyết định số {victim}" in found.format()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("which", ["middle", "last"])
def test_a_removed_decision_is_found(tiny, book, which):
    _fill(book)
    ids = book.history(2024)["id"].tolist()
    _bypass_triggers(book, f"DELETE FROM decisions WHERE id = {ids[2] if which == 'middle' else ids[-1]}")
    with pytest.raises(GradebookError, match="không khớp chuỗi" if which == "middle" else "chỉ còn đọc được"):
        book.history(2024)


@pytest.mark.sqlite_only
def test_a_deleted_gradebook_is_not_recreated_empty_and_results_refuse(tiny, book, capsys):
    _fill(book)
    book.close()
    (tiny.root / "gradebook.sqlite").unlink()
    args = ["--campaign", str(tiny.root), "--reports", str(tiny.root / "out")]
    assert main(["results", "--year", "2024", *args]) == 1
    err = capsys.readouterr().err
    assert "Không thấy tệp sổ điểm" in err and "kit gradebook restore" in err and "Traceback" not in err
    assert not (tiny.root / "gradebook.sqlite").exists() and not (tiny.root / "out").exists()
    with pytest.raises(GradebookError, match="Không thấy tệp sổ điểm"):
        Workspace.open(tiny, 2024, Gradebook.for_campaign(tiny))  # nor by an evaluator's panel


@pytest.mark.sqlite_only
def test_an_older_copy_put_back_is_refused_until_restored_on_purpose(tiny, book, capsys):
    _fill(book, n=30)
    args = ["--campaign", str(tiny.root)]
    old = tiny.root / "old.sqlite"
    assert main(["gradebook", "backup", "--out", str(old), *args]) == 0
    _fill(book, n=12, seed=2)
    book.close()
    shutil.copy(old, tiny.root / "gradebook.sqlite")  # what someone "fixing" a problem by hand does
    for suffix in ("-wal", "-shm"):
        (tiny.root / f"gradebook.sqlite{suffix}").unlink(missing_ok=True)
    with pytest.raises(GradebookError, match="bản sao lưu cũ"):
        load_year(tiny, 2024)
    capsys.readouterr()
    assert main(["gradebook", "restore", str(old), *args]) == 0
    out = capsys.readouterr().out
    assert "không còn — hãy nhập lại" in out and "được giữ lại" in out
    state = load_year(tiny, 2024)  # restored on purpose: usable again, the lost decisions listed above
    with Gradebook(f"sqlite:///{old}", readonly=True) as backup:
        assert len(state.decisions) == len(backup.history(2024))
    assert list(tiny.root.glob("gradebook.truoc-khoi-phuc-*.sqlite"))  # the replaced file is kept


@pytest.mark.sqlite_only
def test_another_gradebook_in_its_place_is_refused(tiny, book, tmp_path):
    _fill(book)
    book.close()
    with Gradebook(f"sqlite:///{tmp_path / 'other.sqlite'}") as other:
        _fill(other, n=80)
    shutil.copy(tmp_path / "other.sqlite", tiny.root / "gradebook.sqlite")
    for suffix in ("-wal", "-shm"):
        (tiny.root / f"gradebook.sqlite{suffix}").unlink(missing_ok=True)
    with pytest.raises(GradebookError, match="không phải sổ điểm đã ghi lần cuối"):
        load_year(tiny, 2024)


@pytest.mark.sqlite_only
def test_a_gradebook_deleted_while_an_evaluator_works_is_said_and_the_input_kept(tiny, book):
    panel = AppraisalPanel(Workspace.open(tiny, 2024, book))
    row = next(e for e in panel.editors if e.row.code == "1.3")
    row.score.value = "1"
    row.comment.value = "Thiếu tin bài"
    (tiny.root / "gradebook.sqlite").unlink()
    assert panel.save() is False
    assert "đã bị xóa" in panel.message.value and "CHƯA được lưu" in panel.message.value
    assert row.score.value == "1" and row.dirty
    assert not (tiny.root / "gradebook.sqlite").exists()


@pytest.mark.parametrize("failure, said", [("database or disk is full", "Ổ đĩa chứa sổ điểm đã đầy"),
                                           ("attempt to write a readonly database", "chỉ cho phép đọc")])
def test_a_full_or_read_only_disk_is_said_in_vietnamese_and_the_input_kept(tiny, book, monkeypatch, failure, said):
    panel = AppraisalPanel(Workspace.open(tiny, 2024, book))
    row = next(e for e in panel.editors if e.row.code == "1.3")
    row.score.value = "1"
    row.comment.value = "Thiếu tin bài"

    def refuse(conn, row):
        raise OperationalError("INSERT", {}, sqlite3.OperationalError(failure))

    monkeypatch.setattr(Gradebook, "_insert", staticmethod(refuse))
    assert panel.save() is False
    assert said in panel.message.value and "Traceback" not in panel.message.value
    assert row.score.value == "1" and row.dirty and book.count() == 0


@pytest.mark.sqlite_only
def test_reading_never_writes(tiny, book):
    _fill(book)
    book.close()
    files = {p.name: p.read_bytes() for p in tiny.root.iterdir() if p.name.startswith("gradebook")}
    load_year(tiny, 2024)
    assert main(["results", "--year", "2024", "--campaign", str(tiny.root), "--reports", str(tiny.root / "o")]) == 0
    assert {n: b for n, b in files.items()} == {p.name: p.read_bytes() for p in tiny.root.iterdir()
                                                 if p.name in files}
    fresh = tiny.root.parent / "fresh"
    shutil.copytree(tiny.root, fresh, ignore=shutil.ignore_patterns("gradebook*"))
    with pytest.raises(GradebookError, match="kit gradebook init"):  # never begun by a reader: an error
        load_year(fresh, 2024)
    assert not list(fresh.glob("gradebook*"))  # nothing created


def test_out_of_range_and_unknown_decisions_are_listed(tiny, book):
    book.record([Decision(2024, "U1", "1.1", "appraisal", 7.0, "Lan"), Decision(2024, "U9", "1.1", "appraisal", 1.0,
                                                                                 "Lan"),
                 Decision(2024, "U1", "9.9", "appraisal", 1.0, "Lan")])
    found = _ledger_damage(tiny)
    assert sorted(p.code for p in found.problems) == ["DECISION_OUT_OF_RANGE", "DECISION_UNKNOWN", "DECISION_UNKNOWN"]
    assert "từ 0 đến 2" in found.format()


def test_an_old_gradebook_gets_its_chain_when_first_opened(tmp_path):
    path = tmp_path / "v1.sqlite"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE kit_meta (key VARCHAR(64) PRIMARY KEY, value TEXT);
        INSERT INTO kit_meta VALUES ('schema_version', '1');
        CREATE TABLE decisions (id INTEGER PRIMARY KEY, year INTEGER NOT NULL, unit VARCHAR(32) NOT NULL,
            code VARCHAR(32) NOT NULL, criterion_key VARCHAR(64) NOT NULL, stage VARCHAR(16) NOT NULL, score FLOAT,
            na BOOLEAN NOT NULL, evaluator VARCHAR(128) NOT NULL, comment TEXT NOT NULL, created_at VARCHAR(40)
            NOT NULL, self_score FLOAT, evidence_hash VARCHAR(16) NOT NULL, source VARCHAR(32) NOT NULL);
        CREATE TABLE comment_library (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE, created_by VARCHAR(128)
            NOT NULL, created_at VARCHAR(40) NOT NULL);
        CREATE TABLE positions (evaluator VARCHAR(128) PRIMARY KEY, state TEXT NOT NULL, updated_at VARCHAR(40)
            NOT NULL);
        CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions BEGIN SELECT RAISE(ABORT, 'append-only'); END;
        INSERT INTO decisions VALUES (1, 2024, 'U1', '1.1', '', 'appraisal', 1.0, 0, 'Lan', '', '2024-12-01', 2.0,
            '', 'notebook');
        INSERT INTO decisions VALUES (2, 2024, 'U1', '1.5', '', 'appraisal', -0.0, 0, 'Lan', 'x', '2024-12-02', NULL,
            '', 'notebook');
    """)
    db.close()
    with Gradebook(f"sqlite:///{path}", readonly=True) as gb:  # a reader has a writer migrate it once
        assert gb.history(2024)["score"].tolist() == [1.0, 0.0]
        assert gb.heads()[2024].count == 2
    with Gradebook(f"sqlite:///{path}") as gb:
        gb.record(Decision(2024, "U2", "1.1", "appraisal", 2.0, "Minh"))
        assert len(gb.history(2024)) == 3
        with pytest.raises(Exception, match="append-only"), gb.engine.begin() as conn:
            conn.execute(text("UPDATE decisions SET score = 0"))


def _as_read(path):
    """What the kit reads from a gradebook file: every year's decisions and heads, or the error it gives."""
    try:
        with Gradebook(f"sqlite:///{path}", readonly=True) as gb:
            return {y: (gb.unchecked_history(y)[0].to_dict("records"), gb.unchecked_history(y)[1])
                    for y in gb.years()}
    except GradebookError as exc:
        return f"unreadable: {exc}"


@pytest.mark.sqlite_only
def test_verify_finds_every_single_byte_corruption_that_changes_data(tiny, book, tmp_path):
    """90 random single-byte flips of a gradebook file: each one that changes what the kit reads (or makes it
    unreadable) is reported — a Vietnamese error on open or problems from verify — never silently ranked on and
    never a traceback."""
    _fill(book, n=250)
    book.add_comment("Thiếu minh chứng", "Lan")
    book.close()
    pristine = (tiny.root / "gradebook.sqlite").read_bytes()
    ledger = (tiny.root / LEDGER_FILE).read_bytes()
    baseline = _as_read(tiny.root / "gradebook.sqlite")
    rng = random.Random(2026)
    changed = reported = 0
    for _ in range(90):
        broken = bytearray(pristine)
        at = rng.randrange(len(broken))
        broken[at] ^= 1 << rng.randrange(8)
        (tiny.root / "gradebook.sqlite").write_bytes(bytes(broken))
        (tiny.root / LEDGER_FILE).write_bytes(ledger)
        for suffix in ("-wal", "-shm"):
            (tiny.root / f"gradebook.sqlite{suffix}").unlink(missing_ok=True)
        if _as_read(tiny.root / "gradebook.sqlite") == baseline:
            continue
        changed += 1
        try:
            with Gradebook.for_campaign(tiny, readonly=True) as gb:
                found = verify(tiny, gb)
            reported += not found.ok
            assert not found.ok, f"byte {at}: data changed, verify said ok"
        except GradebookError:
            reported += 1
    print(f"{changed} of 90 flips changed the data, {reported} reported")
    assert changed >= 10 and reported == changed  # (the rest fell in free space or unused bytes)
    assert LedgerFile(tiny.root / LEDGER_FILE).read()[1]  # the campaign's record of the ledger was kept


@pytest.mark.sqlite_only
def test_a_damaged_schema_text_is_a_message_not_a_traceback(tmp_path):
    """A flipped byte in the schema's text (not UTF-8 any more) used to escape as UnicodeDecodeError."""
    path = tmp_path / "gb.sqlite"
    with Gradebook(f"sqlite:///{path}") as gb:
        gb.record(Decision(2024, "U1", "1.1", "appraisal", 1.0, "Lan"))
    data = bytearray(path.read_bytes())
    at = data.find(b"CREATE TABLE decisions")
    data[at + 7] = 0xE1  # inside "TABLE": an invalid UTF-8 sequence
    path.write_bytes(bytes(data))
    with pytest.raises(GradebookError, match="bị hỏng"):
        with Gradebook(f"sqlite:///{path}", readonly=True) as gb:
            gb.history(2024)


# -- a gradebook made by an earlier kit: the chains are the stored data, they must read and continue unchanged --
BEFORE_SPLIT = ROOT / "tests" / "fixtures" / "gradebook-schema4"  # made by _pinned_history at 93a7c14, SQLite
PINNED = {  # the chains the kit computed then, on the same input: a change in what is hashed shows here
    "2024": "b6e4aab102ac17fbb7db6df001d4b26047faa280fd274499b0015edf03b3e8a5",
    "awards": "4d5cf25d004c509145bf6f79ca307ecbdec4dace93c4dce5bcd5bbb5e008868e",
    "next": "7d71a3e99e4874a8d6cf6a910668e5d9f0e036c5650f74253065fa7fbb74452a",
    "next awards": "6bd4a110675624c8d6c3549e661691894006bd479711ddf83134d29beda54770",
}


def _pinned_history(gb):
    """Every kind of value the chain hashes, in a fixed order with fixed times: each stage, "Không áp dụng" with its
    reason, -0.0, self scores and none, evidence fingerprints, diacritics, a tab and a line break, two sources, a
    criterion key, batches of several decisions; a revocation; a reusable comment and a position (not chained)."""
    at = "2024-12-0{}T09:30:00.000001+07:00".format
    fingerprint = evidence_hash("KH số 1/KH-UBND")
    gb.record([Decision(2024, "U1", "1.1", Stage.APPRAISAL, 2.0, "Nguyễn Thị Lan", "Đạt", self_score=2.0,
                        evidence_hash=fingerprint, criterion_key="k-1.1", created_at=at(1)),
               Decision(2024, "U1", "1.2", Stage.APPRAISAL, None, "Nguyễn Thị Lan", "Không có dịch vụ công\ttrực tuyến",
                        na=True, created_at=at(1)),
               Decision(2024, "U1", "1.5", Stage.APPRAISAL, -0.0, "Nguyễn Thị Lan", "", self_score=-0.5,
                        created_at=at(1))])
    gb.record(Decision(2024, "U2", "1.3", Stage.APPRAISAL, 0.5, "Trần Văn Minh", "Thiếu tin bài,\nchỉ có 2 bản",
                       self_score=1.5, source="excel", created_at=at(2)))
    gb.record(Decision(2024, "U2", "1.3", Stage.EXPLANATION, 1.5, "Đơn vị Hai", "Bổ sung 8 tin bài",
                       source="excel", created_at=at(3)))
    gb.record([Decision(2024, "U2", "1.3", Stage.SECOND, 1.0, "Phạm Quốc Bảo", "Đủ một nửa", created_at=at(4)),
               Decision(2024, "U2", "1.4", Stage.APPRAISAL, 1.0, "Trần Văn Minh", "Sáng kiến cấp huyện",
                        created_at=at(4))])
    gb.record([Decision(2024, "U2", "1.3", Stage.RECONCILIATION, 1.0, "Hội đồng", "Theo ý kiến thẩm định lại",
                        created_at=at(5)),
               Decision(2024, "U2", "1.3", Stage.FINAL, 1.5, "Hội đồng", "Chấp nhận giải trình", created_at=at(6))])
    gb.record_award_event(AwardEvent("15/QĐ-UBND", "U3", "Thành tích kê khai không đúng", "Nguyễn Thị Lan",
                                     title="Giấy khen", number="20/QĐ-UBND", effective="2024-12-20",
                                     created_at=at(7)))
    gb.add_comment("Thiếu minh chứng", "Nguyễn Thị Lan")
    gb.save_position("Nguyễn Thị Lan", {"unit": "U2", "code": "1.3"})


def _continue(gb):
    """What a writer adds after opening: a decision and a revocation, chained to those before them."""
    gb.record(Decision(2024, "U3", "1.1", Stage.APPRAISAL, 0.0, "Trần Văn Minh", "Chưa có kế hoạch",
                       created_at="2024-12-09T08:00:00+07:00"))
    gb.record_award_event(AwardEvent("16/QĐ-UBND", "U1", "Trùng thành tích", "Trần Văn Minh",
                                     created_at="2024-12-09T08:01:00+07:00"))


@pytest.mark.sqlite_only
def test_a_gradebook_made_before_the_split_reads_verifies_and_continues_unchanged(tiny):
    for name in ("gradebook.sqlite", LEDGER_FILE):
        shutil.copyfile(BEFORE_SPLIT / name, tiny.root / name)
    stored = (tiny.root / "gradebook.sqlite").read_bytes()
    with Gradebook.for_campaign(tiny, readonly=True) as gb:
        found = verify(tiny, gb)
        assert found.ok and found.counts == {2024: 9}, found.format()
        assert gb.heads() == {2024: Head(9, 9, PINNED["2024"])} and gb.award_head() == Head(1, 1, PINNED["awards"])
        assert gb.latest(2024)[["unit", "code", "stage"]].values.tolist() == [
            ["U1", "1.1", "appraisal"], ["U1", "1.2", "appraisal"], ["U1", "1.5", "appraisal"],
            ["U2", "1.4", "appraisal"], ["U2", "1.3", "final"]]
        assert gb.award_events()["subject"].tolist() == ["U3"]
        assert gb.comments() == ["Thiếu minh chứng"] and gb.position("Nguyễn Thị Lan") == {"unit": "U2", "code": "1.3"}
    assert (tiny.root / "gradebook.sqlite").read_bytes() == stored  # read, never written
    with Gradebook.for_campaign(tiny) as gb:
        _continue(gb)
        assert gb.heads()[2024].chain == PINNED["next"] and gb.award_head().chain == PINNED["next awards"]
        assert verify(tiny, gb).ok
    _, years, awards = LedgerFile(tiny.root / LEDGER_FILE).read_all()
    assert years[2024].chain == PINNED["next"] and awards.chain == PINNED["next awards"]


def test_new_gradebooks_chain_exactly_as_before_the_split(tiny):
    """The same decisions on a new gradebook of either backend get the chains the kit gave them before."""
    with Gradebook.for_campaign(tiny) as gb:
        _pinned_history(gb)
        assert gb.heads()[2024].chain == PINNED["2024"] and gb.award_head().chain == PINNED["awards"]
        _continue(gb)
        assert gb.heads()[2024].chain == PINNED["next"] and gb.award_head().chain == PINNED["next awards"]
        assert verify(tiny, gb).ok
