"""Scoring as pure functions over tables: no files, no widgets, no notebook needed.

The long table has one row per (year, unit, criterion). Its score columns are kept apart:
``self`` (what the unit claims), ``proposal`` (what the answers imply), ``appraised`` (the
evaluators' decision; NaN until the gradebook holds one). ``counted`` is the appraised score
where there is one, otherwise the self score (for survey criteria, which units cannot score
themselves, the survey-derived proposal), and the ``basis`` of every total says which.

Sub-criteria (kit.config.framework ``parts``) are rows like any other, with their ``parent``; a capped parent
(``cap``: its max, NaN otherwise) is applied by ``totals`` and only there. Criteria that do not apply to a unit's
kind are not rows of that unit at all (``long_table``), so they leave its applicable maximum untouched by anyone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kit.config.answers import (
    ANSWER_TYPES,
    NA,
    PROPOSALS,
    YES,
    Rows,
    Tier,
    counts_in_max,
    is_automatic,
    survey_points,
)
from kit.config.campaign import Band, Campaign
from kit.config.framework import applies
from kit.core.values import percent, round_half_up

CRITERIA_COLUMNS = ["cid", "year", "group", "area", "area_name", "area_max", "code", "key", "content", "type", "max",
                    "min", "na_allowed", "in_max", "auto", "per_item", "tiers", "tcode", "parent", "parent_content",
                    "parent_max", "cap", "applies_to", "not_for"]
BASIS_NONE = "Chưa thẩm định: tạm tính theo điểm tự chấm (phần khảo sát theo kết quả khảo sát)"
BASIS_FULL = "Đã thẩm định"


def criteria_table(campaign: Campaign, year: int) -> pd.DataFrame:
    """Every criterion of every group's framework for ``year``, one row each."""
    rows: list[tuple] = []
    for group in campaign.groups:
        fw = campaign.framework(year, group)
        for area in fw.areas:
            for c in area.criteria:
                rows.append((len(rows), year, group, area.code, area.name, area.max, c.code, c.key, c.content,
                             c.type, c.max, c.min, c.na, counts_in_max(c.type), is_automatic(c.type), c.per_item,
                             tuple((t.min, t.points) for t in c.tiers), ANSWER_TYPES.index(c.type),
                             c.parent.code if c.parent else "", c.parent.content if c.parent else "",
                             c.parent.max if c.parent else np.nan,
                             c.parent.max if c.parent and c.parent.cap else np.nan, c.applies_to, c.not_for))
    return pd.DataFrame(rows, columns=CRITERIA_COLUMNS)


_TYPE = {name: i for i, name in enumerate(ANSWER_TYPES)}
# columns with_decisions (re)computes; "na" is restored from "self_na", the unit's own answer
_DECIDED = ["appraised", "appraised_na", "is_appraised", "counted", "max_applicable"]


def _type_codes(df: pd.DataFrame) -> np.ndarray:
    """Answer types as small ints (criteria_table provides them; other frames get them mapped)."""
    return (df["tcode"] if "tcode" in df else df["type"].map(_TYPE)).to_numpy()


def add_proposals(long: pd.DataFrame) -> pd.DataFrame:
    """Add ``na`` and ``proposal`` (the automatic score) to a copy of a long table."""
    return _add_proposals(long.copy())


def _add_proposals(df: pd.DataFrame) -> pd.DataFrame:
    """In place, by answer type with the one table of rules (kit.config.answers ``PROPOSALS``) on arrays."""
    # Factorise once instead of comparing ~10^6 strings per answer and per type (see bench/results_scale.py).
    codes, words = pd.factorize(df["answer"])
    df["na"] = codes == (words.get_loc(NA) if NA in words else -2)
    yes = codes == (words.get_loc(YES) if YES in words else -2)
    value = pd.to_numeric(df["value"], errors="coerce").to_numpy(dtype=float)
    self_score = pd.to_numeric(df["self"], errors="coerce").to_numpy(dtype=float)
    fed = pd.to_numeric(df["fed"], errors="coerce").to_numpy(dtype=float, copy=True) if "fed" in df else \
        np.full(len(df), np.nan)
    top, bottom = df["max"].to_numpy(dtype=float), df["min"].to_numpy(dtype=float)
    per_item = df["per_item"].to_numpy(dtype=float)
    kind = _type_codes(df)
    # a table carrying only the two oldest sources' columns (survey in %, violations found) says the same as ``fed``
    for column, tcode in (("survey", _TYPE["survey"]), ("found", _TYPE["deduction"])):
        if column in df:
            given = pd.to_numeric(df[column], errors="coerce").to_numpy(dtype=float)
            take = np.flatnonzero(np.isnan(fed) & (kind == tcode) & ~np.isnan(given))
            fed[take] = survey_points(top[take], given[take]) if column == "survey" else given[take]
    if "fed" in df:
        df["fed"] = fed
    proposal = np.full(len(df), np.nan)

    def fill(rows: np.ndarray, rule: str, tiers: tuple[Tier, ...] = ()) -> None:
        proposal[rows] = PROPOSALS[rule](Rows(yes[rows], value[rows], self_score[rows], fed[rows], top[rows],
                                              bottom[rows], per_item[rows], tiers))

    for rule, code in _TYPE.items():
        rows = np.flatnonzero(kind == code)
        if not len(rows) or rule == "tiers":
            continue
        fill(rows, rule)
    tiered = np.flatnonzero(kind == _TYPE["tiers"])
    if len(tiered):
        # One pass per tiered criterion; "cid" (criteria_table's row id) is cheaper to group by than the tiers.
        key = df["cid"] if "cid" in df else pd.Series(pd.factorize(df["tiers"].map(repr))[0], index=df.index)
        for positions in key.iloc[tiered].groupby(key.iloc[tiered].to_numpy(), sort=False).indices.values():
            rows = tiered[positions]
            fill(rows, "tiers", tuple(Tier(*t) for t in df["tiers"].iat[rows[0]]))
    df["proposal"] = np.where(df["na"], np.nan, proposal)
    return df


def long_table(criteria: pd.DataFrame, submitted: pd.DataFrame, surveys: pd.DataFrame | None = None,
               appraisals: pd.DataFrame | None = None, found: pd.DataFrame | None = None,
               kinds: Mapping[str, str] | None = None, fed: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per criterion of every unit that submitted; criteria a unit left out score 0.

    ``kinds`` (unit -> kit.config.units kind) leaves out the criteria that do not apply to a unit's kind.

    ``submitted`` holds accepted rows (unit, group, code, answer, value, self, evidence...);
    ``appraisals`` (unit, code, appraised, appraised_na) and ``fed`` (kit.scoring.feeds ``FED_COLUMNS``: what
    outside sources say) are optional. ``surveys`` (unit, code, survey in %) and ``found`` (unit, code, found:
    violations inspections found) say the same as ``fed`` for the two oldest sources, for callers holding those
    tables only; the ``survey`` and ``found`` columns are kept either way.
    """
    units = submitted.drop_duplicates(["year", "unit"])[["year", "unit", "group"]]
    grid = units.merge(criteria, on=["year", "group"], how="inner")
    if kinds and "applies_to" in grid and (grid["applies_to"].map(len) + grid["not_for"].map(len)).any():
        kind = grid["unit"].map(kinds).fillna("")
        keep = [applies(a, n, k) for a, n, k in zip(grid["applies_to"], grid["not_for"], kind, strict=True)]
        grid = grid[keep].reset_index(drop=True)
    cols = ["year", "unit", "code", "answer", "value", "self", "evidence", "explanation"]
    df = grid.merge(submitted[cols], on=["year", "unit", "code"], how="left", indicator="in_form")
    df["in_form"] = df["in_form"].eq("both")
    return with_decisions(_add_proposals(_with_fed(df, fed, surveys, found)), appraisals)


def _with_fed(df: pd.DataFrame, fed: pd.DataFrame | None, surveys: pd.DataFrame | None,
              found: pd.DataFrame | None) -> pd.DataFrame:
    """The long table with ``fed``, ``fed_value``, ``feed``, ``fed_period`` (NaN / "" where no source speaks), and
    the ``survey`` / ``found`` columns where surveys or inspections do."""
    keys = ["year", "unit", "code"]
    if fed is not None and len(fed):
        df = df.merge(fed[["year", "unit", "code", "fed", "fed_value", "feed", "fed_period"]], on=keys, how="left")
        df["feed"] = df["feed"].fillna("")
        df["fed_period"] = df["fed_period"].fillna("")
    else:
        df["fed"], df["fed_value"], df["feed"], df["fed_period"] = np.nan, np.nan, "", ""
    kind = _type_codes(df)
    for name, frame, column, tcode in (("surveys", surveys, "survey", _TYPE["survey"]),
                                       ("inspections", found, "found", _TYPE["deduction"])):
        if frame is not None and len(frame):
            df = df.merge(frame[[*keys, column]], on=keys, how="left")
            given = pd.to_numeric(df[column], errors="coerce").to_numpy(dtype=float)
            take = np.isnan(df["fed"].to_numpy(dtype=float)) & ~np.isnan(given) & (kind == tcode)
            if take.any():  # the figure itself is converted with the proposals (_add_proposals)
                df.loc[take, "fed_value"] = given[take]
                df.loc[take, "feed"] = name + "." + df.loc[take, "code"].astype(str)
                df.loc[take, "fed_period"] = "year"
        elif column not in df:
            mine = df["feed"].str.startswith(name + ".").to_numpy() if fed is not None and len(fed) else None
            if mine is not None and mine.any():
                df[column] = np.where(mine, df["fed_value"], np.nan)
    return df


def with_decisions(long: pd.DataFrame, appraisals: pd.DataFrame | None) -> pd.DataFrame:
    """The long table with the evaluators' current scores and what counts: the one scoring rule.

    Results use it on every unit of a year; the scoring panel on the ~45 rows of the unit on screen,
    so the totals an evaluator sees are the totals that get published.
    """
    df = long.drop(columns=[c for c in _DECIDED if c in long])
    if "self_na" in df:  # decisions applied before: start again from the unit's own answers
        df["na"] = df["self_na"]
    else:
        df["self_na"] = df["na"]
    if appraisals is not None and len(appraisals):
        df = df.merge(appraisals[["year", "unit", "code", "appraised", "appraised_na"]],
                      on=["year", "unit", "code"], how="left")
        df["appraised"] = pd.to_numeric(df["appraised"], errors="coerce")
        df["appraised_na"] = df["appraised_na"].astype("boolean").fillna(False).astype(bool)
        df["na"] = np.where(df["appraised"].notna() | df["appraised_na"], df["appraised_na"], df["na"])
    else:
        df["appraised"] = np.nan
        df["appraised_na"] = False
    df["is_appraised"] = df["appraised"].notna() | df["appraised_na"].astype(bool)
    self_num = pd.to_numeric(df["self"], errors="coerce")
    provisional = np.where(_type_codes(df) == _TYPE["survey"], df["proposal"].fillna(0.0), self_num.fillna(0.0))
    df["counted"] = np.where(df["na"], np.nan, np.where(df["is_appraised"], df["appraised"], provisional))
    df["max_applicable"] = np.where(df["in_max"] & ~df["na"], df["max"], 0.0)
    return df


def totals(long: pd.DataFrame, by: Sequence[str], carry: Sequence[str] = ()) -> pd.DataFrame:
    """Sum the score columns over ``by`` (e.g. per unit, or per unit and area).

    ``carry`` are columns constant within each group (year, area name...): kept, not grouped
    on, because grouping on fewer keys is much faster on large tables.
    """
    needed = ["self", "proposal", "appraised", "counted", "max_applicable", "code", "is_appraised", "na", "tcode"]
    t = long[list(dict.fromkeys([*by, *carry, *needed]))].copy()
    t["self_num"] = pd.to_numeric(t["self"], errors="coerce")
    # The gap compares like with like: appraised, applicable criteria a unit scores itself (not the survey).
    compared = t["is_appraised"] & ~t["na"].astype(bool) & t["tcode"].ne(_TYPE["survey"])
    t["self_cmp"] = t["self_num"].where(compared)
    # The self total covers what the other totals cover: a unit cannot score the survey, so its result stands in.
    t["self_all"] = t["self_num"].where(t["tcode"].ne(_TYPE["survey"]), t["proposal"]).where(~t["na"].astype(bool))
    t["appraised_cmp"] = t["appraised"].fillna(0.0).where(compared)
    _apply_caps(t, long, ["self_all", "proposal", "appraised", "counted", "max_applicable", "self_cmp",
                          "appraised_cmp"])
    out = t.groupby(list(by), sort=False).agg(
        **{c: (c, "first") for c in carry},
        self_=("self_all", "sum"), proposal=("proposal", "sum"), appraised=("appraised", "sum"),
        counted=("counted", "sum"), max_applicable=("max_applicable", "sum"), criteria=("code", "size"),
        appraised_count=("is_appraised", "sum"), na_count=("na", "sum"), self_cmp=("self_cmp", "sum"),
        appraised_cmp=("appraised_cmp", "sum"),
    ).reset_index().rename(columns={"self_": "self"})
    out["percent"] = percent(out["counted"].to_numpy(), out["max_applicable"].to_numpy())
    # (percent() rounds the exact quotient; the bands then classify that rounded value, as published)
    appraised = out["appraised_count"] > 0
    out["self_minus_appraised"] = np.where(appraised, out["self_cmp"] - out["appraised_cmp"], np.nan)
    out["appraised"] = np.where(appraised, out["appraised"], np.nan)
    out = out.drop(columns=["self_cmp", "appraised_cmp"])
    scores = ["self", "proposal", "appraised", "counted", "max_applicable", "self_minus_appraised"]
    out[scores] = out[scores].apply(rounded)
    done, size = out["appraised_count"].to_numpy(), out["criteria"].to_numpy()
    basis = np.where(done == 0, BASIS_NONE, BASIS_FULL).astype(object)
    partial = np.flatnonzero((done > 0) & (done < size))
    basis[partial] = [f"Thẩm định một phần: {done[i]}/{size[i]} tiêu chí, còn lại theo điểm tự chấm" for i in partial]
    out["basis"] = basis
    return out


def _apply_caps(t: pd.DataFrame, long: pd.DataFrame, columns: list[str]) -> None:
    """In place: the parts of a capped parent (``cap``) scaled so that each unit's sum over them stops at the cap.

    Scaling every part by cap / sum (not cutting one) keeps the per-unit, per-area and per-parent totals exact and
    spreads the cut fairly where a table is summed per criterion. Nothing to do for frameworks without a cap.
    """
    if "cap" not in long or not long["cap"].notna().any():
        return
    capped = long["cap"].notna().to_numpy()
    keys = [k for k in ("year", "unit") if k in long] + ["parent"]
    group = [long.loc[capped, k].to_numpy() for k in keys]
    cap = long.loc[capped, "cap"].to_numpy(dtype=float)
    for col in columns:
        values = pd.to_numeric(t.loc[capped, col], errors="coerce")
        summed = values.fillna(0.0).groupby(group).transform("sum").to_numpy()
        factor = np.where(summed > cap + 1e-9, cap / np.where(summed == 0, 1, summed), 1.0)
        t.loc[capped, col] = values.to_numpy() * factor


def rounded(values: pd.Series) -> pd.Series:
    """Points rounded to 2 decimals by the officials' rule (kit.core.values.round_half_up), as floats."""
    return pd.Series(round_half_up(values.to_numpy(dtype=float)), index=values.index)


def classify(percent: pd.Series, bands: list[Band]) -> pd.Series:
    """Band name of each percentage (bands from campaign.yml); NaN stays empty."""
    ordered = sorted(bands, key=lambda b: b.lower)
    lowers = np.array([b.lower for b in ordered])
    names = np.array([b.name for b in ordered], dtype=object)
    pos = np.searchsorted(lowers, percent.fillna(-1).to_numpy(), side="right") - 1
    return pd.Series(np.where((pos >= 0) & percent.notna().to_numpy(), names[pos.clip(0)], ""), index=percent.index)


def rank_within(df: pd.DataFrame, group_cols: Sequence[str], score_col: str = "percent") -> pd.Series:
    """Rank 1 = best within each group; equal scores share a rank (1, 2, 2, 4)."""
    return df.groupby(list(group_cols))[score_col].rank(method="min", ascending=False).astype("Int64")
