"""Text that reaches a spreadsheet stays text: every xlsx every command writes is scanned for formula cells.

Unit names, the campaign's name, criterion text, evidence and the evaluator's name are typed by people; in Excel a
cell "=cmd|' /C calc'!A0" or "=HYPERLINK(...)" would run or link (CSV/formula injection). All workbooks go through
kit.outputs.xlsx.save_workbook, which keeps them text.
"""

from __future__ import annotations

import textwrap

from openpyxl import load_workbook

from kit.app.actor import signed_in
from kit.cli import main
from kit.config.campaign import load_campaign
from tests.helpers import CAMPAIGN_YML, FRAMEWORK_YML, GOOD, submit, write_campaign

EVIL = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x.example","bấm")', "@SUM(1+1)", "=1+1"]
RULES = """\
titles: [{code: GK, name: "=HYPERLINK(\\"http://x.example\\")", for: collective}]
yearly:
  - {title: GK, conditions: [{field: percent, min: 0}], quota: {count: 3}, order: [percent]}
"""


def test_no_command_writes_a_formula(tmp_path, capsys):
    units = f"code,name,group\nU1,\"{EVIL[0]}\",A\nU2,{EVIL[2]},A\nU3,Xã Ba,B\n"
    framework = FRAMEWORK_YML.replace('content: "Có kế hoạch CCHC"', "content: '" + EVIL[1] + "'")
    root = write_campaign(tmp_path / "camp", framework=framework, units=units,
                          campaign=CAMPAIGN_YML.replace('name: "Đợt thử nghiệm"', f'name: "{EVIL[3]}"'))
    (root / "commendation.yml").write_text(textwrap.dedent(RULES), encoding="utf-8")
    campaign = load_campaign(root)
    for unit in ("U1", "U2", "U3"):
        submit(campaign, unit, {**GOOD, "1.1": {"answer": "Có", "self": 2, "evidence": EVIL[1]}})
    reports = tmp_path / "out"
    args = ["--campaign", str(root), "--reports", str(reports)]
    assert main(["forms", "--year", "2024", *args]) == 0
    assert main(["results", "--year", "2024", *args]) == 0
    with signed_in("=2+2"):  # no registry: the login is the evaluator's name in the workbook
        assert main(["decisions", "export", "--year", "2024", "--out", str(reports / "tham-dinh.xlsx"), *args]) == 0
    assert main(["awards", "--year", "2024", "--provisional", *args]) == 0
    assert main(["demo", "--no-render", "--quiet", *args]) == 0
    capsys.readouterr()
    books = sorted(reports.rglob("*.xlsx"))
    assert len(books) >= 6  # 3 forms, results, offline workbook, proposals
    seen = set()
    for path in books:
        for ws in load_workbook(path):
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{path.name} {ws.title}!{cell.coordinate} = {cell.value!r}"
                    if isinstance(cell.value, str):
                        seen.update(e for e in EVIL + ["=2+2"] if e in cell.value)
    assert seen == set(EVIL + ["=2+2"])  # every hostile text was written, as text
