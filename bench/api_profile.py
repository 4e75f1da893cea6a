"""One process serving the rows API's three bench requests through the WSGI app, in a loop.

What bench/api.py's server does per request, without HTTP, gunicorn or the load client: the
CPU one request costs this process, and the database statements it sends. Sets up the same
site as bench/api.py (its table, dataset, tiers and production settings), then:

    scripts/with-postgres.sh .venv/bin/python bench/api_profile.py [N] [--profile]

prints the milliseconds per request over N requests (default 900) and the statements each
request sent; `--profile` runs them under cProfile and prints the 30 costliest functions
(BENCH_PROFILE_LINES changes how many).
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api as bench

# The code bench/api.py serves (this checkout's, or BENCH_API_SRC), not the venv's install.
sys.path.insert(0, str(bench.SRC))


def environ(path: str) -> dict[str, Any]:
    route, _sep, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": str(bench.OURS_PORT),
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 900
    bench.VAR.mkdir(parents=True, exist_ok=True)
    parquet, _sqlite = bench.write_files(bench.make_table())
    bench.setup_site(parquet)
    os.environ.update(bench.site_env())

    import django
    from django.db import connection

    django.setup()
    # The production entry point (config/wsgi.py: the rows API's session-less GETs beside
    # Django's handler), as gunicorn serves it.
    from datacollab.config.wsgi import application as app

    paths = [ours for ours, _ in bench.REQUESTS]

    def serve(n: int) -> None:
        status: list[str] = []

        def start(line: str, headers: Any, *exc: Any) -> None:
            status.append(line)

        for i in range(n):
            body = app(environ(paths[i % len(paths)]), start)
            b"".join(body)
            body.close()  # type: ignore[attr-defined] - request_finished: as a server does
            if not status[-1].startswith("200"):
                raise SystemExit(f"request {i}: {status[-1]}")

    serve(30)  # warm: imports, the DuckDB table in memory, statement caches
    statements: list[str] = []

    def note(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(" ".join(sql.split())[:100])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        serve(3)
    print(f"statements for 3 requests ({len(statements)}):")
    for sql in statements:
        print("  ", sql)
    if "--profile" in sys.argv:
        # CPU time, not wall time: on a shared machine the wall clock counts the waits for
        # PostgreSQL and for other processes to be descheduled, which the app cannot shorten.
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        serve(count)
        profile.disable()
        lines = int(os.environ.get("BENCH_PROFILE_LINES", "30"))
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(order).print_stats(lines)
            print(out.getvalue())
        return
    start = time.process_time()
    wall = time.perf_counter()
    serve(count)
    cpu = (time.process_time() - start) / count * 1000
    elapsed = (time.perf_counter() - wall) / count * 1000
    print(f"api profile: {count} requests, {cpu:.2f} ms CPU and {elapsed:.2f} ms wall each")


if __name__ == "__main__":
    main()
