"""The picture of the Tờ trình's first page that README shows: `python -m tools.doc_picture` (needs LibreOffice and
poppler's pdftoppm). Made from the demo campaign, like every figure in README."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from kit.app.documents import year_documents
from kit.app.year import load_year
from kit.outputs.official import to_pdf
from tests.helpers import DEMO, ROOT

TARGET = ROOT / "docs" / "to-trinh-trang-1.png"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        batch = year_documents(load_year(DEMO, 2024), Path(folder))
        docx = next(w.path for w in batch.written if w.path.name.startswith("to-trinh-"))
        (pdf,) = to_pdf([docx])
        TARGET.parent.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(TARGET.with_suffix(""))], check=True)
    print(TARGET)


if __name__ == "__main__":
    main()
