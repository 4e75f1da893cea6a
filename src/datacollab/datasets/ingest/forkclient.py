"""The task worker's side of the fork server (forkserver.py): start it, restart it, hand it jobs.

One server per process that parses (the task worker), started on the first parse and started
again on the next one if it died. It is started from a thread of its own that lives as long as
the process: Linux's "kill me when my parent dies" (which the server asks for) fires when the
*thread* that started it ends, and a parse may run on a short-lived thread.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import queue
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from datacollab.datasets.ingest.forkserver import MESSAGE_BYTES

# Importing the parse's libraries on a busy machine: generous, it happens once.
READY_SECONDS = 120.0
# After a kill asked of the server, how long to wait for its report before killing the child
# by pid (the server is single-threaded and answers within milliseconds when alive).
KILL_REPORT_SECONDS = 10.0
RETRY_START_SECONDS = 60.0


class Clock(Protocol):
    """The runner's clock (runner._Watch): lease ticks and the wall-clock deadline."""

    def tick(self) -> None: ...

    def overdue(self) -> bool: ...


class ServerUnavailable(Exception):
    """The server died or could not start: the caller may try once more, or parse afresh."""


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    control: socket.socket
    pid: int
    threads: int  # its threads before the first fork, as the kernel counts them
    python_threads: int
    owner: int  # the pid that started it (a forked copy of the task worker is not its parent)

    def alive(self) -> bool:
        return self.owner == os.getpid() and self.process.poll() is None


_lock = threading.Lock()
_server: Server | None = None
_starts: queue.Queue[tuple[dict[str, str], Future[Server]]] = queue.Queue()
_starter: threading.Thread | None = None
_retry_after = 0.0  # monotonic time before which no start is tried (after a failed one)


def _start(env: dict[str, str]) -> Server:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-m", "datacollab.datasets.ingest.forkserver", str(theirs.fileno())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),),
            close_fds=True,
            env=env,
        )
    finally:
        theirs.close()
    ours.settimeout(READY_SECONDS)
    try:
        ready = json.loads(ours.recv(MESSAGE_BYTES) or b"null")
    except (OSError, ValueError):
        ready = None
    if not isinstance(ready, dict):
        process.kill()
        process.wait()
        ours.close()
        raise ServerUnavailable("the fork server did not start")
    ours.settimeout(None)
    return Server(
        process=process,
        control=ours,
        pid=int(ready["pid"]),
        threads=int(ready["threads"]),
        python_threads=int(ready["python_threads"]),
        owner=os.getpid(),
    )


def _starter_loop() -> None:
    while True:
        env, future = _starts.get()
        try:
            future.set_result(_start(env))
        except BaseException as exc:
            future.set_exception(exc)


def _start_on_starter(env: dict[str, str]) -> Server:
    global _starter
    if _starter is None or not _starter.is_alive() or _starter.ident is None:
        _starter = threading.Thread(target=_starter_loop, name="ingest-fork-server", daemon=True)
        _starter.start()
    future: Future[Server] = Future()
    _starts.put((env, future))
    try:
        return future.result()
    except ServerUnavailable:
        raise
    except Exception as exc:  # e.g. no interpreter to start: the parse runs afresh instead
        raise ServerUnavailable(str(exc)) from exc


def server(env: dict[str, str]) -> Server:
    """The running server, started (with `env`) if there is none or it died."""
    global _server
    with _lock:
        if _server is not None and not _server.alive():
            _discard(_server)
            _server = None
        if _server is None:
            if time.monotonic() < _retry_after:
                raise ServerUnavailable("the fork server failed to start a moment ago")
            try:
                _server = _start_on_starter(env)
            except ServerUnavailable:
                _failed()
                raise
            atexit.register(stop)
        return _server


def _failed() -> None:
    """A server that cannot start is not tried again for a while: meanwhile each parse is
    a fresh process, without paying for a failed start first."""
    global _retry_after
    _retry_after = time.monotonic() + RETRY_START_SECONDS


def _discard(old: Server) -> None:
    old.control.close()
    if old.owner == os.getpid():
        if old.process.poll() is None:
            old.process.kill()
        old.process.wait()


def submit(
    *, job: str, work_dir: str, stderr_fd: int, env: dict[str, str]
) -> tuple[socket.socket, int]:
    """Ask the server to fork a child for `job`: (the job's socket, the child's pid).

    Raises ServerUnavailable when the server died before forking it."""
    current = server(env)
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        message = json.dumps({"job": job, "work_dir": work_dir}).encode()
        with _lock:
            socket.send_fds(current.control, [message], [theirs.fileno(), stderr_fd])
    except OSError as exc:
        ours.close()
        raise ServerUnavailable(str(exc)) from exc
    finally:
        theirs.close()
    try:
        answer: dict[str, Any] = json.loads(ours.recv(MESSAGE_BYTES) or b"{}")
    except (OSError, ValueError):
        answer = {}
    if "pid" not in answer:
        ours.close()
        raise ServerUnavailable("the fork server closed the job")
    return ours, int(answer["pid"])


def running() -> Server | None:
    """The server, if one is running (for tests and the operator's tools)."""
    with _lock:
        return _server if _server is not None and _server.alive() else None


def stop() -> None:
    """Stop the server (it kills any job it is running); also at the process's exit."""
    global _server
    atexit.unregister(stop)
    with _lock:
        if _server is not None:
            _discard(_server)
            _server = None


def wait_for_report(
    job: socket.socket, pid: int, watch: Clock, poll_seconds: float = 0.05
) -> tuple[dict[str, Any] | None, bool, Seen]:
    """Wait for the server's report on the child: (report or None, timed out, last /proc view)."""
    seen = Seen()
    timed_out = False
    give_up = float("inf")
    while True:
        readable, _, _ = select.select([job], [], [], poll_seconds)
        if readable:
            try:
                data = job.recv(MESSAGE_BYTES)
            except OSError:
                data = b""
            if not data:
                _wait_gone(pid)
                return None, timed_out, seen
            return json.loads(data), timed_out, seen
        seen.sample(pid)
        watch.tick()
        if not timed_out and watch.overdue():
            timed_out = True
            give_up = time.monotonic() + KILL_REPORT_SECONDS
            with contextlib.suppress(OSError):
                job.send(b"kill")
        if time.monotonic() > give_up:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _wait_gone(pid)
            return None, timed_out, seen


class Seen:
    """The child's CPU and peak RSS as /proc shows them while it runs: what the Outcome
    reports if the server dies before it can report the child's rusage."""

    def __init__(self) -> None:
        self.cpu = 0.0
        self.maxrss_kb = 0

    def sample(self, pid: int) -> None:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
            status = Path(f"/proc/{pid}/status").read_text(encoding="ascii", errors="replace")
        except OSError:
            return
        fields = stat.rsplit(")", 1)[-1].split()
        self.cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                self.maxrss_kb = max(self.maxrss_kb, int(line.split()[1]))


def _wait_gone(pid: int, seconds: float = 5.0) -> None:
    """Until the child is dead (gone or a zombie), so nothing writes in work_dir after us."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[-1]
        except OSError:
            return
        if state.split()[0] in ("Z", "X"):
            return
        time.sleep(0.01)
