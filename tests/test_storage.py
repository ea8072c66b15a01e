"""Storage that fails (issue 27 item 3): read-only, full, missing or locked storage is one Vietnamese message
(exit 1, no traceback), nothing half-written is left, and temporary files of a killed run are removed; outputs
are created with the user's umask (issue 22 item 7)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time

import pytest

from kit.app.actor import signed_in
from kit.cli import main
from kit.core import atomic
from kit.core.errors import StorageError
from tests.helpers import ROOT, copy_demo
from tools.demogen import accounts as demo_accounts


def _mount(path, *options: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root on Linux")
    sized = options if any(o.startswith("size=") for o in options) else ("size=3m", *options)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(sized), "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"mounting is not permitted here: {done.stderr.strip()}")


@pytest.fixture
def mounts():
    mounted = []

    def mount(path, *options: str):
        _mount(path, *options)
        mounted.append(path)
        return path

    yield mount
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _fill(folder, leave: int) -> None:
    """Fill the file system of ``folder`` but ``leave`` bytes."""
    st = os.statvfs(folder)
    with open(folder / "day-o.bin", "wb") as fh:
        fh.write(b"\0" * max(0, st.f_bavail * st.f_frsize - leave))


COMMANDS = {
    "forms": ["forms", "--year", "2025"],
    "results": ["results", "--year", "2025"],
    "docs": ["docs", "--year", "2025"],
    "awards": ["awards", "--year", "2025"],
    "archive": ["archive", "--out", "{reports}/ban-giao.zip"],
    "export": ["decisions", "export", "--year", "2025", "--out", "{reports}/tham-dinh.xlsx"],  # as an evaluator
    "render": ["render", "--year", "2025", "--quiet"],
}


# render starts kernels: left out of make test-fast like every notebook test
NAMES = [pytest.param(n, marks=pytest.mark.notebooks) if n == "render" else n for n in COMMANDS]


def _run(name, campaign, reports, capsys) -> tuple[int, str]:
    args = [a.format(reports=reports) for a in COMMANDS[name]]
    with signed_in(demo_accounts.LAN if name == "export" else demo_accounts.OPERATOR):
        code = main([*args, "--campaign", str(campaign), "--reports", str(reports)])
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    return copy_demo(tmp_path_factory.mktemp("demo") / "data")


@pytest.mark.parametrize("name", NAMES)
def test_a_read_only_reports_folder_is_a_message(name, campaign, tmp_path, mounts, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # render finds the notebooks
    reports = mounts(tmp_path / "reports", "ro")
    code, said = _run(name, campaign, reports, capsys)
    assert code == 1 and "Traceback" not in said, said
    assert "chỉ cho đọc" in said and str(reports) in said


@pytest.mark.parametrize("name", NAMES)
def test_a_full_disk_is_a_message_and_leaves_nothing_half_written(name, campaign, tmp_path, mounts, capsys,
                                                                   monkeypatch):
    monkeypatch.chdir(ROOT)
    reports = mounts(tmp_path / "reports")
    _fill(reports, 20_000)
    code, said = _run(name, campaign, reports, capsys)
    assert code == 1 and "Traceback" not in said and "Exception ignored" not in said, said
    assert "ổ đĩa đã đầy" in said and str(reports) in said
    left = [p for p in reports.rglob("*") if atomic._TAG in p.name]
    assert not left


def test_a_read_only_campaign_folder_backup_is_a_message(tmp_path, mounts, capsys):
    folder = mounts(tmp_path / "data", "size=200m")
    copy_demo(folder, dirs_exist_ok=True)
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    code = main(["gradebook", "backup", "--campaign", str(folder)])
    said = capsys.readouterr()
    assert code == 1 and "Traceback" not in said.err and "chỉ cho đọc" in said.err and "backups" in said.err


def test_a_locked_target_is_a_message_and_the_old_file_stays(tmp_path, monkeypatch):
    target = tmp_path / "ket-qua.xlsx"
    target.write_bytes(b"old")

    def busy(src, dst):
        raise OSError(errno.EBUSY, "Device or resource busy", str(dst))

    monkeypatch.setattr(atomic.os, "replace", busy)
    with pytest.raises(StorageError, match="đang được chương trình khác mở"):
        atomic.write_bytes(target, b"new")
    assert target.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["ket-qua.xlsx"]


def test_a_missing_folder_is_a_message(tmp_path):
    (tmp_path / "la-tep").write_text("x")
    with pytest.raises(StorageError, match="không còn truy cập được"):
        atomic.write_text(tmp_path / "la-tep" / "con" / "a.txt", "x")


def test_an_error_reading_something_else_is_not_called_storage(tmp_path):
    with pytest.raises(FileNotFoundError), atomic.replacing(tmp_path / "a.txt"):
        (tmp_path / "mau" / "khong-co.docx").read_bytes()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="a dead run is told by its pid on POSIX (by age elsewhere)")
def test_temporary_files_of_a_killed_run_are_removed_on_the_next_run(tmp_path):
    folder = tmp_path / "reports"
    script = ("import sys, time; from pathlib import Path; from kit.core.atomic import replacing\n"
              "with replacing(Path(sys.argv[1])) as t:\n    t.write_text('nửa chừng'); time.sleep(120)\n")
    writer = subprocess.Popen([sys.executable, "-c", script, str(folder / "bao-cao.html")])
    deadline = time.monotonic() + 60
    while not [p for p in folder.glob(".*") if atomic._TAG in p.name]:
        assert time.monotonic() < deadline and writer.poll() is None
        time.sleep(0.1)
    atomic.sweep(folder, force=True)  # the writer is alive: its file is kept
    assert [p for p in folder.glob(".*") if atomic._TAG in p.name]
    writer.kill()
    writer.wait()
    [left] = [p for p in folder.glob(".*") if atomic._TAG in p.name]
    atomic._swept.discard(str(folder))  # a new run
    atomic.write_text(folder / "khac.html", "x")
    assert not left.exists() and sorted(p.name for p in folder.iterdir()) == ["khac.html"]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_outputs_are_created_with_the_users_umask(tmp_path, mask, mode):
    old = os.umask(mask)
    try:
        path = atomic.write_text(tmp_path / "bao-cao.html", "x")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == mode
