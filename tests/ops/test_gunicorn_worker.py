"""deploy/gunicorn.conf.py's worker: when it stops (recycled after max_requests), a request
sent on a kept-alive connection is still served (with `Connection: close`), where gunicorn's
own gthread worker never reads it and resets it when the process ends (a client's POST lost:
bench/load.py's idle-machine runs)."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

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


def test_stopping_worker_serves_a_request_sent_on_a_kept_connection(tmp_path):
    # Stock gthread never reads this request and resets it when the process ends; the first
    # version of this worker closed the idle connection at once, and the request was lost.
    popen, port = serve(tmp_path, "datacollab.ops.gunicorn_worker.ThreadWorker")
    try:
        kept = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        kept.request("GET", "/")
        assert kept.getresponse().read() == b"ok"  # request 1: the connection is kept
        busy = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        busy.request("GET", "/hold")  # request 2: the worker stops after it, held here
        # gunicorn's loop turns about once a second: after 2 s it has usually left its loop
        # and is draining (if not, the request below is served by the loop: same answer).
        time.sleep(2)
        kept.request("POST", "/", body=b"x")  # request 3, on the kept connection
        (tmp_path / "release").touch()
        response = busy.getresponse()
        assert (response.read(), response.getheader("Connection")) == (b"ok", "close")
        third = kept.getresponse()
        assert (third.read(), third.getheader("Connection")) == (b"ok", "close")
    finally:
        popen.terminate()
        try:
            popen.wait(30)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait(30)
