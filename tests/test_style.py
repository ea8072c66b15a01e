"""The code stays ruff-clean and mypy-clean (configuration in pyproject.toml); `make lint` runs the same."""

import subprocess
import sys

from tests.helpers import ROOT


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_clean():
    done = _run("ruff", "check", "kit", "tests", "bench", "tools")
    assert done.returncode == 0, done.stdout


def test_mypy_clean():
    done = _run("mypy")  # files and options: [tool.mypy] in pyproject.toml
    assert done.returncode == 0, done.stdout
