"""Anchors outside the database: the gradebook checked against what was issued (issue 27, item 2).

The chain and the archive's seal are unkeyed: someone who edits a score and recomputes every chain and both heads,
or rewrites an archive member with its manifest and seal, passes the self-checks (shown here first). What they
cannot reach is the anchor printed on what was issued, and the SHA-256 on the signed handover minute.
"""

import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from kit.app.anchors import anchors_of_file, compare, typed
from kit.app.archive import MANIFEST, _seal, check_archive, minute_path
from kit.app.documents import year_documents
from kit.app.year import load_year
from kit.cli import main
from kit.config.campaign import load_campaign
from kit.core.errors import GradebookError
from kit.store.gradebook import Decision, Gradebook
from kit.store.ledger import ANCHOR_LABEL, FIELDS, LEDGER_FILE, link
from tests.helpers import init_gradebook, write_campaign


def _rewrite_a_score(root: Path, year: int) -> int:
    """What an insider with the database file does: change a score, then recompute the year's chain from there
    on, the head in the database and the head in the ledger file. Returns the decision changed."""
    db = sqlite3.connect(root / "gradebook.sqlite")
    db.execute("DROP TRIGGER decisions_no_update")
    (target,) = db.execute("SELECT max(id) FROM decisions WHERE year = ? AND na = 0 AND score > 0 AND stage = "
                           "'appraisal'", (year,)).fetchone()
    db.execute("UPDATE decisions SET score = 0.0 WHERE id = ?", (target,))
    previous = ""
    for row in db.execute(f"SELECT {', '.join(FIELDS)} FROM decisions WHERE year = ? ORDER BY id", (year,)).fetchall():
        previous = link(previous, row)
        db.execute("UPDATE decisions SET chain = ? WHERE id = ?", (previous, row[0]))
    heads = json.loads(db.execute("SELECT value FROM kit_meta WHERE key = 'ledger'").fetchone()[0])
    heads[str(year)]["chain"] = previous
    db.execute("UPDATE kit_meta SET value = ? WHERE key = 'ledger'", (json.dumps(heads, sort_keys=True),))
    db.commit()
    db.close()
    ledger = json.loads((root / LEDGER_FILE).read_text(encoding="utf-8"))
    ledger["years"][str(year)]["chain"] = previous
    (root / LEDGER_FILE).write_text(json.dumps(ledger), encoding="utf-8")
    return target


@pytest.fixture
def issued(demo_copy, tmp_path):
    """The demo's 2024 notices, issued: each prints the gradebook's anchor at the foot of its pages."""
    folder = tmp_path / "reports" / "2024" / "van-ban"
    batch = year_documents(load_year(load_campaign(demo_copy), 2024), folder, notices_only=True)
    assert batch.written and not batch.failed
    return folder


def test_the_anchor_is_printed_on_every_signed_document(demo_copy, issued):
    with Gradebook.for_campaign(load_campaign(demo_copy), readonly=True) as gb:
        anchor = gb.anchor()
    for path in issued.rglob("*.docx"):
        with zipfile.ZipFile(path) as zf:
            footers = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("word/footer"))
            properties = zf.read("docProps/core.xml").decode()
        assert anchor.line in footers and anchor.line in properties  # seen on paper, and in File → Properties
        assert anchors_of_file(path) == [anchor]


@pytest.mark.sqlite_only
def test_a_rewritten_chain_passes_its_own_check_but_not_the_anchor_on_an_issued_document(demo_copy, issued,
                                                                                           capsys):
    args = ["--campaign", str(demo_copy)]
    assert main(["gradebook", "verify", *args, "--against", str(issued.parent.parent)]) == 0
    assert "khớp sổ điểm hiện tại" in capsys.readouterr().out
    paper = anchors_of_file(next(issued.rglob("*.docx")))[0]
    _rewrite_a_score(demo_copy, 2024)
    assert main(["gradebook", "verify", *args]) == 0  # unkeyed: the rewrite is consistent in itself
    capsys.readouterr()
    assert main(["gradebook", "verify", *args, "--against", str(issued.parent.parent)]) == 1
    out = capsys.readouterr().out
    assert "đã bị viết lại" in out and str(paper) in out
    assert main(["gradebook", "verify", *args, "--against-head", f"{paper.digest} {paper.decisions}"]) == 1  # typed
    assert "đã bị viết lại" in capsys.readouterr().out


def test_a_gradebook_ahead_of_or_behind_an_issued_anchor_is_told_apart(tiny, book, tmp_path, capsys):
    book.record([Decision(2024, "U1", "1.1", "appraisal", 1.0, "Lan"), Decision(2024, "U2", "1.1", "appraisal", 2.0,
                                                                                 "Lan")])
    then = book.anchor()
    book.record(Decision(2024, "U3", "1.1", "appraisal", 1.0, "Lan"))
    (ahead,) = compare(book, [typed(str(then))])
    assert ahead.standing.value == "ahead" and ahead.since == 1 and "ghi thêm 1 quyết định" in ahead.format()
    (current,) = compare(book, [typed(book.anchor().digest)])  # typed without its count: every count searched
    assert current.standing.value == "current"
    page = tmp_path / "bao-cao.html"
    page.write_text(f"<p>{ANCHOR_LABEL}: <code>{then.digest[:8]}</code>x</p><p>{ANCHOR_LABEL}: <code>"
                    f"{then.digest}</code> ({then.decisions} quyết định)</p>", encoding="utf-8")
    assert anchors_of_file(page) == [then]
    (behind,) = compare(book, [typed(f"{then.digest} (9.999 quyết định)")])
    assert behind.standing.value == "behind" and behind.problem() is not None
    assert main(["gradebook", "verify", "--campaign", str(tiny.root), "--against-head", "khong-phai-ma"]) == 2
    assert "16 chữ số" in capsys.readouterr().err


def test_the_report_header_prints_the_anchor(tiny, book, monkeypatch):
    from kit.app.fingerprint import fingerprint
    from kit.reporting import display

    book.record(Decision(2024, "U1", "1.1", "appraisal", 1.0, "Lan"))
    shown: list[str] = []
    monkeypatch.setattr(display, "_display", shown.append)
    display.header(tiny, "BÁO CÁO", {"year": 2024}, fingerprint(tiny.root, [2024]))
    assert f"{ANCHOR_LABEL}: <code>{book.anchor()}</code>" in shown[0]


@pytest.mark.sqlite_only
def test_a_rewritten_archive_passes_its_seal_but_not_the_signed_minute(demo_copy, tmp_path, capsys):
    out = tmp_path / "ban-giao.zip"
    assert main(["archive", "--campaign", str(demo_copy), "--reports", str(tmp_path / "r"), "--out", str(out)]) == 0
    assert minute_path(out).name in capsys.readouterr().out
    sha = hashlib.sha256(out.read_bytes()).hexdigest()
    minute = zipfile.ZipFile(minute_path(out)).read("word/document.xml").decode()
    with Gradebook.for_campaign(load_campaign(demo_copy), readonly=True) as gb:
        anchor = gb.anchor()
    assert sha in minute and str(anchor) in minute and "BIÊN BẢN" in minute and "ĐẠI DIỆN BÊN NHẬN" in minute
    assert json.loads(zipfile.ZipFile(out).read(MANIFEST))["ledger_head"]["digest"] == anchor.digest
    # the insider rewrites a member, then the manifest and the seal, as the kit itself would
    rebuilt = tmp_path / "viet-lai.zip"
    with zipfile.ZipFile(out) as src:
        manifest = json.loads(src.read(MANIFEST))
        with zipfile.ZipFile(rebuilt, "w", compression=zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "du-lieu/units.csv":
                    data = data.replace("Phòng Nội vụ".encode(), b"Phong khac")
                    entry = next(f for f in manifest["files"] if f["path"] == item.filename)
                    entry["sha256"], entry["bytes"] = hashlib.sha256(data).hexdigest(), len(data)
                if item.filename != MANIFEST:
                    dst.writestr(item, data)
            dst.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            dst.comment = src.comment
    _seal(rebuilt)
    assert check_archive(rebuilt).ok  # unkeyed: consistent in itself
    assert main(["archive", "--verify", str(out), "--expect", sha]) == 0
    capsys.readouterr()
    assert main(["archive", "--verify", str(rebuilt), "--expect", sha]) == 1
    assert "khác mã ghi trong biên bản bàn giao" in capsys.readouterr().out
    assert main(["gradebook", "verify", "--campaign", str(demo_copy), "--against", str(out)]) == 0


@pytest.mark.sqlite_only
def test_a_deleted_ledger_file_is_an_error_not_a_fresh_record(tiny, book, capsys):
    book.record(Decision(2024, "U1", "1.1", "appraisal", 1.0, "Lan"))
    book.close()
    before = (tiny.root / "gradebook.sqlite").read_bytes()
    (tiny.root / LEDGER_FILE).unlink()
    args = ["--campaign", str(tiny.root), "--reports", str(tiny.root / "o")]
    for command in (["gradebook", "verify"], ["results", "--year", "2024"]):
        assert main([*command, *args]) == 1
        err = capsys.readouterr().err
        assert f"Thiếu tệp {tiny.root / LEDGER_FILE}" in err and "Traceback" not in err
    with pytest.raises(GradebookError, match="Thiếu tệp"):
        Gradebook.for_campaign(tiny)  # a writer neither
    assert not (tiny.root / LEDGER_FILE).exists() and (tiny.root / "gradebook.sqlite").read_bytes() == before


@pytest.mark.sqlite_only
def test_both_files_gone_is_an_error_and_init_will_not_begin_where_documents_cite_a_gradebook(demo_copy, issued,
                                                                                              capsys):
    for name in ("gradebook.sqlite", "gradebook.sqlite-wal", "gradebook.sqlite-shm", LEDGER_FILE):
        (demo_copy / name).unlink(missing_ok=True)
    reports = issued.parent.parent
    args = ["--campaign", str(demo_copy), "--reports", str(reports)]
    assert main(["gradebook", "verify", *args]) == 1
    assert "kit gradebook init" in capsys.readouterr().err
    assert main(["results", "--year", "2024", *args]) == 1  # never self scores as if nothing had been decided
    capsys.readouterr()
    assert main(["gradebook", "init", *args]) == 1
    assert "không tạo sổ điểm mới rỗng" in capsys.readouterr().err
    assert not (demo_copy / "gradebook.sqlite").exists() and not (demo_copy / LEDGER_FILE).exists()


def test_init_refuses_an_existing_gradebook_and_begins_a_new_one(tmp_path, capsys):
    root = write_campaign(tmp_path / "camp", gradebook=False)
    args = ["--campaign", str(root), "--reports", str(tmp_path / "reports")]
    assert main(["gradebook", "init", *args]) == 0
    assert (root / "gradebook.sqlite").exists() and (root / LEDGER_FILE).exists()
    with Gradebook.for_campaign(load_campaign(root)) as gb:
        gb.record(Decision(2024, "U1", "1.1", "appraisal", 1.0, "Lan"))
    ledger = (root / LEDGER_FILE).read_bytes()
    capsys.readouterr()
    assert main(["gradebook", "init", *args]) == 1
    assert "không tạo sổ điểm mới đè lên" in capsys.readouterr().err
    (root / "gradebook.sqlite").rename(root / "away.sqlite")
    assert main(["gradebook", "init", *args]) == 1  # the ledger file alone says a gradebook was begun here
    assert (root / LEDGER_FILE).read_bytes() == ledger
    (root / "away.sqlite").rename(root / "gradebook.sqlite")
    with Gradebook.for_campaign(load_campaign(root), readonly=True) as gb:
        assert gb.count() == 1


def test_a_lost_ledger_file_is_adopted_only_on_request(tiny, book, capsys):
    book.record(Decision(2024, "U1", "1.1", "appraisal", 1.0, "Lan"))
    anchor = book.anchor()
    book.close()
    (tiny.root / LEDGER_FILE).unlink()
    assert main(["gradebook", "init", "--adopt", "--campaign", str(tiny.root)]) == 0
    assert str(anchor) in capsys.readouterr().out
    assert main(["gradebook", "verify", "--campaign", str(tiny.root), "--against-head", str(anchor)]) == 0


def test_dropped_postgresql_tables_are_an_error_and_are_not_made_again(postgres, tmp_path, capsys):
    url = postgres.new_database()
    root = write_campaign(tmp_path / "camp", gradebook=False)
    with (root / "campaign.yml").open("a", encoding="utf-8") as f:
        f.write(f'gradebook: "{url}"\n')
    init_gradebook(root, url)
    with Gradebook.for_campaign(load_campaign(root)) as gb:
        gb.record(Decision(2024, "U1", "1.1", "appraisal", 1.0, "Lan"))
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE decisions, award_events, kit_meta, comment_library, positions CASCADE"))
    args = ["--campaign", str(root), "--reports", str(tmp_path / "o")]
    for command in (["gradebook", "verify"], ["results", "--year", "2024"]):
        assert main([*command, *args]) == 1
        assert "Không thấy các bảng của sổ điểm" in capsys.readouterr().err
    with pytest.raises(GradebookError):
        Gradebook.for_campaign(load_campaign(root))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('decisions')")).scalar() is None  # nothing made again
    engine.dispose()


def test_the_demo_and_the_tests_begin_their_gradebooks_explicitly(tmp_path):
    root = write_campaign(tmp_path / "camp", gradebook=False)
    with pytest.raises(GradebookError, match="kit gradebook init"):
        Gradebook.for_campaign(load_campaign(root))
    assert not (root / "gradebook.sqlite").exists()


def test_a_schema_made_by_the_owner_is_begun_by_init_in_the_campaign(tmp_path, capsys):
    root = write_campaign(tmp_path / "camp", gradebook=False)
    url = f"sqlite:///{(root / 'gradebook.sqlite').resolve()}"
    assert main(["gradebook", "init", "--url", url]) == 0  # the database's owner, once: no ledger file yet
    with pytest.raises(GradebookError, match="Thiếu tệp"):
        Gradebook.for_campaign(load_campaign(root))
    assert main(["gradebook", "init", "--campaign", str(root), "--reports", str(tmp_path / "r")]) == 0
    with Gradebook.for_campaign(load_campaign(root)) as gb:
        assert gb.record(Decision(2024, "U1", "1.1", "appraisal", 1.0, "Lan")) == [1]


def test_the_handover_minutes_template_is_clean():
    from kit.app.archive import HANDOVER
    from kit.outputs.doc_templates import default_template
    from kit.outputs.template_check import check_text

    assert check_text(default_template(HANDOVER)).problems == ()


def test_the_published_honour_roll_prints_the_anchor(tmp_path):
    from kit.app.pipeline import write_proposals
    from tests.helpers import DEMO

    state = load_year(DEMO, 2024)
    _, _, roll = write_proposals([state], "yearly", tmp_path)
    assert state.anchor is not None and anchors_of_file(roll) == [state.anchor]


def test_a_long_lived_reader_sees_a_rewritten_history_not_its_cache(demo_copy):
    """A kernel that read the year before (the meeting view, the panel) reads it again after a rewrite that kept
    the number of decisions and the highest id: the year cache is keyed on the chain's head as well."""
    campaign = load_campaign(demo_copy)
    before = load_year(campaign, 2024)
    target = _rewrite_a_score(demo_copy, 2024)
    after = load_year(campaign, 2024)
    scores = after.decisions.set_index("id")["score"]
    assert before.decisions.set_index("id")["score"][target] > 0 and scores[target] == 0.0
