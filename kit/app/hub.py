"""The team server (``kit hub``): JupyterHub in front of one single-user server per account of the campaign's
registry, so that who acts comes from a login on the hub's own page, never from a typed name.

Why these choices:

- **Sign-up approved by the operator** (jupyterhub-nativeauthenticator): an office has no directory service to
  plug in, and machine accounts per person are often not wanted. Only an account of the registry may sign up or log
  in (``KitAuthenticator`` reads the registry at each attempt, so an account added to ``accounts.csv`` can sign up
  without restarting the hub, and one removed can no longer log in); a new sign-up waits until an operator approves
  it on ``/hub/authorize``. The registry's operators are pre-approved (they approve the others), which is why the
  first operator signs up before the address is given out. ``--pam`` instead uses the machine's own accounts
  (PAM) and runs each server as its own OS user (``LocalProcessSpawner``): the only set-up here where one account's
  code cannot read another's files.
- **Operators administer the hub, but are not JupyterHub's ``admin``**: that built-in role (which cannot be
  narrowed) holds ``access:servers`` and ``tokens``, i.e. opening anyone's notebook server and acting in it as them.
  ``kit-operator`` holds what approving accounts and stopping servers needs, not those two. (It can still reset a
  forgotten password, then sign in with it: a trusted act, which the owner notices at their next login; README.)
- **One landing page per role**: evaluators, secretaries and operators open the scoring notebook (as ``kit lab``
  does); an account that is only a council member opens the read-only meeting view (Voilà, as ``kit meeting``).
  The roles the kit enforces are checked by the kit itself (kit.app.actor), from ``JUPYTERHUB_USER``, which the hub
  sets in each server's environment: the landing page is a convenience, not the guarantee.
- **Groups mirror the registry's roles** (evaluator, secretary, council, operator), so the hub's admin page shows
  who is what.
- **Idle servers are culled** (jupyterhub-idle-culler as a hub service): each server and its kernels hold
  ~150-300 MB; twenty evaluators who leave their tab open would fill a small office server.
- **Per-account gradebook connection** (the PostgreSQL hook): when ``<state>/gradebook-urls/<account>.url`` exists
  (written by the owner, e.g. by ``kit gradebook grant``), that account's server gets it as ``KIT_GRADEBOOK_URL``,
  so it connects to PostgreSQL as its own role; without it, the campaign's own setting applies to everyone.
- **Loopback by default**: the hub speaks plain HTTP; another computer reaches it through the office's HTTPS
  reverse proxy (README), or with ``--ip`` on a trusted network only.

The hub reads its settings from a small config file written into its state folder at each start
(``jupyterhub_config.py``, which calls ``configure``): JupyterHub loads config files, not arguments.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from kit.app.serve import MEETING, SCORING, TEMPLATES
from kit.config.campaign import load_campaign
from kit.core.atomic import write_text
from kit.core.vocab import Role
from kit.intake.accounts import Accounts, load_accounts

PROXY = "configurable-http-proxy"
PROXY_ENV = "KIT_HUB_PROXY"  # where the proxy is, when it is not on PATH
GRADEBOOK_URLS = "gradebook-urls"  # <state>/gradebook-urls/<account>.url: that account's KIT_GRADEBOOK_URL
CONFIG = "jupyterhub_config.py"
# The hub's own pages in Vietnamese (login, sign-up, approval), found before nativeauthenticator's English ones.
HUB_TEMPLATES = Path(__file__).resolve().parents[1] / "outputs" / "templates" / "hub"
MIN_PASSWORD = 10
OPERATOR_ROLE = "kit-operator"
# What an operator needs: the admin page, approving and managing accounts, starting and stopping servers, groups.
# Not access:servers, not tokens (acting as another account).
OPERATOR_SCOPES = ["admin-ui", "admin:users", "admin:servers", "admin:groups", "list:services", "read:hub"]
CULLER_SCOPES = ["list:users", "read:users:activity", "read:servers", "delete:servers"]
SCORING_URL = f"/lab/tree/notebooks/{SCORING}"
MEETING_URL = f"/voila/render/notebooks/{MEETING}"
PYTHON_PARTS = {"jupyterhub": "jupyterhub", "nativeauthenticator": "jupyterhub-nativeauthenticator",
                "jupyterhub_idle_culler": "jupyterhub-idle-culler"}
# What a single-user server inherits from the hub's environment (LocalProcessSpawner's list, and where a test or an
# office keeps JupyterLab's settings).
ENV_KEEP = ["CONDA_DEFAULT_ENV", "CONDA_ROOT", "JUPYTERHUB_SINGLEUSER_APP", "LANG", "LC_ALL", "LD_LIBRARY_PATH",
            "PATH", "PYTHONPATH", "VIRTUAL_ENV", "JUPYTERLAB_SETTINGS_DIR"]


class Auth(str, Enum):
    """How people sign in: sign-up approved by an operator, or the machine's own accounts."""

    NATIVE = "native"
    PAM = "pam"


@dataclass(frozen=True)
class HubSettings:
    """Where and how the hub runs. ``project`` is the folder served (notebooks/ and the campaign), ``state`` the
    hub's own folder (its database, cookie secret, the servers' home folders)."""

    project: str
    campaign: str
    state: str
    ip: str = "127.0.0.1"
    port: int = 8000
    hub_port: int = 8081
    api_port: int = 8001
    auth: Auth = Auth.NATIVE
    idle_timeout: int = 3600  # seconds without activity before a server is stopped
    proxy: str = ""
    python: str = field(default=sys.executable)

    @classmethod
    def from_json(cls, text: str) -> HubSettings:
        data = json.loads(text)
        return cls(**{**data, "auth": Auth(data["auth"])})

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "auth": self.auth.value}, ensure_ascii=False)


def find_proxy() -> str:
    """The proxy's program: ``KIT_HUB_PROXY``, else on PATH, else in npm's global prefix ('' when none)."""
    given = os.environ.get(PROXY_ENV, "")
    if given:
        return given if Path(given).exists() else ""
    found = shutil.which(PROXY)
    if found:
        return found
    for prefix in ("/usr/local", "/usr", str(Path.home() / ".npm-global")):
        candidate = Path(prefix) / "bin" / PROXY
        if candidate.exists():
            return str(candidate)
    return ""


def missing_parts(proxy: str) -> list[str]:
    """What the hub needs and this machine lacks, each with what to do (Vietnamese, empty when ready)."""
    import importlib.util

    out = [f"Thiếu gói Python {package}: cài bằng  pip install \"thidua-kit[hub]\"  (hoặc pip install {package})."
           for module, package in PYTHON_PARTS.items() if importlib.util.find_spec(module) is None]
    if not proxy:
        out.append(f"Không tìm thấy chương trình {PROXY} (bộ chuyển tiếp của JupyterHub, chạy bằng Node.js): cài "
                   f"bằng  apt-get install nodejs npm  rồi  npm install -g {PROXY}, hoặc đặt biến môi trường "
                   f"{PROXY_ENV} là đường dẫn tới chương trình.")
    return out


def registry(campaign: str | Path) -> Accounts:
    """The campaign's registry as it is now (read at each sign-up, login and spawn: the file may change)."""
    return load_accounts(load_campaign(campaign))


def registry_problems(accounts: Accounts) -> list[str]:
    """Why the hub cannot serve this campaign: no registry (nobody could sign in), or none of its rows passed."""
    if not accounts.present:
        return [f"Đợt thi đua chưa có danh sách tài khoản ({accounts.file}): máy chủ nhiều người chỉ cho đăng nhập "
                "các tài khoản trong danh sách. Hãy lập tệp accounts.csv (Tài khoản, Họ tên, Chức vụ, Vai trò) "
                "trong thư mục đợt thi đua, có ít nhất một cán bộ vận hành."]
    if not accounts.with_role(Role.OPERATOR):
        return [f"Danh sách tài khoản ({accounts.file}) chưa có ai có vai trò \"vận hành\": cần ít nhất một người "
                "để duyệt các tài khoản đăng ký."]
    return []


def landing(roles: frozenset[Role] | set[Role]) -> str:
    """The page an account's server opens: the scoring notebook for whoever records or runs things, the read-only
    meeting view for an account that is only a council member."""
    return SCORING_URL if roles - {Role.COUNCIL} else MEETING_URL


def groups(accounts: Accounts) -> dict[str, dict[str, list[str]]]:
    """The hub's groups, one per role, each with the accounts holding it (JupyterHub's ``load_groups``)."""
    return {role.value: {"users": sorted(a.account for a in accounts.with_role(role))} for role in Role}


def roles(accounts: Accounts) -> list[dict[str, Any]]:
    """The hub's roles: the operators' (approve accounts, manage servers, never act as another) and the idle
    culler's (JupyterHub's ``load_roles``)."""
    return [{"name": OPERATOR_ROLE, "description": "Cán bộ vận hành: duyệt tài khoản, dừng/khởi động máy chủ",
             "scopes": OPERATOR_SCOPES, "users": sorted(a.account for a in accounts.with_role(Role.OPERATOR))},
            {"name": "idle-culler", "description": "Stops idle single-user servers", "scopes": CULLER_SCOPES,
             "services": ["idle-culler"]}]


def gradebook_url(state: str | Path, account: str) -> str:
    """The account's own gradebook connection, when the owner wrote one (``<state>/gradebook-urls/<account>.url``);
    '' otherwise (the campaign's setting applies)."""
    path = Path(state) / GRADEBOOK_URLS / f"{account}.url"
    return path.read_text(encoding="utf-8").strip() if path.is_file() else ""


def spawn_settings(settings: HubSettings, account: str) -> tuple[str, dict[str, str]]:
    """What one account's server starts with: its landing page and its environment (the kit's Voilà template,
    and its own gradebook connection when there is one). Raises ActorError for an account the registry no longer
    holds, and, when the campaign's gradebook is PostgreSQL, for an account without its own connection (the campaign's
    is the owner's, past the author trigger and row-level security). A server is never started for either."""
    from kit.app.actor import actor_for
    from kit.core.errors import ActorError

    actor = actor_for(account, registry(settings.campaign))
    env = {"JUPYTER_PATH": os.pathsep.join([str(TEMPLATES), *filter(None, os.environ.get("JUPYTER_PATH", "")
                                                                       .split(os.pathsep))])}
    url = gradebook_url(settings.state, account)
    if url:
        env["KIT_GRADEBOOK_URL"] = url
    elif campaign_gradebook(settings.campaign) and not campaign_gradebook(settings.campaign).startswith("sqlite"):
        raise ActorError(f"Tài khoản {account} chưa có kết nối sổ điểm riêng ({Path(settings.state) / GRADEBOOK_URLS}"
                         f"/{account}.url): máy chủ của tài khoản này không được khởi động bằng kết nối của đợt thi "
                         "đua (của chủ sở hữu cơ sở dữ liệu). Chủ sở hữu chạy: kit gradebook grant --credentials "
                         f"{Path(settings.state) / GRADEBOOK_URLS}")
    return landing(actor.roles), env


def gradebook_warnings(settings: HubSettings) -> list[str]:
    """What ``kit hub`` warns about at start: a campaign.yml whose gradebook connection carries a password, which
    every account's server can read from the campaign folder (and so write as the owner). The password itself is
    never shown."""
    from urllib.parse import urlsplit

    url = campaign_gradebook(settings.campaign)
    if not url or url.startswith("sqlite") or not urlsplit(url).password:
        return []
    return [f"Cảnh báo: {Path(settings.campaign) / 'campaign.yml'} ghi mật khẩu kết nối sổ điểm (gradebook:) của chủ "
            "sở hữu; máy chủ của mọi tài khoản đều đọc được tệp này. Nên bỏ mật khẩu khỏi campaign.yml (dùng tệp "
            "~/.pgpass của chủ sở hữu) và cấp kết nối riêng: kit gradebook grant --credentials "
            f"{Path(settings.state) / GRADEBOOK_URLS}"]


def campaign_gradebook(campaign: str | Path) -> str:
    """campaign.yml's ``gradebook:`` as written ('' when absent: the campaign folder's SQLite file). Read raw,
    without loading the whole campaign, because every server start asks."""
    import yaml

    path = Path(campaign) / "campaign.yml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    return str((raw or {}).get("gradebook") or "") if isinstance(raw, dict) else ""


def _authenticator(settings: HubSettings) -> type:
    """The authenticator: NativeAuthenticator (or PAM) admitting only the registry's accounts."""
    if settings.auth is Auth.PAM:
        from jupyterhub.auth import PAMAuthenticator as base
    else:
        from nativeauthenticator import NativeAuthenticator as base

    campaign = settings.campaign

    class KitAuthenticator(base):
        """Only the registry's accounts may sign up or log in; its operators are pre-approved until one is approved."""

        def validate_username(self, username: str) -> bool:
            return registry(campaign).get(username) is not None and super().validate_username(username)

        def check_allowed(self, username: str, authentication: Any = None) -> bool:
            return registry(campaign).get(username) is not None

        def get_authed_users(self) -> set[str]:  # NativeAuthenticator: who signs up already approved
            # The registry's operators are pre-approved only until one of them is approved (the first start): an
            # operator added to accounts.csv later waits for an approval, else whoever signs up first with that
            # name would gain the operators' powers.
            approved = set(super().get_authed_users())
            operators = {a.account for a in registry(campaign).with_role(Role.OPERATOR)}
            return approved if approved & operators else approved | operators

    return KitAuthenticator


def configure(c: Any, settings: HubSettings) -> None:
    """Fill JupyterHub's config object ``c`` (called by the config file ``kit hub`` writes)."""
    state = Path(settings.state)
    accounts = registry(settings.campaign)
    c.JupyterHub.ip, c.JupyterHub.port = settings.ip, settings.port
    c.JupyterHub.hub_ip, c.JupyterHub.hub_port = "127.0.0.1", settings.hub_port
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.api_port}"
    c.ConfigurableHTTPProxy.command = [settings.proxy]
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.cleanup_servers = True  # stopping the hub stops every server it started
    c.JupyterHub.authenticator_class = _authenticator(settings)
    c.Authenticator.any_allow_config = True  # KitAuthenticator.check_allowed is the allow rule (the registry)
    if settings.auth is Auth.NATIVE:
        import nativeauthenticator

        c.JupyterHub.template_paths = [str(HUB_TEMPLATES), str(Path(nativeauthenticator.__file__).parent / "templates")]
        c.NativeAuthenticator.open_signup = False  # an operator approves each sign-up
        c.NativeAuthenticator.minimum_password_length = MIN_PASSWORD
        c.NativeAuthenticator.check_common_password = True
        c.NativeAuthenticator.allowed_failed_logins = 5
        c.NativeAuthenticator.seconds_before_next_try = 300
    c.JupyterHub.template_vars = {"kit_min_password": MIN_PASSWORD, "announcement_login": (
        "Đăng nhập bằng tài khoản của mình trong danh sách tài khoản của đợt thi đua. Lần đầu: bấm \"đăng ký\" để "
        f"đặt mật khẩu (ít nhất {MIN_PASSWORD} ký tự), rồi chờ cán bộ vận hành duyệt.")}
    c.JupyterHub.load_groups = groups(accounts)
    c.JupyterHub.load_roles = roles(accounts)
    c.JupyterHub.services = [{"name": "idle-culler", "command": [
        settings.python, "-m", "jupyterhub_idle_culler", f"--timeout={settings.idle_timeout}",
        f"--cull-every={max(60, settings.idle_timeout // 6)}"]}]
    c.JupyterHub.spawner_class = ("jupyterhub.spawner.LocalProcessSpawner" if settings.auth is Auth.PAM
                                  else "jupyterhub.spawner.SimpleLocalProcessSpawner")
    c.SimpleLocalProcessSpawner.home_dir_template = str(state / "homes" / "{username}")
    c.Spawner.cmd = [settings.python, "-m", "jupyterhub.singleuser"]
    c.Spawner.notebook_dir = settings.project
    root = settings.auth is Auth.NATIVE and hasattr(os, "geteuid") and os.geteuid() == 0
    c.Spawner.args = ["--VoilaConfiguration.template=kit_meeting", "--VoilaConfiguration.strip_sources=True",
                      *(["--allow-root"] if root else [])]
    c.LocalProcessSpawner.env_keep = ENV_KEEP
    c.Spawner.start_timeout = c.Spawner.http_timeout = 120

    def pre_spawn_hook(spawner: Any) -> None:
        url, env = spawn_settings(settings, spawner.user.name)
        spawner.default_url = url
        spawner.environment = {**spawner.environment, **env}

    c.Spawner.pre_spawn_hook = pre_spawn_hook


def write_config(settings: HubSettings) -> Path:
    """The hub's config file in its state folder (rewritten at each start, atomically)."""
    state = Path(settings.state)
    (state / "homes").mkdir(parents=True, exist_ok=True)
    path = state / CONFIG
    write_text(path, "# Written by `kit hub` at each start: edit the command's options, not this file.\n"
                     "from kit.app.hub import HubSettings, configure\n\n"
                     f"configure(c, HubSettings.from_json({settings.to_json()!r}))  # noqa: F821\n")
    return path


def hub_command(settings: HubSettings, config: Path) -> list[str]:
    """The command that runs the hub (from the state folder, where it keeps its files)."""
    return [settings.python, "-m", "jupyterhub", "-f", str(config)]
