"""What ``kit render`` makes, as registries: the kinds of report notebook, and the tables and lists beside them.

A report kind names its notebook, the jobs it lays out for a selection (which years, the final, the units), the
years a job reads (what its content can depend on: the render cache's basis) and, where a job shows less than it
reads, a narrower digest of what it shows (a unit's scorecard: its own rows and its group's ranking, not another
unit's decisions). ``render_reports`` iterates the registry; adding a kind of report is one notebook and one
``register`` call here or in a module of its own (papermill's engine registry is the model). The tables and lists
written beside the notebooks (results workbooks, proposals, honour rolls) are ``TableJob`` values of the same run,
each with the manifest key, basis and years it needs, so the run never guesses a job's kind from its name.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kit.app import kernel
from kit.app.fingerprint import code_digest, history_digest, unit_fingerprint
from kit.app.pipeline import write_proposals, write_year_tables
from kit.app.year import YearState, data_print, load_year, load_years
from kit.config.campaign import Campaign
from kit.outputs.manifest import Manifest
from kit.outputs.render import NOTEBOOKS, Job, Pool, Rendered, kernel_call
from kit.store.gradebook import Gradebook


@dataclass(frozen=True)
class Selection:
    """What one ``kit render`` run was asked for."""

    years: list[int]
    yearly: bool = False  # the yearly reports of ``years``
    final: bool = False  # the period's finals
    units: bool = False  # the scorecards of ``years``
    tables: bool = True  # the years' results workbooks and check reports (False: written already by the caller)


@dataclass(frozen=True)
class ReportKind:
    name: str
    notebook: str  # file name in notebooks/
    plan: Callable[[Campaign, Path, Selection, dict], list[Job]]  # the jobs for a selection, from base parameters
    reads: Callable[[dict, list[int]], list[int]]  # the campaign's years a job (by its parameters) loads
    shows: Callable[[Job, list[YearState]], str] | None = None  # a digest of what it shows, from the years it reads
    heavy: bool = False  # a long notebook: its jobs are handed to the workers first


KINDS: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    """Add a kind of report; a second kind of one name is a programming error."""
    if kind.name in KINDS:
        raise ValueError(f"report kind {kind.name!r} registered twice")
    KINDS[kind.name] = kind
    return kind


def kind_of(job: Job) -> ReportKind:
    return KINDS[job.kind]


def years_read(job: Job, years: list[int]) -> list[int]:
    """The campaign's years (of ``years``) a job's notebook loads: what its content can depend on."""
    return kind_of(job).reads(job.parameters, years)


def jobs_for(campaign: Campaign, reports: Path, *, years: Iterable[int] = (), final: bool = False,
             units: bool = False, run: str = "") -> list[Job]:
    """The notebooks to render for a selection, every registered kind in registration order; ``run`` names the
    run in the reports' headers."""
    selection = Selection(list(years), yearly=not units, final=final, units=units)
    base = {"campaign": str(campaign.root.resolve()), **({"run": run} if run else {})}
    # every job carries its kind (the cache's ``reads`` and ``shows``) and the kind's weight (handed out first)
    return [dataclasses.replace(job, kind=kind.name, first=kind.heavy)
            for kind in KINDS.values() for job in kind.plan(campaign, reports, selection, base)]


# -- the kit's own report kinds -----------------------------------------------------------------------------------
YEARLY, FINAL, SCORECARD = "10-bao-cao-nam.ipynb", "20-bao-cao-tong-ket.ipynb", "30-phieu-ket-qua-don-vi.ipynb"
SUCCESSOR = "21-tong-ket-don-vi-ke-thua.ipynb"  # the final of a commune/ward that took over others


def _yearly(campaign: Campaign, reports: Path, sel: Selection, base: dict) -> list[Job]:
    return [Job(YEARLY, {**base, "year": year}, reports / str(year) / f"bao-cao-nam-{year}.ipynb",
                f"Báo cáo kết quả chấm điểm CCHC năm {year}")
            for year in (sel.years if sel.yearly else [])]


def _finals(campaign: Campaign, reports: Path, sel: Selection, base: dict) -> list[Job]:
    if not sel.final:
        return []
    first, last = campaign.years[0], campaign.years[-1]
    out = [Job(FINAL, {**base, "first_year": first, "last_year": last},
               reports / "final" / f"bao-cao-tong-ket-{first}-{last}.ipynb",
               f"Báo cáo tổng kết phong trào thi đua CCHC {first}–{last}")]
    if campaign.own_end:  # the district's own final, on the day it ceased
        end = campaign.own_end
        out.append(Job(FINAL, {**base, "first_year": first, "last_year": last, "period_end": f"{end:%d/%m/%Y}"},
                       reports / "final" / f"bao-cao-tong-ket-{first}-{end:%Y%m%d}.ipynb",
                       f"Báo cáo tổng kết phong trào thi đua CCHC {first} – {end:%d/%m/%Y}"))
    return out


def _successors(campaign: Campaign, reports: Path, sel: Selection, base: dict) -> list[Job]:
    if not sel.final:
        return []
    first, last = campaign.years[0], campaign.years[-1]
    return [Job(SUCCESSOR, {**base, "unit": unit.code, "first_year": first, "last_year": last},
                reports / "final" / f"tong-ket-{unit.code}-{first}-{last}.ipynb",
                f"Báo cáo tổng kết {first}–{last} — {unit.name} (kế thừa)")
            for unit in campaign.roster.heirs(last)]


def _scorecards(campaign: Campaign, reports: Path, sel: Selection, base: dict) -> list[Job]:
    return [Job(SCORECARD, {**base, "year": year, "unit": unit.code},
                reports / str(year) / "don-vi" / f"{unit.code}-{year}.ipynb",
                f"Phiếu kết quả chấm điểm CCHC năm {year} — {unit.name}")
            for year in (sel.years if sel.units else [])
            for unit in campaign.units_of(year)]  # merged or ceased units have no scorecard that year


def _period(p: dict, years: list[int]) -> list[int]:
    return [y for y in years if p["first_year"] <= y <= p["last_year"]]


register(ReportKind("yearly", YEARLY, _yearly, lambda p, ys: [y for y in ys if y in (p["year"] - 1, p["year"])],
                    heavy=True))
register(ReportKind("final", FINAL, _finals, _period, heavy=True))
register(ReportKind("successor", SUCCESSOR, _successors, _period, heavy=True))
register(ReportKind("scorecard", SCORECARD, _scorecards,
                    lambda p, ys: [y for y in ys if y <= p["year"]],  # a scorecard shows the unit's history
                    shows=lambda job, history: unit_fingerprint(history, job.parameters["unit"]).digest))


# the reports that show commendation proposals, which the previous campaign (``history_from``) may change
PROPOSING = frozenset({"yearly", "final", "successor"})


# -- the tables and lists beside the notebooks ------------------------------------------------------------------
@dataclass(frozen=True)
class TableJob:
    """A file set written in the parent process (no kernel): its manifest key, what it is made from, the years it
    needs loaded, and how to write it from their states."""

    key: str
    basis: str
    years: list[int]
    write: Callable[[dict[int, YearState]], list[Path]]


TablePlanner = Callable[[Campaign, Path, Selection, dict[int, str], Callable[..., str]], list[TableJob]]
TABLES: list[TablePlanner] = []


def table_planner(planner: TablePlanner) -> TablePlanner:
    """Register what a run writes beside the notebooks: ``planner(campaign, reports, selection, prints, digest)``
    returns its jobs (``prints``: each year's data fingerprint; ``digest``: the code-aware digest to key them)."""
    TABLES.append(planner)
    return planner


def tables_for(campaign: Campaign, reports: Path, sel: Selection, prints: dict[int, str],
               digest: Callable[..., str]) -> list[TableJob]:
    return [job for planner in TABLES for job in planner(campaign, reports, sel, prints, digest)]


@table_planner
def _year_tables(campaign, reports, sel, prints, digest) -> list[TableJob]:
    def tables(year: int) -> Callable[[dict[int, YearState]], list[Path]]:
        return lambda states: write_year_tables(states[year], reports)

    return [TableJob(f"tables {y}", digest("tables", prints[y]), [y], tables(y))
            for y in sel.years if sel.tables and (sel.yearly or sel.units)]


@table_planner
def _proposal_lists(campaign, reports, sel, prints, digest) -> list[TableJob]:
    if campaign.rules is None:
        return []

    def lists(years: list[int], level: str, on: dt.date | None = None) -> Callable[[dict[int, YearState]], list[Path]]:
        def write(states: dict[int, YearState]) -> list[Path]:
            chosen = load_years(campaign, years, on=on) if on else [states[y] for y in years]  # as known then
            return list(write_proposals(chosen, level, reports, on=on)[1:])
        return write

    # the previous campaign (history_from) changes the proposals, and only them
    before = [found] if (found := history_digest(campaign)) else []
    out = [TableJob(f"proposals {y}", digest("proposals", prints[y], *before), [y], lists([y], "yearly"))
           for y in (sel.years if sel.yearly else [])]
    if sel.final:
        out.append(TableJob("proposals final", digest("proposals", *prints.values(), *before), campaign.years,
                            lists(campaign.years, "final")))
        if campaign.own_end:  # the district's own final on the day it ceased
            out.append(TableJob("proposals final early", digest("proposals early", *prints.values(), *before),
                                campaign.years, lists(campaign.years, "final", campaign.own_end)))
    return out


# -- a run -------------------------------------------------------------------------------------------------------
@dataclass
class RenderRun:
    run: str  # the run's id, in every report it made and in the manifest
    outcomes: list[Rendered]  # the notebooks rendered, in completion order
    unchanged: int  # notebooks not rendered again: same inputs, files intact


def _notebooks(jobs: list[Job]) -> list[str]:
    """The notebooks of ``jobs``: their imports warm the workers' kernels up (``kit.app.kernel.warm``)."""
    return sorted({str(NOTEBOOKS / j.notebook) for j in jobs})


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def render_reports(campaign: Campaign, reports: Path, *, years: list[int], final: bool, units: bool, yearly: bool,
                   jobs: int | None = None, progress: Callable[[Rendered], None] | None = None,
                   planned: Callable[[int], None] | None = None, tables: bool = True,
                   force: bool = False) -> RenderRun:
    """The years' tables (unless ``tables`` is False: already written), proposal lists and honour rolls, then the
    report notebooks and their HTML — each only when what it is made from changed since the run that made it
    (``kit.outputs.manifest``), or all of them with ``force``. ``planned`` hears how many notebooks will be
    rendered, ``progress`` each one as it is done.

    The inputs' fingerprints decide first, before any data is loaded: an unchanged folder costs a second and
    starts no worker. The workers start next and warm up while the data is loaded here (each needed year once;
    the notebooks load theirs in their own kernels); a job that shows less than it reads (a unit's scorecard,
    changed by another unit's decision but not in what it shows) is not rendered again. The jobs go out at once;
    the tables are written while the workers render.
    """
    run = f"{dt.datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    manifest = Manifest(reports)
    root = campaign.root.resolve()
    with Gradebook.for_campaign(campaign, readonly=True) as gradebook:
        prints = {y: data_print(campaign, y, gradebook) for y in campaign.years}
    code = code_digest()

    notebooks: dict[str, str] = {}  # the content of each notebook a job runs: an edited notebook renders again

    def made_of(job: Job, *data: str) -> str:
        """The code, the notebook, its parameters (but the run's id) and ``data``."""
        if job.notebook not in notebooks:
            notebooks[job.notebook] = hashlib.sha256((NOTEBOOKS / job.notebook).read_bytes()).hexdigest()
        shown = {k: v for k, v in job.parameters.items() if k != "run"}
        return _digest(code, notebooks[job.notebook], json.dumps(shown, sort_keys=True), *data)

    before = history_digest(campaign)  # the previous campaign: in what shows proposals, not in a unit's scorecard

    def basis(job: Job) -> str:
        shown = [before] if before and kind_of(job).name in PROPOSING else []
        return made_of(job, *(prints[y] for y in years_read(job, campaign.years)), *shown)

    def key(job: Job) -> str:
        return job.output.relative_to(reports).as_posix()

    todo = jobs_for(campaign, reports, years=years if yearly else [], final=final, run=run)
    todo += jobs_for(campaign, reports, years=years, units=True, run=run) if units else []
    bases = {key(j): basis(j) for j in todo}
    stale = [j for j in todo if force or not manifest.fresh(key(j), basis=bases[key(j)])]
    others = tables_for(campaign, reports, Selection(years, yearly=yearly, final=final, units=units, tables=tables),
                        prints, lambda *parts: _digest(code, *parts))
    others = [o for o in others if force or not manifest.fresh(o.key, basis=o.basis)]
    unchanged = len(todo) - len(stale)
    if not stale and not others:
        return RenderRun(run, [], unchanged)
    read = sorted({y for j in stale for y in years_read(j, campaign.years)})
    warm = kernel_call(kernel.warm, str(root), read, _notebooks(stale))
    with Pool(min(jobs or os.cpu_count() or 1, len(stale)), warm=warm) if stale else contextlib.nullcontext() as pool:
        narrowed = [j for j in stale if kind_of(j).shows is not None]
        needed = sorted({y for o in others for y in o.years} | {y for j in narrowed
                                                                for y in years_read(j, campaign.years)})
        with Gradebook.for_campaign(campaign, readonly=True) as gradebook:
            states = {y: load_year(campaign, y, gradebook=gradebook) for y in needed}
        digests = {}
        for job in stale:
            shows = bases[key(job)]
            narrow = kind_of(job).shows
            if narrow is not None:
                shows = made_of(job, narrow(job, [states[y] for y in years_read(job, campaign.years)]))
                if not force and manifest.fresh(key(job), digest=shows):
                    manifest.rebase(key(job), bases[key(job)])
                    unchanged += 1
                    continue
            digests[key(job)] = shows
        stale = [j for j in stale if key(j) in digests]
        if planned:
            planned(len(stale))

        def done(outcome: Rendered) -> None:
            job = outcome.job
            manifest.record(key(job), basis=bases[key(job)], digest=digests[key(job)], ok=outcome.ok,
                            error=outcome.error, run=run, files=[job.output, job.output.with_suffix(".html")])
            if progress:
                progress(outcome)

        if pool and stale:
            pool.submit(stale)
        for table in others:
            manifest.record(table.key, basis=table.basis, digest=table.basis, files=table.write(states), run=run)
        outcomes = pool.collect(done) if pool and stale else []
    return RenderRun(run, outcomes, unchanged)
