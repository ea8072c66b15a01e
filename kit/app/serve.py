"""The two servers people start: JupyterLab for evaluators (``kit lab``) and the council's meeting view (``kit
meeting``), with the settings a district office needs and would not know to type.

- The server's root is the project folder, so ``/voila/render/notebooks/40-hop-hoi-dong.ipynb`` works whichever
  notebook was opened first (``jupyter lab notebooks/01-…`` alone roots the server in notebooks/).
- Both listen on 127.0.0.1 and require a token (a fresh random one, in the address printed at start). The token
  is handed over in the environment (``JUPYTER_TOKEN``, read by jupyter_server's IdentityProvider), never on the
  command line, which any local user reads with ``ps``; Voilà takes it from there only with ``auto_token``.
- Both answer only requests whose Host header names this computer (``localhost`` or a loopback address): a web
  page elsewhere cannot reach the server through a DNS name rebound to 127.0.0.1. Voilà sets
  ``allow_remote_access`` itself, so the check is turned back on through its ``tornado_settings``, given as the
  default of a subclass (``python -m kit.app.serve``): the command line cannot carry a dict of booleans.
- The meeting view stops the kernel of a page nobody looks at any more (each page load starts one, ~140 MB).
- Voilà pages use the kit's template (no stylesheet from the internet), so they open offline.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from kit.outputs.render import notebooks_dir

TEMPLATES = Path(__file__).resolve().parents[1] / "outputs" / "templates"  # holds voila/templates/kit_meeting
SCORING, MEETING = "01-tham-dinh.ipynb", "40-hop-hoi-dong.ipynb"
CULL = ["--MappingKernelManager.cull_idle_timeout=600", "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_connected=True"]


LOCAL_ONLY = {"allow_remote_access": False, "local_hostnames": ["localhost"]}


def environment(token: str = "") -> dict[str, str]:
    """The environment for the servers: the kit's Voilà template on the Jupyter path, and the access token."""
    paths = [str(TEMPLATES), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))]
    return {**os.environ, "JUPYTER_PATH": os.pathsep.join(paths), **({"JUPYTER_TOKEN": token} if token else {})}


def _root_user() -> list[str]:
    return ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def lab_command(project: Path, port: int = 8888, token: str = "") -> tuple[list[str], str]:
    """JupyterLab rooted at the project, opening the scoring notebook; returns the command and the token (to pass
    in ``environment(token)``)."""
    token = token or secrets.token_urlsafe(24)
    notebook = (project / "notebooks" / SCORING) if (project / "notebooks" / SCORING).exists() \
        else notebooks_dir() / SCORING
    return ([sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--port={port}",
             f"--ServerApp.root_dir={project}", "--ServerApp.allow_remote_access=False",
             "--ServerApp.local_hostnames=['localhost']",
             "--VoilaConfiguration.template=kit_meeting", *_root_user(), str(notebook.resolve())], token)


def meeting_command(project: Path, port: int = 8866, token: str = "") -> tuple[list[str], str]:
    """The meeting view alone (Voilà), behind a token, culling idle kernels; returns the command and the token (to
    pass in ``environment(token)``)."""
    token = token or secrets.token_urlsafe(24)
    notebook = (project / "notebooks" / MEETING) if (project / "notebooks" / MEETING).exists() \
        else notebooks_dir() / MEETING
    return ([sys.executable, "-m", "kit.app.serve", str(notebook), "--no-browser", "--Voila.ip=127.0.0.1",
             f"--port={port}", "--Voila.auto_token=True", "--template=kit_meeting", "--strip_sources=True", *CULL],
            token)


def _meeting_server() -> None:
    """Voilà with the Host check on (``LOCAL_ONLY``): what ``meeting_command`` runs."""
    from traitlets import default
    from voila.app import Voila

    class LocalVoila(Voila):
        @default("tornado_settings")
        def _local_only(self) -> dict:
            return dict(LOCAL_ONLY)

    LocalVoila.launch_instance()


if __name__ == "__main__":
    _meeting_server()
