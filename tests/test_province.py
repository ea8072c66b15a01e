"""The province example end to end: from an empty folder, kit init --example tinh, forms, check, results, render,
docs; and nothing the outputs say names the demo's district."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from kit.app.init.example import COMMUNES, DEPARTMENTS, WARDS, create_example, fill_submissions
from kit.app.reports import SCORECARD
from kit.app.year import load_year
from kit.cli import main
from kit.config.campaign import load_campaign
from kit.core.vocab import Status
from kit.outputs.render import Job, render

DEMO_PLACE = "Châu Thành"


def _texts(folder: Path) -> dict[Path, str]:
    """The words of every output in ``folder``: text files, HTML without tags, Word and Excel files' XML parts."""
    out = {}
    for path in folder.rglob("*"):
        if path.suffix in (".txt", ".csv", ".yml", ".html", ".ipynb"):
            out[path] = re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))
        elif path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as zf:
                out[path] = " ".join(re.sub(r"<[^>]+>", " ", zf.read(n).decode("utf-8"))
                                     for n in zf.namelist() if n.endswith(".xml"))
    return out


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> Path:
    """The example with its submissions, results written (shared by the tests that only read it)."""
    root = tmp_path_factory.mktemp("tinh")
    assert main(["init", "--example", "tinh", str(root / "tinh")]) == 0
    assert main(["results", "--campaign", str(root / "tinh"), "--reports", str(root / "reports"),
                 "--year", "2026"]) == 0
    return root


def test_from_an_empty_folder_forms_then_check_before_anything_is_sent(tmp_path, capsys):
    folder = tmp_path / "tinh"
    folder.mkdir()  # empty: accepted
    assert main(["init", "--example", "tinh", "--no-submissions", str(folder)]) == 0
    campaign = load_campaign(folder)
    assert campaign.years == [2026] and campaign.demo and list(campaign.groups) == ["XA", "SO"]
    kinds = [u.kind for u in campaign.units]
    assert (kinds.count("xa"), kinds.count("phuong"), kinds.count("so")) == (COMMUNES, WARDS, DEPARTMENTS) \
        == (82, 14, 14)
    assert main(["forms", "--campaign", str(folder), "--reports", str(tmp_path / "r"), "--year", "2026"]) == 0
    assert len(list((tmp_path / "r" / "forms" / "2026").glob("*.xlsx"))) == 110
    capsys.readouterr()
    assert main(["check", "--campaign", str(folder), "--year", "2026", "--format", "json"]) == 0  # README: 0 = no error
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["files"] == []
    assert sorted(report["missing"]) == sorted(u.code for u in campaign.units)
    statuses = load_year(folder, 2026).check.statuses
    assert len(statuses) == 110 and set(statuses.values()) == {Status.MISSING}  # all "Chưa nộp"
    fill_submissions(folder)  # the units answer
    assert main(["check", "--campaign", str(folder), "--year", "2026"]) == 0
    assert "107 tệp, 0 lỗi" in capsys.readouterr().out


def test_the_example_is_the_same_every_time(tmp_path):
    first = create_example("tinh", tmp_path / "a")
    second = create_example("tinh", tmp_path / "b")
    assert [u.code for u in first.units] == [u.code for u in second.units]
    for name in ("campaign.yml", "units.csv", "criteria/2026-XA.yml", "submissions/2026/received.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    a, b = load_year(tmp_path / "a", 2026).check.table(), load_year(tmp_path / "b", 2026).check.table()
    assert a.drop(columns=["file"], errors="ignore").equals(b.drop(columns=["file"], errors="ignore"))


def test_results_and_documents_of_the_province(province, capsys):
    campaign = load_campaign(province / "tinh")
    results = load_year(campaign, 2026).results.units
    assert len(results) == 110 and results["percent"].notna().sum() == 107
    assert main(["docs", "--campaign", str(province / "tinh"), "--reports", str(province / "reports"),
                 "--year", "2026"]) == 0
    docs = province / "reports" / "2026" / "van-ban"
    assert (docs / "bao-cao-ket-qua-2026.docx").exists() and len(list((docs / "thong-bao").glob("*.docx"))) == 110
    text = _texts(docs)
    assert all("Dữ liệu minh họa" in t for t in text.values())
    assert "SỞ NỘI VỤ" in text[docs / "bao-cao-ket-qua-2026.docx"]


@pytest.mark.notebooks
def test_reports_of_the_province_render_and_never_name_the_demo_district(province, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    root, out = str((province / "tinh").resolve()), province / "reports" / "render"
    assert main(["render", "--campaign", root, "--reports", str(province / "reports"), "--year", "2026",
                 "--jobs", "1", "--quiet"]) == 0  # the yearly report as the operator makes it
    jobs = [Job(SCORECARD, {"campaign": root, "year": 2026, "unit": "PMINHHOA01"}, out / "PMINHHOA01.ipynb"),
            Job(SCORECARD, {"campaign": root, "year": 2026, "unit": "SMINHHOA01"}, out / "SMINHHOA01.ipynb")]
    assert [o.ok for o in render(jobs, workers=1)] == [True] * 2  # two of the 110 scorecards (all: bench)
    yearly = _texts(province / "reports" / "2026")[province / "reports" / "2026" / "bao-cao-nam-2026.html"]
    assert "Phong trào thi đua cải cách hành chính tỉnh Tây Ninh năm 2026" in yearly and "Dữ liệu minh họa" in yearly
    assert ", Tây Ninh" not in yearly  # a province's campaign has no district before its province
    scorecard = _texts(out)[out / "PMINHHOA01.html"]
    assert "PHƯỜNG MINH HỌA 01" in scorecard and "Dữ liệu minh họa" in scorecard


def test_no_output_of_the_province_names_the_demo_district(province):
    """Item 3 of #24: the CLI, forms, check, results, documents and reports take the campaign's own name, body
    and place. Runs after the others in this module when they ran (the rendered reports are then included)."""
    main(["forms", "--campaign", str(province / "tinh"), "--reports", str(province / "reports"), "--year", "2026"])
    main(["docs", "--campaign", str(province / "tinh"), "--reports", str(province / "reports"), "--year", "2026"])
    texts = {**_texts(province / "tinh"), **_texts(province / "reports")}
    assert len(texts) > 200
    named = sorted(str(p.relative_to(province)) for p, t in texts.items() if DEMO_PLACE in t)
    assert named == []


def test_the_command_line_names_no_campaign_of_its_own(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert DEMO_PLACE not in capsys.readouterr().out
