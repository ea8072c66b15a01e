"""The files a criterion row cites, opened beside the row in the scoring panel.

Files are shown from their bytes, not by URL: a link to a file relative to the notebook resolves differently in
JupyterLab, classic Notebook and Voilà, and a zip member has no URL at all. So images go into an ipywidgets
``Image``, a PDF into an ``<iframe>`` of a ``data:`` URL, anything else (office documents) is a download link of
the same kind. The size limits keep the widget messages small; a larger file is named with where it is, to open
on the computer. Everything shown comes from what the unit sent: nothing of any appraisal, so the blind second
appraisal may show it as well.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import zipfile

import ipywidgets as w

from kit.app.appraisal import Row
from kit.core import vn
from kit.core.problems import printable
from kit.intake.evidence import EvidenceFile
from kit.ui.closing import close_tree

IMAGE_LIMIT = 8 << 20
PDF_LIMIT = 12 << 20
DOWNLOAD_LIMIT = 20 << 20
_FORMATS = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "gif": "gif", "bmp": "bmp", "webp": "webp"}


def _size(n: int) -> str:
    return f"{vn.points(round(n / 1e6, 1))} MB" if n >= 100_000 else f"{vn.integer(max(1, round(n / 1000)))} KB"


def _esc(text: str) -> str:
    """A name from what the unit sent, for HTML: control characters shown as escapes, markup escaped."""
    return html.escape(printable(text))


def _note(text: str, color: str = "#555") -> w.HTML:
    return w.HTML(f"<div style='color:{color};margin:4px 0'>{text}</div>")


class EvidenceViewer:
    """A button per cited file (⚠ when the unit did not send it) and the area below where the chosen one shows."""

    def __init__(self, row: Row):
        self.files = row.files
        self.buttons = []
        for name, found in self.files:
            shown = printable(name)  # a control character in a name is shown, never acted on
            button = w.Button(description=shown if len(shown) <= 36 else shown[:33] + "…", tooltip=shown,
                              icon="paperclip" if found else "exclamation-triangle",
                              button_style="" if found else "warning", layout=w.Layout(width="auto"))
            button.on_click(lambda _b, n=name, f=found: self.show(n, f))
            self.buttons.append(button)
        self.close_button = w.Button(description="Đóng tệp", icon="times", layout=w.Layout(width="auto"))
        self.close_button.on_click(lambda _b: self.close())
        self.close_button.layout.display = "none"
        self.area = w.VBox()
        self.box = w.VBox([w.HBox([w.HTML("<i>Tệp kiểm chứng:</i>&nbsp;"), *self.buttons, self.close_button],
                                  layout=w.Layout(flex_flow="row wrap")), self.area])
        self.shown = ""

    def _put(self, *widgets: w.Widget) -> None:
        """Show these in the area; what it showed is closed (a PDF shown is megabytes kept in both processes)."""
        left, self.area.children = self.area.children, widgets
        for old in left:
            close_tree(old)

    def close(self) -> None:
        self._put()
        self.shown = ""
        self.close_button.layout.display = "none"

    def show(self, name: str, found: EvidenceFile | None) -> None:
        """Show one cited file; a missing or unreadable one is said in Vietnamese, never as a traceback."""
        self.shown = name
        self.close_button.layout.display = ""
        if found is None:
            self._put(_note(f"⚠ Đơn vị ghi tệp <b>{_esc(name)}</b> nhưng không gửi tệp này (không có trong "
                            "thư mục hoặc tệp nén kiểm chứng). Đề nghị đơn vị gửi bổ sung; <code>kit check</code> "
                            "liệt kê các tệp còn thiếu.", "#c00"))
            return
        try:
            self._put(*self._content(found))
        except (OSError, zipfile.BadZipFile, RuntimeError, ValueError):
            self._put(_note(f"✖ Không đọc được tệp <b>{_esc(found.label)}</b> (tệp hỏng hoặc đang bị "
                            "chương trình khác mở). Hãy mở trực tiếp trên máy hoặc đề nghị đơn vị gửi lại.", "#c00"))

    def _content(self, f: EvidenceFile) -> tuple[w.Widget, ...]:
        title = _note(f"<b>{_esc(f.name)}</b> ({_size(f.size)}) — {_esc(f.label)}")
        ext = f.name.rsplit(".", 1)[-1].lower()
        if f.kind == "image" and (data := f.read(IMAGE_LIMIT)) is not None:
            return title, w.Image(value=data, format=_FORMATS.get(ext, "png"),
                                  layout=w.Layout(max_width="100%", max_height="700px", object_fit="contain"))
        if f.kind == "pdf" and (data := f.read(PDF_LIMIT)) is not None:
            src = f"data:application/pdf;base64,{base64.b64encode(data).decode()}"
            return title, w.HTML(f"<iframe src='{src}' title='{html.escape(f.name)}' "
                                 "style='width:100%;height:700px;border:1px solid #ccc'></iframe>"
                                 f"{self._link(f, data, 'Tải về tệp PDF')}")
        if (data := f.read(DOWNLOAD_LIMIT)) is not None:
            return title, w.HTML(self._link(f, data, "Tải về để mở bằng phần mềm trên máy (Word, Excel…)"))
        where = str(f.container) + (f" (mục {f.member})" if f.member else "")
        return title, _note(f"Tệp lớn ({_size(f.size)}) nên không hiển thị trong bảng chấm. Hãy mở trực tiếp: "
                            f"<code>{_esc(where)}</code>")

    @staticmethod
    def _link(f: EvidenceFile, data: bytes, text: str) -> str:
        mime = mimetypes.guess_type(f.name)[0] or "application/octet-stream"
        return (f"<div><a download='{html.escape(f.name)}' href='data:{mime};base64,"
                f"{base64.b64encode(data).decode()}' target='_blank'>⬇ {html.escape(text)}</a></div>")
