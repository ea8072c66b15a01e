"""Batch rendering of the report notebooks, one reused kernel per worker.

Starting a kernel costs more than running a small report, so each worker process starts one
kernel and runs its notebooks through papermill (same parameter injection, metadata and error
cell as the ``papermill`` CLI) with that kernel, resetting the namespace and the execution
counter before each notebook. The HTML copy without code is made in the worker with nbconvert's
exporter, not by one CLI call per file. A failing notebook is reported and keeps papermill's
error cell; the others go on.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing as mp
import os
import queue as queue_module
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from kit.core import vn
from kit.core.atomic import replacing, write_text

TEMPLATES = Path(__file__).resolve().parent / "templates"  # kit_report: the lab look, no scripts from the internet


def notebooks_dir() -> Path:
    """The report notebooks: shipped inside the installed package (``kit/notebooks``, mapped at build time from the
    project's ``notebooks/`` folder, their one source), or that folder itself in a source checkout."""
    installed = Path(__file__).resolve().parents[1] / "notebooks"
    return installed if installed.is_dir() else Path(__file__).resolve().parents[2] / "notebooks"


NOTEBOOKS = notebooks_dir()
NOTEBOOK_TIMEOUT = 600  # seconds a notebook may run before its worker is stopped and the notebook reported


def reset_namespace() -> None:
    """Run in a worker's kernel before each notebook: figures closed, an empty namespace, the execution count
    back to 1 — as a fresh kernel, without the full garbage collection IPython's reset makes each time."""
    import gc

    import matplotlib.pyplot as plt
    from IPython import get_ipython

    plt.close("all")
    collect = gc.collect
    gc.collect = lambda *args, **kwargs: 0  # the displayhook's flush collects; the next automatic pass will
    try:
        get_ipython().reset(new_session=True)
    finally:
        gc.collect = collect


def kernel_call(function: Callable, *args: object) -> str:
    """The code that makes a worker's kernel call ``function(*args)`` by its importable name.

    Kernel code is never written as a string of imports: the sender holds the function itself, so the import
    contract (tests/test_layers.py) sees the dependency like any other; the arguments go as Python literals."""
    module, name = function.__module__, function.__qualname__
    if "<" in name or "." in name:
        raise ValueError(f"{module}.{name} is not a module-level function a kernel can import")
    # the name stays in the namespace: the reset that follows clears it (and a reset cannot ``del`` it after itself)
    return f"from {module} import {name} as _kit_call\n_kit_call({', '.join(map(repr, args))})"


RESET = kernel_call(reset_namespace)


@dataclass(frozen=True)
class Job:
    notebook: str  # file name in notebooks/
    parameters: dict
    output: Path  # the executed .ipynb; the .html goes beside it
    title: str = ""  # what the browser tab of the HTML copy says (default: the file name)
    kind: str = ""  # the report kind that laid it out (kit.app.reports)
    first: bool = False  # a long notebook: handed out before the short ones

    @property
    def label(self) -> str:
        return self.output.stem


@dataclass
class Rendered:
    job: Job
    ok: bool
    seconds: float
    error: str = ""
    open_files: int = 0  # the worker's open file descriptors after this notebook (a leak shows as growth)


def _engine():
    """A papermill engine whose client resets the (reused) kernel before running the cells."""
    from nbclient.util import run_sync
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class ResettingClient(PapermillNotebookClient):
        def __init__(self, nb_man, kc=None, **kwargs):
            super().__init__(nb_man, **kwargs)
            self.kc = kc  # nbclient sets it to None: every notebook would start, and leak, a new client

        def papermill_execute_cells(self):
            run_sync(self._reset)()
            super().papermill_execute_cells()

        async def _reset(self):
            reply = await self.async_wait_for_reply(self.kc.execute(RESET, silent=True, store_history=False))
            if reply["content"]["status"] != "ok":  # never a report made in what the previous one left behind
                raise RuntimeError(f"không đặt lại được kernel trước báo cáo: {reply['content'].get('ename')}")

    class ReusedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                     start_timeout=60, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log_output=log_output, stdout_file=stdout_file,
                                 stderr_file=stderr_file)
            return ResettingClient(nb_man, **final).execute()

    papermill_engines.register("kit-reused-kernel", ReusedKernelEngine)
    return "kit-reused-kernel"


@functools.cache
def _exporter():
    """One HTML exporter per process: it compiles its templates once."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="kit_report", extra_template_basedirs=[str(TEMPLATES)], exclude_input=True,
                        exclude_input_prompt=True, exclude_output_prompt=True)


def to_html(nb, path: Path, title: str) -> None:
    """HTML without code, for meetings and for units."""
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    write_text(path, body)


def _run_one(job: Job, km, kc, engine: str, timeout: float, finish: Callable[..., object]) -> Rendered | None:
    """Execute ``job`` in the kernel; the HTML copy is left to ``finish`` (a thread: the kernel meanwhile runs the
    next notebook). Returns the outcome only when there is no HTML to make (a timeout)."""
    import nbformat
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError

    start = time.perf_counter()
    error = ""
    with replacing(job.output) as partial:  # papermill writes as it goes: the real name only once it is whole
        try:
            nb = pm.execute_notebook(str(NOTEBOOKS / job.notebook), str(partial), parameters=job.parameters, km=km,
                                     kc=kc, kernel_name="python3", engine_name=engine, progress_bar=False,
                                     request_save_on_cell_execute=False, execution_timeout=timeout)
        except pm.PapermillExecutionError as exc:
            error = f"{exc.ename}: {exc.evalue}"
            nb = nbformat.read(partial, as_version=4)  # as papermill wrote it, with its error cell
        except CellTimeoutError:
            km.interrupt_kernel()
            return Rendered(job, False, time.perf_counter() - start,
                            f"quá thời gian cho phép ({vn.points(timeout)} s mỗi ô)", _open_files())
    finish(_finish, job, nb, error, start)
    return None


def _finish(job: Job, nb, error: str, start: float) -> Rendered:
    try:
        to_html(nb, job.output.with_suffix(".html"), job.title or job.label)
    except Exception as exc:  # reported with its notebook, like any failure
        error = error or f"{type(exc).__name__}: {exc}"
    return Rendered(job, not error, time.perf_counter() - start, error, _open_files())


def _open_files() -> int:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:  # not Linux: not measured
        return 0


def _start(cwd: str, warm: str, kernel: dict):
    """One kernel and one client for all the notebooks of this worker, warmed up while the worker warms up its
    own side: the kernel imports what the reports import, draws a chart (fonts) and loads the years the jobs
    will read (``warm``: a ``kernel_call`` from the caller, e.g. ``kit.app.kernel.warm``), so that the first
    notebook costs what the others do.
    ``kernel["km"]`` is the manager, for the parent watch (``_die_with``)."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    # The kernel's own log (e.g. its TCP warning) is noise for users; notebook errors land in the notebooks.
    km.start_kernel(cwd=cwd, stderr=subprocess.DEVNULL)
    kernel["km"] = km
    kc = km.client()
    kc.start_channels()
    engine = _engine()  # the worker's side, while the kernel starts
    _exporter().from_notebook_node(_tiny_notebook())
    kc.wait_for_ready(timeout=120)
    try:  # a failure here shows again, in its notebook
        kc.execute_interactive(warm or "pass", silent=True, store_history=False, timeout=300,
                               output_hook=lambda message: None)
    except TimeoutError:
        pass
    return km, kc, engine


def _tiny_notebook():
    import nbformat

    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("*a*")])


def _worker(jobs: mp.Queue, results: mp.Queue, cwd: str, timeout: float, warm: str, stop) -> None:
    # jsonschema (under nbformat) imports rfc3987_syntax when it is installed, which builds a grammar for a
    # second; notebooks are validated without the "iri" formats it checks. Not imported: a second per worker.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    os.chdir(cwd)
    kernel: dict = {}
    _die_with(os.getppid(), kernel)
    km, kc, engine = _start(cwd, warm, kernel)
    html = ThreadPoolExecutor(max_workers=1)  # one HTML copy at a time, beside the kernel's next notebook

    def finish(make: Callable[..., Rendered], *args) -> None:
        html.submit(lambda: results.put(make(*args)))

    try:
        while not stop.is_set() and (job := jobs.get()) is not None:
            results.put((os.getpid(), job))  # started: the parent stops a worker stuck on one notebook
            try:
                timed_out = _run_one(job, km, kc, engine, timeout, finish)
                if timed_out:
                    results.put(timed_out)
            except Exception as exc:  # a notebook that cannot even be written is reported, not fatal
                results.put(Rendered(job, False, 0.0, f"{type(exc).__name__}: {exc}"))
            if not km.is_alive():  # a notebook killed its kernel: start another for the next one
                kc.stop_channels()
                km, kc, engine = _start(cwd, warm, kernel)
    finally:
        html.shutdown(wait=True)
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _die_with(parent: int, kernel: dict) -> None:
    """End this worker and its kernel when the process that started it is gone (``kit render`` killed, its
    window closed): a thread notices that this process was handed to another parent, kills the kernel it
    started and exits, so no worker or kernel runs on unseen."""
    import signal
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.3)
        pid = getattr(getattr(kernel.get("km"), "provisioner", None), "pid", None)
        if pid:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="kit-parent-watch").start()


class Pool:
    """Worker processes, each with its warmed-up kernel, started ahead of their jobs.

    Starting a worker (a process, a kernel, the imports, the years loaded in the kernel) takes seconds; the
    caller starts the pool first and meanwhile checks and loads the data, then hands the jobs over (``run``, or
    ``submit`` then ``collect`` to write the tables meanwhile). A pool runs one batch; leaving the ``with``
    block stops the workers.
    """

    def __init__(self, workers: int, *, timeout: float = NOTEBOOK_TIMEOUT, warm: str = ""):
        self.ctx = mp.get_context("spawn")
        self.todo, self.results, self.stop = self.ctx.Queue(), self.ctx.Queue(), self.ctx.Event()
        self.timeout, self.warm, self.size = timeout, warm, max(1, workers)
        self.procs: dict[int, mp.process.BaseProcess] = {}
        self.jobs: list[Job] = []
        for _ in range(self.size):
            self._spawn()

    def _spawn(self) -> None:
        process = self.ctx.Process(target=_worker, daemon=True, args=(self.todo, self.results, os.getcwd(),
                                                                      self.timeout, self.warm, self.stop))
        process.start()
        assert process.pid is not None
        self.procs[process.pid] = process

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers: those still warming up stop before taking a job; each shuts its kernel down."""
        self.stop.set()
        for _ in self.procs:
            self.todo.put(None)
        for process in self.procs.values():
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
        self.procs.clear()

    def run(self, jobs: list[Job], progress: Callable[[Rendered], None] | None = None) -> list[Rendered]:
        self.submit(jobs)
        return self.collect(progress)

    def submit(self, jobs: list[Job]) -> None:
        """Hand ``jobs`` to the workers, who start on them at once; ``collect`` waits for the outcomes."""
        # Big notebooks first, so the pool does not end waiting on one long report.
        for job in sorted(jobs, key=lambda j: not j.first):
            self.todo.put(job)
        self.jobs += jobs

    def collect(self, progress: Callable[[Rendered], None] | None = None) -> list[Rendered]:
        """The outcomes of the submitted jobs, in completion order (``progress`` hears each one).

        A worker that dies, or stays on one notebook longer than the timeout (plus a margin for the HTML copy),
        is stopped; the notebook it held is reported failed with the reason, the others go on in the other
        workers (or in a new one when none is left). The run always ends.
        """
        jobs = self.jobs
        # worker pid -> the notebooks it started and has not reported, since when: the one in its kernel last,
        # the one before it possibly still in its HTML thread (both are lost if the worker dies)
        running: dict[int, list[tuple[Job, float]]] = {}
        outcomes: list[Rendered] = []

        def fail(job: Job, reason: str) -> None:
            outcomes.append(Rendered(job, False, 0.0, reason))
            if progress:
                progress(outcomes[-1])

        while len(outcomes) < len(jobs):
            try:
                message = self.results.get(timeout=1)
            except queue_module.Empty:
                now = time.monotonic()
                for pid, process in list(self.procs.items()):
                    held = running.pop(pid, [])
                    stuck = bool(held) and now - held[-1][1] > self.timeout * 1.1 + 5  # a cell timeout would fire
                    if process.is_alive() and not stuck:
                        running[pid] = held
                        continue
                    if process.is_alive():
                        process.kill()
                    self.procs.pop(pid)
                    for job, _ in held:
                        fail(job, "quá thời gian cho phép, đã dừng" if stuck and job is held[-1][0]
                             else "tiến trình dừng bất thường")
                    if held:
                        self._spawn()  # takes the place (and the jobs) of the stopped one
                if not self.procs:  # nobody left to take what remains
                    done = {o.job.output for o in outcomes}  # (a Job holds a dict: not hashable)
                    for job in jobs:
                        if job.output not in done:
                            fail(job, "tiến trình dừng bất thường")
                continue
            if isinstance(message, tuple):
                pid, job = message
                running.setdefault(pid, []).append((job, time.monotonic()))
                continue
            for held in running.values():
                held[:] = [h for h in held if h[0].output != message.job.output]
            outcomes.append(message)
            if progress:
                progress(message)
        return outcomes


def render(jobs: list[Job], workers: int | None = None, progress: Callable[[Rendered], None] | None = None,
           timeout: float = NOTEBOOK_TIMEOUT) -> list[Rendered]:
    """Run ``jobs`` on ``workers`` processes (default: one per core), each with one kernel; see ``Pool.run``."""
    if not jobs:
        return []
    with Pool(min(workers or os.cpu_count() or 1, len(jobs)), timeout=timeout) as pool:
        return pool.run(jobs, progress)
