"""``kit awards revoke`` and ``kit awards history``: revoking an award already granted, and the history that shows it.

The award history is the office's register (``award_history.csv``), which the kit reads and never edits; a
revocation (Law on Emulation and Commendation 2022, Art. 93 clause 2: false declarations, improper appraisal...)
is a human decision, so it goes where the kit keeps human decisions: the gradebook, append-only and chained
(``Gradebook.record_award_event``). From then on the award leaves the honour roll of its period, stops counting
in later rules (two consecutive years, awards in the last N years), and the history shows both events.
Recording one is the council secretary's act: the author is the acting account (kit.app.actor), never a typed
name, and the history shows the registry's họ tên.
"""

from __future__ import annotations

import datetime as dt

from kit.app.actor import Actor, current_actor
from kit.config.campaign import Campaign
from kit.core.errors import UsageError
from kit.core.vocab import Kind, Role
from kit.intake.accounts import load_accounts
from kit.intake.records import decision_key, load_records, revoked_index
from kit.store.gradebook import AwardEvent, Gradebook


def revoke(campaign: Campaign, decision: str, reason: str, *, subject: str = "", number: str = "",
           effective: dt.date | None = None, actor: Actor | None = None) -> list[dict]:
    """Record, as ``actor`` (default: whoever is logged in, who must be the council's secretary), the revocation
    of the awards granted by ``decision`` (to ``subject`` only, when the decision granted several); returns the
    awards revoked. Refuses (``UsageError``, nothing recorded) an unknown decision, a decision naming several people
    without ``subject``, an award already revoked, a missing reason."""
    accounts = load_accounts(campaign)
    actor = current_actor(campaign, accounts) if actor is None else actor
    actor.require(Role.SECRETARY, act="ghi nhận hủy bỏ khen thưởng")
    if not reason.strip():
        raise UsageError("Cần ghi lý do hủy bỏ (--reason).")
    records = load_records(campaign)
    key = decision_key(decision)
    granted = [a for a in records.history.rows if decision_key(a["decision"]) == key]
    if not granted:
        raise UsageError(f"Không có quyết định số \"{decision}\" trong lịch sử khen thưởng (award_history.csv): "
                         "hãy kiểm tra số quyết định, hoặc nhập quyết định đó vào award_history.csv trước.")
    chosen = [a for a in granted if not subject or a["subject"] == subject.upper()]
    if not chosen:
        raise UsageError(f"Quyết định {decision} không khen thưởng \"{subject}\"; quyết định này khen thưởng: "
                         + ", ".join(sorted({a["subject"] for a in granted})) + ".")
    if len({a["subject"] for a in chosen}) > 1:
        raise UsageError(f"Quyết định {decision} khen thưởng nhiều đối tượng ("
                         + ", ".join(sorted({a["subject"] for a in chosen}))
                         + "): hãy chỉ rõ một đối tượng bằng --subject MÃ (mã cá nhân hoặc mã đơn vị).")
    with Gradebook.for_campaign(campaign) as gradebook:
        done = revoked_index(gradebook.award_events().to_dict("records"))
        award = chosen[0]
        earlier = done.get(f"{key}|{award['subject']}")
        if earlier:
            raise UsageError(f"Khen thưởng theo quyết định {decision} của {award['subject']} đã được ghi nhận hủy bỏ "
                             f"lúc {earlier['created_at'][:16]} bởi {accounts.name_of(earlier['evaluator'])}; "
                             "không ghi lại.")
        gradebook.record_award_event(AwardEvent(award["decision"], award["subject"], reason, actor.account,
                                                award["title"], number, effective.isoformat() if effective else ""))
    return chosen


def history(campaign: Campaign, subject: str = "") -> list[dict]:
    """The award history, oldest first, each award followed by its revocation when there is one; ``subject``: one
    person id or unit code."""
    records = load_records(campaign)
    with Gradebook.for_campaign(campaign, readonly=True) as gradebook:
        revoked = revoked_index(gradebook.award_events().to_dict("records"))
    rows = []
    for kind in (Kind.INDIVIDUAL, Kind.COLLECTIVE):
        for ident in sorted({a["subject"] for a in records.history.rows if a["kind"] == kind}):
            if subject and ident != subject.upper():
                continue
            rows += records.history_of(kind, ident, revoked)
    return sorted(rows, key=lambda a: (a["date"], a["subject"]))
