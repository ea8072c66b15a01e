"""One year's appraisal work, without widgets: what the evaluator sees and what a save does.

The scoring panel (kit.ui.scoring_panel) is a thin view over ``Workspace``; the offline workbook
import uses the same ``save``. The year comes from kit.app.year and the totals from kit.scoring:
what an evaluator sees after saving is what the results will publish. Testable without a browser.

A workspace belongs to one actor (kit.app.actor: the login, never a typed name). ``save`` and
``record_explanation`` are the one place decisions are recorded, so the roles are checked there: the stage's role
(``RECORDED_BY``), and for an evaluator's appraisal the assignment of the row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kit.app.actor import Actor, current_actor
from kit.app.year import YearState, load_year
from kit.config.answers import NA, Tier, appraisal_choices, appraisal_problem, na_problem
from kit.config.campaign import Campaign
from kit.core.errors import GradebookError, StorageError, UsageError
from kit.core.values import clean, person_key
from kit.core.values import optional_float as _num
from kit.core.vocab import COUNTED_STAGES, RECORDED_BY, Role, Stage
from kit.intake.accounts import Accounts, load_accounts
from kit.intake.evidence import Bundle, EvidenceFile, cited_names, scan_year, seen_line
from kit.scoring.agreement import assigned, drawn_units, over_gap
from kit.scoring.feed_checks import linked, source_line
from kit.scoring.inspections import reference
from kit.scoring.totals import classify, totals, with_decisions
from kit.store.gradebook import Decision, Gradebook, evidence_hash, latest


@dataclass
class Row:
    """One criterion of one unit as the evaluator sees it."""

    unit: str
    unit_name: str
    code: str
    key: str
    area: str
    content: str
    type: str
    max: float
    min: float
    na_allowed: bool
    tiers: tuple[Tier, ...]
    in_max: bool
    answer: str
    value: float | None
    self_score: float | None
    evidence: str
    explanation: str
    proposal: float | None
    current: dict | None = None  # latest appraisal/final decision
    explanation_request: dict | None = None  # latest explanation newer than the current decision
    findings: tuple[str, ...] = ()  # inspection findings on this criterion (kit.scoring.inspections.reference)
    first: dict | None = None  # latest appraisal (stage "appraisal")
    second: dict | None = None  # latest independent second appraisal: never shown to whoever makes one
    reconciled: dict | None = None  # latest reconciliation of the two
    parent: str = ""  # the code of the criterion this sub-criterion belongs to ("" for a two-level criterion)
    parent_content: str = ""
    bundle: Bundle | None = None  # the evidence files the unit sent this year (kit.intake.evidence)
    fed: str = ""  # what the criterion's source says, shown beside the self score (kit.scoring.feed_checks)

    @property
    def self_na(self) -> bool:
        return self.answer == NA

    @property
    def choices(self) -> list[float] | None:
        return appraisal_choices(self.type, self.max, self.tiers)

    @property
    def files(self) -> list[tuple[str, EvidenceFile | None]]:
        """The files the evidence cell cites, each with the file the unit sent (None: missing)."""
        return [(name, self.bundle.find(name) if self.bundle else None) for name in cited_names(self.evidence)]

    @property
    def seen(self) -> str:
        """What a decision rests on besides the score: the unit's evidence, the inspection findings and the content
        of the cited files. Its hash is stored with the decision, so a finding entered after the appraisal, or a
        cited file the unit replaced, makes the row "cần xem lại". A unit that sent no evidence files adds nothing:
        decisions stored before files existed keep their hash."""
        files = [seen_line(name, f) for name, f in self.files] if self.bundle else []
        extra = [*self.findings, *files]
        return "\n".join([self.evidence, *extra]) if extra else self.evidence

    def decision_comment(self, comment: str) -> str:
        """The comment stored with a decision: the evaluator's words, then the findings it rests on (the unit
        reads them on its scorecard; a finding already cited is not repeated)."""
        comment = clean(comment).strip()  # typed or pasted: no control character reaches the ledger or a document
        cited = [f for f in self.findings if f not in comment]
        basis = f"Căn cứ kết quả kiểm tra: {'; '.join(cited)}" if cited else ""
        return f"{comment}. {basis}" if comment and basis else comment or basis

    @property
    def needs_review(self) -> bool:
        """The unit resubmitted and changed its self score or evidence after this was appraised."""
        if not self.current:
            return False
        before = _num(self.current.get("self_score"))
        changed_score = (before is None) != (self.self_score is None) or (
            before is not None and self.self_score is not None and abs(before - self.self_score) > 1e-9)
        return changed_score or self.current.get("evidence_hash", "") != evidence_hash(self.seen)

    def problem(self, score: float | None, na: bool, comment: str = "") -> str | None:
        """Why this appraisal cannot be saved, in Vietnamese, or None.

        Lowering a unit's own score needs a reason the unit will read: the comment is then required, unless
        inspection findings on the criterion give it (they are cited in the stored comment).

        "Không áp dụng" where the framework does not offer it is the council's exception for this unit
        (kit.config.answers.na_problem), recorded like any decision (who, when, why).
        """
        if na:
            return na_problem(self.na_allowed, self.in_max, comment)
        if score is None:
            return "chưa nhập điểm"
        wrong = appraisal_problem(self.type, score, max_points=self.max, min_points=self.min, tiers=self.tiers)
        if wrong is None and self.self_score is not None and score < self.self_score - 1e-9 and not comment.strip() \
                and not self.findings:
            return "chấm thấp hơn điểm tự chấm thì phải ghi nhận xét (lý do)"
        return wrong


@dataclass
class Entry:
    """What an evaluator wants to save for one row. ``base_id`` is the decision they saw."""

    unit: str
    code: str
    score: float | None
    na: bool = False
    comment: str = ""
    base_id: int | None = None


@dataclass
class SaveResult:
    saved: list[tuple[str, str, int]] = field(default_factory=list)
    invalid: list[tuple[str, str, str]] = field(default_factory=list)
    conflicts: list[tuple[str, str, dict]] = field(default_factory=list)
    warning: str = ""  # saved, but something beside the gradebook could not be written (Vietnamese)


class Workspace:
    """One year's rows, automatic proposals and current decisions, kept in memory for an evaluator."""

    def __init__(self, state: YearState, gradebook: Gradebook, actor: Actor | None = None,
                 accounts: Accounts | None = None):
        self.state, self.gradebook = state, gradebook
        self.campaign, self.year, self.report = state.campaign, state.year, state.check
        self.accounts = load_accounts(self.campaign) if accounts is None else accounts
        self.actor = current_actor(self.campaign, self.accounts) if actor is None else actor
        long = state.results.long
        self._long = {str(unit): frame for unit, frame in long.groupby("unit", sort=False)}
        names = self.campaign.unit_names
        linked_rows = linked(self.campaign, self.year)  # criteria with a feed: line (the 766 index …)
        self.rows: dict[str, dict[str, Row]] = {}
        for r in long.itertuples(index=False):
            self.rows.setdefault(r.unit, {})[r.code] = Row(
                r.unit, names.get(r.unit, r.unit), r.code, r.key, r.area, r.content, r.type, float(r.max),
                float(r.min), bool(r.na_allowed), tuple(Tier(*t) for t in r.tiers), bool(r.in_max),
                r.answer if isinstance(r.answer, str) else "", _num(r.value), _num(r.self),
                r.evidence if isinstance(r.evidence, str) else "",
                r.explanation if isinstance(r.explanation, str) else "", _num(r.proposal),
                parent=getattr(r, "parent", "") or "", parent_content=getattr(r, "parent_content", "") or "",
                fed=source_line(r.feed, r.fed_value, r.fed_period, self.year) if (r.group, r.code) in linked_rows
                else "")
        bundles = scan_year(self.campaign.submissions_dir(self.year))
        for unit, bundle in bundles.items():
            for row in self.rows.get(unit, {}).values():
                row.bundle = bundle
        for f in state.results.findings.to_dict("records"):
            if found := self.rows.get(f["unit"], {}).get(f["code"]):
                found.findings += (reference(f),)
        # who was given what this year: (person, round) -> criteria, in the order of the assignments, and the
        # other way round: (round, unit, criterion) -> who was given it (accounts when there is a registry)
        self.given: dict[tuple[str, int], dict[tuple[str, str], None]] = {}
        self.assignees: dict[tuple[int, str, str], list[str]] = {}
        for a in assigned(state.movement.assignments.rows, long, self.year).itertuples(index=False):
            self.given.setdefault((person_key(a.evaluator), int(a.round)), {})[(a.unit, a.code)] = None
            self.assignees.setdefault((int(a.round), a.unit, a.code), []).append(a.evaluator)
        self.sampled_units = drawn_units(self.campaign, self.year, self.rows)
        self.reload()

    @classmethod
    def open(cls, campaign: Campaign, year: int, gradebook: Gradebook, actor: Actor | None = None) -> Workspace:
        """The year's workspace for ``actor`` (default: whoever is logged in, kit.app.actor)."""
        return cls(load_year(campaign, year, gradebook=gradebook), gradebook, actor)

    def name_of(self, recorded: object) -> str:
        """The họ tên a display shows for a recorded author (an account; an old typed name as is)."""
        return self.accounts.name_of(recorded)

    def reload(self) -> None:
        """Read the current decisions again (another evaluator may have saved)."""
        history = self.gradebook.history(self.year)
        for unit_rows in self.rows.values():
            for row in unit_rows.values():
                row.current = row.explanation_request = row.first = row.second = row.reconciled = None
        for rec in latest(history).to_dict("records"):
            if decided := self.rows.get(rec["unit"], {}).get(rec["code"]):
                decided.current = rec
        for stage, slot in ((Stage.APPRAISAL, "first"), (Stage.SECOND, "second"), (Stage.RECONCILIATION, "reconciled")):
            for rec in latest(history, [stage]).to_dict("records"):
                if decided := self.rows.get(rec["unit"], {}).get(rec["code"]):
                    setattr(decided, slot, rec)
        for rec in latest(history, [Stage.EXPLANATION]).to_dict("records"):
            asked = self.rows.get(rec["unit"], {}).get(rec["code"])
            if asked and (not asked.current or rec["id"] > asked.current["id"]):
                asked.explanation_request = rec
        # criteria with a decision, per unit: kept up to date by save, so progress costs nothing per save
        self.reviewed = {unit: sum(r.current is not None for r in rows.values()) for unit, rows in self.rows.items()}

    # -- what to show ------------------------------------------------------------------------------------
    def units(self, group: str) -> list[str]:
        """Units of the group that have an accepted submission, in units.csv order."""
        return [u.code for u in self.campaign.units_in(group) if u.code in self.rows]

    def unit_rows(self, unit: str) -> list[Row]:
        return list(self.rows.get(unit, {}).values())

    # -- who appraises what, and the second appraisal --------------------------------------------------------
    def in_sample(self, row: Row) -> bool:
        """The criterion gets an independent second appraisal (campaign.yml ``second_appraisal``; the rule is
        kit.scoring.agreement's: the unit was drawn, or the first appraisal is far from the self score)."""
        if row.type == "survey":
            return False
        first = row.first or {}
        return row.unit in self.sampled_units or over_gap(row.self_score, _num(first.get("score")),
                                                          bool(first.get("na")), self.campaign.second_appraisal.gap)

    def second_rows(self, unit: str) -> list[Row]:
        """What the actor may appraise a second time in ``unit``: sampled criteria they did not appraise first
        and nobody else appraised a second time (theirs stay, to be corrected)."""
        me = person_key(self.actor.account)
        return [r for r in self.unit_rows(unit) if self.in_sample(r)
                and (r.first is None or person_key(r.first["evaluator"]) != me)
                and (r.second is None or person_key(r.second["evaluator"]) == me)]

    def reconcile_rows(self, unit: str) -> list[Row]:
        """Criteria appraised twice, to be reconciled (or reconciled already)."""
        return [r for r in self.unit_rows(unit) if r.first is not None and r.second is not None]

    def rows_for(self, stage: Stage, unit: str) -> list[Row]:
        if stage is Stage.SECOND:
            return self.second_rows(unit)
        if stage is Stage.RECONCILIATION:
            return self.reconcile_rows(unit)
        return self.unit_rows(unit)

    def queue(self, group: str, stage: Stage = Stage.APPRAISAL) -> list[tuple[str, int]]:
        """The group's units as the actor should take them: first those given to them (assignments of the
        stage's round) with work left, in the table's order, then the rest in units.csv order. Each with the
        number of criteria given and not done (0 for a unit not given)."""
        evaluator = self.actor.account
        mine = self.assignment(evaluator, stage)
        left: dict[str, int] = {}
        for unit, code in mine:
            row = self.rows.get(unit, {}).get(code)
            if row is not None and not self._done(row, evaluator, stage):
                left[unit] = left.get(unit, 0) + 1
        units = self.units(group)
        if stage is Stage.SECOND:
            units = [u for u in units if self.second_rows(u)]
        elif stage is Stage.RECONCILIATION:
            units = [u for u in units if self.reconcile_rows(u)]
        first = [u for u in dict.fromkeys(u for u, _ in mine) if u in left and u in units]
        return [(u, left[u]) for u in first] + [(u, 0) for u in units if u not in left]

    def assignment(self, evaluator: str, stage: Stage = Stage.APPRAISAL) -> list[tuple[str, str]]:
        """The criteria given to ``evaluator`` for a stage (round 2 for the second appraisal: only those sampled)."""
        rnd = 2 if stage is Stage.SECOND else 1
        items = list(self.given.get((person_key(evaluator), rnd), {}))
        if rnd == 2:
            items = [(u, c) for u, c in items if (row := self.rows.get(u, {}).get(c)) and self.in_sample(row)]
        return items

    def _done(self, row: Row, evaluator: str, stage: Stage) -> bool:
        if stage is Stage.SECOND:
            return row.second is not None and person_key(row.second["evaluator"]) == person_key(evaluator)
        if stage is Stage.RECONCILIATION:
            return row.reconciled is not None
        return row.current is not None

    def my_progress(self, stage: Stage = Stage.APPRAISAL) -> tuple[int, int]:
        """(done, given) of the criteria given to the actor for the stage."""
        return self.progress_of(self.actor.account, stage)

    def progress_of(self, evaluator: str, stage: Stage = Stage.APPRAISAL) -> tuple[int, int]:
        """(done, given) of the criteria given to ``evaluator`` (an account) for the stage, from the ledger."""
        items = self.assignment(evaluator, stage)
        done = sum(self._done(self.rows[u][c], evaluator, stage) for u, c in items if c in self.rows.get(u, {}))
        return done, len(items)

    def criterion_rows(self, group: str, code: str) -> list[Row]:
        return [self.rows[u][code] for u in self.units(group) if code in self.rows[u]]

    def criteria(self, group: str) -> list[tuple[str, str]]:
        return [(c.code, c.content) for c in self.campaign.framework(self.year, group).criteria]

    def unit_totals(self, unit: str) -> dict:
        """Totals of one unit right now, by the results' own rule (kit.scoring) over its ~45 rows."""
        rows = self.unit_rows(unit)
        decided = [(self.year, r.unit, r.code, None if r.current["na"] else r.current["score"], bool(r.current["na"]))
                   for r in rows if r.current]
        appraisals = pd.DataFrame(decided, columns=["year", "unit", "code", "appraised", "appraised_na"])
        t = totals(with_decisions(self._long[unit], appraisals), ["unit"]).iloc[0]
        band = classify(pd.Series([t["percent"]]), self.campaign.bands(self.year)).iloc[0]
        return {"counted": float(t["counted"]), "max_applicable": float(t["max_applicable"]),
                "percent": float(t["percent"]), "band": band, "appraised": int(t["appraised_count"]),
                "criteria": len(rows), "needs_review": sum(r.needs_review for r in rows),
                "open_explanations": sum(r.explanation_request is not None for r in rows)}

    def progress(self, group: str | None = None) -> pd.DataFrame:
        """Reviewed / total criteria per unit (of one group, or all)."""
        units = self.units(group) if group else [u for g in self.campaign.groups for u in self.units(g)]
        data = [(u, self.rows[u][next(iter(self.rows[u]))].unit_name, self.reviewed[u], len(self.rows[u]))
                for u in units]
        return pd.DataFrame(data, columns=["unit", "unit_name", "reviewed", "total"])

    def group_progress(self, group: str) -> tuple[int, int, int, int]:
        """(criteria reviewed, criteria, units done, units) of a group, from the running counts."""
        units = self.units(group)
        reviewed = [self.reviewed[u] for u in units]
        sizes = [len(self.rows[u]) for u in units]
        return sum(reviewed), sum(sizes), sum(r == s for r, s in zip(reviewed, sizes, strict=True)), len(units)

    def history(self, unit: str, code: str, blind: bool = False) -> list[dict]:
        """self score (stage None) → every decision, oldest first, as the council reads it, each author by họ tên.
        ``blind``: what the actor making the second appraisal may see — the self score and their own second
        appraisals."""
        row = self.rows[unit][code]
        blind_for = self.actor.account if blind else None
        steps: list[dict] = [{"stage": None, "score": row.self_score, "na": row.self_na, "by": row.unit_name,
                              "at": "", "comment": row.explanation, "evidence": row.evidence}]
        for rec in self.gradebook.history(self.year, unit, code).to_dict("records"):
            if blind_for is not None and (rec["stage"] != Stage.SECOND.value
                                          or person_key(rec["evaluator"]) != person_key(blind_for)):
                continue
            steps.append({"stage": Stage(rec["stage"]), "score": _num(rec["score"]), "na": bool(rec["na"]),
                          "by": self.name_of(rec["evaluator"]), "at": rec["created_at"], "comment": rec["comment"],
                          "evidence": ""})
        return steps

    # -- saving --------------------------------------------------------------------------------------------
    def save(self, entries: list[Entry], stage: Stage = Stage.APPRAISAL, source: str = "notebook") -> SaveResult:
        """Validate and append the actor's decisions; refuse those whose base decision is no longer the latest,
        and those on a criterion assigned to someone else. An actor without the stage's role records nothing
        (ActorError)."""
        self.actor.require(RECORDED_BY[stage], act=f"ghi \"{stage.label}\"")
        evaluator = self.actor.account
        result = SaveResult()
        batch: list[tuple[Row, Decision, int | None]] = []
        for e in entries:
            row = self.rows.get(e.unit, {}).get(e.code)
            if row is None:
                result.invalid.append((e.unit, e.code, "đơn vị chưa có phiếu được chấp nhận hoặc mã tiêu chí sai"))
                continue
            problem = row.problem(e.score, e.na, e.comment) or self._stage_problem(row, evaluator, stage, e.comment)
            if problem:
                result.invalid.append((e.unit, e.code, problem))
                continue
            batch.append((row, Decision(self.year, e.unit, e.code, stage, None if e.na else e.score, evaluator,
                                        row.decision_comment(e.comment), e.na, row.key, row.self_score,
                                        evidence_hash(row.seen),
                                        source), e.base_id))
        try:
            ids, refused = self.gradebook.record_if_current([(d, base) for _, d, base in batch]) if batch else ([], [])
        except StorageError as exc:  # committed; only the local copy of the ledger's heads could not be written
            return self._saved_without_ledger_file([(row, d) for row, d, _ in batch], stage, str(exc))
        if refused:  # someone saved these criteria since this evaluator loaded them: show who, keep theirs
            self.reload()
            seen = "second" if stage is Stage.SECOND else "current"  # a second appraiser never gets the first
            result.conflicts += [(d.unit, d.code, getattr(self.rows[d.unit][d.code], seen) or {}) for d in refused]
        refused_ids = {id(d) for d in refused}
        recorded = [(row, d) for row, d, _ in batch if id(d) not in refused_ids]
        for (row, d), new_id in zip(recorded, ids, strict=True):
            rec = {**d.__dict__, "stage": stage.value, "id": new_id, "created_at": "vừa lưu"}
            if stage in COUNTED_STAGES:
                self.reviewed[row.unit] += row.current is None
                row.current = rec
                row.explanation_request = None
            slot = {Stage.APPRAISAL: "first", Stage.SECOND: "second", Stage.RECONCILIATION: "reconciled"}.get(stage)
            if slot:
                setattr(row, slot, rec)
            result.saved.append((d.unit, d.code, new_id))
        # a second appraisal's words stay out of the shared library: it is blind until reconciliation
        shared = [] if stage is Stage.SECOND else recorded
        for comment in dict.fromkeys(d.comment for _, d in shared if d.comment):
            try:  # the decisions are stored; the reusable-comment list is a convenience
                self.gradebook.add_comment(comment, evaluator)
            except GradebookError:
                break
        return result

    def _saved_without_ledger_file(self, batch: list[tuple[Row, Decision]], stage: Stage, why: str) -> SaveResult:
        """What a save whose transaction committed did, read back from the gradebook: the decisions are there
        (shown as saved: saving again would conflict with the evaluator's own save), with a warning that the
        ledger's local head file is behind until the next save writes it."""
        self.reload()
        result = SaveResult(warning=f"Các quyết định đã được lưu vào sổ điểm, nhưng {why[:1].lower()}{why[1:]} (Tệp "
                                    "đầu chuỗi sẽ được ghi lại ở lần lưu sau.)")
        slot = {Stage.APPRAISAL: "first", Stage.SECOND: "second", Stage.RECONCILIATION: "reconciled"}.get(stage,
                                                                                                        "current")
        for row, d in batch:
            rec = getattr(row, slot) or {}
            same = (rec.get("evaluator") == d.evaluator and (rec.get("comment") or "") == d.comment
                    and bool(rec.get("na")) == d.na and _num(rec.get("score")) == d.score)
            if same:
                result.saved.append((d.unit, d.code, int(rec["id"])))
            else:
                result.conflicts.append((d.unit, d.code, getattr(row, "second" if stage is Stage.SECOND
                                                                 else "current") or {}))
        return result

    def not_mine(self, row: Row, stage: Stage) -> str | None:
        """Why the actor, as an evaluator, may not appraise this row in this stage's round, naming who was given it
        (None: theirs). Without a registry (one person) or without any assignment of the round this year, every
        evaluator may appraise every row."""
        if RECORDED_BY[stage] is not Role.EVALUATOR or not self.actor.registered:
            return None
        rnd = 2 if stage is Stage.SECOND else 1
        if not any(r == rnd for r, _, _ in self.assignees) or (row.unit, row.code) in self.given.get(
                (person_key(self.actor.account), rnd), {}):
            return None
        whom = self.assignees.get((rnd, row.unit, row.code), [])
        where = f"Tiêu chí {row.code} của đơn vị {row.unit_name} ({row.unit})"
        if not whom:
            return (f"{where} chưa được giao cho ai ở lượt {rnd}; hãy đề nghị thư ký hội đồng phân công "
                    "(assignments.csv) trước khi chấm")
        names = ", ".join(f"{self.name_of(a)} ({a})" if self.name_of(a) != a else a for a in whom)
        return f"{where} được giao cho {names}, không phải cho bạn ({self.actor.name}); không lưu điểm của bạn"

    def _stage_problem(self, row: Row, evaluator: str, stage: Stage, comment: str) -> str | None:
        """Why this actor cannot record this stage on this row (someone else's assignment; a second appraisal or
        a reconciliation out of turn), or None."""
        if (theirs := self.not_mine(row, stage)) is not None:
            return theirs
        if stage is Stage.SECOND:
            if not self.in_sample(row):
                return "tiêu chí này không thuộc mẫu thẩm định lần 2"
            if row.first is not None and person_key(row.first["evaluator"]) == person_key(evaluator):
                return "người đã thẩm định lần 1 không chấm lần 2 tiêu chí này (chấm độc lập)"
            if row.second is not None and person_key(row.second["evaluator"]) != person_key(evaluator):
                return "tiêu chí này đã có người khác thẩm định lần 2"
        if stage is Stage.RECONCILIATION:
            if row.first is None or row.second is None:
                return "chỉ thống nhất kết quả khi tiêu chí đã có thẩm định lần 1 và lần 2"
            if not comment.strip():
                return "thống nhất kết quả phải ghi lý do"
        return None

    def record_explanation(self, unit: str, code: str, requested: float | None, text: str) -> int:
        """A unit's explanation (giải trình), recorded by the actor: the score it asks for and why. Not counted
        until decided."""
        self.actor.require(RECORDED_BY[Stage.EXPLANATION], act="ghi nhận giải trình của đơn vị")
        recorded_by = self.actor.account
        row = self.rows[unit][code]
        text = clean(text)
        if not text.strip():
            raise UsageError("Hãy nhập nội dung giải trình của đơn vị.")
        fallback = _num((row.current or {}).get("score"))
        score = next((s for s in (requested, fallback, row.self_score) if s is not None), 0.0)
        (new_id,) = self.gradebook.record(Decision(self.year, unit, code, Stage.EXPLANATION, score, recorded_by,
                                                   text.strip(), False, row.key, row.self_score,
                                                   evidence_hash(row.seen)))
        row.explanation_request = {"id": new_id, "score": score, "comment": text.strip(), "evaluator": recorded_by}
        return new_id
