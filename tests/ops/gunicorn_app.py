"""A WSGI application for tests/ops/test_gunicorn_worker.py: `/hold` answers once the file
named by HOLD_FILE exists, so a test keeps a request in flight as long as it needs."""

from __future__ import annotations

import os
import time
from pathlib import Path


def application(environ, start_response):
    if environ["PATH_INFO"] == "/hold":
        release = Path(os.environ["HOLD_FILE"])
        while not release.exists():
            time.sleep(0.02)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
