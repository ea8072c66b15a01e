"""The code stays ruff-clean (configuration in pyproject.toml)."""

import importlib.util
import subprocess
import sys

import pytest

from tests.helpers import ROOT


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff comes with the test extra")
def test_ruff_clean():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "kit", "tests", "bench"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
