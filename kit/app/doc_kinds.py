"""The registry of document kinds ``kit docs`` writes: one entry per kind, iterated by the year and final runs.

A kind says where it belongs (the year's run, the period's run, or the notices to each unit), which template it
fills, what it is written for (once, or once per unit, per proposal, per deciding authority: ``items``), the values
it fills the template with and the name of each file. Adding a document kind is one module that builds its context
and one ``register`` call, as papermill registers an engine: ``year_documents`` and ``final_documents`` never name
a kind. The kit's own kinds are registered in ``kit.app.documents``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from kit.app.year import YearState
from kit.config.campaign import Campaign
from kit.outputs.doc_templates import FOLDER, template_for
from kit.outputs.official import Layout
from kit.scoring.awards import Awards


class Scope(Enum):
    """Which run writes a kind: ``kit docs --year`` (YEAR), ``kit docs --units`` and ``--year`` (UNIT: a notice to
    each unit of the year), ``kit docs --final`` (PERIOD)."""

    YEAR = "year"
    UNIT = "unit"
    PERIOD = "period"


@dataclass(frozen=True)
class Run:
    """What one ``kit docs`` run writes from: the years' states, the proposals of the run, the documents' date and
    the end of every file name ("2024", "2022-2025", "2022-20250630")."""

    campaign: Campaign
    states: list[YearState]
    awards: Awards
    day: dt.date
    end: str
    scope: Scope

    @property
    def year(self) -> YearState:
        """The year of a year's run (the last of a period's)."""
        return self.states[-1]


def once(run: Run) -> Iterable[Any]:
    return [None]


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document. ``context(run, item)`` gives the template's values and ``file_name(run, item)`` the
    path under the run's folder, for each of ``items(run)`` (default: one document per run). ``commendation``:
    written only when the campaign has a rule pack (commendation.yml). ``layout``: the default template of a kind
    the kit does not ship (the office's own file in mau-van-ban/ still takes precedence)."""

    name: str
    scopes: frozenset[Scope]
    template: str
    context: Callable[[Run, Any], dict]
    file_name: Callable[[Run, Any], str]
    items: Callable[[Run], Iterable[Any]] = once
    commendation: bool = False
    layout: Callable[[], Layout] | None = field(default=None, compare=False)

    def template_source(self, campaign_root: Path) -> bytes | Path:
        own = campaign_root / FOLDER / f"{self.template}.docx"
        if self.layout is not None and not own.is_file():
            return _layout_bytes(self.layout)  # built once: a kind written for every unit asks a hundred times
        return template_for(campaign_root, self.template)


@functools.lru_cache(maxsize=32)
def _layout_bytes(layout: Callable[[], Layout]) -> bytes:
    return layout().bytes()


KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    """Add a kind; kinds are written in the order they were registered. A name registered twice is a mistake in the
    code, not in the office's data, so it raises."""
    if kind.name in KINDS:
        raise ValueError(f"document kind {kind.name!r} is registered twice")
    KINDS[kind.name] = kind
    return kind


def kinds_for(scope: Scope, *, commendation: bool) -> list[DocumentKind]:
    """The kinds a run of ``scope`` writes, in registration order (``commendation``: the campaign has rules)."""
    return [k for k in KINDS.values() if scope in k.scopes and (commendation or not k.commendation)]
