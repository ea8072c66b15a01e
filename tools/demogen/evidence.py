"""Invented evidence files for a few demo units, cited from their forms (issue #15).

Some units send a folder, one a zip, beside their form (kit.intake.evidence). One cited file is left out and one
sent file is cited by no criterion, so ``kit check`` on the demo shows both; the senders' other scored rows explain
why they have no file, but one, which ``kit check`` shows as a scored row with neither file nor explanation. The
PDFs and PNGs are drawn by matplotlib with fixed metadata (no dates, no software version): regenerating gives
identical bytes. The files are small on purpose (a Type 3 font subset per PDF, 60 dpi pictures): the demo stays
light in the repository.
"""

from __future__ import annotations

import io
import random
import tempfile
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook

from kit.config.campaign import Campaign
from kit.intake.layout import COLUMNS
from kit.outputs.forms import HEADER_ROW, form_name

# (year, unit) -> how its evidence travels; the first cites a file it does not send, the zip carries an extra one
SENDERS = {(2025, "NV"): "folder", (2025, "VP"): "zip", (2024, "TTCT"): "folder"}
NOT_SENT = (2025, "NV")
UNCITED = (2025, "VP")
FIXED_TIME = (2022, 2, 2, 0, 0, 0)
PAPER_ONLY = "Văn bản giấy, lưu tại đơn vị (không có bản điện tử)"


def _pdf(unit_name: str, title: str, lines: list[str]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8.27 / 2, 11.69 / 2))
    fig.text(0.08, 0.93, unit_name.upper(), fontsize=8)
    fig.text(0.08, 0.88, title, fontsize=8)
    for i, line in enumerate([*lines, "Dữ liệu minh họa — văn bản không có thật."]):
        fig.text(0.08, 0.82 - 0.04 * i, line, fontsize=7)
    out = io.BytesIO()
    fig.savefig(out, format="pdf", metadata={"Creator": None, "Producer": None, "CreationDate": None})
    plt.close(fig)
    return out.getvalue()


def _png(caption: str, rng: random.Random) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3.2, 2.2), dpi=60)
    ax.bar(["Q1", "Q2", "Q3", "Q4"], [rng.randint(2, 9) for _ in range(4)], color="#1565c0")
    ax.set_title(caption, fontsize=8)
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    plt.close(fig)
    return out.getvalue()


def _xlsx(rows: list[tuple]) -> bytes:
    """A small table, with the demo forms' fixed timestamps (generate._stable_zip works on a file)."""
    from tools.demogen.generate import _stable_zip

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "table.xlsx"
        wb.save(path)
        _stable_zip(path)
        return path.read_bytes()


def _files_for(code: str, evidence: str, unit_name: str, year: int, slot: int, rng: random.Random
               ) -> dict[str, bytes]:
    """The files one criterion cites: a document with a picture, a document with a table, or a picture."""
    tag = code.replace(".", "-")
    if slot == 2:
        return {f"anh-{tag}.png": _png(f"Ảnh minh họa: kết quả ({code})", rng)}
    doc = {f"KH-{tag}.pdf": _pdf(unit_name, f"KẾ HOẠCH — tiêu chí {code}, năm {year}", [evidence[:70]])}
    if slot == 0:
        doc[f"anh-hop-{tag}.png"] = _png(f"Ảnh minh họa: họp triển khai ({code})", rng)
    if slot == 1:
        doc[f"so-lieu-{tag}.xlsx"] = _xlsx([("Chỉ tiêu", "Kết quả (%)"), ("Hồ sơ trực tuyến", rng.randint(60, 99)),
                                             ("Dữ liệu minh họa", None)])
    return doc


def generate_evidence(campaign: Campaign, seed: int) -> None:
    """Cite files from the forms of ``SENDERS`` and write those files beside the forms."""
    from tools.demogen.generate import _stable_zip

    rng = random.Random(seed)
    col = {f: i + 1 for i, (f, _, _) in enumerate(COLUMNS)}
    for (year, code), how in SENDERS.items():
        unit = campaign.unit(code)
        assert unit is not None, code
        folder = campaign.submissions_dir(year)
        form = folder / form_name(unit, year)
        wb = load_workbook(form)
        ws = wb.active
        files: dict[str, bytes] = {}
        cited, left_bare = 0, 0
        for r in range(HEADER_ROW + 1, ws.max_row + 1):
            evidence, score = ws.cell(r, col["evidence"]).value, ws.cell(r, col["self"]).value
            if not evidence or not isinstance(score, (int, float)) or score <= 0:
                continue
            if cited >= 3:  # the other scored rows say why no file, all but one (kit check names that one)
                left_bare = left_bare or r
                if r != left_bare and not ws.cell(r, col["explanation"]).value:
                    ws.cell(r, col["explanation"]).value = PAPER_ONLY
                continue
            mine = _files_for(str(ws.cell(r, col["code"]).value), str(evidence), unit.name, year, cited, rng)
            names = list(mine)
            if (year, code) == NOT_SENT and cited == 2:
                names.append("QD-khen-thuong-2024.pdf")  # cited, never sent: kit check lists it
            ws.cell(r, col["evidence"]).value = f"{evidence}; tệp: {', '.join(names)}"
            files.update(mine)
            cited += 1
        if (year, code) == UNCITED:
            files["bien-ban-khac.pdf"] = _pdf(unit.name, "BIÊN BẢN (gửi kèm, không tiêu chí nào dẫn)", [])
        wb.save(form)
        _stable_zip(form)
        if how == "folder":
            target = folder / f"{code}_{year}"
            target.mkdir()
            for name, data in files.items():
                (target / name).write_bytes(data)
        else:
            with zipfile.ZipFile(folder / f"{code}_{year}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
                for name, data in files.items():
                    zf.writestr(zipfile.ZipInfo(f"{code}_{year}/{name}", FIXED_TIME), data, zipfile.ZIP_DEFLATED)
