"""The demo's assignments and second appraisal (invented): three evaluators, who was given what each year, and a
double-appraised sample with some disagreements and their reconciliation.

Round 1: Nguyễn Thị Lan the offices and the provincial agencies, Trần Văn Minh the communes — and, in 2025, the
offices' e-government area (an area assignment). Round 2 (independent, blind to round 1): Phạm Quốc Bảo the offices
and the communes, Trần Văn Minh the provincial agencies. Bảo is a little stricter than the others. 2024 is
reconciled in full; in 2025 part of the sample is appraised twice and a few differences still await reconciliation.
Drawn from its own random stream, so the rest of the demo is unchanged by it.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from kit.config.campaign import Campaign
from tools.demogen.accounts import BAO, LAN, MINH, SECRETARY

# by account (tools.demogen.accounts): what the assignments name and the gradebook records
SECOND_EVALUATOR = BAO
FIRST = {"CQ": LAN, "XA": MINH, "NG": LAN}
SECOND = {"CQ": SECOND_EVALUATOR, "XA": SECOND_EVALUATOR, "NG": MINH}
RECONCILER = SECRETARY  # the secretary records the council's reconciliation
AREA_HELP = (2025, "CQ", "so", MINH)  # (year, group, area key, evaluator): an area given in round 1
KEEP_FIRST = ["Đối chiếu tài liệu kiểm chứng: giữ kết quả thẩm định lần 1",
              "Văn bản kiểm chứng chưa đủ theo yêu cầu của tiêu chí: giữ điểm lần 1"]
TAKE_SECOND = ["Tài liệu kiểm chứng thể hiện đúng mức đạt của lần 2",
               "Số liệu trên Hệ thống một cửa điện tử xác nhận kết quả lần 2"]


def help_area(campaign: Campaign, year: int, group: str) -> str | None:
    """The area code given to another evaluator in round 1 that year (the area's code changes by year)."""
    when, whose, key, _ = AREA_HELP
    if (year, group) != (when, whose):
        return None
    return next((a.code for a in campaign.framework(year, group).areas if a.key == key), None)


def first_evaluator(campaign: Campaign, year: int, group: str, area: str) -> str:
    """Who appraises a criterion first: the group's evaluator, or the one given its area."""
    return AREA_HELP[3] if area == help_area(campaign, year, group) else FIRST[group]


def write_assignments(campaign: Campaign, root: Path) -> None:
    rows = [("Năm", "Cán bộ thẩm định", "Mã đơn vị", "Nhóm", "Lĩnh vực", "Lượt")]
    for year in campaign.years:
        for group in campaign.groups:
            rows.append((year, FIRST[group], "", group, "", 1))
        for group in campaign.groups:
            area = help_area(campaign, year, group)
            if area:
                rows.append((year, AREA_HELP[3], "", group, area, 1))
        for group in campaign.groups:
            rows.append((year, SECOND[group], "", group, "", 2))
    with open(root / "assignments.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def _other_level(row, score: float, rng: random.Random, down: bool) -> float:
    """A neighbouring score the criterion allows: one level of a scale, else a quarter or half point."""
    choices = sorted(row.choices) if row.choices is not None else None
    if choices is not None:
        i = min(range(len(choices)), key=lambda k: abs(choices[k] - score))
        j = max(0, i - 1) if down and i > 0 else min(len(choices) - 1, i + 1) if i < len(choices) - 1 else i - 1
        return choices[j]
    step = rng.choice([0.25, 0.5])
    other = score - step if down else score + step
    if other < row.min or other > row.max:
        other = score + step if down else score - step
    return min(max(other, row.min), row.max)


def second_round(ws, gb, rng: random.Random, clock: dt.datetime, *, reconcile_all: bool) -> dt.datetime:
    """Second appraisals of the sampled criteria already appraised once, then the reconciliation of the pairs
    that differ (all of them, or all but a few when ``reconcile_all`` is false)."""
    from kit.core.vocab import Stage
    from kit.store.gradebook import Decision, evidence_hash

    ws.reload()
    units = [u.code for u in ws.campaign.units_of(ws.year) if u.code in ws.rows]
    if not reconcile_all:
        units = units[: len(units) // 2]  # 2025: the second round has only begun
    pending = []
    for unit in units:
        group = ws.campaign.units_by_code[unit].group
        batch = []
        for row in ws.unit_rows(unit):
            if row.first is None or not ws.in_sample(row):
                continue
            if row.first["na"]:  # not applicable: both say so
                batch.append(Decision(ws.year, unit, row.code, Stage.SECOND, None, SECOND[group], "", True, row.key,
                                      row.self_score, evidence_hash(row.seen), "demo", clock.isoformat()))
                continue
            first = float(row.first["score"])
            second = first
            if rng.random() < (0.3 if SECOND[group] == SECOND_EVALUATOR else 0.2):
                second = _other_level(row, first, rng, down=rng.random() < (0.75 if SECOND[group] ==
                                                                             SECOND_EVALUATOR else 0.5))
            clock += dt.timedelta(minutes=rng.randint(1, 3))
            lower = row.self_score is not None and second < row.self_score - 1e-9
            comment = "Đối chiếu lại tài liệu kiểm chứng" if lower else ""
            batch.append(Decision(ws.year, unit, row.code, Stage.SECOND, second, SECOND[group], comment, False,
                                  row.key, row.self_score, evidence_hash(row.seen), "demo", clock.isoformat()))
            if abs(second - first) > 1e-9:
                pending.append((row, first, second))
        if batch:
            gb.record(batch)
    clock += dt.timedelta(days=2)
    settle = pending if reconcile_all else pending[: max(0, len(pending) - 3)]
    decisions = []
    for row, first, second in settle:
        clock += dt.timedelta(minutes=rng.randint(3, 8))
        take_second = rng.random() < 0.45
        reason = rng.choice(TAKE_SECOND if take_second else KEEP_FIRST)
        decisions.append(Decision(ws.year, row.unit, row.code, Stage.RECONCILIATION, second if take_second else first,
                                  RECONCILER, reason, False, row.key, row.self_score, evidence_hash(row.seen), "demo",
                                  clock.isoformat()))
    if decisions:
        gb.record(decisions)
    return clock
