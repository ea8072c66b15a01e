"""Write a new campaign folder whole, or not at all.

Everything is written into a hidden staging folder beside the target (each file through kit.core.atomic), loaded
back with ``load_campaign`` (so a campaign ``kit init`` writes is one ``kit check`` accepts), and only then renamed
to the target, where its empty gradebook is begun (as ``kit gradebook init`` would). A target that exists and holds
anything is refused: a new campaign never overwrites an old one.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from kit.app.init.settings import Settings, campaign_yml
from kit.app.init.starter import starter_framework
from kit.app.init.unit_list import ListedUnit
from kit.config.campaign import Campaign, load_campaign
from kit.config.framework import framework_path
from kit.core import atomic
from kit.core.errors import CampaignError, KitError, UsageError
from kit.core.problems import Problem
from kit.store.gradebook import Gradebook

REPORT_FILE = "bao-cao-khoi-tao.txt"  # what kit init did: codes told apart, frameworks carried
UNIT_COLUMNS = ("code", "name", "group", "valid_from", "valid_to", "kind", "parent")


@dataclass
class NewCampaign:
    """What to write: settings, units, frameworks by (year, group) (the starter sample where missing), the report's
    lines, and a hook that adds files into the staging folder before it is checked (the example's submissions)."""

    settings: Settings
    units: list[ListedUnit]
    frameworks: dict[tuple[int, str], dict] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)
    extra: Callable[[Path], None] | None = None


def refuse_nonempty(folder: Path) -> None:
    """A new campaign goes into a new or empty folder only."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        what = "là một tệp" if not folder.is_dir() else "đã có tệp"
        raise UsageError(f"Thư mục {folder} {what}: kit init không ghi đè. Hãy chọn một thư mục mới (hoặc trống).")


def units_csv(units: list[ListedUnit]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(UNIT_COLUMNS)
    writer.writerows((u.code, u.name, u.group, "", "", u.kind, u.parent) for u in units)
    return buffer.getvalue()


def framework_yaml(fw: dict, note: str = "") -> str:
    head = f"# {note}\n" if note else ""
    return head + yaml.safe_dump(fw, allow_unicode=True, sort_keys=False, width=120)


# Problems in campaign.yml that come from one kit init option: the user fixes the option, not a file.
_OPTION_OF = {"BANDS_OVERLAP": "--bands"}


def _relocated(exc: CampaignError, staging: Path, folder: Path) -> CampaignError:
    """``exc`` located where the user can act: the staging folder is deleted when kit init fails, so a path
    inside it names nothing; a problem from an option names that option, others the file in ``folder``."""
    def moved(text: str) -> str:
        return text.replace(str(staging), str(folder))

    def where(p: Problem) -> str:
        if p.code in _OPTION_OF and Path(p.file).name == "campaign.yml":
            return f"tùy chọn {_OPTION_OF[p.code]} của kit init"
        return moved(p.file)

    return CampaignError([replace(p, file=where(p), message=moved(p.message)) for p in exc.problems])


def create_campaign(folder: Path, new: NewCampaign) -> Campaign:
    """Write ``new`` into ``folder`` (new or empty) and return the loaded campaign."""
    folder = folder.resolve()  # "kit init ." names the current folder: its staging folder goes beside it
    refuse_nonempty(folder)
    s = new.settings
    staging = folder.parent / f".{folder.name}.~kit-init-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    atomic.make_folder(staging)
    try:
        atomic.write_text(staging / "campaign.yml", campaign_yml(s))
        atomic.write_text(staging / "units.csv", units_csv(new.units))
        (staging / "criteria").mkdir()
        note = "Dữ liệu minh họa" if s.demo else ""
        for year in s.years:
            for group, name in s.groups.items():
                fw = new.frameworks.get((year, group)) or starter_framework(year, group, name, demo=s.demo)
                atomic.write_text(framework_path(staging, year, group), framework_yaml(fw, note))
            (staging / "submissions" / str(year)).mkdir(parents=True)
        if new.report:
            atomic.write_text(staging / REPORT_FILE, "\n".join(new.report) + "\n")
        if new.extra is not None:
            new.extra(staging)
        try:
            load_campaign(staging)  # what kit check reads must load
        except CampaignError as exc:
            raise _relocated(exc, staging, folder) from None
        if folder.exists():  # empty (refuse_nonempty), perhaps the current folder: filled, not replaced
            for child in sorted(staging.iterdir()):
                os.replace(child, folder / child.name)
            staging.rmdir()
        else:
            os.replace(staging, folder)
    except (CampaignError, KitError, OSError):
        shutil.rmtree(staging, ignore_errors=True)
        raise
    campaign = load_campaign(folder)
    with Gradebook.initialize(campaign):  # an empty gradebook and its ledger: the campaign is ready to appraise
        pass
    return campaign
