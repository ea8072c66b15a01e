"""How report notebooks show things: the header, escaped tables, text and figures (HTML outputs).

Every report opens with ``header``: the campaign, the parameters, the kit version, the time, the run
that made it (``kit render`` passes its id, so reports left by an interrupted run are told apart),
the fingerprint of the inputs and the gradebook's anchor (``Mã sổ điểm``); demo data says so first. Tables
and unit-supplied text are HTML-escaped; figures are embedded PNGs with alt text.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import os

import pandas as pd

from kit import __version__
from kit.app.fingerprint import Fingerprint
from kit.config.campaign import Campaign
from kit.config.issuers import issuer_on, letterhead
from kit.core import vn
from kit.core.values import parse_date
from kit.store.gradebook import Gradebook
from kit.store.ledger import ANCHOR_LABEL, Anchor

_CSS = ("<style>.kit-report table{border-collapse:collapse;font-size:14px}"
        ".kit-report th,.kit-report td{border:1px solid #bbb;padding:3px 6px;text-align:left!important}"
        ".kit-report th{background:#1f4e79;color:#fff}.kit-demo{color:#b00;font-weight:bold;font-size:18px}"
        "</style>")


def report_time() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds convention; used by tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone(dt.timedelta(hours=7)))
    return dt.datetime.now().astimezone()


def _display(html_text: str) -> None:
    from IPython.display import HTML, display

    display(HTML(html_text))


PARAMETER_NAMES = {"year": "Năm", "unit": "Mã đơn vị", "first_year": "Từ năm", "last_year": "Đến năm",
                   "period_end": "Tổng kết đến ngày", "run": "Lượt tạo"}


def report_date(campaign: Campaign, parameters: dict) -> dt.date:
    """The date a report speaks for: a final's end, or the last day of its year (within the campaign's period);
    it decides the issuing body the report names."""
    if parameters.get("period_end"):
        day = parse_date(parameters["period_end"])
        if day is not None:
            return day
    return campaign.year_end(int(parameters.get("last_year") or parameters.get("year") or max(campaign.years)))


def header(campaign: Campaign, title: str, parameters: dict, fp: Fingerprint) -> None:
    """The opening block every report carries: the body in office on the report's date, the campaign, what the
    report is about, when and from what it was made."""
    demo = f"<p class='kit-demo'>{campaign.demo_note}: số liệu giả định, không dùng cho công tác thật.</p>" \
        if campaign.demo else ""
    issuer = issuer_on(campaign.issuers, report_date(campaign, parameters))
    body = " — ".join(html.escape(x) for x in letterhead(issuer) if x) if issuer else ""
    # the campaign's own place: a province's campaign has no district (no ", Tây Ninh")
    place = ", ".join(x for x in (campaign.district, campaign.province) if x)
    # what the report is about, in words; the campaign folder is the operator's business (and a local path)
    params = "; ".join(f"{PARAMETER_NAMES.get(k, k)}: {html.escape(str(v))}" for k, v in parameters.items()
                       if k != "campaign" and v != "")
    _display(f"{_CSS}<div class='kit-report'>{demo}<p class='kit-issuer'>{body}</p><h1>{html.escape(title)}</h1>"
             f"<p><b>{html.escape(campaign.name)}</b><br>{html.escape(place)}</p>"
             f"<p style='font-size:13px;color:#444'>{params}<br>"
             f"Tạo bởi kit {__version__} lúc {report_time():%d/%m/%Y %H:%M}<br>"
             f"Dấu vân tay dữ liệu đầu vào: <code>{html.escape(str(fp))}</code> — hai báo cáo cùng dấu vân tay "
             f"được tạo từ cùng dữ liệu.<br>{ANCHOR_LABEL}: <code>{html.escape(str(ledger_anchor(campaign)))}</code> "
             "— đối chiếu sổ điểm với báo cáo này: kit gradebook verify --against TỆP_BÁO_CÁO.</p></div>")


def ledger_anchor(campaign: Campaign) -> Anchor:
    """The anchor of the campaign's gradebook now (read, never created): printed on the report, it is a copy of the
    gradebook's heads beyond the reach of whoever can rewrite the database (``kit gradebook verify --against``)."""
    with Gradebook.for_campaign(campaign, readonly=True) as gb:
        return gb.anchor()


def show_table(df: pd.DataFrame, caption: str = "", empty: str = "Không có.") -> None:
    """An escaped HTML table (unit-supplied text cannot become markup)."""
    if df.empty:
        _display(f"<div class='kit-report'><p><i>{html.escape(empty)}</i></p></div>")
        return
    table = vn.table(df.rename_axis(columns=None)).to_html(index=False, escape=True, border=0)
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
