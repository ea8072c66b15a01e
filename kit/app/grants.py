"""``kit gradebook grant``: the campaign's accounts and assignments made into the PostgreSQL gradebook's rules.

The registry (``accounts.csv``) says who may act in which roles and the assignment table who was given which
criteria; ``kit.store.roles`` makes the database enforce both. This module only gathers them from the campaign:
each checked assignment expanded to the criteria it covers (``kit.scoring.agreement.assigned``, the one reading
of what an assignment covers) for every year it names, then hands them to the owner's transaction. Run again after
any change of either file: it is idempotent, and it is the synchronisation step.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kit.app.year import load_year
from kit.config.campaign import Campaign
from kit.core import problems as P
from kit.core.errors import GradebookError, UsageError
from kit.intake.accounts import load_accounts
from kit.intake.assignments import load_assignments
from kit.scoring.agreement import assigned
from kit.store.gradebook import Gradebook
from kit.store.roles import AccountRoles, Assignment, GrantReport, grant


def assignments_of(campaign: Campaign, rows: list[dict]) -> list[Assignment]:
    """Every (year, account, unit, code, round) the checked assignment rows cover."""
    out: list[Assignment] = []
    for year in sorted({int(r["year"]) for r in rows}):
        long = load_year(campaign, year).results.long
        out += [Assignment(year, str(a.evaluator), str(a.unit), str(a.code), int(a.round))
                for a in assigned(rows, long, year).itertuples(index=False)]
    return out


def grant_campaign(campaign: Campaign, credentials: Path | None, *, new_passwords: bool = False) -> GrantReport:
    """Roles, rights and assignments of the campaign's PostgreSQL gradebook from its registry; run by the owner."""
    accounts = load_accounts(campaign)
    if not accounts.present:
        raise UsageError(f"Chưa có danh sách tài khoản {accounts.file} trong thư mục đợt {campaign.root}: mỗi người "
                         "cần một tài khoản (Tài khoản, Họ tên, Chức vụ, Vai trò) trước khi cấp quyền.")
    table = load_assignments(campaign, accounts)
    problems = accounts.problems + table.problems
    if P.has_errors(problems):
        shown = "\n".join(p.format() for p in problems if p.is_error)
        raise UsageError(f"Chưa cấp quyền: hãy sửa danh sách tài khoản hoặc bảng phân công trước.\n{shown}")
    entries = [AccountRoles(a.account, frozenset(r.value for r in a.roles)) for a in accounts.entries.values()]
    given = assignments_of(campaign, table.rows)
    with Gradebook.for_campaign(campaign) as gb:
        if gb.engine.dialect.name != "postgresql":
            raise UsageError("kit gradebook grant chỉ dùng cho sổ điểm PostgreSQL (máy chủ nhiều người dùng). Với "
                             "sổ điểm SQLite trên một máy, kit tự kiểm tra vai trò theo tài khoản máy tính.")
        try:
            with gb.engine.begin() as conn:  # one transaction: a refusal half-way changes nothing
                user, may = conn.execute(text("SELECT current_user, rolcreaterole OR rolsuper FROM pg_roles "
                                              "WHERE rolname = current_user")).one()
                if not may:
                    raise GradebookError(
                        f"Tài khoản PostgreSQL «{user}» không có quyền tạo tài khoản (CREATEROLE): kit gradebook "
                        "grant phải chạy bằng tài khoản chủ sổ điểm (tài khoản đã chạy kit gradebook init), có quyền "
                        "CREATEROLE. Chưa có gì thay đổi.")
                return grant(conn, entries, given, credentials, gb.url, new_passwords=new_passwords)
        except DBAPIError as exc:
            raise GradebookError(f"Chưa cấp quyền: máy chủ PostgreSQL từ chối ({str(exc.orig).strip()}). Chưa có gì "
                                 "thay đổi (mọi việc trong một giao dịch). Hãy kiểm tra accounts.csv và tài khoản "
                                 "chạy lệnh (chủ sổ điểm), rồi chạy lại.") from None
