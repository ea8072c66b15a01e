"""Who appraises what, which criteria are appraised twice, and how far the evaluators agree.

Pure computations on tables (the caller reads the gradebook: ``first``, ``second`` and ``reconciled`` are the latest
decision of each stage per unit and criterion, ``kit.store.gradebook.latest``).

The sample of the second appraisal is a share of each group's units drawn the same way every time (by a hash of
the campaign, the seed, the year and the unit: nobody picks it, anyone can recompute it), plus every criterion
whose first appraisal differs from the self score by more than ``gap`` points. Agreement is measured per
criterion with the quadratically weighted Cohen's kappa of scikit-learn over the criterion's scale (its allowed
levels, or its range on the finest grid the scores use, so that a weight is the squared difference in points), and
per evaluator by the share of exact agreement, the mean absolute difference and the severity: the mean of
(their score − the reconciled score), negative for a strict evaluator.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from kit.config.answers import Tier, appraisal_choices
from kit.config.campaign import Campaign
from kit.core.values import optional_float, person_key

PAIR_COLUMNS = ["unit", "code", "key", "area", "content", "group", "type", "max", "min", "tiers", "first",
                "first_na", "first_by", "second", "second_na", "second_by", "reconciled", "reconciled_na",
                "reconciled_by", "reason"]
_STEPS = (1.0, 0.5, 0.25, 0.1, 0.05, 0.01)


# -- the sample ----------------------------------------------------------------------------------------------
def sampled_units(groups: Mapping[str, Sequence[str]], year: int, share: float, *, seed: int = 0, salt: str = ""
                  ) -> set[str]:
    """ceil(share × n) units of each group: those with the smallest hash of (salt, seed, year, unit)."""
    chosen: set[str] = set()
    for codes in groups.values():
        count = math.ceil(share * len(codes) - 1e-9)
        ranked = sorted(codes, key=lambda c: hashlib.sha256(f"{salt}|{seed}|{year}|{c}".encode()).hexdigest())
        chosen.update(ranked[:count])
    return chosen


def drawn_units(campaign: Campaign, year: int, present: Iterable[str]) -> set[str]:
    """The units of ``year`` drawn for the second appraisal, among those with an accepted form (``present``):
    the one draw the scoring workspace and the reports share."""
    settings, here = campaign.second_appraisal, set(present)
    if not settings.share:
        return set()
    groups = {g: [u.code for u in campaign.units_in(g) if u.code in here] for g in campaign.groups}
    return sampled_units(groups, year, settings.share, seed=settings.seed, salt=campaign.identity)


def second_sample(long: pd.DataFrame, first: pd.DataFrame, units: set[str], gap: float | None) -> set[tuple[str, str]]:
    """(unit, code) of the criteria to appraise a second time: every criterion of the sampled units and every
    criterion whose first appraisal differs from the self score by more than ``gap`` (surveys are measured, not
    judged: never sampled)."""
    judged = long[long["type"] != "survey"]
    chosen = {(u, c) for u, c in zip(judged["unit"], judged["code"], strict=True) if u in units}
    if gap is not None and len(first):
        self_scores = {(u, c): s for u, c, s in zip(judged["unit"], judged["code"], judged["self"], strict=True)}
        for u, c, score, na in zip(first["unit"], first["code"], first["score"], first["na"], strict=True):
            if (u, c) in self_scores and over_gap(optional_float(self_scores[(u, c)]), optional_float(score),
                                                  bool(na), gap):
                chosen.add((u, c))
    return chosen


def over_gap(self_score: float | None, first: float | None, first_na: bool, gap: float | None) -> bool:
    """The first appraisal differs from the self score by more than ``gap`` points (both are scores)."""
    if gap is None or first_na or first is None or self_score is None or pd.isna(first) or pd.isna(self_score):
        return False
    return abs(float(first) - float(self_score)) > gap + 1e-9


# -- who was given what ----------------------------------------------------------------------------------------
def assigned(rows: list[dict], long: pd.DataFrame, year: int) -> pd.DataFrame:
    """(evaluator, round, unit, code) of every criterion an assignment of ``year`` covers (a unit, a group, an
    area, or a unit's area), one row per evaluator, round and criterion."""
    frames = []
    for a in (r for r in rows if r["year"] == year):
        mask = pd.Series(True, index=long.index)
        if a["unit"]:
            mask &= long["unit"] == a["unit"]
        if a["group"]:
            mask &= long["group"] == a["group"]
        if a["area"]:
            mask &= long["area"].astype(str) == a["area"]
        frames.append(long.loc[mask, ["unit", "code"]].assign(evaluator=a["evaluator"], round=a["round"]))
    if not frames:
        return pd.DataFrame(columns=["evaluator", "round", "unit", "code"])
    return pd.concat(frames)[["evaluator", "round", "unit", "code"]].drop_duplicates(ignore_index=True)


def progress(assignment: pd.DataFrame, long: pd.DataFrame, first: pd.DataFrame, second: pd.DataFrame,
             sample: set[tuple[str, str]]) -> pd.DataFrame:
    """Per evaluator and round: criteria given, done, left. Round 1 counts a criterion done once it has a decision
    that counts (whoever made it: the work is done); round 2 counts the sampled criteria given and done by a second
    appraisal of this evaluator. Criteria of the year that nobody was given are one line, evaluator ""."""
    decided = set(zip(first["unit"], first["code"], strict=True)) if len(first) else set()
    by_second: dict[tuple[str, str], set[str]] = {}
    for u, c, who in zip(second["unit"], second["code"], second["evaluator"], strict=True) if len(second) else []:
        by_second.setdefault((u, c), set()).add(person_key(who))
    out = []
    for (who, rnd), part in assignment.groupby(["evaluator", "round"], sort=True):
        items = set(zip(part["unit"], part["code"], strict=True))
        if rnd == 2:
            items &= sample
            done = sum(person_key(who) in by_second.get(i, set()) for i in items)
        else:
            done = len(items & decided)
        out.append({"evaluator": who, "round": int(rnd), "units": part["unit"].nunique(), "given": len(items),
                    "done": done, "left": len(items) - done})
    judged = long[long["type"] != "survey"]
    first_round = assignment[assignment["round"] == 1]
    covered = set(zip(first_round["unit"], first_round["code"], strict=True))
    nobody = [(u, c) for u, c in zip(judged["unit"], judged["code"], strict=True) if (u, c) not in covered]
    if nobody and len(assignment):
        done = sum(i in decided for i in nobody)
        out.append({"evaluator": "", "round": 1, "units": len({u for u, _ in nobody}), "given": len(nobody),
                    "done": done, "left": len(nobody) - done})
    columns = ["evaluator", "round", "units", "given", "done", "left"]
    return pd.DataFrame(out, columns=columns)


# -- agreement ---------------------------------------------------------------------------------------------------
def pairs(long: pd.DataFrame, first: pd.DataFrame, second: pd.DataFrame, reconciled: pd.DataFrame) -> pd.DataFrame:
    """One row per criterion appraised twice: both scores, who gave them, and the reconciliation when made."""
    def stage(frame: pd.DataFrame, name: str) -> pd.DataFrame:
        cols = {"score": name, "na": f"{name}_na", "evaluator": f"{name}_by"}
        if name == "reconciled":
            cols["comment"] = "reason"
        part = frame[["unit", "code", *cols]] if len(frame) else pd.DataFrame(columns=["unit", "code", *cols])
        return part.rename(columns=cols)

    both = stage(first, "first").merge(stage(second, "second"), on=["unit", "code"])
    both = both.merge(stage(reconciled, "reconciled"), on=["unit", "code"], how="left")
    criteria = long[["unit", "code", "key", "area", "content", "group", "type", "max", "min", "tiers"]]
    found = both.merge(criteria, on=["unit", "code"])
    for name in ("first", "second", "reconciled"):
        found[name] = pd.to_numeric(found[name], errors="coerce")
        found[f"{name}_na"] = found[f"{name}_na"].fillna(False).astype(bool)
    found["reason"] = found["reason"].fillna("")
    found["reconciled_by"] = found["reconciled_by"].fillna("")
    return found[PAIR_COLUMNS].sort_values(["unit", "code"], ignore_index=True)


def scale(answer_type: str, max_points: float, min_points: float, tiers: tuple[Tier, ...],
          scores: Sequence[float]) -> list[float]:
    """The ordered levels a criterion is scored on: its allowed levels, else its range on the coarsest grid
    (1, 0.5, 0.25 … points) holding every score given, so that level distances are distances in points."""
    choices = appraisal_choices(answer_type, max_points, tiers)
    if choices is not None:
        return sorted(set(choices))
    step = next((s for s in _STEPS if all(abs((v - min_points) / s - round((v - min_points) / s)) < 1e-6
                                          for v in scores)), _STEPS[-1])
    return [min_points + k * step for k in range(int(round((max_points - min_points) / step)) + 1)]


def weighted_kappa(first: Sequence[float], second: Sequence[float], levels: Sequence[float]) -> float | None:
    """Cohen's kappa with quadratic weights (scikit-learn) over ``levels``; None when it is undefined (fewer than
    two pairs, or every score on one level: agreement by chance is then certain)."""
    from sklearn.metrics import cohen_kappa_score  # scipy-backed: imported only by the reports that need it

    if len(first) < 2:
        return None
    grid = np.asarray(levels, dtype=float)
    a = [int(np.abs(grid - v).argmin()) for v in first]
    b = [int(np.abs(grid - v).argmin()) for v in second]
    if len(set(a) | set(b)) < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = cohen_kappa_score(a, b, labels=list(range(len(grid))), weights="quadratic")
    return None if math.isnan(value) else float(value)


def agrees(found: pd.DataFrame) -> pd.Series:
    """Both appraisals gave the same score, or both said "Không áp dụng"."""
    both_na = found["first_na"] & found["second_na"]
    equal = (found["first"] - found["second"]).abs() < 1e-9
    return both_na | (equal & ~found["first_na"] & ~found["second_na"])


def by_criterion(found: pd.DataFrame) -> pd.DataFrame:
    """Per criterion (its key and scale, all units and groups of the year): pairs, exact agreement, mean
    absolute difference, weighted kappa; the criteria where evaluators disagree most come first."""
    columns = ["key", "code", "content", "max", "pairs", "exact", "mean_abs", "kappa"]
    if not len(found):
        return pd.DataFrame(columns=columns)
    found = found.assign(agree=agrees(found))
    out = []
    for (key, _type, top, low), part in found.groupby(["key", "type", "max", "min"], sort=False):
        scored = part[~part["first_na"] & ~part["second_na"]]
        levels = scale(str(_type), float(top), float(low), tuple(Tier(*t) for t in part["tiers"].iloc[0]),
                       [*scored["first"], *scored["second"]])
        out.append({"key": key, "code": part["code"].iloc[0], "content": part["content"].iloc[0], "max": top,
                    "pairs": len(part), "exact": float(part["agree"].mean()),
                    "mean_abs": float((scored["first"] - scored["second"]).abs().mean()) if len(scored) else 0.0,
                    "kappa": weighted_kappa(scored["first"].tolist(), scored["second"].tolist(), levels)})
    table = pd.DataFrame(out, columns=columns)
    relative = table["mean_abs"] / table["max"].where(table["max"] > 0, 1)
    order = table.assign(_r=relative).sort_values(["exact", "_r", "code"], ascending=[True, False, True])
    return order.drop(columns="_r").reset_index(drop=True)


def by_evaluator(found: pd.DataFrame) -> pd.DataFrame:
    """Per evaluator (first or second): pairs, exact agreement with the other evaluator, mean absolute difference,
    and severity: the mean of (own score − the outcome) over the settled pairs — those reconciled (the outcome is
    the reconciled score) and those where both agreed (the outcome is that score; nothing had to be reconciled).
    Negative: stricter than the outcome. Pairs still awaiting reconciliation are left out."""
    columns = ["evaluator", "pairs", "exact", "mean_abs", "settled", "severity"]
    if not len(found):
        return pd.DataFrame(columns=columns)
    agree = agrees(found)
    done = found["reconciled_by"] != ""
    found = found.assign(agree=agree, outcome=found["reconciled"].where(done, found["first"]),
                         outcome_na=found["reconciled_na"].where(done, found["first_na"]), settled=done | agree)
    rows = []
    for role in ("first", "second"):
        rows.append(pd.DataFrame({"evaluator": found[f"{role}_by"], "score": found[role], "na": found[f"{role}_na"],
                                  "other": found["second" if role == "first" else "first"],
                                  "other_na": found["second_na" if role == "first" else "first_na"],
                                  "agree": found["agree"], "outcome": found["outcome"],
                                  "outcome_na": found["outcome_na"], "settled": found["settled"]}))
    long = pd.concat(rows, ignore_index=True)
    out = []
    for who, part in long.groupby("evaluator", sort=True):
        scored = part[~part["na"] & ~part["other_na"]]
        settled = part[part["settled"] & ~part["na"] & ~part["outcome_na"]]
        out.append({"evaluator": who, "pairs": len(part), "exact": float(part["agree"].mean()),
                    "mean_abs": float((scored["score"] - scored["other"]).abs().mean()) if len(scored) else 0.0,
                    "settled": len(settled),
                    "severity": float((settled["score"] - settled["outcome"]).mean()) if len(settled) else None})
    return pd.DataFrame(out, columns=columns)
