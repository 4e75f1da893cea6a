"""The task worker's side of the fork server (forkserver.py): start it, restart it, hand it jobs.

One server per process that parses (the task worker), started on the first parse and started
again on the next one if it died. It is started from a thread of its own that lives as long as
the process: Linux's "kill me when my parent dies" (which the server asks for) fires when the
*thread* that started it ends, and a parse may run on a short-lived thread.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import socket
import subprocess
import sys
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from datacollab.datasets.ingest.forkserver import MESSAGE_BYTES

# Importing the parse's libraries on a busy machine: generous, it happens once.
READY_SECONDS = 120.0


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
    return future.result()


def server(env: dict[str, str]) -> Server:
    """The running server, started (with `env`) if there is none or it died."""
    global _server
    with _lock:
        if _server is not None and not _server.alive():
            _discard(_server)
            _server = None
        if _server is None:
            _server = _start_on_starter(env)
            atexit.register(stop)
        return _server


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
