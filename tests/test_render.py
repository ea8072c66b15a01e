"""Batch rendering: same outputs as a fresh papermill run, failures isolated, unit text kept inert."""

import time

import nbformat
import papermill as pm
import pytest
from openpyxl import load_workbook

from kit.app.reports import FINAL, SCORECARD, SUCCESSOR, YEARLY, jobs_for, render_reports
from kit.cli import main
from kit.config.campaign import load_campaign
from kit.outputs.render import NOTEBOOKS, Job, render
from kit.store.gradebook import Decision
from tests.helpers import DEMO, GOOD, copy_demo, fill_form

pytestmark = pytest.mark.notebooks  # every test here runs report notebooks in kernels

EVIL = '<script>alert("xss")</script> <b>đậm</b> =HYPERLINK("http://x.example","bấm")'


def _outputs(nb):
    """What a reader sees: every code cell's execution count and outputs, without timing metadata."""
    return [(c.execution_count, [{k: v for k, v in o.items() if k != "metadata"} for o in c.outputs])
            for c in nb.cells if c.cell_type == "code"]


@pytest.fixture
def fixed_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")


def test_reused_kernel_outputs_equal_fresh_papermill_runs(tmp_path, fixed_time):
    root = str(DEMO.resolve())
    jobs = [Job(SCORECARD, {"campaign": root, "year": 2024, "unit": "VP"}, tmp_path / "a" / "VP.ipynb"),
            Job(YEARLY, {"campaign": root, "year": 2023}, tmp_path / "a" / "y2023.ipynb"),
            Job(SCORECARD, {"campaign": root, "year": 2023, "unit": "ANCO"}, tmp_path / "a" / "ANCO.ipynb")]
    outcomes = render(jobs, workers=1)  # one kernel runs all three, one after the other
    assert [o.ok for o in outcomes] == [True, True, True]
    for job in jobs:
        fresh = pm.execute_notebook(str(NOTEBOOKS / job.notebook), str(tmp_path / f"fresh-{job.output.name}"),
                                    parameters=job.parameters, kernel_name="python3", progress_bar=False)
        assert _outputs(nbformat.read(job.output, as_version=4)) == _outputs(fresh), job.label
        html = job.output.with_suffix(".html").read_text(encoding="utf-8")
        assert "Dữ liệu minh họa" in html and "load_year" not in html  # no code in the meeting copy
    assert "alt=\"" in (tmp_path / "a" / "y2023.html").read_text(encoding="utf-8")


def test_a_failing_notebook_does_not_stop_the_others(tmp_path):
    root = str(DEMO.resolve())
    jobs = [Job(SCORECARD, {"campaign": root, "year": 2024, "unit": "KHONGCO"}, tmp_path / "bad.ipynb"),
            Job(SCORECARD, {"campaign": root, "year": 2024, "unit": "NV"}, tmp_path / "good.ipynb")]
    outcomes = {o.job.label: o for o in render(jobs, workers=1)}
    assert not outcomes["bad"].ok and "KeyError" in outcomes["bad"].error and outcomes["good"].ok
    bad = nbformat.read(tmp_path / "bad.ipynb", as_version=4)
    assert "papermill-error-cell-tag" in bad.cells[0].metadata.get("tags", [])
    assert (tmp_path / "bad.html").exists() and (tmp_path / "good.html").exists()


def test_unit_supplied_text_stays_inert(tmp_path):
    data = copy_demo(tmp_path / "data")
    fill_form(data / "submissions" / "2024" / "NV_2024.xlsx",
              {"1.1": {**GOOD["1.1"], "evidence": EVIL, "explanation": "+84 912 345 678"}})
    campaign = load_campaign(data)
    job = Job(SCORECARD, {"campaign": str(data.resolve()), "year": 2024, "unit": "NV"}, tmp_path / "out" / "NV.ipynb")
    (outcome,) = render([job], workers=1)
    assert outcome.ok, outcome.error
    html = job.output.with_suffix(".html").read_text(encoding="utf-8")
    assert '<script>alert("xss")' not in html and "<b>đậm</b>" not in html
    assert "&lt;script&gt;alert(" in html and "&lt;b&gt;đậm&lt;/b&gt;" in html
    assert main(["results", "--campaign", str(data), "--year", "2024", "--out", str(tmp_path / "kq.xlsx")]) == 0
    wb = load_workbook(tmp_path / "kq.xlsx")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert any(c.value == EVIL and c.data_type == "s" for c in cells)
    assert not [c for c in cells if c.data_type == "f"]
    assert campaign.unit("NV")


def test_jobs_for_lays_out_reports(tmp_path):
    campaign = load_campaign(DEMO)
    jobs = jobs_for(campaign, tmp_path, years=[2024], final=True) + jobs_for(campaign, tmp_path, years=[2024],
                                                                          units=True)
    names = [j.output.relative_to(tmp_path).as_posix() for j in jobs]
    assert names[:4] == ["2024/bao-cao-nam-2024.ipynb", "final/bao-cao-tong-ket-2022-2025.ipynb",
                         "final/bao-cao-tong-ket-2022-20250630.ipynb",  # the district's own, on the day it ceased
                         "final/tong-ket-XCHAUTHANH-2022-2025.ipynb"]  # then the other 7 successors' finals
    assert jobs[2].parameters["period_end"] == "30/06/2025"
    assert len(names) == 3 + 8 + 32 and "2024/don-vi/NV-2024.ipynb" in names  # 12 offices, 15 communes, 5 agencies
    assert {j.notebook for j in jobs} == {YEARLY, FINAL, SUCCESSOR, SCORECARD}
    assert all(j.first for j in jobs[:11]) and not any(j.first for j in jobs[11:])  # the long reports go out first
    assert [j.kind for j in jobs[:4]] == ["yearly", "final", "final", "successor"]
    later = jobs_for(campaign, tmp_path, years=[2025], units=True)
    assert len(later) == 23 and not any(j.parameters["unit"] == "HAODUOC" for j in later)  # merged: no scorecard


def test_render_command_reports_and_writes_tables(tmp_path, capsys):
    code = main(["render", "--campaign", str(DEMO), "--reports", str(tmp_path), "--final", "--quiet", "--jobs", "1"])
    assert code == 0 and (tmp_path / "final" / "bao-cao-tong-ket-2022-2025.html").exists()
    assert "10/10 báo cáo" in capsys.readouterr().out  # the period's, the district's own, the 8 successors'
    assert main(["render", "--campaign", str(DEMO), "--reports", str(tmp_path)]) == 2


def _text(page: str) -> str:
    import html as html_module
    import re

    body = re.sub(r"<style.*?</style>|<script.*?</script>", " ", page[page.index("<body"):], flags=re.S)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))).strip()


def test_reports_read_as_official_vietnamese_documents(tmp_path, fixed_time):
    """Decimal commas and two decimals, dd/mm/yyyy, integers for counts, no <NA>, no ISO time, no local path,
    the report first, its title in the browser tab; a unit without a result reads why."""
    import re

    campaign = load_campaign(DEMO)
    wanted = {("NV", 2024), ("XPHUOCVINH", 2025), ("THANHLONG", 2023)}
    jobs = [j for j in jobs_for(campaign, tmp_path, years=[2023, 2024, 2025], units=True)
            if (j.parameters["unit"], j.parameters["year"]) in wanted] + jobs_for(campaign, tmp_path, years=[2024])
    assert all(o.ok for o in render(jobs, workers=1))
    for job in jobs:
        page = job.output.with_suffix(".html").read_text(encoding="utf-8")
        text = _text(page)
        assert f"<title>{job.title}</title>" in page
        assert text.startswith("Dữ liệu minh họa"), text[:80]
        assert str(DEMO.resolve()) not in page and "<NA>" not in text
        assert not re.search(r"\d{4}-\d{2}-\d{2}T\d", text), job.label  # no ISO time stamps
        assert not re.search(r"(?<![\d.,])\d+\.0(?![\d])", text), job.label  # no "44.0"
    nv = _text((tmp_path / "2024" / "don-vi" / "NV-2024.html").read_text(encoding="utf-8"))
    assert re.search(r"Đã nộp \d{1,3},\d{2} ", nv)  # the percentage, with a decimal comma and two decimals
    rejected = _text((tmp_path / "2025" / "don-vi" / "XPHUOCVINH-2025.html").read_text(encoding="utf-8"))
    assert "không được chấp nhận" in rejected and "Tệp bị hỏng" in rejected
    missing = _text((tmp_path / "2023" / "don-vi" / "THANHLONG-2023.html").read_text(encoding="utf-8"))
    assert "chưa nộp phiếu tự đánh giá năm 2023 (hạn nộp 15/12/2023)" in missing
    yearly = _text((tmp_path / "2024" / "bao-cao-nam-2024.html").read_text(encoding="utf-8"))
    assert "UBND HUYỆN CHÂU THÀNH — HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG" in yearly  # the body in office on its date
    later = _text((tmp_path / "2025" / "don-vi" / "XPHUOCVINH-2025.html").read_text(encoding="utf-8"))
    assert "UBND TỈNH TÂY NINH — SỞ NỘI VỤ" in later and "HUYỆN" not in later.split("PHIẾU")[0]
    assert re.search(r"\d{2}:\d{2} \d{2}/\d{2}/\d{4}", yearly)  # open explanations: "08:30 15/12/2024"


def test_a_worker_keeps_one_kernel_client_open_files_stay_flat(tmp_path):
    """Each notebook used to start a kernel client that was never closed (~10 files, a thread): after ~100
    notebooks a worker hit the open-files limit and hung. Under a 256-file limit, 60 notebooks render and the
    worker's open files do not grow."""
    import resource

    notebook = _notebook(tmp_path / "tiny.ipynb", "print(n * 2)", "n = 1")
    jobs = [Job(str(notebook), {"n": i}, tmp_path / "out" / f"t{i}.ipynb") for i in range(60)]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))  # the spawned worker inherits the limit
    try:
        outcomes = render(jobs, workers=1)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok][:2]
    files = [o.open_files for o in sorted(outcomes, key=lambda o: int(o.job.output.stem[1:]))]
    assert files[-1] - files[5] <= 3, files[::10]
    assert "118" in nbformat.read(tmp_path / "out" / "t59.ipynb", as_version=4).cells[-1].outputs[0]["text"]


def _notebook(path, code: str, parameters: str = "x = 0"):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)
    return str(path)


def test_a_dead_or_hung_worker_is_reported_and_the_run_ends(tmp_path):
    killer = _notebook(tmp_path / "kill.ipynb", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")
    sleeper = _notebook(tmp_path / "sleep.ipynb", "import time\ntime.sleep(60)")
    fine = _notebook(tmp_path / "fine.ipynb", "print(x)")
    jobs = [Job(fine, {"x": 0}, tmp_path / "o" / "fine0.ipynb"),  # its HTML copy may be under way when killed
            Job(killer, {}, tmp_path / "o" / "kill.ipynb"), Job(sleeper, {}, tmp_path / "o" / "sleep.ipynb"),
            Job(fine, {"x": 1}, tmp_path / "o" / "fine1.ipynb"), Job(fine, {"x": 2}, tmp_path / "o" / "fine2.ipynb")]
    start = time.monotonic()
    outcomes = {o.job.label: o for o in render(jobs, workers=1, timeout=3)}
    assert time.monotonic() - start < 60 and len(outcomes) == 5
    assert not outcomes["kill"].ok and "dừng bất thường" in outcomes["kill"].error
    assert not outcomes["sleep"].ok and "quá thời gian" in outcomes["sleep"].error
    assert outcomes["fine1"].ok and outcomes["fine2"].ok


def _made(run) -> list[str]:
    return sorted(o.job.label for o in run.outcomes)


def _render_all(campaign, reports, **kwargs):
    return render_reports(campaign, reports, years=campaign.years, final=True, units=True, yearly=True, jobs=1,
                          **kwargs)


def test_a_render_makes_again_only_what_changed(tiny, book, tmp_path, capsys):
    """Unchanged: nothing. One unit's decision: its scorecard and the reports of the year and the period — and
    the scorecards of its group when the decision moves the group's averages they show. A deleted file: its
    report. --force: everything. Every report names the run that made it."""
    reports = tmp_path / "reports"
    command = ["render", "--all", "--campaign", str(tiny.root), "--reports", str(reports), "--quiet", "--jobs", "1"]
    assert main(command) == 0
    first = capsys.readouterr().out
    assert "Đã tạo 5/5 báo cáo" in first
    assert main(command) == 0
    assert "Không có báo cáo nào cần tạo lại (5 báo cáo không đổi" in capsys.readouterr().out

    book.record(Decision(2024, "U1", "1.1", "appraisal", 2.0, "Lan", comment="Đúng kế hoạch"))  # score unchanged
    run = _render_all(tiny, reports)
    assert _made(run) == ["U1-2024", "bao-cao-nam-2024", "bao-cao-tong-ket-2024-2024"] and run.unchanged == 2
    u1 = (reports / "2024" / "don-vi" / "U1-2024.html").read_text(encoding="utf-8")
    assert f"Lượt tạo: {run.run}" in u1 and "Đúng kế hoạch" in u1
    assert f"Lượt tạo: {run.run}" not in (reports / "2024" / "don-vi" / "U2-2024.html").read_text(encoding="utf-8")
    executed = nbformat.read(reports / "2024" / "don-vi" / "U1-2024.ipynb", as_version=4)
    assert executed.metadata.papermill.parameters["run"] == run.run

    book.record(Decision(2024, "U1", "1.1", "appraisal", 0.0, "Lan", comment="Chưa có kế hoạch"))  # group A's mean
    run = _render_all(tiny, reports)
    assert _made(run) == ["U1-2024", "U2-2024", "bao-cao-nam-2024", "bao-cao-tong-ket-2024-2024"]

    (reports / "2024" / "don-vi" / "U3-2024.html").unlink()
    assert _made(_render_all(tiny, reports)) == ["U3-2024"]
    assert len(_render_all(tiny, reports, force=True).outcomes) == 5


def test_a_failed_report_is_made_again_next_run(tiny, book, monkeypatch, tmp_path):
    # The kernels inherit it: every report fails importing matplotlib, outside what the render cache looks at.
    # (An invalid SOURCE_DATE_EPOCH, used before, now stops IPython's own banner: the kernel never got ready and
    # the test waited out the 120 s start timeout.)
    monkeypatch.setenv("MPLBACKEND", "không-có")
    failed = render_reports(tiny, tmp_path, years=[2024], final=False, units=False, yearly=True, jobs=1)
    assert [o.ok for o in failed.outcomes] == [False]
    monkeypatch.delenv("MPLBACKEND")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    again = render_reports(tiny, tmp_path, years=[2024], final=False, units=False, yearly=True, jobs=1)
    assert [o.ok for o in again.outcomes] == [True]
    assert not render_reports(tiny, tmp_path, years=[2024], final=False, units=False, yearly=True).outcomes


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc), children of children included."""
    import os

    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:

    alive = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
                if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.add(pid)
        except OSError:
            continue
    return alive


def test_killing_kit_render_leaves_no_process_and_no_partial_file(tmp_path):
    """A render killed midway (the operator closes the window, the machine runs out of memory): its workers and
    their kernels end with it, and every report file left is whole — old or new, never cut short or empty."""
    import os
    import signal
    import subprocess
    import sys

    from tests.conftest import NotebookLogin
    from tools.demogen import accounts as demo_accounts

    # another process: `kit render` is the operator's, so the demo's operator signs in the way a hub gives the login
    reports = tmp_path / "r"
    proc = subprocess.Popen([sys.executable, "-m", "kit", "render", "--units", "--year", "2024", "--campaign",
                             str(DEMO), "--reports", str(reports), "--jobs", "2", "--quiet", "--force"],
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, **NotebookLogin.LOGIN, "JUPYTERHUB_USER": demo_accounts.OPERATOR})
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and len(list(reports.glob("2024/don-vi/*.html"))) < 4:
        time.sleep(0.1)
    below = _descendants(proc.pid)
    assert len(below) >= 4, below  # two workers, their kernels
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while _alive(below) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _alive(below)
    for pid in left:  # do not leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{len(left)} processes outlived kit render"
    for path in reports.rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            assert path.stat().st_size > 0, path
            if path.suffix == ".ipynb":
                nbformat.read(path, as_version=4)
            elif path.suffix == ".html":
                assert path.read_text(encoding="utf-8").rstrip().endswith("</html>"), path


def test_a_new_kind_of_report_is_one_notebook_and_one_registration(tiny, book, tmp_path, monkeypatch):
    """The run iterates the registry: a toy kind registered from outside the kit is laid out, rendered, cached."""
    from kit.app import reports as registry

    notebook = _notebook(tmp_path / "toy.ipynb", "print('Năm', year)", "campaign = ''\nyear = 0")
    monkeypatch.setattr(registry, "KINDS", {})  # only the toy: the test renders one notebook
    registry.register(registry.ReportKind(
        "toy", str(notebook),
        lambda campaign, reports, sel, base: [Job(notebook, {**base, "year": y}, reports / f"toy-{y}.ipynb")
                                              for y in (sel.years if sel.yearly else [])],  # the kind is stamped
        lambda parameters, years: [parameters["year"]], heavy=True))
    with pytest.raises(ValueError):
        registry.register(registry.ReportKind("toy", str(notebook), lambda *a: [], lambda *a: []))
    out = tmp_path / "reports"
    run = render_reports(tiny, out, years=[2024], final=False, units=False, yearly=True, jobs=1)
    assert [(o.job.kind, o.job.first, o.ok) for o in run.outcomes] == [("toy", True, True)]
    assert "Năm 2024" in (out / "toy-2024.html").read_text(encoding="utf-8")
    assert (out / "2024" / "ket-qua-2024.xlsx").exists()  # the year's tables still come with it
    assert not render_reports(tiny, out, years=[2024], final=False, units=False, yearly=True, jobs=1).outcomes
