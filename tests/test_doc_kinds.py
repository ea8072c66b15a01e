"""The document-kind registry: a new kind is one module and one ``register`` call, and ``kit docs`` writes it."""

import contextlib
import io

import pytest
from docx import Document as read_docx

from kit.app import doc_kinds
from kit.app.doc_kinds import DocumentKind, Scope, register
from kit.cli import main
from kit.outputs.official import Layout
from tests.helpers import DEMO


def _layout() -> Layout:
    d = Layout()
    d.heading()
    d.title("PHIẾU THỬ", "Số đơn vị của năm {{ nam }}")
    d.paragraph("Năm {{ nam }} có {{ so_don_vi }} đơn vị.")
    d.closing()
    return d


def _context(run, _item) -> dict:
    """A toy kind's context: the issuer's frame is the kit's, the body is the kind's own."""
    from kit.app.doc_frame import proposer_frame

    return proposer_frame(run.campaign, run.day, "PT", ["Lưu: VT"]) | {
        "nam": str(run.year.year), "so_don_vi": str(len(run.year.results.units))}


@pytest.fixture
def toy_kind(monkeypatch):
    import kit.app.documents  # noqa: F401  (the kit's own kinds are registered first)

    monkeypatch.setattr(doc_kinds, "KINDS", dict(doc_kinds.KINDS))  # the registration ends with the test
    return register(DocumentKind("phieu-thu", frozenset({Scope.YEAR}), "phieu-thu", context=_context,
                                 file_name=lambda run, _: f"phieu-thu-{run.end}.docx", layout=_layout))


def test_a_registered_kind_is_written_by_kit_docs(toy_kind, tmp_path):
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["docs", "--campaign", str(DEMO), "--year", "2024", "--out", str(tmp_path)]) == 0
    doc = read_docx(tmp_path / "phieu-thu-2024.docx")
    texts = [p.text for p in doc.paragraphs]
    assert "PHIẾU THỬ" in texts and any(t.startswith("Năm 2024 có ") and t.endswith(" đơn vị.") for t in texts)
    assert (tmp_path / "bao-cao-ket-qua-2024.docx").exists()  # the kit's own kinds are still written
    with contextlib.redirect_stdout(io.StringIO()):  # a kind of the year only: the final run does not write it
        assert main(["docs", "--campaign", str(DEMO), "--final", "--out", str(tmp_path / "f")]) == 0
    assert not list((tmp_path / "f").glob("phieu-thu-*"))


def test_a_kind_registered_twice_is_refused(toy_kind):
    with pytest.raises(ValueError, match="phieu-thu"):
        register(toy_kind)


def test_a_kind_whose_values_cannot_be_made_stops_only_itself(toy_kind, tmp_path, capsys):
    """A context builder refusing the configuration (UsageError: no authority that day…) fails that document, named,
    and the others are still written (exit 1), never a traceback through the whole batch."""
    from kit.core.errors import UsageError

    def refuse(run, _item):
        raise UsageError("Không có cấp quyết định ngày 31/12/2024 cho: Phiếu thử.")

    register(DocumentKind("phieu-hong", frozenset({Scope.YEAR}), "phieu-thu", context=refuse,
                          file_name=lambda run, _: f"phieu-hong-{run.end}.docx", layout=_layout))
    assert main(["docs", "--campaign", str(DEMO), "--year", "2024", "--out", str(tmp_path)]) == 1
    said = capsys.readouterr()
    assert "phieu-hong-2024.docx: Không có cấp quyết định" in said.err and "Traceback" not in said.err
    assert (tmp_path / "phieu-thu-2024.docx").exists() and (tmp_path / "bao-cao-ket-qua-2024.docx").exists()
