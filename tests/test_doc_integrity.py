"""Documents that say only what is true of them: templates checked before rendering, notices that say why a unit
has no result, provisional documents that never promise finality and never replace the official ones (issue 22)."""

from __future__ import annotations

import io

import pytest
from docx import Document as read_docx

from kit.cli import main
from kit.core.errors import UsageError
from kit.outputs.doc_templates import TEMPLATES, default_template
from kit.outputs.official import render
from kit.outputs.template_check import check, check_text


def _all_text(doc) -> str:
    cells = [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _edited(template: bytes, old: str, new: str) -> bytes:
    """The template with ``old`` replaced by ``new`` in the one paragraph holding it, as an office types in Word
    (the text of the paragraph's runs)."""
    doc = read_docx(io.BytesIO(template))
    paragraphs = [p for p in doc.paragraphs] + [p for t in doc.tables for r in t.rows for c in r.cells
                                                for p in c.paragraphs]
    found = [p for p in paragraphs if old in p.text]
    assert found, old
    for run in found[0].runs:
        run.text = run.text.replace(old, new)
    assert new in found[0].text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_brace_missing_in_kinh_gui_stops_that_document_and_names_it(demo_copy, tmp_path, capsys):
    assert main(["docs", "--campaign", str(demo_copy), "--templates"]) == 0
    own = demo_copy / "mau-van-ban" / "to-trinh-khen-thuong.docx"
    own.write_bytes(_edited(own.read_bytes(), "Kính gửi: {{ kinh_gui }}", "Kính gửi: {{ kinh_gui }"))
    capsys.readouterr()
    out = tmp_path / "out"
    assert main(["docs", "--campaign", str(demo_copy), "--year", "2024", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Mẫu văn bản to-trinh-khen-thuong.docx" in err and "«Kính gửi: {{ kinh_gui }»" in err
    assert "Traceback" not in err
    assert not (out / "to-trinh-khen-thuong-2024.docx").exists()  # never written without its Căn cứ
    assert (out / "bao-cao-ket-qua-2024.docx").exists() and (out / "du-thao-quyet-dinh-khen-thuong-2024.docx").exists()
    assert list((out / "thong-bao").glob("*.docx"))  # the other documents are written


@pytest.mark.parametrize(("old", "new", "said"), [
    ("{%p endif %}", "", "khối \"if\" mở ở đoạn «{%p if tam_tinh %}» chưa có thẻ đóng \"endif\""),
    ("{%p if tam_tinh %}", "{% if tam_tinh %}", "khối \"{% if tam_tinh %}\" mở ở đoạn «{% if tam_tinh %}» nhưng đóng"),
    ("{{ co_quan_ten }} kính trình", "{ co_quan_ten }} kính trình", "có \"}}\" mà không có thẻ mở tương ứng"),
    ("{{ kinh_gui }} xem xét", "{{ kinh_gui %} xem xét", "thẻ mở bằng \"{{\" nhưng đóng bằng \"%}\""),
    ("{{ kinh_gui }} xem xét", "{{ kinh gui }} xem xét", "thẻ viết sai cú pháp"),
    ("{%p endif %}", "{%p endif %}{%p endfor %}", "thẻ \"{%p endfor %}\" không có thẻ mở tương ứng"),
])
def test_every_tag_is_checked_before_rendering(old, new, said, tmp_path):
    template = _edited(default_template("to-trinh-khen-thuong"), old, new)
    problems = check(template, "to-trinh-khen-thuong.docx", set(check_text(default_template(
        "to-trinh-khen-thuong")).names))
    assert problems and all(p.startswith("Mẫu văn bản to-trinh-khen-thuong.docx: ") for p in problems)
    assert any(said in p for p in problems), problems
    own = tmp_path / "to-trinh-khen-thuong.docx"
    own.write_bytes(template)
    with pytest.raises(UsageError, match="Mẫu văn bản to-trinh-khen-thuong.docx: "):
        render(own, {}, tmp_path / "o.docx")
    assert not (tmp_path / "o.docx").exists()


def test_a_name_the_document_is_not_given_is_named_with_a_suggestion(tmp_path):
    template = _edited(default_template("thong-bao-ket-qua"), "Kính gửi: {{ don_vi }}", "Kính gửi: {{ don_vj }}")
    given = set(check_text(default_template("thong-bao-ket-qua")).names)
    (problem,) = check(template, "thong-bao-ket-qua.docx", given)
    assert "trường \"don_vj\" không có trong dữ liệu" in problem and "có phải \"don_vi\"?" in problem
    assert "«Kính gửi: {{ don_vj }}»" in problem


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_the_default_templates_are_clean(name):
    assert check_text(default_template(name)).problems == ()


def test_an_unreadable_template_is_a_message(tmp_path):
    bad = tmp_path / "thong-bao-ket-qua.docx"
    bad.write_text("không phải tệp Word")
    with pytest.raises(UsageError, match="Không đọc được mẫu văn bản thong-bao-ket-qua.docx"):
        render(bad, {}, tmp_path / "x.docx")
