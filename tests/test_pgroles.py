"""Issue 23, item 3 on PostgreSQL: each account its own login role, rules the database enforces (kit.store.roles).

Every test connects as the accounts ``kit gradebook grant`` made, on a throwaway cluster, and tries what the issue
measured on the shared-role setup: a forged author, a hand-computed chain, a row not assigned, the blind second
appraisal, the write lock held forever, ``DELETE FROM kit_meta`` and others' positions, a council member writing.
"""

from __future__ import annotations

import math
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from kit.core.errors import GradebookError
from kit.core.vocab import Stage
from kit.store.engine import driver_url
from kit.store.gradebook import AwardEvent, Decision, Gradebook
from kit.store.ledger import FIELDS, _text, link
from kit.store.roles import AccountRoles, Assignment, grant

pytestmark = pytest.mark.postgresql
A, B, SEC, COUNCIL = "t_ana", "t_binh", "t_thu", "t_hoi"
ACCOUNTS = [AccountRoles(A, frozenset({"evaluator"})), AccountRoles(B, frozenset({"evaluator"})),
            AccountRoles(SEC, frozenset({"secretary"})), AccountRoles(COUNCIL, frozenset({"council"}))]
# A appraises U1, B appraises U2; B gives U1·A1 its second appraisal, A gives U2·A1 its second appraisal
GIVEN = [Assignment(2024, A, "U1", c, 1) for c in ("A1", "A2")] + \
        [Assignment(2024, B, "U2", c, 1) for c in ("A1", "A2")] + \
        [Assignment(2024, B, "U1", "A1", 2), Assignment(2024, A, "U2", "A1", 2)]


def owner_grant(url: str, folder: Path, accounts=ACCOUNTS, given=GIVEN):
    engine = create_engine(driver_url(url))
    try:
        with engine.begin() as conn:
            return grant(conn, accounts, given, folder, url, new_passwords=True)
    finally:
        engine.dispose()


@pytest.fixture
def team(postgres, tmp_path):
    """A gradebook begun by its owner, granted to four accounts: account -> its connection URL."""
    url = postgres.new_database()
    Gradebook(url).close()
    report = owner_grant(url, tmp_path / "credentials")
    urls = {name: path.read_text(encoding="utf-8").strip() for name, path in report.credentials.items()}
    urls["owner"] = url
    return urls


def d(unit="U1", code="A1", stage=Stage.APPRAISAL, score=1.0, who="", **kw) -> Decision:
    return Decision(2024, unit, code, stage, score, who or "ai-do", **kw)


def sql(url: str, statement: str, **params):
    engine = create_engine(driver_url(url))
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return result.all() if result.returns_rows else None
    finally:
        engine.dispose()


def test_credentials_are_private_files_and_name_the_account(team, tmp_path):
    folder = tmp_path / "credentials"
    assert folder.stat().st_mode & 0o777 == 0o700
    for name in (A, B, SEC, COUNCIL):
        assert (folder / f"{name}.url").stat().st_mode & 0o777 == 0o600
        assert f"//{name}:" in team[name]


def test_the_author_is_the_login_whatever_the_client_sends(team):
    with Gradebook(team[A]) as gb:
        (new,) = gb.record(d(who=B))
        assert gb.history(2024).set_index("id").loc[new, "evaluator"] == A
        gb.save_position(B, {"unit": "U1"})
    assert sql(team["owner"], "SELECT evaluator FROM positions") == [(A,)]
    columns = ", ".join(FIELDS) + ", chain"
    with pytest.raises(DBAPIError, match="permission denied"):
        sql(team[A], f"INSERT INTO decisions ({columns}) VALUES (99, 2024, 'U1', 'A1', '', 'appraisal', 1, false, "
                     f"'{B}', '', 'x', NULL, '', 'sql', 'x')")


def test_a_direct_insert_with_a_hand_computed_chain_is_refused(team):
    with Gradebook(team[A]) as gb:
        gb.record(d())
        head = gb.heads()[2024]
    row = {"id": head.last_id + 1, "year": 2024, "unit": "U1", "code": "A2", "criterion_key": "", "stage": "appraisal",
           "score": 9.0, "na": False, "evaluator": A, "comment": "", "created_at": "2024-01-01T00:00:00+00:00",
           "self_score": None, "evidence_hash": "", "source": "sql"}
    row["chain"] = link(head.chain, [row[f] for f in FIELDS])
    names = ", ".join(row)
    with pytest.raises(DBAPIError, match="permission denied"):
        sql(team[A], f"INSERT INTO decisions ({names}) VALUES ({', '.join(':' + k for k in row)})", **row)
    with pytest.raises(DBAPIError, match="permission denied"):
        sql(team[A], "UPDATE kit_meta SET value = '{}' WHERE key = 'ledger'")
    assert sql(team["owner"], "SELECT count(*) FROM decisions") == [(1,)]


def test_a_row_not_assigned_is_refused_by_the_database_naming_whom_it_is_given(team):
    with Gradebook(team[A]) as gb, pytest.raises(GradebookError) as refused:
        gb.record(d(unit="U2"))
    assert f"Tiêu chí A1 của đơn vị U2 (năm 2024, lượt 1) không được giao cho tài khoản {A} (được giao cho {B})" \
        in str(refused.value)
    with pytest.raises(DBAPIError, match="không được giao cho tài khoản"):  # the function, called by hand
        sql(team[A], """SELECT kit_record_decisions('[{"year": 2024, "unit": "U2", "code": "A2",
                        "stage": "appraisal", "score": 1, "check": false}]'::jsonb)""")
    with Gradebook(team[A]) as gb, pytest.raises(GradebookError, match="lượt 2"):
        gb.record(d(stage=Stage.SECOND))  # U1·A1's second appraisal is B's
    assert sql(team["owner"], "SELECT count(*) FROM decisions") == [(0,)]


def test_a_second_appraisal_stays_hidden_from_others_until_reconciled(team):
    with Gradebook(team[A]) as ana:
        ana.record(d(score=2.0))
    with Gradebook(team[B]) as binh:
        binh.record(d(stage=Stage.SECOND, score=1.0, comment="Thiếu minh chứng"))
    with Gradebook(team[A]) as ana:
        seen = ana.history(2024)  # the chain check passes over the hidden row
        assert seen["stage"].tolist() == ["appraisal"]
        assert sql(team[A], "SELECT count(*) FROM decisions WHERE stage = 'second'") == [(0,)]
    with Gradebook(team[SEC]) as thu:
        assert thu.history(2024)["stage"].tolist() == ["appraisal", "second"]
        thu.record(d(stage=Stage.RECONCILIATION, score=1.5, comment="Thống nhất"))
    with Gradebook(team[A]) as ana:
        assert ana.history(2024)["stage"].tolist() == ["appraisal", "second", "reconciliation"]


def test_the_hidden_rows_chain_still_shows_damage(team):
    with Gradebook(team[A]) as ana:
        ana.record(d())
    with Gradebook(team[B]) as binh:
        binh.record(d(stage=Stage.SECOND))
    with Gradebook(team[A]) as ana:
        ana.record(d(code="A2"))
    sql(team["owner"], "ALTER TABLE decisions DISABLE TRIGGER decisions_no_change; "
                       "UPDATE decisions SET score = 0 WHERE stage = 'second'")
    with Gradebook(team[A]) as ana, pytest.raises(GradebookError, match="quyết định số 2"):
        ana.history(2024)


def test_a_lock_held_by_one_account_fails_anothers_save_within_seconds_naming_it(team):
    held, release = threading.Event(), threading.Event()

    def hold() -> None:  # A's kernel: SELECT pg_advisory_lock(4242), kept for up to 60 s
        engine = create_engine(driver_url(team[A]))
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(4242)"))
            held.set()
            release.wait(60)
        engine.dispose()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        start = time.perf_counter()
        with Gradebook(team[B]) as binh, pytest.raises(GradebookError) as refused:
            binh.record(d(unit="U2"))
        assert time.perf_counter() - start < 10
        assert f"Sổ điểm đang bị tài khoản {A} giữ khóa ghi" in str(refused.value)
    finally:
        release.set()
        holder.join()
    with Gradebook(team[B]) as binh:
        assert binh.record(d(unit="U2"))


def test_changing_the_environment_inside_a_kernel_changes_nothing(team, monkeypatch):
    with Gradebook(team[A]) as gb:
        monkeypatch.setenv("JUPYTERHUB_USER", B)
        monkeypatch.setenv("USER", B)
        monkeypatch.setenv("PGUSER", B)
        monkeypatch.setenv("KIT_GRADEBOOK_URL", team[B])
        gb.record(d(who=B))
        gb.add_comment("Đủ minh chứng", B)
    assert sql(team["owner"], "SELECT evaluator FROM decisions") == [(A,)]
    assert sql(team["owner"], "SELECT created_by FROM comment_library") == [(A,)]


def test_kit_meta_and_others_positions_cannot_be_touched(team):
    with Gradebook(team[B]) as binh:
        binh.save_position(B, {"unit": "U2"})
        binh.record(d(unit="U2"))
    meta = sql(team["owner"], "SELECT key, value FROM kit_meta ORDER BY key")
    for statement in ("DELETE FROM kit_meta", "SELECT * FROM kit_meta", "TRUNCATE positions",
                      "DELETE FROM comment_library"):
        with pytest.raises(DBAPIError, match="permission denied"):
            sql(team[A], statement)
    sql(team[A], "DELETE FROM positions")  # only A's own rows are visible to A: nothing of B's goes
    sql(team[A], f"UPDATE positions SET state = '{{}}' WHERE evaluator = '{B}'")
    with Gradebook(team[B]) as binh:
        assert binh.position(B) == {"unit": "U2"}
    with Gradebook(team[A]) as ana:
        assert ana.position(B) is None
    assert sql(team["owner"], "SELECT key, value FROM kit_meta ORDER BY key") == meta


def test_a_council_member_reads_and_records_nothing(team):
    with Gradebook(team[A]) as ana:
        ana.record(d())
    with Gradebook(team[COUNCIL]) as hoi:
        assert len(hoi.history(2024)) == 1
        for write in (lambda: hoi.record(d()), lambda: hoi.add_comment("x", COUNCIL),
                      lambda: hoi.save_position(COUNCIL, {})):
            with pytest.raises(GradebookError, match="không có quyền"):
                write()
    with Gradebook(team[A]) as ana:
        for stage in (Stage.RECONCILIATION, Stage.EXPLANATION, Stage.FINAL):
            with pytest.raises(GradebookError, match="không có vai trò thư ký hội đồng"):
                ana.record(d(stage=stage))
        ana.record(Decision(2025, "U9", "Z1", Stage.APPRAISAL, 1.0, A))  # 2025: nobody was given round 1, all may
    with Gradebook(team[SEC]) as thu, pytest.raises(GradebookError, match="không có vai trò cán bộ thẩm định"):
        thu.record(d())


@pytest.mark.parametrize("value", [0.0, -0.0, 1.0, 2.5, 0.1, 1 / 3, 1e-05, 1.5e-07, 123456.789, 99999999999999.9,
                                   -7.25, None, math.nan, math.inf, -math.inf])
def test_the_servers_text_of_a_float_is_pythons(team, value):
    (got,) = sql(team["owner"], "SELECT kit_f(CAST(:v AS double precision))", v=value)[0]
    assert bytes(got).decode() == _text(value)


def test_verify_accepts_everything_written_through_the_functions(team):
    with Gradebook(team[A]) as ana:
        ana.record([d(score=0.1, comment="Có ký tự \x1f và tiếng Việt"), d(code="A2", score=None, na=True,
                                                                         self_score=2.5)])
    with Gradebook(team[B]) as binh:
        binh.record([d(stage=Stage.SECOND, score=1e-05), d(unit="U2", score=3.0, self_score=1 / 3)])
    with Gradebook(team[SEC]) as thu:
        thu.record(d(stage=Stage.RECONCILIATION, score=0.5, comment="Thống nhất"))
        thu.record_award_event(AwardEvent("12/QĐ-UBND", "U1", "Kê khai sai", B, title="Tập thể lao động xuất sắc"))
    with Gradebook(team[A]) as ana, pytest.raises(GradebookError, match="không có quyền"):
        ana.record_award_event(AwardEvent("12/QĐ-UBND", "U2", "Thử", A))
    with Gradebook(team["owner"]) as owner:
        frame, recorded = owner.unchecked_history(2024)
        assert owner.damage(2024, frame, recorded) == ""
        assert len(frame) == 5 and set(frame["evaluator"]) == {A, B, SEC}
        assert owner.award_events()["evaluator"].tolist() == [SEC]  # checked against its chain and head


def test_kit_gradebook_grant_from_the_campaign_and_verify_accepts_what_accounts_wrote(postgres, tmp_path, capsys):
    from kit.cli import main
    from kit.config.campaign import load_campaign
    from kit.store.ledger import LEDGER_FILE
    from tests.helpers import init_gradebook, submit, write_campaign

    root = write_campaign(tmp_path / "camp", gradebook=False)
    url = postgres.new_database()
    with (root / "campaign.yml").open("a", encoding="utf-8") as f:
        f.write(f'gradebook: "{url}"\n')
    init_gradebook(root, url)
    for unit in ("U1", "U2"):
        submit(load_campaign(root), unit)
    (root / "accounts.csv").write_text("Tài khoản,Họ tên,Chức vụ,Vai trò\nt_lan,Nguyễn Thị Lan,Chuyên viên,thẩm định\n"
                                       "t_minh,Trần Văn Minh,Chuyên viên,thẩm định\n"
                                       "t_le,Lê Thu,Thư ký,thư ký hội đồng\n", encoding="utf-8")
    (root / "assignments.csv").write_text("Năm,Cán bộ thẩm định,Mã đơn vị,Lượt\n2024,t_lan,U1,1\n"
                                          "2024,Trần Văn Minh,U2,1\n2024,t_minh,U1,2\n", encoding="utf-8")
    folder = tmp_path / "ket-noi"
    assert main(["gradebook", "grant", "--campaign", str(root), "--credentials", str(folder), "--new-passwords"]) == 0
    out = capsys.readouterr().out
    assert "Tài khoản mới: t_lan, t_le, t_minh" in out
    assert "postgresql://" not in out  # the passwords are in the files only
    given = sql(url, "SELECT account, unit, round, count(*) FROM kit_assignments GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
    assert [g[:3] for g in given] == [("t_lan", "U1", 1), ("t_minh", "U1", 2), ("t_minh", "U2", 1)]
    ledger = root / LEDGER_FILE
    lan = (folder / "t_lan.url").read_text(encoding="utf-8").strip()
    with Gradebook(lan, ledger=ledger) as gb:
        gb.record([Decision(2024, "U1", "1.1", Stage.APPRAISAL, 2.0, "t_lan"),
                   Decision(2024, "U1", "1.3", Stage.APPRAISAL, 1.25, "t_lan", comment="Đủ")])
        with pytest.raises(GradebookError, match="được giao cho t_minh"):
            gb.record(Decision(2024, "U2", "1.1", Stage.APPRAISAL, 2.0, "t_lan"))
    assert main(["gradebook", "verify", "--campaign", str(root)]) == 0
    (root / "accounts.csv").write_text("Tài khoản,Họ tên,Chức vụ,Vai trò\nt_lan,Nguyễn Thị Lan,Chuyên viên,thẩm định\n"
                                       "t_le,Lê Thu,Thư ký,thư ký hội đồng\n", encoding="utf-8")
    (root / "assignments.csv").write_text("Năm,Cán bộ thẩm định,Mã đơn vị\n2024,t_lan,U1\n", encoding="utf-8")
    assert main(["gradebook", "grant", "--campaign", str(root), "--credentials", str(folder)]) == 0
    assert "Tài khoản đã khóa (không còn trong accounts.csv): t_minh" in capsys.readouterr().out
    assert sql(url, "SELECT rolcanlogin FROM pg_roles WHERE rolname = 't_minh'") == [(False,)]


def test_grant_takes_create_on_the_schema_from_everyone(team, tmp_path):
    """PostgreSQL 14 and older let every role create in the public schema: an account could add a kit_t(varchar)
    overload that the owner's SECURITY DEFINER functions would call. Grant revokes it whatever the server's default."""
    sql(team["owner"], "GRANT CREATE ON SCHEMA public TO PUBLIC")  # the default before PostgreSQL 15
    owner_grant(team["owner"], tmp_path / "again")
    with pytest.raises(DBAPIError, match="permission denied"):
        sql(team[A], "CREATE FUNCTION kit_t(v varchar) RETURNS bytea LANGUAGE sql AS $$ SELECT ''::bytea $$")


def test_the_database_keeps_the_second_appraisal_independent(team):
    """As the kit's own check: the first appraiser may not give the same criterion its second appraisal, and no
    account records over another's second appraisal (2025: no assignment, every evaluator may appraise)."""
    def y(**kw):
        return Decision(2025, kw.pop("unit", "U1"), "A1", kw.pop("stage", Stage.APPRAISAL), 1.0, "ai-do", **kw)
    with Gradebook(team[A]) as ana:
        ana.record(y())
        with pytest.raises((GradebookError, DBAPIError), match="lần 1"):
            ana.record(y(stage=Stage.SECOND))
    with Gradebook(team[B]) as binh:
        binh.record(y(unit="U3", stage=Stage.SECOND))
    with Gradebook(team[A]) as ana, pytest.raises((GradebookError, DBAPIError), match="người khác"):
        ana.record(y(unit="U3", stage=Stage.SECOND))


def test_grant_run_by_an_account_without_createrole_is_refused_in_vietnamese(team, tmp_path, capsys):
    """Run with an evaluator's connection instead of the owner's, `kit gradebook grant` stops with a Vietnamese
    message naming the account and the right it lacks (before: a database traceback)."""
    from kit.cli import main
    from tests.helpers import init_gradebook, write_campaign

    root = write_campaign(tmp_path / "camp", gradebook=False)
    init_gradebook(root, team["owner"])  # the ledger file beside the campaign, as kit gradebook init writes it
    with (root / "campaign.yml").open("a", encoding="utf-8") as f:
        f.write(f'gradebook: "{team[A]}"\n')
    (root / "accounts.csv").write_text("Tài khoản,Họ tên,Chức vụ,Vai trò\n"
                                       "t_khach,Nguyễn Thị Khách,Chuyên viên,thẩm định\n", encoding="utf-8")
    assert main(["gradebook", "grant", "--campaign", str(root), "--credentials", str(tmp_path / "k")]) != 0
    err = capsys.readouterr().err
    assert f"«{A}» không có quyền tạo tài khoản (CREATEROLE)" in err and "Traceback" not in err
    assert sql(team["owner"], "SELECT count(*) FROM pg_roles WHERE rolname = 't_khach'") == [(0,)]
