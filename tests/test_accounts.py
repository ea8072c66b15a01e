"""The account registry, assignments resolved to accounts, and the actor taken from the login (never typed)."""

from __future__ import annotations

import pytest

from kit.app import actor as A
from kit.cli import main
from kit.config.campaign import load_campaign
from kit.core.errors import ActorError, KitError
from kit.core.vocab import Role
from kit.intake.accounts import load_accounts
from kit.intake.assignments import load_assignments
from tests.helpers import write_campaign

ACCOUNTS = """\
Tài khoản,Họ tên,Chức vụ,Vai trò
minh.tv,Trần Văn Minh,Chuyên viên,thẩm định
lan.nt,Nguyễn Thị Lan,Chuyên viên chính,"evaluator; thư ký hội đồng"
hoa.pt,Phạm Thị Hoa,Phó Giám đốc,Thành viên hội đồng
Bad Name,Ai Đó,,evaluator
minh.tv,Trần Văn Minh,,evaluator
tuan.la,,,council
khoa.nd,Ngô Đăng Khoa,,"quản trị, evaluator"
vy.tt,Trịnh Thị Vy,,
ops,Lê Văn Vận,,vận hành
"""


@pytest.fixture
def campaign(tmp_path):
    root = write_campaign(tmp_path / "camp", gradebook=False)
    (root / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    return load_campaign(root)


def test_registry_rows_are_checked_with_file_row_and_column(campaign):
    reg = load_accounts(campaign)
    assert reg.present and reg.file == "accounts.csv"
    assert [(p.code, p.row, p.column) for p in reg.problems] == [
        ("ACCOUNT_INVALID", 5, "A (Tài khoản)"),
        ("ACCOUNT_DUPLICATE", 6, "A (Tài khoản)"),
        ("VALUE_REQUIRED", 7, "B (Họ tên)"),
        ("ROLE_UNKNOWN", 8, "D (Vai trò)"),
        ("ROLE_MISSING", 9, "D (Vai trò)"),
    ]
    assert "quản trị" in reg.problems[3].message
    assert sorted(reg.entries) == ["hoa.pt", "lan.nt", "minh.tv", "ops"]
    lan = reg.entries["lan.nt"]
    assert (lan.name, lan.title, lan.roles) == ("Nguyễn Thị Lan", "Chuyên viên chính",
                                                frozenset({Role.EVALUATOR, Role.SECRETARY}))
    assert reg.entries["hoa.pt"].roles == frozenset({Role.COUNCIL})


def test_kit_check_lists_the_registrys_problems(campaign, capsys):
    with A.signed_in("ops"):
        main(["check", "--campaign", str(campaign.root)])
    out = capsys.readouterr().out
    assert "accounts.csv, dòng 5, cột A (Tài khoản)" in out and "ACCOUNT_INVALID" in out and "ROLE_MISSING" in out


def test_a_renamed_account_is_seen_by_a_long_lived_kernel(campaign):
    from kit.app.year import check_files

    assert check_files(campaign, 2024)[2].registry.name_of("lan.nt") == "Nguyễn Thị Lan"
    path = campaign.root / "accounts.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Nguyễn Thị Lan", "Nguyễn Thị Lân"), encoding="utf-8")
    assert check_files(campaign, 2024)[2].registry.name_of("lan.nt") == "Nguyễn Thị Lân"  # part of the cache's key


def test_registry_resolves_accounts_and_names_and_lists_roles(campaign):
    reg = load_accounts(campaign)
    assert reg.resolve("minh.tv").name == "Trần Văn Minh"
    assert reg.resolve("  trần  văn MINH ").account == "minh.tv"
    assert reg.resolve("Tran Van Minh") is None  # diacritics count: Lan is not Lân
    assert [a.account for a in reg.with_role(Role.EVALUATOR)] == ["minh.tv", "lan.nt"]
    assert reg.name_of("lan.nt") == "Nguyễn Thị Lan"
    assert reg.name_of("Người Cũ") == "Người Cũ"  # an old row recorded with a typed name is shown as is


def test_english_headers_and_an_absent_registry(tmp_path):
    root = write_campaign(tmp_path / "camp", gradebook=False)
    assert not load_accounts(load_campaign(root)).present
    (root / "accounts.csv").write_text("account,name,title,roles\nops,Lê Văn Vận,,operator,\n", encoding="utf-8")
    reg = load_accounts(load_campaign(root))
    assert reg.problems == [] and reg.get("ops").roles == frozenset({Role.OPERATOR})


def test_assignments_are_resolved_to_accounts(campaign):
    (campaign.root / "assignments.csv").write_text(
        "Năm,Cán bộ thẩm định,Mã đơn vị\n2024,Trần Văn Minh,U1\n2024,lan.nt,U2\n2024,Người Lạ,U3\n"
        "2024,hoa.pt,U3\n2024,minh.tv,U1\n", encoding="utf-8")
    table = load_assignments(campaign)
    assert [(r["evaluator"], r["unit"]) for r in table.rows] == [("minh.tv", "U1"), ("lan.nt", "U2")]
    assert [(p.code, p.row, p.column) for p in table.problems] == [
        ("ASSIGNMENT_NO_ACCOUNT", 4, "B (Cán bộ thẩm định)"),
        ("ASSIGNMENT_NOT_EVALUATOR", 5, "B (Cán bộ thẩm định)"),
        ("ASSIGNMENT_DUPLICATE", 6, "B (Cán bộ thẩm định)"),  # the same account, by name then by account
    ]
    assert "Phạm Thị Hoa" in table.problems[1].message


def test_assignments_keep_names_without_a_registry(tmp_path):
    root = write_campaign(tmp_path / "camp", gradebook=False)
    (root / "assignments.csv").write_text("Năm,Cán bộ thẩm định,Mã đơn vị\n2024,Trần Văn Minh,U1\n", encoding="utf-8")
    assert [r["evaluator"] for r in load_assignments(load_campaign(root)).rows] == ["Trần Văn Minh"]


def test_the_actor_is_the_login_mapped_to_the_registry(campaign):
    with A.signed_in("lan.nt"):
        who = A.current_actor(campaign)
    assert (who.account, who.name, who.title) == ("lan.nt", "Nguyễn Thị Lan", "Chuyên viên chính")
    assert who.has(Role.SECRETARY) and not who.has(Role.COUNCIL)
    assert who.display == "Nguyễn Thị Lan (lan.nt) — cán bộ thẩm định, thư ký hội đồng"
    who.require(Role.SECRETARY)
    with pytest.raises(ActorError) as refused:
        A.require(who, Role.OPERATOR, "lập văn bản")
    assert "lan.nt" in str(refused.value) and "cán bộ vận hành" in str(refused.value)
    assert "không được lập văn bản" in str(refused.value)


def test_a_login_not_in_the_registry_cannot_act(campaign):
    with A.signed_in("intruder"), pytest.raises(ActorError) as refused:
        A.current_actor(campaign)
    assert isinstance(refused.value, KitError)
    assert "\"intruder\"" in str(refused.value) and "accounts.csv" in str(refused.value)
    with A.signed_in("Bad Name"), pytest.raises(ActorError) as refused:  # a row left out: the registry's problems said
        A.current_actor(campaign)
    assert "accounts.csv, dòng 5, cột A (Tài khoản)" in str(refused.value) and "ROLE_MISSING" in str(refused.value)


def test_a_notebook_shows_the_refusal_without_a_traceback(campaign, capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.user_ns.update(A=A, campaign=campaign)
    with A.signed_in("intruder"):
        result = shell.run_cell("A.current_actor(campaign)")
    assert isinstance(result.error_in_exec, ActorError)
    shown = capsys.readouterr()
    said = shown.out + shown.err
    assert "Lỗi: Tài khoản đăng nhập \"intruder\"" in said and "Traceback" not in said and "actor.py" not in said


def test_without_a_registry_the_os_account_acts_alone_with_every_role(tmp_path):
    campaign = load_campaign(write_campaign(tmp_path / "camp", gradebook=False))
    with A.signed_in("someone"):
        who = A.current_actor(campaign)
    assert who.account == "someone" and who.roles == frozenset(Role) and not who.registered


def test_the_login_is_read_once_per_process(monkeypatch):
    monkeypatch.setattr(A, "login_override", None)  # what the process itself says, not the tests' seam
    monkeypatch.setattr(A, "_login", None)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t")
    monkeypatch.setenv("JUPYTERHUB_USER", "lan.nt")
    assert A.login() == "lan.nt"
    monkeypatch.setenv("JUPYTERHUB_USER", "minh.tv")  # a kernel changing its environment later
    assert A.login() == "lan.nt"


def test_outside_jupyterhub_the_login_is_the_os_account_not_the_environment(monkeypatch):
    import os
    import pwd

    monkeypatch.setattr(A, "login_override", None)
    monkeypatch.setattr(A, "_login", None)
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "lan.nt")  # without the hub's token it is not believed
    monkeypatch.setenv("USER", "lan.nt")
    monkeypatch.setenv("LOGNAME", "lan.nt")
    assert A.login() == pwd.getpwuid(os.getuid()).pw_name


def test_an_account_named_pg_is_refused_with_its_row(tmp_path):
    """PostgreSQL reserves role names starting with pg_: `kit gradebook grant` cannot create such a role, so the
    registry refuses the name where the office wrote it."""
    root = write_campaign(tmp_path / "camp", gradebook=False)
    (root / "accounts.csv").write_text("account,name,title,roles\npg_lan,Nguyễn Thị Lan,,evaluator\n",
                                       encoding="utf-8")
    reg = load_accounts(load_campaign(root))
    assert [(p.code, p.row) for p in reg.problems] == [("ACCOUNT_INVALID", 2)]
    assert "pg_" in reg.problems[0].message
