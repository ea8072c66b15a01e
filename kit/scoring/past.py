"""The years before the one considered, for the history rules: results, bands and awards, lineage followed.

A yearly rule may need earlier years ("years_in_band_before": a unit in the top bands the years before; the award
history's "consecutive_years" for a Bằng khen). Those years are this campaign's earlier ones and, through
``history_from`` in campaign.yml, the previous campaign's (kit.app.previous reads and checks it). ``Past`` holds
them per unit of this campaign, each unit with one *line* per predecessor it took over — that unit's years, then
its successor's — exactly as the final summing-up carries a merged unit's results (``awards.collective_final``):
a 2026 commune formed on 1/7/2025 from three communes has three lines, and a rule is met on any of them.

When the previous campaign cannot be read, or a unit's lineage cannot be traced in it, what lies before this
campaign is *unknown* for that unit (``known_from``): a condition reaching back there has no value, so the title
is not proposed and the reasons say why — never a silent zero. Pure: the app builds it from year states.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from kit.config.units import Roster
from kit.core.values import optional_float as _num
from kit.core.vocab import Kind
from kit.scoring.results import YearResults

Line = dict[int, "PastYear"]  # a unit's results by year, one line of its lineage


@dataclass(frozen=True)
class PastYear:
    """One unit's result of one earlier year, as counted for a unit of this campaign."""

    year: int
    unit: str  # whose result it is: a code of the campaign it comes from
    unit_name: str
    band: str | None
    percent: float | None
    rank: float | None
    source: str = ""  # "" for this campaign's own years; else the previous campaign, as shown ("… (chiến dịch trước)")
    points: float | None = None  # the points counted


@dataclass
class Past:
    """Earlier years of every unit of a campaign (see the module)."""

    label: str = ""  # the previous campaign as documents name it: "Phong trào … (chiến dịch trước)"; "" when none
    lines: dict[str, list[Line]] = field(default_factory=dict)  # unit of this campaign → its lines
    awards: dict[tuple[Kind, str], list[dict]] = field(default_factory=dict)  # the previous campaign's award rows
    gap: str = ""  # why the previous campaign could not be read ("" when it could, or none is named)
    untraced: dict[str, str] = field(default_factory=dict)  # unit → why its lineage is not traced there
    first_year: int | None = None  # this campaign's first year: before it, only the previous campaign knows

    def known_from(self, unit: str) -> int | None:
        """The first year whose history is known for ``unit`` (None: every year that exists)."""
        return self.first_year if self.gap_of(unit) else None

    def gap_of(self, unit: str) -> str:
        return self.gap or self.untraced.get(unit, "")

    def awards_of(self, kind: Kind, subject: str) -> list[dict]:
        return self.awards.get((kind, subject), [])

    def with_years(self, roster: Roster, results: Iterable[YearResults]) -> Past:
        """This campaign's earlier years added to each unit's lines (its own, and those of the units it took over
        within this campaign)."""
        rows = result_rows(results)
        lines = {u.code: lineage_lines(u.code, roster, rows, lambda code: self.lines.get(code, []))
                 for u in roster.units}
        return replace(self, lines={code: found for code, found in lines.items() if found})


def previous_text(years: list[int], source: str) -> str:
    """"kết quả năm 2024, 2025 theo Phong trào … (chiến dịch trước)": how a result of the previous campaign is
    shown wherever it is used (the proposals' reasons, achievement sentences and reports)."""
    return f"kết quả năm {', '.join(map(str, years))} theo {source}"


def result_rows(results: Iterable[YearResults], source: str = "") -> dict[str, Line]:
    """Every unit's results by year (the years it took part in; a merged or ceased unit's later years are not
    its own)."""
    out: dict[str, Line] = {}
    for res in results:
        for r in res.units.itertuples():
            if r.status.gone:
                continue
            out.setdefault(r.unit, {})[int(res.year)] = PastYear(int(res.year), r.unit, r.unit_name,
                                                                  r.band if isinstance(r.band, str) and r.band
                                                                  else None, _num(r.percent), _num(r.rank), source,
                                                                  _num(r.counted))
    return out


def lineage_lines(code: str, roster: Roster, rows: dict[str, Line], before: Callable[[str], list[Line]],
                  depth: int = 0) -> list[Line]:
    """The lines of ``code``: one per predecessor (that unit's lines up to the year of the takeover, then
    ``code``'s own years), and its own line when it existed before (``before``: the lines known from an earlier
    campaign for a code)."""
    own = rows.get(code, {})
    links = [x for x in roster.predecessors(code) if x.predecessor and x.predecessor != code] if depth < 20 else []
    out: list[Line] = []
    for link in links:
        for line in lineage_lines(link.predecessor, roster, rows, before, depth + 1):
            year = link.effective.year
            out.append({**{y: r for y, r in line.items() if y < year}, **{y: r for y, r in own.items() if y >= year}})
    first = min((x.effective.year for x in links), default=None)
    earlier = before(code)
    if not links or earlier or any(first is not None and y < first for y in own):
        out += [{**line, **own} for line in earlier or [{}]]
    return [line for line in out if line]
