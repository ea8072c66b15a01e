"""The import contract: the folders of kit/ are layers, and imports only go down.

files → checked tables → decisions → results → reports:
    core → config → intake → scoring | store → outputs → app → reporting | ui → cli
Layers on one rank ("|") are independent of each other; cli (which prints) uses neither reporting
nor ui, and they do not use it. Every import counts, including those inside functions. Inside store, the
gradebook's modules have ranks of their own (``STORE``): its parts never lean on each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import ROOT

RANK = {"core": 0, "config": 1, "intake": 2, "scoring": 3, "store": 3, "outputs": 4, "app": 5, "reporting": 6,
        "ui": 6, "cli": 7}
TOP = {"__init__": -1, "__main__": 8}  # kit/__init__.py holds the version only; __main__ runs the CLI


def layer_of(module: str) -> str | None:
    """'kit.intake.check' -> 'intake'; 'kit.cli' -> 'cli'; 'kit' -> '__init__'; other packages -> None."""
    parts = module.split(".")
    if parts[0] != "kit":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def imported(source: str, module: str) -> list[tuple[int, str]]:
    """(line, imported kit module) for every import in a module's source, relative ones resolved."""
    found = []
    package = module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else [])) \
                if node.level else (node.module or "")
            found.append((node.lineno, base))
            if base == "kit":  # from kit import charts: the names are modules or subpackages
                found += [(node.lineno, f"kit.{a.name}") for a in node.names if a.name != "__version__"]
    return found


def violations(source: str, module: str) -> list[str]:
    """What this module imports against the contract."""
    own = layer_of(module)
    rank = RANK.get(own, TOP.get(own or "", 0))
    out = []
    for line, target in imported(source, module):
        if target.split(".")[0] in ("tools", "tests", "bench"):
            out.append(f"{module}:{line} imports {target} (not part of the installed kit)")
            continue
        other = layer_of(target)
        if other is None or other == own or other == "__init__":
            continue
        other_rank = RANK.get(other, TOP.get(other, 99))
        if other_rank >= rank:
            out.append(f"{module}:{line} ({own}, rank {rank}) imports {target} ({other}, rank {other_rank})")
        elif own == "cli" and other in ("reporting", "ui"):
            out.append(f"{module}:{line} cli imports {target}: the CLI renders through app, never the views")
    return out


def kit_modules() -> list[tuple[str, Path]]:
    return [(".".join(p.relative_to(ROOT).with_suffix("").parts), p) for p in sorted((ROOT / "kit").rglob("*.py"))]


def test_every_import_goes_down():
    found = [v for name, path in kit_modules() for v in violations(path.read_text(encoding="utf-8"), name)]
    assert found == []


def test_every_folder_has_a_rank():
    folders = {p.name for p in (ROOT / "kit").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(RANK)


@pytest.mark.parametrize(("module", "source", "expected"), [
    ("kit.core.values", "from kit.config.campaign import Campaign", "imports kit.config.campaign"),
    ("kit.intake.check", "def f():\n    from kit.app.year import load_year", "imports kit.app.year"),
    ("kit.scoring.totals", "import kit.store.gradebook", "imports kit.store.gradebook"),
    ("kit.ui.meeting_panel", "from kit.reporting import charts", "imports kit.reporting"),
    ("kit.reporting.data", "from kit import cli", "imports kit.cli"),
    ("kit.cli", "from kit.ui.scoring_panel import AppraisalPanel", "cli imports kit.ui.scoring_panel"),
    ("kit.app.year", "from tools.demogen import generate", "imports tools.demogen"),
    ("kit.outputs.forms", "from ..app import year", "imports kit.app"),
])
def test_the_contract_catches_an_upward_import(module, source, expected):
    assert any(expected in v for v in violations(source, module))


def test_downward_and_sibling_module_imports_are_fine():
    assert violations("from kit.config.campaign import Campaign\nfrom kit.app.fingerprint import Fingerprint\n"
                      "from . import charts\nimport pandas", "kit.reporting.display") == []


def test_the_wheel_lists_every_package_and_the_notebooks():
    """pyproject.toml lists packages explicitly (so notebooks/ can ship as kit.notebooks): none may be forgotten."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folders = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "kit").rglob("*") if p.is_file()
               and "__pycache__" not in p.parts}
    assert set(config["packages"]) == folders | {"kit.notebooks"}
    assert config["package-dir"] == {"kit.notebooks": "notebooks"}


def _code_in_strings(source: str) -> list[tuple[int, str]]:
    """(line, kit module) imported by any string literal of ``source`` that is Python code: kernel code hidden
    from the contract (the kit sends a kernel code only through ``kernel_call``, which names a function)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "import" in node.value:
            try:
                code = ast.parse(node.value)
            except SyntaxError:
                continue
            found += [(node.lineno, target) for _, target in imported(node.value, "kit.x")
                      if target.split(".")[0] == "kit"] if code.body else []
    return found


def test_no_kernel_code_hides_an_import_in_a_string():
    hidden = [f"{name}:{line} sends code importing {target}" for name, path in kit_modules()
              for line, target in _code_in_strings(path.read_text(encoding="utf-8"))]
    assert hidden == []
    assert _code_in_strings('WARM = "import kit.app.year\\nkit.app.year.load_years()"') == [(1, "kit.app.year")]


def test_kernel_code_names_a_function_the_contract_sees():
    from kit.app import kernel
    from kit.outputs.render import RESET, kernel_call, reset_namespace

    code = kernel_call(kernel.warm, "/data", [2024])
    assert [t for _, t in imported(code, "kit.app.reports")] == ["kit.app.kernel"]
    assert "_kit_call('/data', [2024])" in code
    assert RESET == kernel_call(reset_namespace)
    # the sender holds the function, so sending app code from outputs is an ordinary, visible upward import
    assert any("imports kit.app" in v for v in violations("from kit.app import kernel", "kit.outputs.render"))
    with pytest.raises(ValueError):
        kernel_call(lambda: None)
    # the warm-up imports what a report imports by reading the notebook, never by naming a module above kit.app
    from kit.app.reports import YEARLY
    from kit.outputs.render import NOTEBOOKS

    names = {ast.unparse(n) for n in kernel.notebook_imports(str(NOTEBOOKS / YEARLY))}
    assert any("kit.reporting" in n for n in names)


# Inside store: the gradebook's parts (kit.store.gradebook composes them into one Gradebook) build only on the
# modules ranked below them, never on each other or on the façade, so each can be read and changed alone.
STORE = {"ledger": 0, "schema": 0, "roles": 0, "engine": 1, "decision_log": 2, "award_log": 2, "anchors": 2, "desk": 2,
         "maintenance": 2, "gradebook": 3}


def store_violations(source: str, module: str) -> list[str]:
    own = STORE[module.split(".")[2]]
    targets = [(line, t) for line, t in imported(source, module) if t.startswith("kit.store.")]
    return [f"{module}:{line} (rank {own} in store) imports {t}" for line, t in targets
            if STORE.get(t.split(".")[2], 99) >= own]


def test_the_gradebooks_parts_build_only_on_what_is_below_them():
    assert {p.stem for p in (ROOT / "kit" / "store").glob("*.py")} - {"__init__"} == set(STORE)
    found = [v for name, path in kit_modules() if name.startswith("kit.store.") and not name.endswith("__init__")
             for v in store_violations(path.read_text(encoding="utf-8"), name)]
    assert found == []


@pytest.mark.parametrize(("module", "source"), [
    ("kit.store.award_log", "from kit.store.decision_log import latest"),
    ("kit.store.maintenance", "def f():\n    from kit.store.gradebook import Gradebook"),
    ("kit.store.schema", "from kit.store.engine import Store"),
])
def test_the_store_contract_catches_a_part_leaning_on_another(module, source):
    assert store_violations(source, module)
