"""Administrative documents in the layout of Decree 30/2020/NĐ-CP (Appendix I), as .docx.

What the office signs and files is a Word document, not a notebook: A4, Times New Roman, the issuing body and its
parent top left, the national motto top right, the number and the italic place-and-date line, the title, a
justified body, the signature block, "Nơi nhận", page numbers from page 2. ``Document`` lays those out; the
documents themselves (``kit.outputs.documents``) only say what goes in them. A value the configuration does not
give (the number, the signer's name) is printed as "…" and listed, never invented.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document as new_document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from kit.config.issuers import Issuer, letterhead
from kit.core.atomic import replacing
from kit.core.errors import UsageError

FONT = "Times New Roman"
GAP = "…"  # what a missing value prints as
MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 15}  # mm (Decree 30: 20–25, 20–25, 30–35, 15–20)


def date_line(place: str, day: dt.date) -> str:
    return f"{place or GAP}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


@dataclass
class Document:
    """One document being written; ``missing`` lists the values printed as "…"."""

    issuer: Issuer
    number: str  # e.g. "…/TTr-HĐTĐKT"
    day: dt.date
    demo_note: str = ""
    missing: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
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
        if self.demo_note:
            for header in (section.header, section.first_page_header):
                self._text(header.add_paragraph(), f"{self.demo_note}: văn bản mẫu, không có giá trị.", 11,
                           bold=True, color=RGBColor(0xB0, 0, 0), align=WD_ALIGN_PARAGRAPH.CENTER)
        self._heading()

    # -- building blocks -------------------------------------------------------------------------------------
    def _text(self, paragraph, text: str, size: float, *, bold: bool = False, italic: bool = False,
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

    def _value(self, value: str, what: str) -> str:
        if value.strip():
            return value
        self.missing.append(what)
        return GAP

    @staticmethod
    def _page_number(paragraph) -> None:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
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
    def _no_borders(table) -> None:
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:val"), "nil")
            borders.append(element)
        table._tbl.tblPr.append(borders)

    def _heading(self) -> None:
        """Issuing body (and its parent) with the number on the left; Quốc hiệu, Tiêu ngữ and the date line on
        the right (Decree 30/2020, Appendix I, items 1–4)."""
        above, body = letterhead(self.issuer)
        table = self.doc.add_table(rows=1, cols=2)
        self._no_borders(table)
        self._widths(table, [72, 93])
        left, right = table.rows[0].cells
        center = WD_ALIGN_PARAGRAPH.CENTER
        self._text(left.paragraphs[0], above.upper(), 12, align=center)
        self._text(left.add_paragraph(), self._value(body, "tên cơ quan ban hành").upper(), 12, bold=True,
                   align=center)
        self._text(left.add_paragraph(), "———", 13, align=center)
        self._text(left.add_paragraph(), f"Số: {self.number}", 13, align=center)
        self._text(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True, align=center)
        self._text(right.add_paragraph(), "Độc lập - Tự do - Hạnh phúc", 13, bold=True, underline=True, align=center)
        self._text(right.add_paragraph(), "", 13)
        self._text(right.add_paragraph(), date_line(self._value(self.issuer.place, "địa danh"), self.day), 14,
                   italic=True, align=center)

    # -- content ---------------------------------------------------------------------------------------------
    def title(self, kind: str, subject: str) -> None:
        self._text(self.doc.add_paragraph(), "", 14)
        self._text(self.doc.add_paragraph(), kind.upper(), 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        self._text(self.doc.add_paragraph(), subject, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    def addressee(self, to: str) -> None:
        self._text(self.doc.add_paragraph(), "", 14)
        self._text(self.doc.add_paragraph(), f"Kính gửi: {self._value(to, 'nơi nhận tờ trình (Kính gửi)')}", 14,
                   align=WD_ALIGN_PARAGRAPH.CENTER)

    def paragraph(self, text: str, *, bold: bool = False) -> None:
        p = self.doc.add_paragraph()
        self._text(p, text, 14, bold=bold, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        p.paragraph_format.first_line_indent = Mm(10)
        p.paragraph_format.space_after = Pt(6)

    def table(self, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
        """A bordered table whose header row repeats on every page and whose rows never split across pages."""
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            self._text(cell.paragraphs[0], text, 12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        self._row_flags(table.rows[0], header=True)
        for values in rows:
            row = table.add_row()
            for cell, text in zip(row.cells, values, strict=True):
                self._text(cell.paragraphs[0], text, 12)
            self._row_flags(row)
        self._widths(table, widths)

    @staticmethod
    def _row_flags(row, header: bool = False) -> None:
        props = row._tr.get_or_add_trPr()
        for name in ("w:cantSplit", *(("w:tblHeader",) if header else ())):
            element = OxmlElement(name)
            element.set(qn("w:val"), "true")
            props.append(element)

    def closing(self, recipients: list[str], signer_name: str) -> None:
        """Nơi nhận (left, 12 pt bold italic; items 11 pt) and the signature block (right: authority, title,
        space for the signature, name)."""
        self._text(self.doc.add_paragraph(), "", 14)
        table = self.doc.add_table(rows=1, cols=2)
        self._no_borders(table)
        self._widths(table, [80, 85])
        left, right = table.rows[0].cells
        self._text(left.paragraphs[0], "Nơi nhận:", 12, bold=True, italic=True)
        for i, item in enumerate(recipients):
            self._text(left.add_paragraph(), f"- {item}{'.' if i == len(recipients) - 1 else ';'}", 11)
        center = WD_ALIGN_PARAGRAPH.CENTER
        lines = [x for x in self._value(self.issuer.signer, "chức vụ người ký").split("\n")]
        self._text(right.paragraphs[0], lines[0].upper(), 14, bold=True, align=center)
        for line in lines[1:]:
            self._text(right.add_paragraph(), line.upper(), 14, bold=True, align=center)
        for _ in range(4):
            self._text(right.add_paragraph(), "", 14)
        self._text(right.add_paragraph(), self._value(signer_name, "họ tên người ký"), 14, bold=True, align=center)

    def page_break(self) -> None:
        self.doc.add_page_break()

    def save(self, path: Path) -> Path:
        with replacing(path) as temporary:
            self.doc.save(str(temporary))
        return path


def to_pdf(docx: Path) -> Path:
    """The PDF beside a .docx, made by LibreOffice headless (its own profile: an office copy of LibreOffice left
    open does not block it). Raises ``UsageError`` saying how to install LibreOffice when it is missing."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise UsageError("Chưa cài LibreOffice nên không tạo được PDF. Linux: sudo apt install "
                         "libreoffice-writer-nogui; Windows: cài LibreOffice từ libreoffice.org rồi chạy lại; hoặc mở "
                         "tệp .docx bằng Word và chọn Lưu thành PDF.")
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as out:
        done = subprocess.run([office, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                               "--convert-to", "pdf", "--outdir", out, str(docx)], capture_output=True, text=True,
                              timeout=300)
        made = Path(out) / f"{docx.stem}.pdf"
        if done.returncode != 0 or not made.exists():
            raise UsageError(f"LibreOffice không chuyển được {docx.name} sang PDF: {done.stderr.strip()[:300]}")
        target = docx.with_suffix(".pdf")
        with replacing(target) as temporary:
            shutil.copyfile(made, temporary)
    return target
