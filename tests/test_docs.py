"""The maintainers' pages say only what is true of the code: every module, object and file they name exists.

docs/architecture.md is a map; a map that names a module someone renamed sends the next maintainer the wrong
way. A name the page presents as planned (not built yet) is listed here with the words that must mark it so.
"""

from __future__ import annotations

import importlib
import re

import pytest

from tests.helpers import ROOT

PAGES = ["docs/architecture.md", "docs/domain.md"]
# Named on purpose although absent from the source tree, with the words the page must say beside them.
NOT_IN_THE_TREE = {"kit/app/actor.py": "does not exist yet",  # issue 23's seam, described as planned
                   "kit/notebooks": "wheel"}  # where the wheel puts notebooks/ (pyproject.toml's package-dir)


def dotted_names(text: str) -> set[str]:
    """``kit.x.y`` names in code spans (a call's arguments left out)."""
    return set(re.findall(r"`(kit(?:\.\w+)+)", text))


def paths(text: str) -> set[str]:
    """Repository paths in code spans, up to a placeholder (``inspections/<year>.csv`` → its folder)."""
    found = re.findall(r"`((?:kit|tests|tools|bench|notebooks|docs|data)/[^`\s]*)`", text)
    return {p.split("<")[0].split("*")[0].rstrip("/") for p in found}


def resolves(name: str) -> bool:
    """The longest importable module of ``name``, then its attributes."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attribute in parts[cut:]:
                obj = getattr(obj, attribute)
        except AttributeError:
            return False
        return True
    return False


@pytest.mark.parametrize("page", PAGES)
def test_every_kit_name_a_page_gives_exists(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    assert dotted_names(text), page
    assert sorted(n for n in dotted_names(text) if not resolves(n)) == []


@pytest.mark.parametrize("page", PAGES)
def test_every_path_a_page_gives_exists_or_is_marked_as_planned(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    missing = sorted(p for p in paths(text) if not (ROOT / p).exists())
    unmarked = [p for p in missing if p not in NOT_IN_THE_TREE or not any(
        p in line and NOT_IN_THE_TREE[p] in line for line in text.splitlines())]
    assert unmarked == []


def test_the_checks_catch_a_renamed_module_and_a_missing_file():
    assert not resolves("kit.app.years.load_year") and not resolves("kit.app.year.load_yaer")
    assert resolves("kit.app.year.load_year") and resolves("kit.store.gradebook.Gradebook.for_campaign")
    assert paths("see `kit/app/nothing.py` and `inspections/<year>.csv` and `data/inspections/<year>.csv`") == {
        "kit/app/nothing.py", "data/inspections"}
    assert not (ROOT / "kit/app/nothing.py").exists()


def test_the_map_has_a_line_for_every_module():
    """A module added to kit/ gets its line in the table of docs/architecture.md ("What lives where")."""
    text = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    floor, listed = "", set()
    for name, module in re.findall(r"^\|([^|]*)\| `((?:\w+/)*\w+\.py)` \|", text, flags=re.MULTILINE):
        floor = name.strip() or floor  # a row without a floor continues the one above
        listed.add(module if floor == "—" else f"{floor}/{module}")  # "—": a module of kit/ itself
    modules = {p.relative_to(ROOT / "kit").as_posix() for p in (ROOT / "kit").rglob("*.py")
               if p.name not in ("__init__.py", "__main__.py")}
    assert sorted(modules - listed) == []
    assert sorted(listed - modules) == []


def test_readme_links_the_pages_not_a_file_outside_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared/DESIGN.md" not in readme
    assert all(f"]({page})" in readme for page in PAGES)
