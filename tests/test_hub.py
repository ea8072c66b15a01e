"""The team server (``kit hub``, kit.app.hub): its configuration from the registry, and a real browser through it.

The browser test starts JupyterHub on loopback with throwaway accounts in a copy of the demo campaign: accounts
sign up and log in on the hub's own page, an operator approves them, each evaluator saves on their own assignment
in their own single-user server, and the gradebook records the accounts. It needs Node's configurable-http-proxy
(``.ci/run`` installs it) and Debian's chromium; it stops the hub, the proxy and every server even when it fails.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from traitlets.config import Config

from kit.app.hub import (
    CULLER_SCOPES,
    MEETING_URL,
    OPERATOR_ROLE,
    SCORING_URL,
    Auth,
    HubSettings,
    configure,
    find_proxy,
    hub_command,
    landing,
    registry,
    registry_problems,
    spawn_settings,
    write_config,
)
from kit.cli import main
from kit.core.errors import ActorError
from kit.core.vocab import Role
from tests.helpers import CHROMIUM, ROOT, chromium, copy_demo
from tools.demogen import accounts as demo_accounts

SHOTS = ROOT / "reports" / "screenshots"
PASSWORD = "mat-khau-thu-nghiem-2025"
# The demo's own registry (tools/demogen/accounts.py): its 2025 assignments give group CQ's first appraisals to
# Nguyễn Thị Lan and group XA's to Trần Văn Minh; a council member and the operator.
LAN, MINH, COUNCIL, OPERATOR = demo_accounts.LAN, demo_accounts.MINH, "hung.vv", demo_accounts.OPERATOR


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _project(root: Path) -> Path:
    """A project folder as an office has it: the notebooks and the campaign (with its registry, the demo's)."""
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    copy_demo(root / "data")
    return root


def _settings(root: Path, **kwargs) -> HubSettings:
    return HubSettings(project=str(root), campaign=str(root / "data"), state=str(root / ".hub"), **kwargs)


# --- the configuration, without starting anything --------------------------------------------------------------

def test_groups_and_roles_follow_the_registry_and_no_one_may_act_as_another(tmp_path):
    c = Config()
    configure(c, _settings(_project(tmp_path), proxy="/usr/bin/true"))
    assert c.JupyterHub.load_groups == {"evaluator": {"users": ["bao.pq", "lan.nt", "minh.tv"]},
                                        "secretary": {"users": ["ha.ln"]}, "council": {"users": ["hung.vv", "mai.dt"]},
                                        "operator": {"users": ["tam.hm"]}}
    operator = next(r for r in c.JupyterHub.load_roles if r["name"] == OPERATOR_ROLE)
    assert operator["users"] == ["tam.hm"] and "admin:users" in operator["scopes"]
    # JupyterHub's own admin role would let the operator open an evaluator's server and record as them
    assert not {"access:servers", "tokens", "admin:auth_state"} & set(operator["scopes"])
    assert "admin_users" not in c.Authenticator
    culler = next(r for r in c.JupyterHub.load_roles if r["name"] == "idle-culler")
    assert culler["scopes"] == CULLER_SCOPES and culler["services"] == ["idle-culler"]
    assert any("jupyterhub_idle_culler" in part for part in c.JupyterHub.services[0]["command"])
    assert c.JupyterHub.ip == "127.0.0.1" and c.JupyterHub.hub_ip == "127.0.0.1"
    assert c.NativeAuthenticator.open_signup is False
    assert c.JupyterHub.spawner_class.endswith("SimpleLocalProcessSpawner")


def test_only_the_registry_accounts_may_sign_up_or_log_in_and_the_list_is_read_each_time(tmp_path):
    root = _project(tmp_path)
    c = Config()
    configure(c, _settings(root, auth=Auth.PAM, proxy="/usr/bin/true"))
    assert c.JupyterHub.spawner_class.endswith(".LocalProcessSpawner")  # PAM: each account its own OS user
    authenticator = c.JupyterHub.authenticator_class()
    assert authenticator.check_allowed(LAN) and authenticator.validate_username(LAN)
    assert not authenticator.check_allowed("mallory") and not authenticator.validate_username("mallory")
    with (root / "data" / "accounts.csv").open("a", encoding="utf-8") as f:
        f.write("mallory,Ngô Văn Mới,Chuyên viên,thẩm định\n")
    assert authenticator.check_allowed("mallory")  # added to the registry: admitted without restarting the hub


def test_each_account_lands_on_its_page_with_its_own_gradebook_connection(tmp_path):
    root = _project(tmp_path)
    settings = _settings(root)
    assert landing(frozenset({Role.EVALUATOR})) == SCORING_URL
    assert landing(frozenset({Role.COUNCIL})) == MEETING_URL
    assert landing(frozenset({Role.COUNCIL, Role.SECRETARY})) == SCORING_URL
    urls = root / ".hub" / "gradebook-urls"
    urls.mkdir(parents=True)
    (urls / f"{LAN}.url").write_text("postgresql://lan.nt:secret@db.so-noi-vu.local/thidua\n", encoding="utf-8")
    url, env = spawn_settings(settings, LAN)
    assert url == SCORING_URL and env["KIT_GRADEBOOK_URL"] == "postgresql://lan.nt:secret@db.so-noi-vu.local/thidua"
    assert "templates" in env["JUPYTER_PATH"]  # the meeting view's template (kit_meeting)
    url, env = spawn_settings(settings, COUNCIL)
    assert url == MEETING_URL and "KIT_GRADEBOOK_URL" not in env
    with pytest.raises(ActorError, match="mallory"):
        spawn_settings(settings, "mallory")


def test_the_hub_refuses_to_start_without_a_registry_or_an_operator(tmp_path, capsys):
    data = copy_demo(tmp_path / "data")
    (data / "accounts.csv").unlink()
    assert registry_problems(registry(data))
    assert main(["hub", "--campaign", str(data), "--state", str(tmp_path / ".hub")]) == 2
    assert "accounts.csv" in capsys.readouterr().out
    (data / "accounts.csv").write_text("Tài khoản,Họ tên,Vai trò\nlan,Nguyễn Thị Lan,thẩm định\n", encoding="utf-8")
    assert "vận hành" in registry_problems(registry(data))[0]


def test_the_hub_says_what_is_missing_and_the_registry_s_problems_located(tmp_path, capsys, monkeypatch):
    data = copy_demo(tmp_path / "data")
    with (data / "accounts.csv").open("a", encoding="utf-8") as f:
        f.write("Sai Tên,Ngô Văn Sai,Chuyên viên,thẩm định\n")
    monkeypatch.setenv("KIT_HUB_PROXY", str(tmp_path / "no-such-proxy"))
    assert main(["hub", "--campaign", str(data), "--state", str(tmp_path / ".hub")]) == 2
    out = capsys.readouterr().out
    assert "configurable-http-proxy" in out and "npm install -g" in out
    assert "accounts.csv, dòng 9, cột" in out and "Problem(" not in out  # located, as kit check says it


# --- through a real browser ------------------------------------------------------------------------------------

def _descendants(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


@pytest.fixture
def hub(tmp_path_factory):
    """JupyterHub on loopback over a copy of the demo with throwaway accounts; stopped with everything it started
    (proxy, single-user servers, their kernels), whatever happens. A fresh one for each run of the test, so that
    the run again of a failure (JupyterLab's intermittent "[*]", see test_browser.py) signs up anew."""
    import psutil

    proxy = find_proxy()
    if not proxy:
        if os.environ.get("CI"):
            pytest.fail("configurable-http-proxy is missing: .ci/run installs it (npm install -g …)")
        pytest.skip("configurable-http-proxy (Node) is not installed: npm install -g configurable-http-proxy")
    root = _project(tmp_path_factory.mktemp("hub"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    # every cell attached to the page (as in test_browser): a cell JupyterLab's windowing skips cannot be waited for
    tracker = root / ".lab-settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text('{"windowingMode": "none"}', encoding="utf-8")
    settings = _settings(root, port=_free_port(), hub_port=_free_port(), api_port=_free_port(), proxy=proxy)
    config = write_config(settings)
    log = SHOTS / "jupyterhub.log"
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(root / ".lab-settings")}
    server = subprocess.Popen(hub_command(settings, config), cwd=settings.state, env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=log.open("w", encoding="utf-8"))
    base = f"http://127.0.0.1:{settings.port}"
    seen: dict[int, psutil.Process] = {}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/hub/api", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterHub did not start:\n" + log.read_text(encoding="utf-8")[-3000:])
                time.sleep(0.5)
        yield base, root, seen, server.pid
    finally:
        seen.update({p.pid: p for p in _descendants(server.pid)})
        server.send_signal(signal.SIGTERM)  # the hub stops its servers and the proxy (cleanup_servers)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        gone, alive = psutil.wait_procs(list(seen.values()), timeout=15)
        for p in alive:
            p.kill()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is installed by .ci/run")
    yield from chromium()


def _person(browser, request, name: str):
    """One person's browser (their own cookies); a picture of the page when the test fails."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()

    def picture() -> None:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed and not page.is_closed():
            page.screenshot(path=SHOTS / f"FAILED-hub-{name}.png", full_page=True)
            print(f"What {name}'s page showed:\n" + page.inner_text("body")[-2000:])
        context.close()

    request.addfinalizer(picture)
    return page


def _sign_up(page, base: str, account: str) -> str:
    page.goto(f"{base}/hub/signup")
    page.fill("#username_input", account)
    page.fill("#password_input", PASSWORD)
    page.fill("#password_confirmation_input", PASSWORD)
    page.click("#signup_submit")
    page.wait_for_load_state()
    return page.inner_text("body")


def _log_in(page, base: str, account: str, then: str = "") -> None:
    page.goto(f"{base}/hub/login" + (f"?next={then}" if then else ""))
    page.fill("#username_input", account)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")


def _run_all(page) -> None:
    """Run the scoring notebook the hub opened for this account (its panel is waited for by ``_wait_panel``, so
    that two accounts' kernels work at the same time)."""
    page.wait_for_selector(".jp-Notebook", timeout=120_000)
    page.get_by_text("| Idle").first.wait_for(timeout=120_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def _wait_panel(page) -> None:
    page.locator("select:has(option:text-is('— chưa chấm —'))").first.wait_for(timeout=120_000)


def _choose_group(page, label: str) -> None:
    page.locator("select:has(option:text-is('UBND cấp xã'))").first.select_option(label=label)
    page.wait_for_timeout(1500)  # the kernel refills the units and rows for the group


def _score_first_row(page, comment: str) -> None:
    score = page.locator("select:has(option:text-is('— chưa chấm —'))").first
    score.wait_for(timeout=60_000)
    current = score.evaluate("s => s.selectedIndex < 0 ? '' : s.options[s.selectedIndex].text")  # -1: no score yet
    labels = score.evaluate("s => Array.from(s.options).map(o => o.text)")
    score.select_option(label=next(label for label in labels[1:] if label != current))
    page.locator("input[placeholder='Nhận xét (chọn hoặc gõ mới)']").first.fill(comment)
    page.locator("button.widget-button", has_text="Lưu").first.click()


@pytest.mark.browser
@pytest.mark.flaky(reruns=1, reruns_delay=2)
def test_two_evaluators_and_a_council_member_through_the_hub(hub, browser, request):
    base, root, seen, hub_pid = hub
    operator, lan, minh, council = (_person(browser, request, n) for n in (OPERATOR, LAN, MINH, COUNCIL))

    # sign-up: only the registry's accounts; the operator is approved at once, the others wait for the operator
    assert "trong danh sách tài khoản" in _sign_up(lan, base, "mallory")  # not in the registry: refused
    for account, page in ((OPERATOR, operator), (LAN, lan), (MINH, minh), (COUNCIL, council)):
        assert "Cán bộ vận hành sẽ duyệt" in _sign_up(page, base, account)
    _log_in(lan, base, LAN)
    lan.get_by_text(f"Tài khoản {LAN} chưa được cán bộ vận hành duyệt").first.wait_for(timeout=30_000)
    assert "chờ cán bộ vận hành duyệt" in lan.inner_text("body")  # the hub's page says what to do, in Vietnamese
    _log_in(operator, base, OPERATOR, then="/hub/authorize")
    operator.wait_for_url("**/hub/authorize", timeout=30_000)
    assert operator.get_by_text("Duyệt tài khoản", exact=True).count() >= 1  # its link, for the kit's operators
    table = operator.inner_text("table")
    assert "mallory" not in table and MINH in table
    for account in (LAN, MINH, COUNCIL):
        operator.goto(f"{base}/hub/authorize/{account}")
    operator.screenshot(path=SHOTS / "hub-1-approved.png", full_page=True)

    # each evaluator in their own server, opened on the scoring notebook, signed in as themselves; the council
    # member on the meeting view, and (typing its address) on the scoring notebook too, in a second tab
    _log_in(lan, base, LAN)
    _log_in(minh, base, MINH)
    _log_in(council, base, COUNCIL)
    lan.wait_for_url(f"**/user/{LAN}{SCORING_URL}", timeout=120_000)
    minh.wait_for_url(f"**/user/{MINH}{SCORING_URL}", timeout=120_000)
    council.wait_for_url(f"**/user/{COUNCIL}{MEETING_URL}", timeout=120_000)
    _run_all(lan)
    _run_all(minh)
    council_lab = council.context.new_page()
    council_lab.goto(f"{base}/user/{COUNCIL}{SCORING_URL}")
    _run_all(council_lab)
    _wait_panel(lan)
    _wait_panel(minh)
    seen.update({p.pid: p for p in _descendants(hub_pid)})
    lan.get_by_text(f"Đang đăng nhập: Nguyễn Thị Lan ({LAN})").first.wait_for(timeout=30_000)
    minh.get_by_text(f"Đang đăng nhập: Trần Văn Minh ({MINH})").first.wait_for(timeout=30_000)

    _score_first_row(lan, "Lan chấm qua máy chủ")  # group CQ, first appraisal: Lan's assignment
    lan.get_by_text("Đã lưu 1 tiêu chí").wait_for(timeout=60_000)
    _choose_group(minh, "UBND cấp xã")
    _score_first_row(minh, "Minh chấm qua máy chủ")
    minh.get_by_text("Đã lưu 1 tiêu chí").wait_for(timeout=60_000)
    _choose_group(lan, "UBND cấp xã")  # Minh's assignment
    _score_first_row(lan, "Lan chấm hộ")
    lan.get_by_text(f"được giao cho Trần Văn Minh ({MINH}), không phải cho bạn").first.wait_for(timeout=60_000)
    lan.screenshot(path=SHOTS / "hub-2-refused.png", full_page=True)

    # a council member gets the read-only meeting view (no code, nothing to save); the scoring notebook, opened
    # by hand, refuses the save
    council.get_by_text("Xếp hạng năm 2024").wait_for(timeout=120_000)
    assert council.locator(".jp-CodeMirrorEditor").count() == 0
    assert council.locator("button.widget-button", has_text="Lưu").count() == 0
    council.screenshot(path=SHOTS / "hub-3-council.png", full_page=True)
    _wait_panel(council_lab)
    council_lab.get_by_text(f"Đang đăng nhập: Võ Văn Hùng ({COUNCIL})").first.wait_for(timeout=30_000)
    _score_first_row(council_lab, "Hội đồng chấm thử")
    council_lab.get_by_text(f"Tài khoản {COUNCIL}").first.wait_for(timeout=60_000)
    assert "không có vai trò" in council_lab.inner_text("body")
    council_lab.screenshot(path=SHOTS / "hub-4-council-refused.png", full_page=True)
    seen.update({p.pid: p for p in _descendants(hub_pid)})

    with sqlite3.connect(root / "data" / "gradebook.sqlite") as db:
        rows = db.execute("SELECT evaluator, comment FROM decisions WHERE comment LIKE '%qua máy chủ%' OR "
                          "comment IN ('Lan chấm hộ', 'Hội đồng chấm thử') ORDER BY id").fetchall()
    assert rows == [(LAN, "Lan chấm qua máy chủ"), (MINH, "Minh chấm qua máy chủ")]  # the logins, nothing typed


def test_a_postgresql_campaign_never_starts_a_server_on_the_campaign_s_own_connection(tmp_path):
    """campaign.yml's gradebook is the owner's connection (README): an account without its own .url file would
    write as the owner, past the author trigger and row-level security, so its server is refused."""
    root = _project(tmp_path)
    settings = _settings(root)
    yml = root / "data" / "campaign.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "gradebook: postgresql://owner:secret@db.local/thidua\n",
                   encoding="utf-8")
    with pytest.raises(ActorError, match=f"{LAN}.*kit gradebook grant --credentials"):
        spawn_settings(settings, LAN)
    urls = root / ".hub" / "gradebook-urls"
    urls.mkdir(parents=True)
    (urls / f"{LAN}.url").write_text("postgresql://lan.nt:x@db.local/thidua\n", encoding="utf-8")
    assert spawn_settings(settings, LAN)[1]["KIT_GRADEBOOK_URL"] == "postgresql://lan.nt:x@db.local/thidua"


def test_registry_operators_are_pre_approved_only_until_one_operator_is_approved(tmp_path, monkeypatch):
    """An operator added to accounts.csv later must not be claimable by whoever signs up first with that name."""
    import nativeauthenticator

    root = _project(tmp_path)
    c = Config()
    configure(c, _settings(root, proxy="/usr/bin/true"))
    approved: set[str] = set()
    monkeypatch.setattr(nativeauthenticator.NativeAuthenticator, "get_authed_users", lambda self: set(approved))
    authenticator = c.JupyterHub.authenticator_class.__new__(c.JupyterHub.authenticator_class)
    assert OPERATOR in authenticator.get_authed_users()  # first start: the registry's operator signs up approved
    approved.add(OPERATOR)
    with (root / "data" / "accounts.csv").open("a", encoding="utf-8") as f:
        f.write("mallory,Ngô Văn Mới,Chuyên viên,operator\n")
    assert "mallory" not in authenticator.get_authed_users()  # a later operator waits for an approval


def test_the_hub_warns_when_campaign_yml_carries_the_gradebook_password(tmp_path):
    from kit.app.hub import gradebook_warnings

    root = _project(tmp_path)
    settings = _settings(root)
    assert gradebook_warnings(settings) == []  # the demo: SQLite
    yml = root / "data" / "campaign.yml"
    text = yml.read_text(encoding="utf-8")
    yml.write_text(text + "gradebook: postgresql://owner@db.local/thidua\n", encoding="utf-8")
    assert gradebook_warnings(settings) == []  # no password in the file
    yml.write_text(text + "gradebook: postgresql://owner:secret@db.local/thidua\n", encoding="utf-8")
    (warning,) = gradebook_warnings(settings)
    assert "mật khẩu" in warning and "campaign.yml" in warning and "secret" not in warning
