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
from dataclasses import dataclass

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


def tier_points(tiers: tuple[Tier, ...], value: float) -> float:
    """Points of the highest tier whose threshold the value reaches (tiers sorted high to low)."""
    for tier in tiers:
        if value >= tier.min:
            return tier.points
    return 0.0


def proposal(answer_type: str, *, max_points: float, min_points: float, answer: str | None, value: float | None,
             self_score: float | None, tiers: tuple[Tier, ...] = (), per_item: float = 0.0,
             survey: float | None = None, found: float | None = None) -> float:
    """The automatic proposal for one criterion of one unit; NaN when not applicable.

    A deduction counts at least the ``found`` violations of inspection findings (the unit's own count may
    include them: the larger of the two).

    A survey criterion has no proposal (NaN) until the survey results are in.
    For judgement and bonus the kit cannot know better than the unit, so the proposal is the
    self score held to the allowed range (0 when absent): an evaluator must still look.
    """
    if answer == NA:
        return math.nan
    if answer_type == "yes_no":
        return max_points if answer == YES else 0.0
    if answer_type == "tiers":
        return tier_points(tiers, value) if value is not None else 0.0
    if answer_type == "deduction":
        return max(-max(value or 0.0, found or 0.0) * per_item, min_points)
    if answer_type == "survey":  # nothing to propose until the survey results are in
        return math.nan if survey is None else round_half_up(max_points * min(max(survey, 0.0), 100.0) / 100.0)
    score = self_score if self_score is not None else 0.0
    return min(max(score, min_points), max_points)


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
