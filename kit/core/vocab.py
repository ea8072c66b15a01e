"""The states the kit reasons about, as enums; their Vietnamese labels are looked up only for display.

Logic compares members (``Status.LATE``), never words, so a reworded label cannot change a result.
Plain enums, not ``str`` mixins: ``Status.LATE`` and ``Registration.LATE`` share a code but are
different things, and a stored code becomes a member only through ``Stage(code)`` at the boundary.
Files people edit (commendation rules) may name a state by its code or its label: ``parse`` accepts
both, without diacritics too.
"""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

from kit.core.values import fold


class Vocab(Enum):
    """A state with a Vietnamese label; the value is the stable code stored in files and databases."""

    def __str__(self) -> str:  # the code, whatever Python's Enum formatting does in this version
        return str(self.value)

    @property
    def label(self) -> str:
        return LABELS[self]


class Status(Vocab):
    """What became of a unit's self-assessment form in a year."""

    SUBMITTED = "submitted"
    LATE = "late"
    REJECTED = "rejected"
    MISSING = "missing"
    MERGED = "merged"  # the unit no longer exists: merged into successors, who take part in its place
    CEASED = "ceased"  # the unit no longer exists and nobody took over

    @property
    def scored(self) -> bool:
        """The unit has accepted rows, so it has results and a rank."""
        return self in (Status.SUBMITTED, Status.LATE)

    @property
    def gone(self) -> bool:
        """The unit no longer exists that year: it is neither expected nor counted."""
        return self in (Status.MERGED, Status.CEASED)


class Stage(Vocab):
    """Stages of a decision in the gradebook (stored as these codes)."""

    APPRAISAL = "appraisal"
    EXPLANATION = "explanation"
    FINAL = "final"
    SECOND = "second"  # an independent second appraisal, made blind to the first: an opinion, never counted
    RECONCILIATION = "reconciliation"  # the decision after comparing the two appraisals, with its reason: counts


# An explanation is the unit's request and a second appraisal an opinion for the reconciliation: neither counts.
COUNTED_STAGES = (Stage.APPRAISAL, Stage.FINAL, Stage.RECONCILIATION)


class Registration(Vocab):
    """A unit's registration for the movement in a year, against the deadline."""

    ON_TIME = "on_time"
    LATE = "late"
    NONE = "none"


class Outcome(Vocab):
    """What the commendation rules made of a candidate for one title."""

    PROPOSED = "proposed"
    CUT = "cut"  # qualified, but the quota was full
    NEAR = "near"  # one condition short
    UNAPPRAISED = "unappraised"  # its results are not fully appraised: not considered (unless provisional)
    HELD = "held"  # a hold (discipline being considered, inspection, complaint...) or a discipline blocks it
    REVOKED = "revoked"  # its award for this period was revoked: never proposed again for it
    COVERED = "covered"  # an earlier final or the award register already covers it for this period: not again


class Hold(Vocab):
    """Why a person or a collective cannot be proposed for a while (holds.csv)."""

    DISCIPLINE_REVIEW = "discipline_review"  # discipline being considered
    DISCIPLINE = "discipline"  # disciplined: blocked during its term, only achievements after its end count
    INSPECTION = "inspection"  # an inspection or audit under way
    COMPLAINT = "complaint"  # a complaint or denunciation being verified
    PRESS = "press"  # a case reported by the press being verified


class Gender(Vocab):
    FEMALE = "female"
    MALE = "male"


class Kind(Vocab):
    """Who a commendation title is for."""

    COLLECTIVE = "collective"
    INDIVIDUAL = "individual"


class FindingState(Vocab):
    """Where an inspection finding stands on a date: fixed (in time or late), open, or open past its deadline."""

    FIXED = "fixed"
    FIXED_LATE = "fixed_late"
    OPEN = "open"
    OVERDUE = "overdue"


class Role(str, Vocab):
    """What an account may do in a campaign (accounts.csv). A ``str`` too, so a role compares equal to its code
    where other layers (PostgreSQL role grants, the hub's groups) handle it as text."""

    EVALUATOR = "evaluator"  # records first or second appraisals on the criteria assigned to them
    SECRETARY = "secretary"  # assignments, reconciliation, explanation decisions, revocations
    COUNCIL = "council"  # reads results, the meeting view, what-if; records nothing
    OPERATOR = "operator"  # check, render, documents, archive


# Who records each stage of a decision: evaluators appraise (first and second, on their assignment); the council's
# secretary records the units' explanations, the decisions on them and the reconciliations. The council reads and
# records nothing. One table for both enforcers: the kit's own check (kit.app.appraisal) and the PostgreSQL
# functions an account writes through (kit.store.roles), which cannot import kit.app.
RECORDED_BY: dict[Stage, Role] = {
    Stage.APPRAISAL: Role.EVALUATOR, Stage.SECOND: Role.EVALUATOR, Stage.EXPLANATION: Role.SECRETARY,
    Stage.FINAL: Role.SECRETARY, Stage.RECONCILIATION: Role.SECRETARY,
}


LABELS: dict[Vocab, str] = {
    Status.SUBMITTED: "Đã nộp", Status.LATE: "Nộp muộn", Status.REJECTED: "Phiếu bị loại",
    Status.MISSING: "Chưa nộp", Status.MERGED: "Đã sáp nhập", Status.CEASED: "Ngừng hoạt động",
    Stage.APPRAISAL: "Thẩm định", Stage.EXPLANATION: "Giải trình", Stage.FINAL: "Quyết định cuối",
    Stage.SECOND: "Thẩm định lần 2 (độc lập)", Stage.RECONCILIATION: "Thống nhất kết quả",
    Registration.ON_TIME: "Đúng hạn", Registration.LATE: "Muộn", Registration.NONE: "Chưa đăng ký",
    Outcome.PROPOSED: "Đề nghị", Outcome.CUT: "Vượt chỉ tiêu", Outcome.NEAR: "Chưa đạt (thiếu 1 điều kiện)",
    Outcome.UNAPPRAISED: "Chưa thẩm định đủ", Outcome.HELD: "Chưa xét (tạm dừng hoặc kỷ luật)",
    Outcome.REVOKED: "Đã bị hủy bỏ khen thưởng",
    Outcome.COVERED: "Đã được đề nghị hoặc khen thưởng cho giai đoạn này",
    Hold.DISCIPLINE_REVIEW: "Đang xem xét kỷ luật", Hold.DISCIPLINE: "Kỷ luật",
    Hold.INSPECTION: "Đang thanh tra, kiểm tra", Hold.COMPLAINT: "Đang xác minh khiếu nại, tố cáo",
    Hold.PRESS: "Đang xác minh vụ việc báo chí phản ánh",
    Gender.FEMALE: "Nữ", Gender.MALE: "Nam",
    Kind.COLLECTIVE: "tập thể", Kind.INDIVIDUAL: "cá nhân",
    FindingState.FIXED: "Đã khắc phục đúng hạn", FindingState.FIXED_LATE: "Khắc phục quá hạn",
    FindingState.OPEN: "Đang khắc phục (còn hạn)", FindingState.OVERDUE: "Quá hạn, chưa khắc phục",
    Role.EVALUATOR: "Cán bộ thẩm định", Role.SECRETARY: "Thư ký hội đồng", Role.COUNCIL: "Thành viên hội đồng",
    Role.OPERATOR: "Cán bộ vận hành",
}

E = TypeVar("E", bound=Vocab)


def parse(kind: type[E], text: object) -> E | None:
    """The member named by ``text`` (its code or its label, diacritics optional), or None."""
    wanted = fold(text)
    return next((m for m in kind if wanted in (fold(m.value), fold(m.label))), None)


def label(value: object) -> object:
    """A member's label for display; anything else unchanged (for mixed table columns)."""
    return value.label if isinstance(value, Vocab) else value

