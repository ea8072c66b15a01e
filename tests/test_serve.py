"""`kit lab`: JupyterLab rooted at the project with a token, so README's meeting address works (issue: a plain
`jupyter lab notebooks/01-tham-dinh.ipynb` roots the server in notebooks/ and the address is a 404)."""

from __future__ import annotations

import html
import http.client
import shutil
import subprocess
import time

import pytest

from kit.app.serve import environment, lab_command, meeting_command
from tests.helpers import ROOT, copy_demo


def _get(port: int, path: str, timeout: float = 120, host: str = "") -> http.client.HTTPResponse:
    deadline = time.monotonic() + 90
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            conn.request("GET", path, headers={"Host": host} if host else {})
            return conn.getresponse()
        except OSError:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.5)


@pytest.mark.notebooks
def test_the_meeting_address_works_under_kit_lab(tmp_path):
    import socket

    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    copy_demo(tmp_path / "data")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command, token = lab_command(tmp_path, port)
    env = {**environment(token), "JUPYTER_CONFIG_DIR": str(tmp_path / ".jupyter")}
    server = subprocess.Popen(command, cwd=tmp_path / "notebooks", env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        assert _get(port, "/voila/render/notebooks/40-hop-hoi-dong.ipynb").status in (302, 403)  # token needed
        page = _get(port, f"/voila/render/notebooks/40-hop-hoi-dong.ipynb?token={token}")
        body = html.unescape(page.read().decode("utf-8"))
        assert page.status == 200 and "Họp Hội đồng thi đua" in body  # (the ranking itself is a live widget)
        assert "fontawesome" not in body  # the kit's template: nothing fetched from the internet
        # a page elsewhere reaching the server through a name rebound to 127.0.0.1 is refused
        assert _get(port, f"/voila/render/notebooks/40-hop-hoi-dong.ipynb?token={token}",
                    host=f"evil.example:{port}").status == 403
    finally:
        server.terminate()
        server.wait(timeout=30)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_token_on_the_command_line():
    """``ps`` shows every process's command line to every local user: the token goes in the environment."""
    for command, token in (lab_command(ROOT, 8888), meeting_command(ROOT, 8866)):
        assert token and not any(token in part for part in command)
        assert environment(token)["JUPYTER_TOKEN"] == token


def test_the_meeting_server_wants_the_token_and_a_local_host_name(tmp_path):
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    copy_demo(tmp_path / "data")
    port = _free_port()
    command, token = meeting_command(tmp_path, port)
    env = {**environment(token), "JUPYTER_CONFIG_DIR": str(tmp_path / ".jupyter")}
    server = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _get(port, "/").status in (302, 403)  # no token: no page
        assert _get(port, f"/?token={token}", host=f"evil.example:{port}").status == 403
        assert _get(port, f"/?token={token}", host=f"localhost:{port}").status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
