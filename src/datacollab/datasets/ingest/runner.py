"""The parent side of a parse: start the worker process, watch the clock, read its result.

Whatever the child does (finish, refuse, run out of memory, crash, get killed, hang), the parent
gets an `Outcome`; it never raises for a bad file.

The child is forked by the fork server (forkserver.py), which has the parse's libraries
loaded already: a small file's parse then costs a few hundredths of a second of CPU instead of
most of a second spent starting Python and importing. With DATASETS_INGEST_FORK_SERVER off
(or when the server cannot start) it is a fresh `python -m ...ingest.worker` process, as
before. Both paths give the same Outcome: the fork server reports the child's wait status and
rusage as wait4 gives them to a parent.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import datacollab
from datacollab.datasets.ingest import forkclient
from datacollab.datasets.ingest.limits import Limits
from datacollab.datasets.ingest.worker import RESULT_NAME

log = logging.getLogger(__name__)

POLL_SECONDS = 0.05
STDERR_KEEP = 200  # lines of the child's stderr kept for the log


@dataclass
class Outcome:
    status: str  # valid | invalid | refused
    detected: dict[str, Any] = field(default_factory=dict)
    schema: dict[str, Any] | None = None
    report: dict[str, Any] | None = None
    preview: dict[str, Any] | None = None  # {"header", "rows"}: the first rows as text
    changes: dict[str, Any] = field(default_factory=dict)  # from the current schema (carry.py)
    parquet: Path | None = None
    rows: int = 0
    checksum: str = ""
    refusal: dict[str, Any] | None = None  # {"code", "params"}: worded by messages.refusal_message
    peak_rss_mb: int = 0
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    pid: int = 0
    stderr: str = ""
    phases: dict[str, float] = field(default_factory=dict)  # seconds per worker phase
    # The worker's peak RSS (MB) at the end of each phase: the first phase to reach the
    # overall peak is the one that needed it.
    phase_peaks_mb: dict[str, int] = field(default_factory=dict)
    # CPU seconds (all threads) per phase: steadier than wall time on a busy machine.
    phase_cpu_seconds: dict[str, float] = field(default_factory=dict)
    # The most address space the worker held (what RLIMIT_AS limits), when it could tell.
    vm_peak_mb: int = 0


def _read_stderr(
    stream: IO[bytes], keep: deque[str], on_progress: Callable[[str], None] | None
) -> None:
    for raw in stream:
        line = raw.decode("utf-8", "replace").rstrip("\n")
        if line.startswith("@@progress "):
            if on_progress is not None:
                # A failing callback must not end this thread: the child's stderr would no
                # longer be read, and the child would block once the pipe is full.
                try:
                    on_progress(line.removeprefix("@@progress ").strip())
                except Exception:
                    log.exception("The progress callback failed on %r", line)
        else:
            keep.append(line)


def _signal_refusal(
    number: int, limits: Limits, peak_rss_mb: int, cpu_seconds: float
) -> dict[str, Any]:
    if number == signal.SIGXCPU or (number == signal.SIGKILL and cpu_seconds >= limits.cpu_seconds):
        return {"code": "cpu-time", "params": {"seconds": limits.cpu_seconds}}
    if number in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGKILL) and (
        peak_rss_mb >= limits.memory_mb * 0.8
    ):
        return {"code": "out-of-memory", "params": {"limit_mb": limits.memory_mb}}
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = str(number)
    return {"code": "crashed", "params": {"detail": name}}


def _child_environment() -> dict[str, str]:
    env = dict(os.environ)
    # RLIMIT_AS counts address space reserved but never touched. Numerical libraries reserve
    # per thread at import, and Arrow's jemalloc/mimalloc pools reserve large arenas: the
    # worker needs neither, so it runs with single threads and the system allocator.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"
    env["ARROW_DEFAULT_MEMORY_POOL"] = "system"
    # glibc's malloc gives each thread an arena of its own (up to 8 per core), each
    # reserving address space; two are enough for DuckDB's two threads and the main one.
    # (A fixed mmap threshold and trimming would save more, at a quarter more CPU time.)
    env["MALLOC_ARENA_MAX"] = "2"
    env["ARROW_IO_THREADS"] = "2"
    # Arrow's bundled jemalloc starts a background thread at import (unused: the pool is the
    # system's). Without it the fork server forks a single-threaded process.
    env["JE_ARROW_MALLOC_CONF"] = "background_thread:false"
    # Who the parent is, so the worker can tell "my parent died" from "my parent is PID 1"
    # (the task worker as a container's first process, without an init).
    env["DATACOLLAB_INGEST_PARENT"] = str(os.getpid())
    # The worker runs the same code as its parent, wherever that was imported from (a
    # checkout on sys.path first, not another installed copy).
    package_root = str(Path(datacollab.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(
        [package_root, *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]]
    )
    return env


def run_worker(
    *,
    source: Path,
    name: str,
    work_dir: Path,
    limits: Limits,
    schema: dict[str, Any] | None = None,
    current_schema: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
    on_progress: Callable[[str], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_tick: Callable[[], None] | None = None,
    tick_seconds: float = 15.0,
    fork_server: bool | None = None,
) -> Outcome:
    """Parse `source` in a child process with `limits`; everything it writes stays in work_dir.

    `schema` is validated against as given; otherwise `current_schema` (the dataset's) is
    carried over to the file's columns (ingest/carry.py), or, with neither, one is inferred.
    `options` correct the detected format, encoding or delimiter.
    `on_tick` is called every `tick_seconds` while the child runs (the upload's lease renewal).
    `fork_server`: fork the child from the fork server (default: DATASETS_INGEST_FORK_SERVER).
    """
    source, work_dir = source.resolve(), work_dir.resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    (work_dir / RESULT_NAME).unlink(missing_ok=True)
    job_path = work_dir / "job.json"
    job = {
        "source": str(source),
        "name": name,
        "work_dir": str(work_dir),
        "limits": limits.as_dict(),
        "schema": schema,
        "current_schema": current_schema,
        "options": options or {},
    }
    job_path.write_text(json.dumps(job), encoding="utf-8")
    watch = _Watch(limits, on_tick, tick_seconds)
    ended: _Ended | None = None
    if _use_fork_server(fork_server):
        ended = _run_forked(job_path, work_dir, watch, on_progress, on_start)
    if ended is None:
        ended = _run_fresh(job_path, work_dir, watch, on_progress, on_start)
    outcome = Outcome(
        status="refused",
        peak_rss_mb=int(ended.maxrss_kb / 1024),
        cpu_seconds=ended.cpu,
        wall_seconds=time.monotonic() - watch.started,
        pid=ended.pid,
        stderr="\n".join(ended.stderr),
    )
    if ended.timed_out:
        outcome.refusal = {"code": "timeout", "params": {"seconds": f"{limits.wall_seconds:g}"}}
        return outcome
    if ended.returncode < 0:
        outcome.refusal = _signal_refusal(
            -ended.returncode, limits, outcome.peak_rss_mb, outcome.cpu_seconds
        )
        return outcome
    return _read_result(work_dir, outcome, limits)


def _use_fork_server(asked: bool | None) -> bool:
    if asked is not None:
        return asked
    from django.conf import settings

    if not settings.configured:  # a script without Django: the default
        return True
    return bool(getattr(settings, "DATASETS_INGEST_FORK_SERVER", True))


@dataclass
class _Ended:
    """How the child ended, from whichever parent reaped it."""

    pid: int
    returncode: int  # negative: the signal that killed it
    maxrss_kb: int
    cpu: float
    timed_out: bool
    stderr: deque[str]


class _Watch:
    """The parent's clock: lease ticks and the wall-clock deadline."""

    def __init__(
        self, limits: Limits, on_tick: Callable[[], None] | None, tick_seconds: float
    ) -> None:
        self.wall_seconds = limits.wall_seconds
        self.on_tick, self.tick_seconds = on_tick, tick_seconds
        self.begin()

    def begin(self) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + self.wall_seconds
        self.next_tick = self.started + self.tick_seconds

    def tick(self) -> None:
        if self.on_tick is not None and time.monotonic() >= self.next_tick:
            self.next_tick = time.monotonic() + self.tick_seconds
            self.on_tick()

    def overdue(self) -> bool:
        return time.monotonic() > self.deadline


def _start_reader(
    stream: IO[bytes], on_progress: Callable[[str], None] | None
) -> tuple[threading.Thread, deque[str]]:
    kept: deque[str] = deque(maxlen=STDERR_KEEP)
    reader = threading.Thread(target=_read_stderr, args=(stream, kept, on_progress), daemon=True)
    reader.start()
    return reader, kept


def _run_fresh(
    job_path: Path,
    work_dir: Path,
    watch: _Watch,
    on_progress: Callable[[str], None] | None,
    on_start: Callable[[int], None] | None,
) -> _Ended:
    watch.begin()  # a failed attempt at the fork server is not the parse's time
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-m", "datacollab.datasets.ingest.worker", str(job_path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=work_dir,
        close_fds=True,
        env=_child_environment(),
    )
    if on_start is not None:
        on_start(process.pid)
    assert process.stderr is not None
    reader, kept = _start_reader(process.stderr, on_progress)
    timed_out = False
    # wait4 (not Popen.wait) so the child's own peak memory and CPU time come back with it.
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        watch.tick()
        if watch.overdue():
            timed_out = True
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(POLL_SECONDS)
    process.returncode = os.waitstatus_to_exitcode(status)
    reader.join(timeout=5)
    process.stderr.close()
    return _Ended(
        pid=process.pid,
        returncode=process.returncode,
        maxrss_kb=usage.ru_maxrss,
        cpu=usage.ru_utime + usage.ru_stime,
        timed_out=timed_out,
        stderr=kept,
    )


def _run_forked(
    job_path: Path,
    work_dir: Path,
    watch: _Watch,
    on_progress: Callable[[str], None] | None,
    on_start: Callable[[int], None] | None,
) -> _Ended | None:
    """The child forked by the fork server; None when no server could take the job (the
    caller then starts a fresh process). A server found dead is replaced once."""
    read_end, write_end = os.pipe()
    try:
        for attempt in range(2):
            try:
                job, pid = forkclient.submit(
                    job=str(job_path),
                    work_dir=str(work_dir),
                    stderr_fd=write_end,
                    env=_child_environment(),
                )
                break
            except forkclient.ServerUnavailable:
                if attempt == 1:
                    os.close(read_end)
                    return None
    finally:
        os.close(write_end)  # the child holds the only write end now: EOF when it ends
    watch.begin()  # the server's start, on the first parse, is not the parse's time
    if on_start is not None:
        on_start(pid)
    stream = os.fdopen(read_end, "rb")
    reader, kept = _start_reader(stream, on_progress)
    with job:
        report, timed_out, seen = forkclient.wait_for_report(job, pid, watch, POLL_SECONDS)
    reader.join(timeout=5)
    stream.close()
    if report is None:
        # The server died while the child ran, and the child with it (it asked to be killed
        # when its parent dies): killed, with what /proc last showed of its use.
        return _Ended(pid, -signal.SIGKILL, seen.maxrss_kb, seen.cpu, timed_out, kept)
    return _Ended(
        pid=pid,
        returncode=os.waitstatus_to_exitcode(int(report["status"])),
        maxrss_kb=int(report["maxrss_kb"]),
        cpu=float(report["cpu"]),
        timed_out=timed_out,
        stderr=kept,
    )


def _read_result(work_dir: Path, outcome: Outcome, limits: Limits) -> Outcome:
    try:
        result = json.loads((work_dir / RESULT_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # No result: the interpreter itself failed (e.g. could not allocate at start-up).
        last = outcome.stderr.strip().splitlines()[-1:] or ["no output"]
        if "memory" in last[0].lower():
            outcome.refusal = {"code": "out-of-memory", "params": {"limit_mb": limits.memory_mb}}
        else:
            outcome.refusal = {"code": "crashed", "params": {"detail": last[0][:300]}}
        return outcome
    outcome.detected = result.get("detected") or {}
    outcome.phases = result.get("phases") or {}
    outcome.phase_peaks_mb = result.get("phase_peaks_mb") or {}
    outcome.phase_cpu_seconds = result.get("phase_cpu_seconds") or {}
    outcome.vm_peak_mb = int(result.get("vm_peak_mb") or 0)
    if not result.get("ok"):
        refusal = result["refusal"]
        if refusal["code"] == "out-of-memory":
            refusal["params"] = {"limit_mb": limits.memory_mb}
        outcome.refusal = refusal
        return outcome
    outcome.status = result["status"]
    outcome.schema = result["schema"]
    outcome.report = result["report"]
    outcome.preview = result.get("preview")
    outcome.changes = result.get("changes") or {}
    if result["status"] == "valid":
        outcome.parquet = Path(result["parquet"])
        outcome.rows = int(result["rows"])
        outcome.checksum = result["checksum"]
    return outcome
