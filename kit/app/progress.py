"""Who is working on what: each evaluator's progress against their own assignment, from the ledger.

One table for everyone who shows it (the report's table, ``kit progress``, the scoring notebook): per evaluator and
round, the criteria given (assignments.csv, kit.scoring.agreement.assigned), done and left, by the rule of
kit.scoring.agreement.progress (round 1: a criterion is done once it has a decision that counts, whoever made it;
round 2: once this evaluator appraised the sampled criterion a second time). Evaluators are shown by the registry's
họ tên beside their account.
"""

from __future__ import annotations

import pandas as pd

from kit.app.year import YearState
from kit.core.vocab import Stage
from kit.scoring import agreement as ag
from kit.store.gradebook import latest


def second_sample(yd: YearState, first: pd.DataFrame) -> set[tuple[str, str]]:
    """The criteria of the year that get a second appraisal (none when the campaign has no second appraisal)."""
    long = yd.results.long
    if not yd.campaign.second_appraisal.active:
        return set()
    return ag.second_sample(long, first, ag.drawn_units(yd.campaign, yd.year, long["unit"]),
                            yd.campaign.second_appraisal.gap)


def team_progress(yd: YearState) -> pd.DataFrame:
    """Per evaluator (account, họ tên) and round: units, criteria given, done, left; the criteria nobody was given
    are one line with evaluator "". Empty when the year has no assignment."""
    long, history = yd.results.long, yd.decisions
    first = latest(history, [Stage.APPRAISAL])
    given = ag.assigned(yd.movement.assignments.rows, long, yd.year)
    table = ag.progress(given, long, latest(history), latest(history, [Stage.SECOND]), second_sample(yd, first))
    registry = yd.movement.registry
    return table.assign(name=[registry.name_of(who) if who else "" for who in table["evaluator"]])
