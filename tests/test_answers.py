import math

from kit.config.answers import NA, NO, YES, Tier, allowed_answers, normalize_answer, proposal

TIERS = (Tier(90, 2), Tier(50, 1))


def p(kind, **kw):
    base = {"max_points": 2, "min_points": 0, "answer": None, "value": None, "self_score": None}
    return proposal(kind, **{**base, **kw})


def test_yes_no():
    assert p("yes_no", answer=YES) == 2 and p("yes_no", answer=NO, self_score=2) == 0


def test_not_applicable_has_no_points():
    assert math.isnan(p("tiers", answer=NA, value=99, tiers=TIERS))


def test_tiers_pick_highest_reached():
    assert [p("tiers", value=v, tiers=TIERS) for v in (95, 90, 89.9, 50, 10)] == [2, 2, 1, 1, 0]
    assert p("tiers", value=None, tiers=TIERS) == 0


def test_deduction_is_capped():
    assert p("deduction", max_points=0, min_points=-1, value=1, per_item=0.5) == -0.5
    assert p("deduction", max_points=0, min_points=-1, value=9, per_item=0.5) == -1


def test_judgement_and_bonus_hold_self_score_to_range():
    assert p("judgement", self_score=1.5) == 1.5 and p("judgement", self_score=7) == 2
    assert p("bonus", max_points=1, self_score=None) == 0


def test_survey_uses_survey_value():
    assert p("survey", max_points=4, survey=87.5) == 3.5
    assert math.isnan(p("survey", max_points=4, survey=None, self_score=3))


def test_answer_words():
    assert normalize_answer("co") == YES and normalize_answer("KHÔNG") == NO and normalize_answer("N/A") == NA
    assert normalize_answer("Có lẽ") is None
    assert allowed_answers("yes_no", True) == [YES, NO, NA] and allowed_answers("judgement", False) == []
