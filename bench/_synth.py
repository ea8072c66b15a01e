"""Synthetic campaigns for the benchmarks: the demo's configuration with many more units."""

from __future__ import annotations

import shutil
from pathlib import Path

from kit.config.campaign import Campaign, load_campaign

DEMO = Path(__file__).resolve().parents[1] / "data"


def big_campaign(root: Path, units: int) -> Campaign:
    """Copy the demo configuration (frameworks, bands) and give it ``units`` units in two groups."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEMO / "campaign.yml", root / "campaign.yml")
    shutil.copytree(DEMO / "criteria", root / "criteria", dirs_exist_ok=True)
    lines = ["code,name,group"] + [f"U{i:05d},Đơn vị {i},{'CQ' if i % 3 == 0 else 'XA'}" for i in range(units)]
    (root / "units.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_campaign(root)
