"""Answer types of the criteria and the points they propose.

A criterion's answer type says what a unit may answer, which self scores are allowed and how
the kit turns an answer into an automatic proposal. Evaluators start from the proposal; it
never replaces their decision.

Types (as written in the criteria files):
    yes_no     Có / Không (and Không áp dụng when the criterion allows it): max or 0 points.
    tiers      a measured value (e.g. % of records processed online) -> points by tier.
    judgement  the evaluator judges within 0..max; no automatic proposal beyond the self score.
    deduction  a count of violations x points per item, down to ``min`` (negative).
    bonus      0..max extra points, outside the applicable maximum.
    survey     points = max x satisfaction % / 100, from the campaign's survey results.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from kit.core import vn
from kit.core.values import fold, round_half_up

ANSWER_TYPES = ("yes_no", "tiers", "judgement", "deduction", "bonus", "survey")
TYPE_LABELS = {
    "yes_no": "Có/Không",
    "tiers": "Theo mức giá trị đo",
    "judgement": "Đánh giá trong khoảng 0 - tối đa",
    "deduction": "Điểm trừ",
    "bonus": "Điểm cộng",
    "survey": "Theo kết quả khảo sát",
}
YES, NO, NA = "Có", "Không", "Không áp dụng"
_ANSWER_WORDS = {
    "co": YES, "yes": YES, "x": YES, "dat": YES,
    "khong": NO, "no": NO, "k": NO, "khong dat": NO,
    "khong ap dung": NA, "kad": NA, "n/a": NA, "na": NA, "không áp dụng": NA,
}


@dataclass(frozen=True)
class Tier:
    min: float
    points: float


def normalize_answer(text: str) -> str | None:
    """Map what people type ("co", "KHÔNG", "N/A") to the canonical answer, or None if unknown."""
    return _ANSWER_WORDS.get(fold(text))


def allowed_answers(answer_type: str, na: bool) -> list[str]:
    """The drop-down list of the form's answer column for this type."""
    base = [YES, NO] if answer_type == "yes_no" else []
    return base + [NA] if na else base


def uses_value(answer_type: str) -> bool:
    """Whether the unit declares a measured value (a % or a count) for this type."""
    return answer_type in ("tiers", "deduction")


def counts_in_max(answer_type: str) -> bool:
    """Bonus and deduction points sit outside the 100-point maximum."""
    return answer_type not in ("bonus", "deduction")


# What the rules are written with: each works on floats (one row: plain Python, a form's ~45 rows cost microseconds)
# and on NumPy arrays (a year's rows), so one rule serves both paths.
def _pick(cond: Any, a: Any, b: Any) -> Any:
    """``a`` where ``cond``, else ``b``."""
    if isinstance(cond, (bool, np.bool_)):
        return a if cond else b
    return np.where(cond, a, b)


def _missing(x: Any) -> Any:
    """Where ``x`` is NaN (NaN is the one value unequal to itself)."""
    return x != x


def _clip(x: Any, low: Any, high: Any) -> Any:
    if isinstance(x, float):
        return min(max(x, low), high)
    return np.minimum(np.maximum(x, low), high)


def _larger(a: Any, b: Any) -> Any:
    """The larger of two values, a NaN giving way to the other (``np.fmax``)."""
    if isinstance(a, float):
        return b if a != a or (b == b and b > a) else a
    return np.fmax(a, b)


def _zero_if_missing(x: Any) -> Any:
    if isinstance(x, float):
        return 0.0 if x != x else x
    return np.nan_to_num(x)


def tier_points(tiers: tuple[Tier, ...], value: Any) -> Any:
    """Points of the highest tier whose threshold the value reaches (tiers sorted high to low), 0 below every tier
    or for NaN; on a float or an array alike."""
    out: Any = 0.0
    for tier in reversed(tiers):  # ascending, so higher tiers overwrite
        out = _pick(value >= tier.min, tier.points, out)
    return out


class Rows(NamedTuple):
    """What a proposal is computed from, for one row (floats) or many (NumPy arrays of one answer type).

    ``fed`` is a criterion's figure from an outside source (kit.scoring.feeds), NaN where there is none: the
    measure for the types that take one (``uses_value``: tiers, deduction), the points otherwise. ``tiers`` are
    one criterion's: the table path calls ``tiers`` once per criterion.
    """

    yes: Any  # the answer is "Có"
    value: Any  # the unit's measured value, NaN when absent
    self_score: Any  # the unit's self score, NaN when absent
    fed: Any
    max: Any
    min: Any
    per_item: Any = 0.0
    tiers: tuple[Tier, ...] = ()


def _yes_no(r: Rows) -> Any:
    return _pick(_missing(r.fed), _pick(r.yes, r.max, 0.0), _clip(r.fed, r.min, r.max))


def _tiers(r: Rows) -> Any:
    """The fed measure, where there is one, is what the tiers apply to; no measure at all: 0 points."""
    return tier_points(r.tiers, _pick(_missing(r.fed), r.value, r.fed))


def _deduction(r: Rows) -> Any:
    """At least the violations found outside (inspections): the unit's own count may include them, so the larger
    of the two, never their sum."""
    return _larger(-_zero_if_missing(_larger(r.value, r.fed)) * r.per_item, r.min)


def _survey(r: Rows) -> Any:
    """Nothing to propose (NaN) until the survey results are in: units cannot score it themselves."""
    return r.fed + 0.0


def _judged(r: Rows) -> Any:
    """Judgement and bonus: the kit cannot know better than the unit, so the self score held to the allowed range
    (0 when absent) — or what a source says, where a criterion is fed. An evaluator must still look."""
    return _clip(_pick(_missing(r.fed), _zero_if_missing(r.self_score), r.fed), r.min, r.max)


# The one table of proposal rules: each works on floats and on arrays alike, so the row-by-row path (``proposal``,
# the form check) and the table path (kit.scoring.totals) are the same code.
PROPOSALS: dict[str, Callable[[Rows], Any]] = {"yes_no": _yes_no, "tiers": _tiers, "judgement": _judged,
                                               "deduction": _deduction, "bonus": _judged, "survey": _survey}


def survey_points(max_points: Any, percent: Any) -> Any:
    """A survey result in % as points: max × % / 100, rounded as officials round (the share conversion of a
    source whose maximum is 100)."""
    return round_half_up(max_points * np.clip(percent, 0.0, 100.0) / 100.0)


def proposal(answer_type: str, *, max_points: float, min_points: float, answer: str | None, value: float | None,
             self_score: float | None, tiers: tuple[Tier, ...] = (), per_item: float = 0.0,
             survey: float | None = None, found: float | None = None, fed: float | None = None) -> float:
    """The automatic proposal for one criterion of one unit (``PROPOSALS``); NaN when not applicable.

    ``fed``: the criterion's figure from its source (kit.scoring.feeds). ``survey`` (a result in %) and ``found``
    (violations inspections found) say the same for the two oldest sources: points = max × % / 100, and the count.
    """
    if answer == NA:
        return math.nan
    if fed is None:
        fed = float(survey_points(max_points, survey)) if survey is not None else found
    rows = Rows(answer == YES, math.nan if value is None else float(value),
                math.nan if self_score is None else float(self_score), math.nan if fed is None else float(fed),
                float(max_points), float(min_points), float(per_item), tiers)
    return float(PROPOSALS[answer_type](rows))


def is_automatic(answer_type: str) -> bool:
    """Whether the proposal follows from the answer alone (no human judgement needed)."""
    return answer_type in ("yes_no", "tiers", "deduction", "survey")


def appraisal_choices(answer_type: str, max_points: float, tiers: tuple[Tier, ...] = ()) -> list[float] | None:
    """The only scores an evaluator may give for this type, or None when any value in range is allowed.

    Yes/no gives all or nothing; tiers give one of the tier points. Judgement, bonus, deduction
    and survey accept any value between the criterion's min and max.
    """
    if answer_type == "yes_no":
        return [max_points, 0.0]
    if answer_type == "tiers":
        return sorted({t.points for t in tiers} | {0.0}, reverse=True)
    return None


def na_problem(na_allowed: bool, counts_in_max: bool, reason: str) -> str | None:
    """Why "Không áp dụng" may not be recorded on a criterion (Vietnamese), or None.

    Where the framework does not offer it, it is the council's exception for one unit ("hội đồng quyết định không
    áp dụng tiêu chí X cho đơn vị Y"): allowed with a reason, and it lowers the unit's applicable maximum through the
    totals; never for bonus or deduction criteria, which are outside the maximum. The panel, the offline workbook
    and `kit gradebook verify` judge by this one rule."""
    if na_allowed:
        return None
    if not counts_in_max:
        return "tiêu chí này không được chấm \"Không áp dụng\""
    return None if reason.strip() else ("tiêu chí này không có lựa chọn \"Không áp dụng\": chỉ áp dụng khi Hội đồng "
                                        "quyết định cho đơn vị này, phải ghi lý do")


def appraisal_problem(answer_type: str, score: float, *, max_points: float, min_points: float,
                      tiers: tuple[Tier, ...] = ()) -> str | None:
    """Why an appraised score is not allowed (Vietnamese), or None when it is."""
    choices = appraisal_choices(answer_type, max_points, tiers)
    if choices is not None and not any(abs(score - c) < 1e-9 for c in choices):
        return f"chỉ được chấm một trong các mức: {'; '.join(vn.points(c) for c in choices)}"
    if score > max_points + 1e-9 or score < min_points - 1e-9:
        return f"điểm phải trong khoảng {vn.points(min_points)} đến {vn.points(max_points)}"
    return None
