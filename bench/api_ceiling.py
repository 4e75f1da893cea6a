"""The load client's ceiling: bench/api.py's client against a trivial server on this machine.

gunicorn (the bench's workers and threads) serving a fixed JSON answer of the size of a page
of 100 rows, no Django, no database: what the client and the HTTP server alone cost, so the
reader of bench/api.py's figures knows how far any server could go here. Prints requests per
second, p99 and the client's CPU (per request, and in cores over the run).

    .venv/bin/python bench/api_ceiling.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api as bench

APP = """
ROW = (
    b'{"id":1,"firm":"Green Wheels","zone":"zone-07",'
    b'"recorded_at":"2024-05-01T00:00:00","speed":12.5,"pm25":9.87}'
)
BODY = b'{"rows":[' + b",".join([ROW] * 100) + b"]}"
HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
"""


def main() -> None:
    bench.VAR.mkdir(parents=True, exist_ok=True)
    bench._free(bench.OURS_PORT)
    (bench.VAR / "trivial_app.py").write_text(APP)
    # An empty config of its own: gunicorn would otherwise read the bench's gunicorn.conf.py
    # from the folder, which imports Django.
    (bench.VAR / "trivial.conf.py").write_text("")
    threads = bench.THREADS
    server = subprocess.Popen(  # noqa: S603 - our own fixed command
        [
            sys.executable,
            "-m",
            "gunicorn",
            "trivial_app",
            "--workers",
            str(bench.WORKERS),
            *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
            "--bind",
            f"127.0.0.1:{bench.OURS_PORT}",
            "--log-level",
            "warning",
            "--config",
            str(bench.VAR / "trivial.conf.py"),
        ],
        cwd=bench.VAR,
        env={**os.environ, "PYTHONPATH": str(bench.VAR)},
        start_new_session=True,
    )
    try:
        bench.wait_for(bench.OURS_PORT, "/")
        result = bench.load(bench.OURS_PORT, ["/"] * 3)
    finally:
        bench.stop(server)
    print(f"  trivial server (gunicorn, {bench.WORKERS} x {threads}): {json.dumps(result)}")
    print(
        f"bench api ceiling: rps={result['rps']:.0f} p99_ms={result['p99_ms']:.1f} "
        f"client_cpu_ms={result['client_cpu_ms']:.2f} client_cores={result['client_cores']:.2f}"
    )


if __name__ == "__main__":
    main()
