"""How the configuration names a feed: a criterion's ``feed:`` line and campaign.yml's ``feeds:`` settings.

A criterion of a framework may take its automatic proposal from an outside source (kit.intake.feeds)::

    - {code: "3.2", type: judgement, max: 4, feed: dvc766.tien_do, convert: share}
    - {code: "3.3", type: tiers, max: 3, feed: dvc766.cong_khai, tiers: [{min: 15, points: 3}, {min: 10, points: 1}]}
    - {code: "3.4", type: bonus, max: 2, feed: dvc766.tong, convert: tiers, feed_period: Q4,
       tiers: [{min: 90, points: 2}, {min: 80, points: 1}]}

``convert`` says how the indicator's value for the year becomes the criterion's figure:

- ``value``: the value itself — the measure for the types that take one (``tiers``: the criterion's tiers apply
  to it; ``deduction``: a count of violations), the points otherwise;
- ``share``: the share of the indicator's maximum, scaled to the criterion's max (``max × value / maximum``);
- ``tiers``: points by the criterion's own ``tiers`` (value thresholds → points).

The default is ``value`` for ``tiers`` and ``deduction`` criteria (the only conversion they take) and ``share``
otherwise; a ``yes_no`` criterion takes only ``tiers`` whose points are 0 or its max. ``feed_period`` chooses the
year's value when the source gives several periods (``year``, ``Q1``…``Q4``, ``H1``, ``H2``, ``M01``…``M12``, or
``mean_quarters``); without it, campaign.yml's ``feeds: {dvc766: {period: mean_quarters}}``, else the source's
own setting. Whether the feed and the indicator exist is checked against the registry when a year is read
(kit.intake.feeds.registry ``link_problems``), which this floor cannot see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kit.core import problems as P
from kit.core.yamlfile import LINE, finite, line_of, unknown_keys

CONVERSIONS = ("value", "share", "tiers")
YEAR = "year"
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
MEAN_OF_QUARTERS = "mean_quarters"
PERIODS = (YEAR, *QUARTERS, "H1", "H2", *(f"M{m:02d}" for m in range(1, 13)))
YEAR_VALUE_SETTINGS = (*PERIODS, MEAN_OF_QUARTERS)
LINK_KEYS = {"feed", "convert", "feed_period"}
FEED_SETTING_KEYS = {"period", "tolerance"}


@dataclass(frozen=True)
class FeedLink:
    """A criterion's source: ``feed.indicator``, the conversion, the year's value setting ("" = the default)."""

    feed: str
    indicator: str
    convert: str = "value"
    period: str = ""
    row: int | None = None  # the line of the criteria file, for located problems

    @property
    def source(self) -> str:
        return f"{self.feed}.{self.indicator}"


def default_conversion(answer_type: str) -> str:
    return "value" if answer_type in ("tiers", "deduction") else "share"


def parse_link(raw: dict, code: str, answer_type: str, max_points: float, tier_points: list[float],
               where: P.Where, problems: list[P.Problem]) -> FeedLink | None:
    """The ``feed:`` of a criterion's YAML, checked for what this floor knows (syntax, conversion, period)."""
    if "feed" not in raw:
        for name in ("convert", "feed_period"):
            if name in raw:
                _bad(raw, code, f"\"{name}\" chỉ dùng cùng \"feed\"", where, problems)
        return None
    text = str(raw.get("feed") or "").strip()
    m = re.fullmatch(r"([a-z][a-z0-9_]*)\.([A-Za-z0-9_.*-]+)", text)
    if m is None:
        _bad(raw, code, f"\"feed\" phải có dạng nguồn.chỉ_số, ví dụ dvc766.tien_do (đang là \"{text}\")", where,
             problems)
        return None
    convert = str(raw.get("convert") or default_conversion(answer_type)).strip()
    period = str(raw.get("feed_period") or "").strip()
    found = len(problems)
    if convert not in CONVERSIONS:
        _bad(raw, code, f"\"convert\" phải là một trong: {', '.join(CONVERSIONS)} (đang là \"{convert}\")", where,
             problems)
    elif answer_type in ("tiers", "deduction") and convert != "value":
        _bad(raw, code, "tiêu chí chấm theo mức hoặc điểm trừ chỉ nhận giá trị đo từ nguồn (convert: value)", where,
             problems)
    elif answer_type == "yes_no" and (convert != "tiers" or any(p not in (0.0, max_points) for p in tier_points)):
        _bad(raw, code, "tiêu chí Có/Không chỉ quy đổi theo mức (convert: tiers) với điểm 0 hoặc điểm tối đa", where,
             problems)
    elif convert == "tiers" and not tier_points:
        _bad(raw, code, "quy đổi theo mức (convert: tiers) cần danh sách \"tiers\"", where, problems)
    if period and period not in YEAR_VALUE_SETTINGS:
        _bad(raw, code, f"\"feed_period\" phải là một trong: {', '.join(YEAR_VALUE_SETTINGS)} (đang là \"{period}\")",
             where, problems)
    if len(problems) > found:
        return None
    return FeedLink(m.group(1), m.group(2), convert, period, line_of(raw))


def _bad(raw: dict, code: str, detail: str, where: P.Where, problems: list[P.Problem]) -> None:
    problems.append(P.make(P.Code.FEED_CONVERSION_INVALID, row=line_of(raw), **where, value=code, detail=detail))


def feed_settings(raw: object, where: P.Where, problems: list[P.Problem]) -> dict[str, dict[str, object]]:
    """campaign.yml's ``feeds:``: per source, ``period`` (the year's value) and ``tolerance`` (points a unit may
    claim above what the source supports before it is flagged); unknown sources are checked when a year is read."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(P.make(P.Code.CONFIG_INVALID, **where, detail="\"feeds\" phải là danh sách nguồn: "
                                                                       "feeds: {dvc766: {period: mean_quarters}}"))
        return {}
    out: dict[str, dict[str, object]] = {}
    for name, settings in raw.items():
        if name == LINE:
            continue
        row = line_of(settings) if isinstance(settings, dict) else line_of(raw)
        if not isinstance(settings, dict):
            problems.append(P.make(P.Code.CONFIG_INVALID, row=row, **where,
                                   detail=f"feeds.{name}: ghi các thiết lập, ví dụ {{period: mean_quarters}}"))
            continue
        unknown_keys(settings, FEED_SETTING_KEYS, where.get("file", ""), problems)
        period = settings.get("period")
        if period is not None and str(period) not in YEAR_VALUE_SETTINGS:
            problems.append(P.make(P.Code.CONFIG_INVALID, row=row, **where,
                                   detail=f"feeds.{name}.period phải là một trong: {', '.join(YEAR_VALUE_SETTINGS)}"))
        tolerance = settings.get("tolerance")
        if tolerance is not None and (not finite(tolerance) or float(tolerance) < 0):
            problems.append(P.make(P.Code.CONFIG_INVALID, row=row, **where,
                                   detail=f"feeds.{name}.tolerance phải là một số từ 0 trở lên"))
        out[str(name)] = {k: v for k, v in settings.items() if k != LINE}
    return out
