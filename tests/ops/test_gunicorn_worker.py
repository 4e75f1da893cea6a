"""deploy/gunicorn.conf.py's worker: when it stops (recycled after max_requests), an idle
kept-alive connection is closed at once, not left open, unread, until the requests in flight
end (a client's POST sent on it meanwhile was lost: bench/load.py's idle-machine run)."""

from __future__ import annotations

import http.client
import select
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from datacollab.ops.gunicorn_worker import holds_a_request
from tests.ops.stack import ROOT, free_port

pytestmark = [pytest.mark.slow]


def serve(tmp_path: Path, worker_class: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    popen = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--worker-class",
            worker_class,
            "--workers",
            "1",
            "--threads",
            "2",
            "--max-requests",
            "2",  # the second request makes the worker stop after it
            "--keep-alive",
            "30",
            "--bind",
            f"127.0.0.1:{port}",
            "tests.ops.gunicorn_app:application",
        ],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
            "HOLD_FILE": str(tmp_path / "release"),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return popen, port
        except OSError:
            time.sleep(0.1)
    popen.kill()
    raise TimeoutError("gunicorn did not listen")


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the server closed this idle connection (it becomes readable with no data)."""
    readable, _, _ = select.select([sock], [], [], within)
    return bool(readable) and sock.recv(1) == b""


@pytest.mark.parametrize(
    ("worker_class", "closed"),
    [("datacollab.ops.gunicorn_worker.ThreadWorker", True), ("gthread", False)],
)
def test_stopping_worker_closes_idle_kept_connection_while_a_request_is_in_flight(
    tmp_path, worker_class, closed
):
    popen, port = serve(tmp_path, worker_class)
    try:
        kept = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        kept.request("GET", "/")
        assert kept.getresponse().read() == b"ok"  # request 1: the connection is kept
        busy = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        busy.request("GET", "/hold")  # request 2: the worker will stop after it, held here
        # gunicorn's loop turns at least once a second: 5 s is many turns, yet bounded,
        # because the old worker never closes it while the request is held.
        seen = closed_by_server(kept.sock, within=5)
        (tmp_path / "release").touch()
        response = busy.getresponse()
        assert (response.read(), response.getheader("Connection")) == (b"ok", "close")
        assert seen == closed
    finally:
        popen.terminate()
        popen.wait(30)


def test_holds_a_request_tells_an_idle_connection_from_one_with_a_request():
    server, client = socket.socketpair()
    with server, client:
        idle = holds_a_request(server)
        client.sendall(b"GET / HTTP/1.1\r\n")
        sent = holds_a_request(server)
        assert server.recv(100) == b"GET / HTTP/1.1\r\n"  # peeked, not taken: still there
        client.close()
        closed = holds_a_request(server)
    assert (idle, sent, closed) == (False, True, False)
