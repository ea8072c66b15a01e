"""Who is acting, in which roles: the one seam between the login and every act the kit records or shows.

The actor is never typed. Under JupyterHub (``JUPYTERHUB_API_TOKEN`` set) the login is the hub's user name
(``JUPYTERHUB_USER``, which the hub sets for the single-user server it spawns); otherwise it is the operating
system account running the process. The login is read ONCE per process: a kernel that later changes its
environment changes nothing. It is mapped to the campaign's registry (kit.intake.accounts): a login the registry
does not know cannot act. Without a registry the campaign runs in single-user mode: the OS account acts with every
role (one machine, one person; the README says so).

On SQLite this is the whole guarantee (anyone who can write the file can bypass it); on PostgreSQL the database
sets the author from its own session (branch pgroles), whatever the client claims.

Tests choose the login through ``login_override`` (or ``signed_in``), never by typing a name into a widget.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from kit.config.campaign import Campaign
from kit.core.errors import ActorError
from kit.core.vocab import Role
from kit.intake.accounts import Accounts, load_accounts

# The test seam: when set, the login of this process (tests and ``kit demo``, which acts as the demo's operator).
login_override: str | None = None
_login: str | None = None


@dataclass(frozen=True)
class Actor:
    """The person acting: their account (what is recorded), họ tên and chức vụ (what is shown), roles."""

    account: str
    name: str
    title: str
    roles: frozenset[Role]
    registered: bool = True  # False in single-user mode (no registry): the OS account, every role

    def has(self, role: Role) -> bool:
        return role in self.roles

    @property
    def display(self) -> str:
        """"Họ tên (tài khoản) — vai trò", as the panels show who is signed in."""
        roles = ", ".join(r.label.lower() for r in Role if r in self.roles)
        who = f"{self.name} ({self.account})" if self.name != self.account else self.account
        return f"{who} — {roles}" if self.registered else f"{who} — làm việc một mình (mọi vai trò)"

    def require(self, *roles: Role, act: str = "") -> None:
        """Refuse, in Vietnamese, an act that needs one of ``roles`` which this actor does not hold."""
        if any(r in self.roles for r in roles):
            return
        wanted = " hoặc ".join(f"\"{r.label.lower()}\"" for r in roles)
        held = ", ".join(r.label.lower() for r in Role if r in self.roles) or "không có vai trò nào"
        doing = f" nên không được {act}" if act else ""
        raise ActorError(f"Tài khoản {self.account} ({self.name}; vai trò: {held}) không có vai trò {wanted}{doing}. "
                         f"Việc này do người có vai trò {wanted} làm; nếu cần, hãy đề nghị cán bộ vận hành bổ sung "
                         "vai trò trong danh sách tài khoản (accounts.csv).")


def require(actor: Actor, role: Role, act: str = "") -> None:
    """Module-level form of ``Actor.require`` (one implementation)."""
    actor.require(role, act=act)


def login() -> str:
    """The login of this process: the override, else the hub's user under JupyterHub, else the OS account; read
    once, so that a later change of the environment inside a kernel changes nothing."""
    global _login
    if login_override is not None:
        return login_override
    if _login is None:
        hub = os.environ.get("JUPYTERHUB_USER", "") if os.environ.get("JUPYTERHUB_API_TOKEN") else ""
        _login = hub.strip() or _os_account()
    return _login


def _os_account() -> str:
    """The account the process runs under, from the system's user database where there is one (POSIX): unlike
    ``getpass.getuser`` it does not believe a ``USER=…`` typed before the command."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # Windows, or a uid without an entry (some containers)
        return getpass.getuser()


def actor_for(account: str, accounts: Accounts) -> Actor:
    """The actor a login is in a campaign with this registry (single-user mode without one)."""
    if not accounts.present:
        return Actor(account, account, "", frozenset(Role), registered=False)
    found = accounts.get(account)
    if found is None:
        # the registry's own problems are said too: a row left out for a mistake (the operator's own, say) is the
        # likeliest reason, and `kit check` cannot show it to someone it does not let in
        errors = "".join(f"\n    {p.format()}" for p in accounts.problems)
        raise ActorError(f"Tài khoản đăng nhập \"{account}\" không có trong danh sách tài khoản của đợt thi đua "
                         f"({accounts.file}), nên không được làm việc với đợt thi đua này. Hãy đề nghị cán bộ vận "
                         "hành thêm tài khoản này (tài khoản, họ tên, chức vụ, vai trò) rồi mở lại, hoặc đăng nhập "
                         "bằng tài khoản của mình." + (f" Danh sách tài khoản có dòng bị bỏ qua vì lỗi:{errors}"
                                                       if errors else ""))
    return Actor(found.account, found.name, found.title, found.roles)


def current_actor(campaign: Campaign, accounts: Accounts | None = None) -> Actor:
    """Who is acting in ``campaign`` (ActorError when the login may not act there)."""
    return actor_for(login(), load_accounts(campaign) if accounts is None else accounts)


@contextmanager
def signed_in(account: str) -> Iterator[None]:
    """Act as ``account`` inside the block (tests; ``kit demo``), then restore the previous login."""
    global login_override
    before, login_override = login_override, account
    try:
        yield
    finally:
        login_override = before
