"""Fixtures; the helpers they use live in tests/helpers.py (tests import them from there)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kit.config.campaign import Campaign, load_campaign
from kit.store.gradebook import Gradebook
from tests.helpers import DEMO, submit, write_campaign


@pytest.fixture
def tiny(tmp_path: Path) -> Campaign:
    return load_campaign(write_campaign(tmp_path / "camp"))


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled demo campaign."""
    return Path(shutil.copytree(DEMO, tmp_path / "data"))


@pytest.fixture
def book(tiny):
    """The tiny campaign with every unit's form submitted, and its gradebook."""
    for unit in ("U1", "U2", "U3"):
        submit(tiny, unit)
    gradebook = Gradebook.for_campaign(tiny)
    yield gradebook
    gradebook.close()
