"""A throwaway PostgreSQL server for tests and benchmarks (not installed with the kit)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class PostgresCluster:
    """A throwaway PostgreSQL server for the test session, started from the installed binaries (Debian's
    ``postgresql`` package; ``.ci/run`` installs it when missing). PostgreSQL refuses to run as root, so as root
    the server runs as the ``postgres`` user. Each test gets a database of its own."""

    def __init__(self, fsync: bool = False) -> None:
        """``fsync``: off for tests (semantics, not durability: faster), on for benchmarks."""
        found = shutil.which("initdb") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))), None)
        if found is None:
            raise FileNotFoundError("initdb")
        bindir = Path(found).resolve().parent
        self.folder = Path(tempfile.mkdtemp(prefix="kit-pg-"))
        as_user: list[str] = []
        if os.geteuid() == 0:
            import pwd

            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            as_user = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._run = lambda *cmd: subprocess.run([*as_user, *cmd], check=True, capture_output=True, text=True)
        self._pg_ctl = str(bindir / "pg_ctl")
        data = self.folder / "data"
        self._run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-locale")
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync={'on' if fsync else 'off'} "
                   "-c max_connections=200")
        self._run(self._pg_ctl, "-D", str(data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")
        from sqlalchemy import create_engine

        self.admin = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        self._count = 0

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        from sqlalchemy import text

        self._count += 1
        name = f"kit_test_{self._count}"
        with self.admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        return self.url(name)

    def stop(self) -> None:
        self.admin.dispose()
        try:
            self._run(self._pg_ctl, "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
