"""Synthetic campaigns for the benchmarks: the demo's configuration with many more units."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from kit.config.campaign import Campaign, load_campaign
from kit.intake.check import CheckReport

DEMO = Path(__file__).resolve().parents[1] / "data"


def big_campaign(root: Path, units: int) -> Campaign:
    """Copy the demo configuration (frameworks, bands) and give it ``units`` units in two groups."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEMO / "campaign.yml", root / "campaign.yml")
    shutil.copytree(DEMO / "criteria", root / "criteria", dirs_exist_ok=True)
    lines = ["code,name,group"] + [f"U{i:05d},Đơn vị {i},{'CQ' if i % 3 == 0 else 'XA'}" for i in range(units)]
    (root / "units.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_campaign(root)


def with_evidence(campaign: Campaign, report: CheckReport, units: int = 8, large: int = 4,
                  large_mb: int = 5) -> int:
    """Evidence files for the first ``units`` units of each group (those the benchmarks visit): every criterion
    cites two small files (a PDF and a picture); in the first ``large`` units one criterion also cites a large
    file. Written in submissions/<year>/<UNIT>/ as units send them; returns the bytes written."""
    rng = random.Random(7)
    first = {u.code for g in campaign.groups for u in campaign.units_in(g)[:units]}
    big = {u.code for g in campaign.groups for u in campaign.units_in(g)[:large]}
    written = 0
    for sub in report.submissions:
        if sub.unit not in first:
            continue
        folder = campaign.submissions_dir(report.year) / sub.unit
        folder.mkdir(parents=True, exist_ok=True)
        for i, row in enumerate(sub.rows):
            names = [f"KH-{row['code']}.pdf", f"anh-{row['code']}.png"]
            sizes = [rng.randint(5_000, 60_000), rng.randint(5_000, 60_000)]
            if i == 0 and sub.unit in big:
                names.append("bao-cao-lon.pdf")
                sizes.append(large_mb << 20)
            for name, size in zip(names, sizes, strict=True):
                (folder / name).write_bytes(rng.randbytes(size))
                written += size
            row["evidence"] = f"{row['evidence']}; tệp: {', '.join(names)}"
    return written
