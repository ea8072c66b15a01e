"""Real-browser tests: JupyterLab and Voilà in Debian's chromium, driven by Playwright.

`.ci/run` installs chromium when it is missing; Playwright only drives it (never `playwright install`).
Screenshots of each step go to reports/screenshots/ (not committed).
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kit.app.reports import SCORECARD
from kit.outputs.render import Job, render
from tests.helpers import CHROMIUM, GOOD, ROOT, chromium, copy_demo, fill_form
from tools.demogen import accounts as demo_accounts

SHOTS = ROOT / "reports" / "screenshots"
TOKEN = "kit-test-token"
EVIL = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
# A browser test whose cells stay "[*]" (the kernel shown Busy, nothing executed) fails about one full run in six
# under load; twice seen on the blind second appraisal, never alone. It is run once more before it counts as
# failed, with its failure picture kept (see the page fixture); the cause (JupyterLab sending "Run All" to a kernel
# it has not yet connected?) is still open.
pytestmark = [pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is installed by .ci/run"),
              pytest.mark.browser, pytest.mark.flaky(reruns=1, reruns_delay=2)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A copy of the notebooks and the demo campaign, served by JupyterLab (with Voilà) on 127.0.0.1."""
    root = tmp_path_factory.mktemp("site")
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    copy_demo(root / "data")
    # every cell attached to the page: a cell JupyterLab's windowing skips off screen cannot be waited for
    tracker = root / ".lab-settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text('{"windowingMode": "none"}', encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(root / ".jupyter"), "JUPYTERLAB_SETTINGS_DIR":
           str(root / ".lab-settings"), "JUPYTERLAB_WORKSPACES_DIR": str(root / ".lab-workspaces"),
           # the lab's kernels act as the demo's evaluator Nguyễn Thị Lan, the login given the way a hub gives it
           # (kit.app.actor): whoever runs the tests is not in the demo's accounts, and nobody types a name
           "JUPYTERHUB_API_TOKEN": "kit-tests", "JUPYTERHUB_USER": demo_accounts.LAN}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}", "--allow-root",
         "--LabApp.news_url=", "--ServerApp.open_browser=False"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=(SHOTS / "jupyterlab.log").open("w", encoding="utf-8"))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start")
    yield base, root
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield from chromium()


@pytest.fixture
def page(browser, request):
    """A new tab; when the test fails, a picture of it and the end of its text, to see why (CI keeps the log)."""
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and not tab.is_closed():
        tab.screenshot(path=SHOTS / f"FAILED-{request.node.name}.png", full_page=True)
        print("What the page showed when the test failed:\n" + tab.inner_text("body")[-3000:])
        log = SHOTS / "jupyterlab.log"  # e.g. "IOPub message rate exceeded", a kernel's traceback
        if log.exists():
            print("The end of JupyterLab's log:\n" + log.read_text(encoding="utf-8", errors="replace")[-3000:])
    if not tab.is_closed():
        tab.close()


def test_appraise_one_criterion_in_jupyterlab(site, page):
    base, root = site
    page.goto(f"{base}/lab/tree/notebooks/01-tham-dinh.ipynb?token={TOKEN}")
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    # "Run All Cells" clicked while the session is still "No Kernel | Initializing" may do nothing: wait for the kernel
    page.get_by_text("| Idle").first.wait_for(timeout=120_000)
    page.screenshot(path=SHOTS / "1-notebook-opened.png")
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.get_by_text("Đang đăng nhập: Nguyễn Thị Lan (lan.nt)").first.wait_for(timeout=120_000)  # not asked
    score = page.locator("select:has(option:text-is('— chưa chấm —'))").first
    # the browser builds several hundred row widgets after the header: slow on a cold CI machine (once > 30 s)
    score.wait_for(timeout=120_000)
    current = score.evaluate("s => s.options[s.selectedIndex].text")
    labels = score.evaluate("s => Array.from(s.options).map(o => o.text)")
    choice = next(label for label in labels[1:] if label != current)
    score.select_option(label=choice)
    page.locator("input[placeholder='Nhận xét (chọn hoặc gõ mới)']").first.fill("Kiểm tra bằng trình duyệt thật")
    page.screenshot(path=SHOTS / "2-scored.png")
    page.locator("button.widget-button", has_text="Lưu").first.click()  # the icon makes its name " Lưu"
    page.get_by_text("Đã lưu 1 tiêu chí").wait_for(timeout=60_000)
    page.screenshot(path=SHOTS / "3-saved.png")
    with sqlite3.connect(root / "data" / "gradebook.sqlite") as db:
        row = db.execute("SELECT evaluator, comment, stage FROM decisions ORDER BY id DESC LIMIT 1").fetchone()
    assert row == ("lan.nt", "Kiểm tra bằng trình duyệt thật", "appraisal")  # the login's account, nothing typed


def _blind_target(data: Path) -> tuple[str, str]:
    """A sampled judgement criterion of 2025 with no second appraisal: give it a first appraisal nobody could
    guess (0,35 with a secret comment), made by someone else than the browser's evaluator (Trần Văn Minh)."""
    from kit.app.appraisal import Workspace
    from kit.config.campaign import load_campaign
    from kit.store.gradebook import Decision, Gradebook

    campaign = load_campaign(data)
    with Gradebook.for_campaign(campaign) as gb:
        ws = Workspace.open(campaign, 2025, gb)
        row = next(r for u in sorted(ws.sampled_units) for r in ws.unit_rows(u)
                   if r.type == "judgement" and r.second is None and r.max >= 1)
        gb.record(Decision(2025, row.unit, row.code, "appraisal", 0.35, demo_accounts.MINH, "BÍ MẬT LẦN MỘT",
                           criterion_key=row.key, self_score=row.self_score))
    return row.unit, row.code


def test_blind_second_appraisal_in_jupyterlab(site, page):
    base, root = site
    unit, code = _blind_target(root / "data")
    page.goto(f"{base}/lab/tree/notebooks/01-tham-dinh.ipynb?token={TOKEN}")
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    page.get_by_text("| Idle").first.wait_for(timeout=120_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.get_by_text("Đang đăng nhập: Nguyễn Thị Lan (lan.nt)").first.wait_for(timeout=120_000)
    page.locator("button", has_text="Thẩm định lần 2 (độc lập)").first.click()
    page.get_by_text("tổng điểm và kết quả thẩm định lần 1 được ẩn").wait_for(timeout=60_000)
    group = page.locator("select:has(option:text-is('UBND cấp xã'))").first
    groups = {"CQ": "Cơ quan chuyên môn cấp huyện", "XA": "UBND cấp xã",
              "NG": "Cơ quan ngành dọc cấp tỉnh trên địa bàn huyện"}
    from kit.config.campaign import load_campaign

    group.select_option(label=groups[load_campaign(root / "data").units_by_code[unit].group])
    units = page.locator("select").filter(has=page.locator("option", has_text=f"{unit} — ")).first
    units.wait_for(timeout=60_000)  # the kernel refills the list for the group
    labels = units.evaluate("s => Array.from(s.options).map(o => o.text)")
    label = next(t for t in labels if f"{unit} — " in t.replace("\xa0", " "))  # ipywidgets writes spaces as nbsp
    units.select_option(label=label)
    row = page.locator(".widget-vbox", has_text=f"{code}. ").last
    row.wait_for(timeout=60_000)
    row.locator("button", has_text="Lịch sử").first.click()
    page.get_by_text("Lịch sử tiêu chí").first.wait_for(timeout=60_000)
    time.sleep(1)
    page.screenshot(path=SHOTS / "5-blind-second-appraisal.png", full_page=True)
    panel = page.locator(".jp-OutputArea", has_text="Thẩm định năm 2025").first
    shown = panel.inner_text()
    values = panel.evaluate("a => Array.from(a.querySelectorAll('input, textarea, select, option, datalist option'))"
                            ".map(e => (e.value || '') + ' ' + (e.title || '') + ' ' + (e.label || '')).join('\\n')")
    assert f"{code}. " in shown and "Tự chấm" in shown  # the row and its history are on screen
    for secret in ("0,35", "0.35", "BÍ MẬT LẦN MỘT", "Trần Văn Minh", demo_accounts.MINH):
        assert secret not in shown and secret not in values, secret


def test_evidence_files_open_beside_the_row_in_jupyterlab(site, page):
    """The demo's Văn phòng (2025) sent a zip: its PDF shows in a frame and its photo as a picture in the panel
    (JupyterLab keeps the frame: the widget's HTML is not sanitised away), under the row that cites them."""
    base, _ = site
    page.goto(f"{base}/lab/tree/notebooks/01-tham-dinh.ipynb?token={TOKEN}")
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    page.get_by_text("| Idle").first.wait_for(timeout=120_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.get_by_text("Đang đăng nhập: Nguyễn Thị Lan (lan.nt)").first.wait_for(timeout=120_000)
    # the panel reopens where the signed-in evaluator stopped (an earlier test of this module may have left her in
    # another group): choose the offices' group, as she would
    group = page.locator("select:has(option:text-is('UBND cấp xã'))").first
    group.select_option(label="Cơ quan chuyên môn cấp huyện")
    units = page.locator("select").filter(has=page.locator("option", has_text="VP — ")).first
    units.wait_for(timeout=120_000)
    label = next(t for t in units.evaluate("s => Array.from(s.options).map(o => o.text)")
                 if "VP — " in t.replace("\xa0", " "))
    units.select_option(label=label)
    page.locator("button", has_text="KH-1-1.pdf").first.click()
    frame = page.locator("iframe[src^='data:application/pdf;base64,JVBER']").first  # %PDF, base64
    frame.wait_for(state="attached", timeout=60_000)
    assert page.get_by_text("Tải về tệp PDF").first.is_visible()
    page.locator("button", has_text="anh-hop-1-1.png").first.click()
    picture = page.locator(".widget-image").first
    picture.wait_for(timeout=60_000)
    page.wait_for_function("() => { const i = document.querySelector('.widget-image'); "
                           "return i && i.complete && i.naturalWidth > 0; }", timeout=30_000)
    picture.scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "6-evidence-file.png")


def test_meeting_view_shows_the_ranking_without_code(site, page):
    base, _ = site
    page.goto(f"{base}/voila/render/notebooks/40-hop-hoi-dong.ipynb?token={TOKEN}", timeout=120_000)
    page.get_by_text("Xếp hạng năm 2024").wait_for(timeout=120_000)
    assert page.get_by_text("Phòng Tư pháp").first.is_visible()
    assert page.get_by_text("MeetingPanel.open").count() == 0  # no code shown
    assert page.locator(".jp-CodeMirrorEditor").count() == 0
    page.screenshot(path=SHOTS / "4-meeting-view.png", full_page=True)


def test_rendered_report_has_no_console_errors_and_no_script_from_unit_text(site, page, tmp_path):
    _, root = site
    data = root / "data"
    fill_form(data / "submissions" / "2024" / "NV_2024.xlsx", {"1.1": {**GOOD["1.1"], "evidence": EVIL}})
    job = Job(SCORECARD, {"campaign": str(data), "year": 2024, "unit": "NV"}, tmp_path / "NV-2024.ipynb")
    (outcome,) = render([job], workers=1)
    assert outcome.ok, outcome.error
    errors, dialogs = [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(job.output.with_suffix(".html").as_uri())
    page.get_by_text("PHIẾU KẾT QUẢ CHẤM ĐIỂM CCHC NĂM 2024").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=SHOTS / "5-report.png", full_page=False)
    assert errors == [] and dialogs == []
    assert page.get_by_text('<script>alert("xss")</script>', exact=False).count() >= 1  # shown as text


def test_standalone_meeting_view_needs_its_token_and_loads_nothing_from_outside(site, page):
    """`kit meeting`: a token (without it, a login page), idle kernels culled, no request leaving the machine."""
    import http.client

    from kit.app.serve import environment, meeting_command

    _, root = site
    port = _free_port()
    command, token = meeting_command(root, port)
    assert "--MappingKernelManager.cull_idle_timeout=600" in command and "--Voila.ip=127.0.0.1" in command
    server = subprocess.Popen(command, cwd=root, env=environment(token), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/")
                response = conn.getresponse()
                break
            except OSError:
                assert time.monotonic() < deadline, "Voilà did not start"
                time.sleep(0.5)
        assert response.status == 302 and response.getheader("Location").startswith("/login")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", f"/?token={token}", headers={"Host": "evil.example"})  # DNS rebinding: refused
        assert conn.getresponse().status == 403
        base = f"http://127.0.0.1:{port}"
        errors, outside = [], []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base, "data:")) else None)
        page.goto(f"{base}/?token={token}", timeout=120_000)
        page.get_by_text("Xếp hạng năm 2024").wait_for(timeout=120_000)
        page.wait_for_timeout(1000)
        assert errors == [] and outside == []
    finally:
        server.terminate()
        server.wait(timeout=30)
