"""A unit's claim beside what a source says: the line an evaluator reads, and the claims a source does not support.

A criterion with a ``feed:`` line (kit.config.feedlinks) gets its automatic proposal from the source
(kit.scoring.feeds); the unit still scores itself. Where its self score is above what the source supports — the
proposal the source's value gives — by more than the tolerance (campaign.yml ``feeds: {dvc766: {tolerance: 1}}``,
in points; ``DEFAULT_TOLERANCE`` otherwise), ``kit check`` lists FEED_DISAGREES, naming the unit, the criterion,
both scores, the source's value and its period, so the evaluator checks the portal before appraising. It is a
warning, not an error: the form itself is valid, and the evaluator decides.

Only criteria fed by a ``feed:`` line count here: the surveys and the inspection register feed their criteria by
answer type, where the unit claims nothing (surveys) or its own count is already compared (inspections).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.config.campaign import Campaign
from kit.core import problems as P
from kit.core import vn
from kit.core.values import optional_float
from kit.intake.feeds.registry import kind, period_label

DEFAULT_TOLERANCE = 0.5  # points: half a point, the smallest step of most criteria, is not an over-claim
DISAGREEMENT_COLUMNS = ["year", "unit", "code", "content", "self", "supported", "gap", "fed_value", "feed",
                        "fed_period", "tolerance"]


def tolerance(campaign: Campaign, feed: str) -> float:
    """Points a unit may claim above what ``feed`` supports before it is flagged (campaign.yml, else the default)."""
    configured = optional_float(campaign.feed_settings.get(feed, {}).get("tolerance"))
    return DEFAULT_TOLERANCE if configured is None else configured


def period_words(period: str, year: int) -> str:
    """The period a fed value is for, with its year: "năm 2025", "quý 2/2025", "bình quân quý 1, 2, 3, 4/2025"."""
    label = period_label(period)
    return f"năm {year}" if label == "năm" else f"{label}/{year}"


def source_line(feed: str, fed_value: object, fed_period: str, year: int) -> str:
    """What a source says of a criterion, as the scoring panel shows it beside the self score:
    "Theo Bộ chỉ số 766 (bình quân quý 1, 2/2025): Tiến độ giải quyết (TDGQ, % điểm tối đa) 57,83"."""
    value = optional_float(fed_value)
    if not feed or value is None:
        return ""
    name, _, indicator = feed.partition(".")
    source = kind(name)
    title = source.title if source else name
    found = source.indicator(indicator) if source else None
    label = found.label if found else indicator
    return f"Theo {title} ({period_words(fed_period, year)}): {label} {vn.number(value)}"


def linked(campaign: Campaign, year: int) -> set[tuple[str, str]]:
    """(group, criterion code) of the year's criteria that name their source in a ``feed:`` line."""
    return {(group, c.code) for group in campaign.groups for c in campaign.framework(year, group).criteria
            if c.feed is not None}


def fed_rows(campaign: Campaign, long: pd.DataFrame) -> pd.DataFrame:
    """The rows of the long table (kit.scoring.totals) with a self score and a value from the source their criterion
    names, with ``supported`` (the proposal the source's value gives) and ``gap`` (self − supported); the one
    selection the check and the yearly report's section share."""
    if long.empty or "feed" not in long:
        return pd.DataFrame()
    year = int(long["year"].iloc[0])
    keep = linked(campaign, year)
    fed = long[long["fed"].notna() & long["self"].notna() & (long["feed"] != "")]
    # a boolean array, never a list: fed[[]] would select no columns rather than no rows (a year without fed values)
    fed = fed.loc[np.array([(g, c) in keep for g, c in zip(fed["group"], fed["code"], strict=True)], dtype=bool)]
    return fed.assign(supported=fed["proposal"].astype(float), gap=fed["self"].astype(float) - fed["proposal"])


def disagreements(campaign: Campaign, long: pd.DataFrame) -> pd.DataFrame:
    """The fed rows whose self score is above what their source supports by more than the tolerance, in
    ``DISAGREEMENT_COLUMNS``."""
    fed = fed_rows(campaign, long)
    if fed.empty:
        return pd.DataFrame(columns=DISAGREEMENT_COLUMNS)
    out = fed.assign(tolerance=fed["feed"].map(lambda f: tolerance(campaign, str(f).partition(".")[0])))
    out = out[out["gap"] > out["tolerance"] + 1e-9]
    return out[DISAGREEMENT_COLUMNS].sort_values(["unit", "code"]).reset_index(drop=True)


def disagreement_problems(campaign: Campaign, long: pd.DataFrame, forms: dict[str, str]) -> list[P.Problem]:
    """FEED_DISAGREES for every claim a source does not support, located at the unit's form (``forms``: unit →
    the form's label as kit check names it)."""
    names = campaign.unit_names
    problems = []
    for r in disagreements(campaign, long).itertuples(index=False):
        said = source_line(r.feed, r.fed_value, r.fed_period, int(r.year))
        claim = (f"tự chấm {vn.points(r.self)} điểm; {said[0].lower()}{said[1:]}, tương ứng "
                 f"{vn.points(r.supported)} điểm — cao hơn {vn.points(r.gap)} điểm, quá mức cho phép "
                 f"{vn.points(r.tolerance)} điểm")
        problems.append(P.make(P.Code.FEED_DISAGREES, P.WARNING, file=forms.get(r.unit, ""),
                               value=f"{r.unit} ({names.get(r.unit, '')})", detail=f"{r.code} ({r.content})",
                               expected=claim))
    return problems
