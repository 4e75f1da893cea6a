"""The pre-warmed fork server: `python -m datacollab.datasets.ingest.forkserver FD`.

Why: a fresh worker process spent 0.6 to 0.9 s of CPU on a 5-row CSV, nearly all of it
starting the interpreter and importing pandas, pyarrow, DuckDB and the validation engine. At
about one upload a second that was half of a two-core machine. This process imports the
parse's modules once and forks one child per job: the child starts with them loaded and
spends its CPU on the file alone. (multiprocessing's "forkserver" context does the same, but
gives the parent neither the child's stderr for progress lines nor its rusage.)

The task worker starts it (forkclient.py) with the same environment a fresh worker gets, and
talks to it over FD, a SOCK_SEQPACKET socket: one message per job, carrying the job file's
path and two descriptors, the job's own socket and the write end of the job's stderr pipe.
The server forks, answers `{"pid"}` on the job socket, and once the child is reaped answers
`{"status", "maxrss_kb", "cpu"}` from wait4, so the runner reports peak RSS and CPU and tells
a signal from an exit exactly as with a child of its own. A `kill` message on the job socket,
or the runner closing it, kills the child (only the server, its parent, can do so without
racing pid reuse).

Fork safety: the server opens no DuckDB connection, starts no thread (pyarrow's jemalloc
background thread is turned off in the environment: see runner._child_environment) and holds
no lock while it forks. Each child then lowers its rlimits, checks that the server is alive
and asks to be killed when it dies (the server asks the same of the task worker), exactly as
a fresh worker does. The preloaded libraries count toward the child's RLIMIT_AS as they do in
a fresh worker, which loads them before it parses anything.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import socket
import sys
import threading
import traceback
from pathlib import Path
from typing import Any

from datacollab.datasets.ingest import worker

MESSAGE_BYTES = 64 * 1024


def preload() -> None:
    """Import what every parse imports, once; nothing here may open a file or start a thread."""
    import duckdb  # noqa: F401
    import numpy  # noqa: F401
    import pyarrow
    import pyarrow.compute
    import pyarrow.parquet  # noqa: F401

    import datacollab.datasets.ingest.carry
    import datacollab.datasets.ingest.convert
    import datacollab.datasets.ingest.detect
    import datacollab.datasets.ingest.preview
    import datacollab.datasets.tableschema
    import datacollab.datasets.validation
    import datacollab.datasets.validation.infer  # noqa: F401
    from datacollab.datasets.validation import cells

    cells._digit_map()  # the table of Unicode digits every number check uses, built once

    with contextlib.suppress(ImportError):  # detect.py's fallback for text that is not UTF-8
        import charset_normalizer  # noqa: F401


def os_threads() -> int:
    """Threads of this process as the kernel counts them (C libraries' threads included)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


class Server:
    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.jobs: dict[int, socket.socket] = {}  # child pid -> its job socket
        self.hung_up: set[int] = set()  # children whose runner closed the job socket
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)

    def serve(self) -> None:
        # SIGCHLD wakes select through the pipe; the handler itself does nothing.
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        while True:
            watched: list[socket.socket | int] = [self.control, self.wake_r]
            watched += [s for pid, s in self.jobs.items() if pid not in self.hung_up]
            readable, _, _ = select.select(watched, [], [])
            if self.wake_r in readable:
                with contextlib.suppress(BlockingIOError):
                    os.read(self.wake_r, 4096)
            self._reap()
            for pid, job in list(self.jobs.items()):
                if job in readable and pid in self.jobs:
                    self._from_runner(pid, job)
            if self.control in readable and not self._from_control():
                break  # the task worker closed its end: it is exiting
        for pid in list(self.jobs):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def _reap(self) -> None:
        while self.jobs:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if not pid:
                return
            job = self.jobs.pop(pid, None)
            self.hung_up.discard(pid)
            if job is None:
                continue
            answer = {
                "status": status,
                "maxrss_kb": usage.ru_maxrss,
                "cpu": usage.ru_utime + usage.ru_stime,
            }
            with contextlib.suppress(OSError):
                job.send(json.dumps(answer).encode())
            job.close()

    def _from_runner(self, pid: int, job: socket.socket) -> None:
        try:
            message = job.recv(64)
        except OSError:
            message = b""
        if message != b"kill" and message:
            return
        # A kill, or a runner gone (its end closed): the child must not parse on, unwatched.
        if not message:
            self.hung_up.add(pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # still ours: it has not been reaped

    def _from_control(self) -> bool:
        try:
            message, fds, _, _ = socket.recv_fds(self.control, MESSAGE_BYTES, 2)
        except OSError:
            return False
        if not message:
            return False
        if len(fds) != 2:
            for fd in fds:
                os.close(fd)
            return True
        job = socket.socket(fileno=fds[0])
        stderr_fd = fds[1]
        try:
            request = json.loads(message)
            self._fork(request, job, stderr_fd)
        except Exception:  # a bad request fails that job, not the server
            traceback.print_exc()
            job.close()
        finally:
            os.close(stderr_fd)
        return True

    def _fork(self, request: dict[str, Any], job: socket.socket, stderr_fd: int) -> None:
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 70
            try:
                code = self._child(request, stderr_fd)
            except BaseException:
                with contextlib.suppress(Exception):
                    traceback.print_exc()
            finally:
                with contextlib.suppress(Exception):
                    sys.stderr.flush()
                os._exit(code)
        self.jobs[pid] = job
        try:
            job.send(json.dumps({"pid": pid}).encode())
        except OSError:
            # The runner went away between its request and now.
            self.hung_up.add(pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def _child(self, request: dict[str, Any], stderr_fd: int) -> int:
        server = os.getppid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.dup2(stderr_fd, 2)
        # Nothing of the server's or of other jobs stays open here (a job socket held by a
        # sibling would hide its runner hanging up). The socket objects let go of their
        # descriptors first, so none closes a reused number later.
        self.control.detach()
        for job in self.jobs.values():
            job.detach()
        os.closerange(3, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1024)
        os.chdir(request["work_dir"])
        return worker.run_job(Path(request["job"]), parent=str(server))


def main(argv: list[str]) -> int:
    worker.die_with_parent(os.environ.get("DATACOLLAB_INGEST_PARENT"))
    control = socket.socket(fileno=int(argv[1]))
    preload()
    worker.block_pandas()
    # The preloaded objects are never collected: kept out of the collector's sight, a child's
    # collections do not write to (and so copy) every page they live on.
    gc.collect()
    gc.freeze()
    ready = {
        "pid": os.getpid(),
        "threads": os_threads(),
        "python_threads": threading.active_count(),
    }
    control.send(json.dumps(ready).encode())
    with contextlib.suppress(KeyboardInterrupt):
        Server(control).serve()
    # Straight out: the frozen preloaded objects make an interpreter shutdown slow and noisy.
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
