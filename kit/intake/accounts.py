"""Who may act in a campaign: the account registry (``accounts.csv`` or ``.xlsx`` in the campaign folder).

One row per account, headers in Vietnamese or English: the account (the login: an OS account, a JupyterHub user
name and a PostgreSQL role name, so it obeys the strictest of the three), the person's họ tên and chức vụ, and
the roles (several in one cell, separated by "," or ";", by code or Vietnamese label). The actor of every act is
taken from the login and mapped to this registry (kit.app.actor), never typed; what is recorded is the account,
what is shown is the họ tên. Checked like every other input: a bad row is a located problem and is left out.
A campaign without the file runs in single-user mode (``present`` is False).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kit.config.campaign import Campaign
from kit.core import problems as P
from kit.core.values import cell_text, fold, person_key
from kit.core.vocab import Role
from kit.intake.tables import read_table

COLUMNS = {
    "account": {"tai khoan", "ten dang nhap", "account"},
    "name": {"ho ten", "ho va ten", "name"},
    "title": {"chuc vu", "title"},
    "roles": {"vai tro", "roles", "role"},
}
REQUIRED = ["account", "name", "roles"]
# pg_ names are reserved by PostgreSQL: `kit gradebook grant` could not create the account's role.
ACCOUNT_PATTERN = re.compile(r"^(?!pg_)[a-z][a-z0-9_.-]{0,31}$")

# Each role by its code, its label and the short words an office writes (compared without diacritics).
_ROLE_WORDS: dict[str, Role] = {
    fold(word): role for role, words in {
        Role.EVALUATOR: ("thẩm định", "cán bộ thẩm định"),
        Role.SECRETARY: ("thư ký", "thư ký hội đồng"),
        Role.COUNCIL: ("hội đồng", "thành viên hội đồng"),
        Role.OPERATOR: ("vận hành", "cán bộ vận hành"),
    }.items() for word in (*words, role.value, role.label)
}


@dataclass(frozen=True)
class Account:
    """One person who may act: the login, the họ tên shown, the chức vụ, and the roles."""

    account: str
    name: str
    title: str
    roles: frozenset[Role]


@dataclass
class Accounts:
    """The registry's accounts that passed (by account), its problems, its file, and whether it exists."""

    entries: dict[str, Account] = field(default_factory=dict)
    problems: list[P.Problem] = field(default_factory=list)
    file: str = "accounts.csv"
    present: bool = False

    def get(self, account: str) -> Account | None:
        return self.entries.get(str(account).strip())

    def resolve(self, text: object) -> Account | None:
        """The account named by ``text``: an account, else a họ tên (spaces and case aside; diacritics count). A
        họ tên two accounts share names neither: the account must then be written."""
        found = self.get(cell_text(text))
        if found is not None:
            return found
        key = person_key(text)
        named = [a for a in self.entries.values() if person_key(a.name) == key]
        return named[0] if len(named) == 1 else None

    def with_role(self, role: Role) -> list[Account]:
        return [a for a in self.entries.values() if role in a.roles]

    def name_of(self, value: object) -> str:
        """What a display shows for a recorded author: the registry's họ tên for an account, anything else
        (an old row recorded with a typed name) as is."""
        found = self.get(cell_text(value))
        return found.name if found is not None else cell_text(value)


def accounts_path(root: Path) -> Path:
    """The campaign's registry: the .csv, else the .xlsx (the .csv when neither exists)."""
    csv = root / "accounts.csv"
    return csv if csv.exists() or not csv.with_suffix(".xlsx").exists() else csv.with_suffix(".xlsx")


def parse_roles(text: object) -> tuple[set[Role], list[str]]:
    """The roles written in one cell and the words that name no role."""
    roles: set[Role] = set()
    unknown: list[str] = []
    for word in re.split(r"[,;]", cell_text(text)):
        if not word.strip():
            continue
        role = _ROLE_WORDS.get(fold(word))
        if role is None:
            unknown.append(" ".join(word.split()))
        else:
            roles.add(role)
    return roles, unknown


def role_choices() -> str:
    return ", ".join(f"{r.value} ({r.label.lower()})" for r in Role)


def load_accounts(campaign: Campaign) -> Accounts:
    """The campaign's registry, every row checked; ``present`` False when the campaign has none."""
    path = accounts_path(campaign.root)
    table, records, where = read_table(path, path.name, COLUMNS, REQUIRED)
    out = Accounts(file=table.file, present=path.exists(), problems=table.problems)
    seen: dict[str, int] = {}
    for row, cells in records:
        problems: list[P.Problem] = []

        def bad(code: P.Code, column: str, value: object = "", expected: object = "", row: int = row,
                problems: list[P.Problem] = problems) -> None:
            problems.append(P.make(code, file=out.file, row=row, column=where.get(column, column), value=value,
                                   expected=expected))

        account = cell_text(cells.get("account")).strip()
        name = " ".join(cell_text(cells.get("name")).split())
        if not account:
            bad(P.Code.VALUE_REQUIRED, "account", value="tài khoản")
        elif not ACCOUNT_PATTERN.match(account):
            bad(P.Code.ACCOUNT_INVALID, "account", value=account)
        if not name:
            bad(P.Code.VALUE_REQUIRED, "name", value="họ tên")
        roles, unknown = parse_roles(cells.get("roles"))
        for word in unknown:
            bad(P.Code.ROLE_UNKNOWN, "roles", value=word, expected=role_choices())
        if not roles and not unknown:
            bad(P.Code.ROLE_MISSING, "roles", value=account, expected=role_choices())
        if not problems and account in seen:
            bad(P.Code.ACCOUNT_DUPLICATE, "account", value=account, expected=seen[account])
        out.problems += problems
        if problems:
            continue
        seen[account] = row
        out.entries[account] = Account(account, name, " ".join(cell_text(cells.get("title")).split()),
                                       frozenset(roles))
    return out
