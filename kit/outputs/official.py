"""Administrative documents in the layout of Decree 30/2020/NĐ-CP (Appendix I): Word templates and their rendering.

What the office signs and files is a Word document, not a notebook: A4, Times New Roman, the issuing body and its
parent top left, the national motto top right, the number and the italic place-and-date line, the title, a
justified body, the signature block, "Nơi nhận", page numbers from page 2.

Every document is a Word template with Jinja tags (docxtpl) rendered with values from the year's state. ``Layout``
writes the kit's default templates in that layout; the office may export them (``kit docs --templates``), change
wording, fonts or recipients in Word, and keep them in the campaign folder (``mau-van-ban/``), where they take
precedence. Because the defaults go through the same renderer, an edited template and the default can only differ
in what the office changed. A value the configuration does not give (the number, the signer's name) is ``Missing``:
printed "…" and listed, never invented. A tag typed wrong in an edited template (a brace missing, a block left
open, a name the document is not given) stops that document, named with the paragraph it is in
(``kit.outputs.template_check``); a field a row does not have (``{{ r.khong_co }}``) prints "…" and is listed.
The gradebook's anchor a document was made from is printed small at the foot of its pages (``render``).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docx import Document as new_document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate

from kit import __version__
from kit.core.atomic import replacing
from kit.core.errors import UsageError
from kit.outputs.template_check import check
from kit.store.ledger import Anchor, anchors_in

FONT = "Times New Roman"
GAP = "…"  # what a missing value prints as
AUTHOR = "kit thi đua CCHC"  # the author of every document the kit writes (with its version)
MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 15}  # mm (Decree 30: 20–25, 20–25, 30–35, 15–20)
CENTER, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
SIGNATURE_SPACE = 280  # twentieths of a point above Nơi nhận and the signature: one 14 pt line
TABLE_PROPERTIES = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                    "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar",
                    "tblLook", "tblCaption", "tblDescription")  # the order of w:tblPr in the schema


@dataclass(frozen=True)
class Missing:
    """A value the configuration does not give; ``what`` says what to fill in, in the office's words."""

    what: str

    def __str__(self) -> str:
        return GAP


class Layout:
    """A new template in the Decree 30/2020 layout; text may carry Jinja tags (``{{ so }}``) and the paragraph and
    table-row loops of docxtpl (``{%p for … %}``, ``{%tr for … %}``)."""

    def __init__(self) -> None:
        self.doc = new_document()
        section = self.doc.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS["left"]), Mm(MARGINS["right"])
        style = self.doc.styles["Normal"]
        style.font.name, style.font.size = FONT, Pt(14)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # Vietnamese text is not "Latin" to Word
        section.different_first_page_header_footer = True  # page numbers from page 2
        self._page_number(section.header.paragraphs[0])
        for header in (section.header, section.first_page_header):  # "Dữ liệu minh họa: …" on demo documents
            self._text(header.add_paragraph(), "{{ minh_hoa }}", 11, bold=True, color=RGBColor(0xB0, 0, 0),
                       align=CENTER)

    # -- building blocks -------------------------------------------------------------------------------------
    @staticmethod
    def _text(paragraph, text: str, size: float, *, bold: bool = False, italic: bool = False,
              underline: bool = False, align=None, color: RGBColor | None = None):
        run = paragraph.add_run(text)
        run.font.name, run.font.size = FONT, Pt(size)
        run.font.bold, run.font.italic, run.font.underline = bold, italic, underline
        if color is not None:
            run.font.color.rgb = color
        if align is not None:
            paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)
        return run

    @staticmethod
    def _page_number(paragraph) -> None:
        paragraph.alignment = CENTER
        run = paragraph.add_run()
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._r.append(element)

    @staticmethod
    def _widths(table, widths: list[float]) -> None:
        """Column widths that Word and LibreOffice both keep (the grid and every cell)."""
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Mm(width)
            for cell in column.cells:
                cell.width = Mm(width)

    @staticmethod
    def _table_property(table, element) -> None:
        """Put ``element`` into the table's properties at the place the schema gives it (Word refuses a file whose
        table properties are out of order)."""
        properties = table._tbl.tblPr
        rank = {name: i for i, name in enumerate(TABLE_PROPERTIES)}
        mine = rank[element.tag.split("}")[1]]
        later = [child for child in properties if rank.get(child.tag.split("}")[1], -1) > mine]
        if later:
            later[0].addprevious(element)
        else:
            properties.append(element)

    @classmethod
    def _no_borders(cls, table) -> None:
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:val"), "nil")
            borders.append(element)
        cls._table_property(table, borders)

    @staticmethod
    def _row_flags(row, header: bool = False) -> None:
        props = row._tr.get_or_add_trPr()
        for name in ("w:cantSplit", *(("w:tblHeader",) if header else ())):
            element = OxmlElement(name)
            element.set(qn("w:val"), "true")
            props.append(element)

    # -- the parts of a document -----------------------------------------------------------------------------
    def heading(self, *, number: bool = True) -> None:
        """Issuing body (and the body above it) with the number on the left; Quốc hiệu, Tiêu ngữ and the date line
        on the right (Decree 30/2020, Appendix I, items 1–4). ``number=False``: a report a unit attaches (the
        commendation decree's forms carry no number)."""
        table = self.doc.add_table(rows=1, cols=2)
        self._no_borders(table)
        self._widths(table, [72, 93])
        left, right = table.rows[0].cells
        self._text(left.paragraphs[0], "{{ co_quan_tren }}", 12, align=CENTER)
        self._text(left.add_paragraph(), "{{ co_quan }}", 12, bold=True, align=CENTER)
        self._text(left.add_paragraph(), "———", 13, align=CENTER)
        if number:
            self._text(left.add_paragraph(), "Số: {{ so }}/{{ ky_hieu }}", 13, align=CENTER)
        self._text(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True, align=CENTER)
        self._text(right.add_paragraph(), "Độc lập - Tự do - Hạnh phúc", 13, bold=True, underline=True, align=CENTER)
        self._text(right.add_paragraph(), "", 13)
        self._text(right.add_paragraph(), "{{ dia_danh }}, ngày {{ ngay }} tháng {{ thang }} năm {{ nam }}", 14,
                   italic=True, align=CENTER)

    def title(self, kind: str, subject: str, *, note: str = "", provisional: bool = False) -> None:
        """``provisional``: "(TẠM TÍNH)" under the subject when the context's ``tam_tinh`` is true, so that a
        document made from results not fully appraised says so where the reader looks first."""
        self._text(self.doc.add_paragraph(), "", 14)
        if note:  # "DỰ THẢO" above a draft's title
            self._text(self.doc.add_paragraph(), note, 13, bold=True, italic=True, align=CENTER)
        self._text(self.doc.add_paragraph(), kind, 14, bold=True, align=CENTER)
        self._text(self.doc.add_paragraph(), subject, 14, bold=True, align=CENTER)
        if provisional:
            self.control("{%p if tam_tinh %}")
            self._text(self.doc.add_paragraph(), "(TẠM TÍNH)", 14, bold=True, align=CENTER)
            self.control("{%p endif %}")
        self._text(self.doc.add_paragraph(), "———", 13, align=CENTER)

    def centered(self, text: str, *, bold: bool = False, italic: bool = False) -> None:
        self._text(self.doc.add_paragraph(), text, 14, bold=bold, italic=italic, align=CENTER)

    def paragraph(self, text: str, *, bold: bool = False, italic: bool = False) -> None:
        p = self.doc.add_paragraph()
        self._text(p, text, 14, bold=bold, italic=italic, align=JUSTIFY)
        p.paragraph_format.first_line_indent = Mm(10)
        p.paragraph_format.space_after = Pt(6)

    def control(self, tag: str) -> None:
        """A paragraph holding only a docxtpl paragraph tag (``{%p for x in xs %}``); docxtpl removes it."""
        self._text(self.doc.add_paragraph(), tag, 14)

    def paragraphs(self, items: str) -> None:
        """One body paragraph per item of the list ``items``."""
        self.control(f"{{%p for dong in {items} %}}")
        self.paragraph("{{ dong }}")
        self.control("{%p endfor %}")

    def section(self, heading: str, items: str) -> None:
        """A numbered heading of the body ("II. KẾT QUẢ …", bold) and one paragraph per item of ``items``."""
        self.paragraph(heading, bold=True)
        self.paragraphs(items)

    def table(self, header: list[str], items: str, fields: list[str], widths: list[float]) -> None:
        """A bordered table, one row per item of the list ``items`` (``fields``: its keys); the header row repeats
        on every page and no row splits across pages."""
        table = self.doc.add_table(rows=4, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            self._text(cell.paragraphs[0], text, 12, bold=True, align=CENTER)
        self._row_flags(table.rows[0], header=True)
        self._text(table.rows[1].cells[0].paragraphs[0], f"{{%tr for r in {items} %}}", 12)
        for cell, key in zip(table.rows[2].cells, fields, strict=True):
            self._text(cell.paragraphs[0], f"{{{{ r.{key} }}}}", 12)
        self._row_flags(table.rows[2])
        self._text(table.rows[3].cells[0].paragraphs[0], "{%tr endfor %}", 12)
        self._widths(table, widths)

    def closing(self, *, left: str = "noi_nhan") -> None:
        """Nơi nhận (left, 12 pt bold italic; items 11 pt) and the signature block (right: authority and title,
        space for the signature, name). ``left="xac_nhan"``: the left cell is a second signature (a head of unit
        confirming a person's report) instead of the recipients."""
        self._keep_with_signature()
        table = self.doc.add_table(rows=1, cols=2)
        self._no_borders(table)
        # a line of space above, as the table's own top margin: an empty paragraph there breaks LibreOffice's
        # keep-with-next chain, and the signature went alone to the next page again
        margins = OxmlElement("w:tblCellMar")
        top = OxmlElement("w:top")
        top.set(qn("w:w"), str(SIGNATURE_SPACE))
        top.set(qn("w:type"), "dxa")
        margins.append(top)
        self._table_property(table, margins)
        self._widths(table, [80, 85])
        self._row_flags(table.rows[0])  # the signature never leaves its last lines on the page before
        first, right = table.rows[0].cells
        if left == "noi_nhan":
            self._text(first.paragraphs[0], "Nơi nhận:", 12, bold=True, italic=True)
            self._text(first.add_paragraph(), "{%p for x in noi_nhan %}", 11)
            self._text(first.add_paragraph(), "- {{ x }}{{ '.' if loop.last else ';' }}", 11)
            self._text(first.add_paragraph(), "{%p endfor %}", 11)
        else:
            self._signature(first, "xac_nhan_tham_quyen", "xac_nhan_nguoi_ky")
        self._signature(right, "tham_quyen", "nguoi_ky")

    def _keep_with_signature(self) -> None:
        """The last paragraph of the body keeps with the signature block: a page holding only "Nơi nhận" and the
        signature signs nothing (keep-with-next, so Word and LibreOffice carry the last lines over with it). Which
        paragraph ends up last may depend on the data: walking back, the paragraphs inside a loop or a branch are
        all marked, up to the first one that is always there (or the heading of the last section)."""
        depth = 0  # how many loops and branches the walk is inside (it goes backwards: an "end" opens one)
        for element in reversed(list(self.doc.element.body.iterchildren())):
            if element.tag == qn("w:tbl"):
                return
            if element.tag != qn("w:p"):
                continue
            paragraph = Paragraph(element, self.doc)
            text = paragraph.text.strip()
            if text.startswith("{%p"):
                word = text[3:].split(maxsplit=1)[0] if text[3:].strip() else ""
                depth += 1 if word.startswith("end") else -1 if word in ("if", "for") else 0
                continue
            paragraph.paragraph_format.keep_with_next = True
            if text and (depth <= 0 or any(run.bold for run in paragraph.runs)):
                return

    def _signature(self, cell, authority: str, name: str) -> None:
        self._text(cell.paragraphs[0], f"{{%p for x in {authority} %}}", 14, align=CENTER)
        self._text(cell.add_paragraph(), "{{ x }}", 14, bold=True, align=CENTER)
        self._text(cell.add_paragraph(), "{%p endfor %}", 14, align=CENTER)
        for _ in range(4):
            self._text(cell.add_paragraph(), "", 14)
        self._text(cell.add_paragraph(), f"{{{{ {name} }}}}", 14, bold=True, align=CENTER)

    def page_break(self) -> None:
        self.doc.add_page_break()

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


# -- rendering -----------------------------------------------------------------------------------------------
@dataclass
class Written:
    """A document rendered from a template: where it went, from which template, and the values left "…"."""

    path: Path
    template: str
    missing: list[str]


def render(template: bytes | Path, context: dict, path: Path, made_from: str = "") -> Written:
    """Render a template (the kit's default as bytes, or the office's file) to ``path``, atomically.

    ``made_from`` (the campaign, years, fingerprint of the data and the kit's version) goes into the document's
    properties (File → Properties → Comments), not its text: a signed document says nothing technical, yet the file
    still names what it was made from.

    Every tag is checked first (``kit.outputs.template_check``): a tag left open, unbalanced blocks or a name the
    context does not give raise ``UsageError`` naming the template and the paragraph, so that the caller can go
    on with the other documents, rather than a typo swallowing the paragraphs up to the next "}}" unseen."""
    missing: list[str] = []
    token = _MISSING.set(missing)
    try:
        return _render(template, context, path, made_from, missing)
    finally:
        _MISSING.reset(token)


_MISSING: ContextVar[list[str]] = ContextVar("missing")  # what the document being rendered left "…"


def _shown(value: object) -> object:
    if isinstance(value, Missing):
        _MISSING.get().append(value.what)
        return GAP
    return "" if value is None else value


class _Unknown(jinja2.Undefined):
    """A tag the data has no value for: "…" and a warning, never an exception or an empty hole."""

    def __str__(self) -> str:
        _MISSING.get().append(f"trường {{{{ {self._undefined_name} }}}} (mẫu có trường không có trong dữ liệu)")
        return GAP


class _Environment(jinja2.Environment):
    """One environment for every document, which compiles each template part once: docxtpl asks for the same
    parts (body, headers, footers) of a template for each of the dozens of notices it fills."""

    def __init__(self) -> None:
        super().__init__(undefined=_Unknown, finalize=_shown, autoescape=True)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            if len(self._compiled) >= 256:  # an office editing templates all day: a bounded cache
                self._compiled.clear()
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]


_ENV = _Environment()


class _Template(DocxTemplate):
    """docxtpl's template, which cleans each part's XML for Jinja once per template part rather than once per
    document (``patch_xml`` depends on the XML alone: a dozen regular expressions over the whole part)."""

    _patched: dict[str, str] = {}

    def patch_xml(self, src_xml):
        if src_xml not in self._patched:
            if len(self._patched) >= 256:  # bounded, like the compiled templates
                self._patched.clear()
            self._patched[src_xml] = super().patch_xml(src_xml)
        return self._patched[src_xml]


def _render(template: bytes | Path, context: dict, path: Path, made_from: str, missing: list[str]) -> Written:
    name = template.name if isinstance(template, Path) else "mẫu mặc định"
    env = _ENV
    try:
        data = template if isinstance(template, bytes) else template.read_bytes()
        problems = check(data, name, set(context), set(env.globals))
    except OSError as exc:
        raise UsageError(f"Không đọc được mẫu văn bản {name} ({exc.strerror or type(exc).__name__}).") from exc
    except Exception as exc:  # a file that is not a Word document (renamed, damaged)
        raise UsageError(f"Không đọc được mẫu văn bản {name} ({type(exc).__name__}): hãy mở và lưu lại bằng Word "
                         "dạng .docx, hoặc xóa tệp mẫu để dùng mẫu mặc định.") from exc
    if problems:
        raise UsageError("\n".join(problems) + "\nSửa thẻ trong Word (mỗi thẻ {{ … }} hoặc {%p … %} mở và đóng trong "
                         "cùng một đoạn, đủ cặp ngoặc, đúng tên trường) hoặc xóa tệp mẫu để dùng mẫu mặc định.")
    document = _Template(io.BytesIO(data))
    try:
        document.render(context, env, autoescape=True)
    except jinja2.TemplateError as exc:
        near = " ".join(t.strip() for t in getattr(exc, "docx_context", []) if t.strip())[:200]
        raise UsageError(f"Mẫu văn bản {name} có thẻ sai ({exc.message}), gần đoạn: «{near}». Sửa thẻ trong Word "
                         "(mỗi thẻ {{ … }} hoặc {%p … %} phải đủ cặp ngoặc) hoặc xóa tệp mẫu để dùng mẫu mặc định."
                         ) from exc
    except Exception as exc:  # a file that is not a Word document (renamed, damaged)
        raise UsageError(f"Không đọc được mẫu văn bản {name} ({type(exc).__name__}): hãy mở và lưu lại bằng Word "
                         "dạng .docx, hoặc xóa tệp mẫu để dùng mẫu mặc định.") from exc
    properties = document.docx.core_properties
    properties.comments, properties.author = made_from, f"{AUTHOR} {__version__}"
    for anchor in anchors_in(made_from)[:1]:
        _print_anchor(document.docx, anchor)
    buffer = io.BytesIO()
    document.save(buffer)
    with replacing(path) as temporary:
        temporary.write_bytes(_stable_zip(buffer.getvalue()))
    return Written(path, name, list(dict.fromkeys(missing)))


def _print_anchor(docx, anchor: Anchor) -> None:
    """The gradebook's anchor in small type at the foot of every page (the office's own templates too): the copy a
    signed paper keeps of the gradebook it was made from, to be typed back into ``kit gradebook verify
    --against-head``; properties alone are lost on paper."""
    for i, section in enumerate(docx.sections):
        footers = [] if i and section.footer.is_linked_to_previous else [section.footer]
        if section.different_first_page_header_footer:
            footers.append(section.first_page_footer)
        for footer in footers:
            paragraph = footer.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(anchor.line)
            run.font.name, run.font.size, run.font.color.rgb = FONT, Pt(8), RGBColor(0x59, 0x59, 0x59)


ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: the same document is the same bytes on any day


def _stable_zip(data: bytes) -> bytes:
    """The .docx with every part stamped ``ZIP_TIME`` instead of the moment it was written, so that a document
    made again from the same data (``kit docs --on``) is byte for byte the one made before."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, ZIP_TIME)
            info.compress_type, info.external_attr = item.compress_type, item.external_attr
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def to_pdf(documents: list[Path]) -> list[Path]:
    """The PDF beside each .docx, made by one LibreOffice headless run (its own profile: an office copy of
    LibreOffice left open does not block it). Raises ``UsageError`` saying how to install LibreOffice when it is
    missing."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise UsageError("Chưa cài LibreOffice nên không tạo được PDF. Linux: sudo apt install "
                         "libreoffice-writer-nogui; Windows: cài LibreOffice từ libreoffice.org rồi chạy lại; hoặc mở "
                         "tệp .docx bằng Word và chọn Lưu thành PDF.")
    made: list[Path] = []
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as out:
        done = subprocess.run([office, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                               "--convert-to", "pdf", "--outdir", out, *map(str, documents)], capture_output=True,
                              text=True, timeout=60 + 20 * len(documents))
        for docx in documents:
            pdf = Path(out) / f"{docx.stem}.pdf"
            if not pdf.exists():
                raise UsageError(f"LibreOffice không chuyển được {docx.name} sang PDF: {done.stderr.strip()[:300]}")
            target = docx.with_suffix(".pdf")
            with replacing(target) as temporary:
                shutil.copyfile(pdf, temporary)
            made.append(target)
    return made


def _made_by_kit(pdf: Path) -> bool:
    """A PDF whose author is the kit (``render`` names it in the .docx's properties, and LibreOffice or Word carry
    that over into the PDF, as UTF-16 in its information dictionary or as text in its XMP)."""
    try:
        data = pdf.read_bytes()
    except OSError:
        return False
    utf16 = "FEFF" + AUTHOR.encode("utf-16-be").hex()  # any version of the kit
    marks = (AUTHOR.encode("utf-8"), utf16.upper().encode("ascii"), utf16.lower().encode("ascii"))
    return any(mark in data for mark in marks)


def remove_stale_pdfs(documents: list[Path]) -> list[Path]:
    """Remove the PDF the kit made earlier beside each of ``documents`` (just rewritten without ``--pdf``): it
    shows the previous version and would contradict the new .docx. A PDF someone else made is left alone."""
    removed = []
    for docx in documents:
        pdf = docx.with_suffix(".pdf")
        if pdf.is_file() and _made_by_kit(pdf):
            pdf.unlink()
            removed.append(pdf)
    return removed
