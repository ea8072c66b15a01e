"""Benchmark: the documents of a year (``kit docs --year 2024 --pdf``) on the demo campaign.

Times, in one run:
  - writing every .docx of the year from the templates (report, notices, Tờ trình, draft decision, achievement
    reports), per document;
  - their PDFs in ONE LibreOffice run (what ``kit docs --pdf`` does);
  - the plain way a user would do it: one ``soffice --convert-to pdf`` per document (opening each in LibreOffice
    and exporting is slower still), on the first ``--loop-limit`` documents, extrapolated to all;
and prints the ratio.

    python bench/documents.py [--loop-limit 10]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kit.app.documents import year_documents  # noqa: E402
from kit.app.year import load_year  # noqa: E402
from kit.outputs.official import to_pdf  # noqa: E402
from tests.helpers import DEMO  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loop-limit", type=int, default=10)
    args = parser.parse_args()
    office = shutil.which("soffice")
    yd = load_year(DEMO, 2024)  # untimed: the year's state, as every command shares it
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        batch = year_documents(yd, Path(folder) / "docx")
        docx_time = time.perf_counter() - start
        paths = [w.path for w in batch.written]
        print(f"{len(paths)} văn bản .docx: {docx_time:.2f} s ({1000 * docx_time / len(paths):.0f} ms mỗi văn bản)")
        if office is None:
            print("LibreOffice is not installed: PDF figures skipped")
            return
        start = time.perf_counter()
        to_pdf(paths)
        batch_time = time.perf_counter() - start
        print(f"PDF, một lần chạy LibreOffice cho {len(paths)} văn bản: {batch_time:.2f} s")
        sample = paths[: args.loop_limit]
        start = time.perf_counter()
        for path in sample:
            with tempfile.TemporaryDirectory() as profile:
                subprocess.run([office, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                                "--convert-to", "pdf", "--outdir", str(Path(folder) / "loop"), str(path)],
                               check=True, capture_output=True)
        loop_time = (time.perf_counter() - start) / len(sample) * len(paths)
        print(f"PDF, vòng lặp soffice từng văn bản (đo {len(sample)}, suy ra {len(paths)}): {loop_time:.1f} s")
        print(f"Tỷ lệ vòng lặp / một lần chạy: {loop_time / batch_time:.1f}×")
        print(f"Toàn bộ kit docs --year 2024 --pdf: {docx_time + batch_time:.1f} s")


if __name__ == "__main__":
    main()
