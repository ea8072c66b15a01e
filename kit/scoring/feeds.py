"""Fed values as criteria's figures: each criterion's source (its ``feed:`` line, or the source serving its answer
type), the year's value of the indicator, converted as the line says (kit.config.feedlinks).

The result is one row per (year, unit, criterion) that a source speaks for, the ``fed`` column the proposal rules
read (kit.config.answers ``PROPOSALS``): the measure for tiers and deduction criteria, the points otherwise. The
value before conversion (``fed_value``), its source (``feed``, "dvc766.tien_do") and the period it is for
(``fed_period``) travel with it, for whoever shows the unit's claim beside the source's figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.config.answers import Tier, tier_points
from kit.config.campaign import Campaign
from kit.core.values import round_half_up
from kit.intake.feeds.registry import Feeds, implicit_link, maximum_of, year_setting, year_values

FED_COLUMNS = ["year", "unit", "code", "fed", "fed_value", "feed", "fed_period"]
_LINK_COLUMNS = ["group", "code", "type", "max", "tiers", "name", "indicator", "convert", "setting", "maximum",
                 "source"]


def fed_frame(campaign: Campaign, year: int, feeds: Feeds) -> pd.DataFrame:
    """The fed figure of every (unit, criterion) of ``year`` a registered source gives a value for."""
    links = []
    for group in campaign.groups:
        for c in campaign.framework(year, group).criteria:
            link = c.feed or implicit_link(c.type, c.code)
            if link is None or link.feed not in feeds:
                continue
            links.append((group, c.code, c.type, c.max, c.tiers, link.feed, link.indicator, link.convert,
                          year_setting(campaign, link), maximum_of(link), link.source))
    if not links:
        return pd.DataFrame(columns=FED_COLUMNS)
    wanted = pd.DataFrame(links, columns=_LINK_COLUMNS)
    values = []
    for (name, setting), _ in wanted.groupby(["name", "setting"], sort=False):
        found = year_values(feeds[name], setting)
        if len(found):
            values.append(found.assign(name=name, setting=setting))
    if not values:
        return pd.DataFrame(columns=FED_COLUMNS)
    groups = pd.DataFrame([(u.code, u.group) for u in campaign.units], columns=["unit", "group"])
    fed = (pd.concat(values, ignore_index=True).merge(groups, on="unit")
           .merge(wanted, on=["group", "name", "setting", "indicator"]))
    fed["fed_value"] = fed["value"].astype(float)
    fed["fed"] = convert(fed)
    fed["year"] = year
    return fed.rename(columns={"source": "feed", "period": "fed_period"})[FED_COLUMNS].reset_index(drop=True)


def convert(fed: pd.DataFrame) -> np.ndarray:
    """Each row's value as the criterion's figure (columns value, convert, max, maximum, tiers)."""
    value = fed["value"].to_numpy(dtype=float)
    out = value.copy()
    share = (fed["convert"] == "share").to_numpy()
    if share.any():
        top, maximum = fed["max"].to_numpy(dtype=float)[share], fed["maximum"].to_numpy(dtype=float)[share]
        out[share] = round_half_up(top * np.clip(value[share], 0.0, maximum) / maximum)
    tiered = np.flatnonzero((fed["convert"] == "tiers").to_numpy())
    for rows in pd.Series(tiered).groupby(fed["tiers"].iloc[tiered].map(repr).to_numpy(), sort=False).groups.values():
        at = tiered[np.asarray(list(rows))]
        out[at] = tier_points(tuple(Tier(*t) if not isinstance(t, Tier) else t for t in fed["tiers"].iat[at[0]]),
                              value[at])
    return out
