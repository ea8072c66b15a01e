"""Results of a year: totals, percentage, band and rank per unit, and totals per area.

Built from the checked submissions and the evaluators' current scores. A unit that sent
nothing, or whose form was rejected, is listed with that status and no rank; so is a unit merged
or ceased (with its successors and the date), never as "Chưa nộp".
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pandas as pd

from kit.config.campaign import Campaign
from kit.intake.check import CheckReport
from kit.intake.feeds.inspections import INSPECTIONS, as_feed
from kit.intake.feeds.surveys import SURVEYS
from kit.intake.tables import Table
from kit.scoring.feeds import fed_frame
from kit.scoring.inspections import FINDING_COLUMNS, findings_frame
from kit.scoring.totals import classify, criteria_table, long_table, rank_within, totals


@dataclass
class YearResults:
    year: int
    units: pd.DataFrame  # one row per unit taking part or departed; "status" holds kit.core.vocab.Status members
    areas: pd.DataFrame
    long: pd.DataFrame
    findings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FINDING_COLUMNS))  # inspections


def year_results(campaign: Campaign, report: CheckReport, appraisals: pd.DataFrame | None = None,
                 inspections: list[dict] | None = None) -> YearResults:
    """Compute the results of ``report.year`` (appraisals: year, unit, code, appraised, appraised_na;
    inspections: the register's accepted rows, kit.intake.inspections, as known on the day looked at: they stand
    for the inspections feed). Every other source's figures come from ``report.feeds`` (kit.scoring.feeds)."""
    year = report.year
    criteria = criteria_table(campaign, year)
    findings = findings_frame(inspections or [], criteria, {u.code: u.group for u in campaign.units})
    feeds = report.feeds
    if inspections is not None:  # the register as the caller knows it (kit.app.year: as of a day)
        feeds = dataclasses.replace(feeds, tables={**feeds.tables, INSPECTIONS.name: as_feed(
            year, Table(INSPECTIONS.name, rows=list(inspections)))})
    surveys = None if SURVEYS.name in feeds else report.surveys  # a report built by hand holds its table only
    long = long_table(criteria, report.table(), surveys, appraisals, None, {u.code: u.kind for u in campaign.units},
                      fed=fed_frame(campaign, year, feeds))
    names = campaign.unit_names
    per_unit = totals(long, ["unit"], carry=["year", "group"])
    per_unit["rows_missing"] = per_unit["unit"].map((~long["in_form"]).groupby(long["unit"]).sum()).astype(int)
    per_unit["band"] = classify(per_unit["percent"], campaign.bands(year))
    per_unit["rank"] = rank_within(per_unit, ["group"])
    taking_part, departed = {u.code for u in campaign.units_of(year)}, campaign.departed(year)
    listed = [u for u in campaign.units if u.code in taking_part or u.code in departed]  # merged/ceased: said so
    everyone = pd.DataFrame([(year, u.group, u.code) for u in listed], columns=["year", "group", "unit"])
    units = everyone.merge(per_unit, on=["year", "group", "unit"], how="left")
    units["group_name"] = units["group"].map(campaign.groups)
    units["unit_name"] = units["unit"].map(names)
    units["status"] = units["unit"].map(report.statuses)
    units["note"] = units["unit"].map(_notes(campaign, year))
    counts = ["criteria", "appraised_count", "na_count", "rows_missing"]
    units[counts] = units[counts].astype("Int64")  # counts stay integers where a unit without a form leaves a gap
    units = units.sort_values(["group", "rank", "unit"], na_position="last").reset_index(drop=True)
    areas = totals(long, ["unit", "area"], carry=["year", "group", "area_name"])
    areas["unit_name"] = areas["unit"].map(names)
    return YearResults(year, units, areas, long, findings)


def _notes(campaign: Campaign, year: int) -> dict[str, str]:
    """What the results say beside a unit's name: a part of the year only, or merged/ceased."""
    notes = {code: d.text for code, d in campaign.departed(year).items()}
    for code, (first, last) in campaign.roster.partial(year).items():
        notes[code] = f"Tham gia từ {first:%d/%m} đến {last:%d/%m/%Y}"
    return notes
