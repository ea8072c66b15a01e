"""What report notebooks call: load a year's data once, show tables, figures and the header.

Every report opens with ``header``: the campaign, the parameters, the kit version, the time and
the fingerprint of the inputs; demo data says so first. Tables and unit-supplied text are
HTML-escaped; figures are embedded PNGs with alt text.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kit import __version__
from kit.campaign import Campaign, find_campaign, load_campaign
from kit.check import CheckReport, check_year
from kit.fingerprint import Fingerprint, fingerprint
from kit.gradebook import Gradebook
from kit.results import YearResults, year_results

_CSS = ("<style>.kit-report table{border-collapse:collapse;font-size:14px}"
        ".kit-report th,.kit-report td{border:1px solid #bbb;padding:3px 6px;text-align:left!important}"
        ".kit-report th{background:#1f4e79;color:#fff}.kit-demo{color:#b00;font-weight:bold;font-size:18px}"
        "</style>")


@dataclass
class YearData:
    campaign: Campaign
    year: int
    check: CheckReport
    results: YearResults
    decisions: pd.DataFrame
    fingerprint: Fingerprint


_CACHE: dict[tuple, YearData] = {}


def _signature(root: Path, year: int) -> tuple:
    """Size and mtime of every input of a year: cheap to read, changes whenever an input does."""
    paths = [root / "campaign.yml", root / "units.csv", root / "surveys" / f"{year}.csv",
             root / "gradebook.sqlite", root / "gradebook.sqlite-wal", *(root / "criteria").glob("*.yml")]
    folder = root / "submissions" / str(year)
    if folder.is_dir():
        paths += list(folder.iterdir())
    stats = []
    for p in sorted(paths):
        try:
            st = p.stat()
        except FileNotFoundError:
            continue
        stats.append((p.name, st.st_size, st.st_mtime_ns))
    return tuple(stats), os.environ.get("KIT_GRADEBOOK_URL", "")


def load_year(campaign_dir: str | Path, year: int) -> YearData:
    """Check, score and read decisions of a year; cached per kernel while no input changes.

    Batch rendering reuses one kernel for many scorecards. The cache is keyed by the size and
    time of every input file (campaign folder and its SQLite gradebook); with a gradebook
    elsewhere (a server URL) nothing is cached.
    """
    root = find_campaign(campaign_dir).resolve()
    key = (str(root), year, _signature(root, year))
    if key in _CACHE:
        return _CACHE[key]
    campaign = load_campaign(root)
    campaign.require_year(year)
    with Gradebook.for_campaign(campaign) as gb:
        decisions = gb.history(year)
        check = check_year(campaign, year, jobs=1)
        data = YearData(campaign, year, check, year_results(campaign, check, gb.appraisals(year)), decisions,
                        fingerprint(campaign, [year], decisions))
    if not campaign.gradebook_url and not os.environ.get("KIT_GRADEBOOK_URL"):
        _CACHE[key] = data
    return data


def report_time() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds convention; used by tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone(dt.timedelta(hours=7)))
    return dt.datetime.now().astimezone()


def _display(html_text: str) -> None:
    from IPython.display import HTML, display

    display(HTML(html_text))


def header(campaign: Campaign, title: str, parameters: dict, fp: Fingerprint) -> None:
    """The opening block every report carries."""
    demo = f"<p class='kit-demo'>{campaign.demo_note}: số liệu giả định, không dùng cho công tác thật.</p>" \
        if campaign.demo else ""
    params = ", ".join(f"{html.escape(str(k))} = {html.escape(str(v))}" for k, v in parameters.items())
    _display(f"{_CSS}<div class='kit-report'>{demo}<h1>{html.escape(title)}</h1>"
             f"<p><b>{html.escape(campaign.name)}</b><br>{html.escape(campaign.district)}, "
             f"{html.escape(campaign.province)}</p>"
             f"<p style='font-size:13px;color:#444'>Tham số: {params}<br>"
             f"Tạo bởi kit {__version__} lúc {report_time():%d/%m/%Y %H:%M}<br>"
             f"Dấu vân tay dữ liệu đầu vào: <code>{html.escape(str(fp))}</code> — hai báo cáo cùng dấu vân tay "
             f"được tạo từ cùng dữ liệu.</p></div>")


def show_table(df: pd.DataFrame, caption: str = "", empty: str = "Không có.") -> None:
    """An escaped HTML table (unit-supplied text cannot become markup)."""
    if df.empty:
        _display(f"<div class='kit-report'><p><i>{html.escape(empty)}</i></p></div>")
        return
    df = df.rename_axis(columns=None)
    nullable = [c for c in df.columns if isinstance(df[c].dtype, pd.Int64Dtype)]
    df = df.astype({c: float for c in nullable})  # pd.NA would print as "<NA>"; NaN prints as "—"
    table = df.to_html(index=False, escape=True, na_rep="—", float_format=lambda x: f"{x:,.2f}".rstrip("0").rstrip("."),
                       border=0)
    cap = f"<p><b>{html.escape(caption)}</b></p>" if caption else ""
    _display(f"<div class='kit-report'>{cap}{table}</div>")


def show_text(text: str) -> None:
    _display(f"<div class='kit-report'><p>{html.escape(text)}</p></div>")


def show_figure(fig_alt) -> None:
    """Embed a figure as PNG with its alt text (read by screen readers and shown when images are off)."""
    import matplotlib.pyplot as plt

    fig, alt = fig_alt
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode()
    _display(f"<figure class='kit-report'><img style='max-width:100%' alt=\"{html.escape(alt, quote=True)}\" "
             f"src=\"data:image/png;base64,{data}\"/></figure>")
