"""Fixtures; the helpers they use live in tests/helpers.py (tests import them from there)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kit.config.campaign import Campaign, load_campaign
from kit.store.gradebook import Gradebook
from tests.helpers import DEMO, copy_demo, init_gradebook, submit, write_campaign
from tools.demogen import accounts as demo_accounts
from tools.pgtemp import PostgresCluster

# Test modules whose gradebook tests run on both backends (the others use SQLite). A test that is about SQLite's
# file (deleting it, flipping its bytes) is marked ``sqlite_only``.
BOTH_BACKENDS = {"test_gradebook", "test_ledger", "test_scoring_ui", "test_offline", "test_cli"}


# The kinds of slow test that `make test-fast` leaves out (`-m "not slow"` style: see the Makefile). A test is
# marked where it needs the thing; notebooks run by nbval and the PostgreSQL cases are marked here.
SLOW = {"browser": "drives Chromium through JupyterLab or Voilà",
        "libreoffice": "converts documents or sheets with LibreOffice",
        "notebooks": "executes notebooks in Jupyter kernels (papermill, nbval, kit render, kit lab)",
        "postgresql": "runs on a throwaway PostgreSQL cluster"}


def pytest_configure(config):
    config.pluginmanager.register(NotebookLogin(), "kit-notebook-login")
    config.addinivalue_line("markers", "sqlite_only: a test of the SQLite file itself")
    for name, why in SLOW.items():
        config.addinivalue_line("markers", f"{name}: {why} (left out by make test-fast)")


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebooks)
        params = getattr(item, "callspec", None)
        if (params and params.params.get("backend") == "postgresql") or "postgres" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgresql)


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        both = (metafunc.module.__name__.rsplit(".", 1)[-1] in BOTH_BACKENDS
                and metafunc.definition.get_closest_marker("sqlite_only") is None)
        metafunc.parametrize("backend", ["sqlite", "postgresql"] if both else ["sqlite"])


class NotebookLogin:
    """The project's notebooks run by nbval (notebooks/01-tham-dinh.ipynb opens the scoring panel on the demo) act
    as the demo's evaluator Nguyễn Thị Lan: their kernel is another process, so the login reaches it the way a hub
    gives it (kit.app.actor), set before nbval starts the kernel and taken away for the next test that is not a
    notebook cell. Whoever runs the tests is not in the demo's accounts, and a test never depends on who runs it.
    A plugin, not a conftest hook: the notebooks are not under tests/."""

    LOGIN = {"JUPYTERHUB_API_TOKEN": "kit-tests", "JUPYTERHUB_USER": demo_accounts.LAN}

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        if item.path.suffix == ".ipynb":
            os.environ.update(self.LOGIN)
        elif all(os.environ.get(k) == v for k, v in self.LOGIN.items()):
            for k in self.LOGIN:
                del os.environ[k]


@pytest.fixture(autouse=True, scope="session")
def _signed_in_as_the_demo_operator():
    """Every test (and every fixture: session-scoped, so it comes first) acts as the demo's operator account unless
    it signs in otherwise (kit.app.actor's seam, never a typed name): the account running the tests is not in the
    demo's registry. A campaign without a registry lets this account act alone with every role."""
    from kit.app.actor import signed_in

    with signed_in(demo_accounts.OPERATOR):
        yield


@pytest.fixture(autouse=True)
def _no_gradebook_from_the_environment(monkeypatch):
    """Tests never use the operator's KIT_GRADEBOOK_URL."""
    monkeypatch.delenv("KIT_GRADEBOOK_URL", raising=False)


@pytest.fixture(scope="session")
def postgres():
    try:
        cluster = PostgresCluster()
    except (FileNotFoundError, OSError) as exc:
        pytest.skip(f"PostgreSQL is not installed ({exc}); .ci/run installs it with apt")
    yield cluster
    cluster.stop()


@pytest.fixture
def gradebook_url(backend, request, tmp_path) -> str:
    """A new, empty gradebook of the test's backend."""
    if backend == "postgresql":
        return request.getfixturevalue("postgres").new_database()
    return f"sqlite:///{tmp_path / 'gb.sqlite'}"


@pytest.fixture
def tiny(tmp_path: Path, backend, request) -> Campaign:
    """The tiny campaign; its gradebook on the test's backend (a new database each time on PostgreSQL)."""
    root = write_campaign(tmp_path / "camp", gradebook=backend == "sqlite")
    if backend == "postgresql":
        url = request.getfixturevalue("postgres").new_database()
        with (root / "campaign.yml").open("a", encoding="utf-8") as f:
            f.write(f'gradebook: "{url}"\n')
        init_gradebook(root, url)
    return load_campaign(root)


DOC_RUNS = {"2024": ["--year", "2024"], "2025": ["--year", "2025"], "final": ["--final"],
            "early": ["--final", "--on", "30/06/2025"]}  # the four runs of `kit docs` issue 22's done-when names


@pytest.fixture(scope="session")
def demo_documents(tmp_path_factory) -> dict[str, Path]:
    """The four runs of ``kit docs`` on the demo, once per test process (several modules read them; none writes
    there): run name → its reports folder (documents under <year>/van-ban or final/van-ban)."""
    import contextlib
    import io

    from kit.cli import main

    out = {}
    for name, args in DOC_RUNS.items():
        reports = tmp_path_factory.mktemp(f"docs-{name}")
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["docs", "--campaign", str(DEMO), "--reports", str(reports), *args]) == 0
        out[name] = reports
    return out


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled demo campaign."""
    return Path(copy_demo(tmp_path / "data"))


@pytest.fixture
def book(tiny):
    """The tiny campaign with every unit's form submitted, and its gradebook."""
    for unit in ("U1", "U2", "U3"):
        submit(tiny, unit)
    gradebook = Gradebook.for_campaign(tiny)
    yield gradebook
    gradebook.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so a fixture can tell whether its test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
