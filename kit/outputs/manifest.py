"""The run manifest: what each output of a render was made from, so that the next run makes only what changed.

``reports/.render-manifest.json`` holds, per output (a report notebook, a year's tables, a proposal list):

- ``basis``: a digest of the code, the notebook, the parameters and the fingerprints of the years the output
  reads — known before any data is loaded, so an unchanged folder is recognised in a second;
- ``digest``: a digest of exactly what the output shows (the basis, except for a unit's scorecard: that unit's
  data), so that another unit's decision does not remake a scorecard it does not change;
- ``files``: the files written, with their size and modification time: a file deleted or changed since makes
  the output stale;
- ``ok`` (a failed notebook is recorded as failed: the next run retries it), ``run``, ``time``, ``error``.

The manifest is rewritten (atomically) after every output, so a run that is stopped keeps what it finished; a
missing or unreadable manifest only means that everything is made again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from kit.core.atomic import write_text

MANIFEST = ".render-manifest.json"


class Manifest:
    def __init__(self, reports: Path):
        self.reports = reports
        self.path = reports / MANIFEST
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8")).get("outputs", {})
        except (OSError, ValueError, AttributeError):
            entries = {}
        self.entries: dict[str, dict] = entries if isinstance(entries, dict) else {}

    def _stat(self, path: Path) -> list[int] | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return [st.st_size, st.st_mtime_ns]

    def fresh(self, key: str, *, basis: str = "", digest: str = "") -> bool:
        """Made without failure from the same inputs (the same ``basis``, or the same ``digest``), and every
        file it wrote is still there as written."""
        entry = self.entries.get(key)
        if not isinstance(entry, dict) or entry.get("ok") is not True or not entry.get("files"):
            return False
        if not ((basis and entry.get("basis") == basis) or (digest and entry.get("digest") == digest)):
            return False
        return all(self._stat(self.reports / name) == list(stat) for name, stat in entry["files"].items())

    def rebase(self, key: str, basis: str) -> None:
        """An output found unchanged by its digest: the next run knows it by its basis alone."""
        self.entries[key]["basis"] = basis
        self.save()

    def record(self, key: str, *, basis: str, digest: str, files: list[Path], run: str, ok: bool = True,
               error: str = "") -> None:
        self.entries[key] = {
            "basis": basis, "digest": digest, "ok": ok, "error": error, "run": run,
            "time": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "files": {p.relative_to(self.reports).as_posix(): self._stat(p) for p in files if p.exists()}}
        self.save()

    def save(self) -> None:
        write_text(self.path, json.dumps({"version": 1, "outputs": self.entries}, ensure_ascii=False, indent=1))
