"""The CPU and the SQL each page of bench/load.py's mix costs one process, page by page.

bench/load.py measures latency under 50 clients; on a shared machine that is the queue for
the CPU. This measures what the queue is made of: each page of the mix (the same paths,
from bench/support/load_site.py's `pages()`, as the same role) served through Django's
handler with the production settings, without HTTP or gunicorn.

    .venv/bin/python bench/pages_profile.py [N]              # every page N times (default 9)
    .venv/bin/python bench/pages_profile.py --profile /learnings/ [--role participant]

The site (the demo network in a throwaway SQLite under var/bench-pages, production
settings) is built on the first run and kept; `--fresh` builds it again. BENCH_PAGES_SRC
points at another checkout's `src` (e.g. `git archive BASE src | tar -x -C /tmp/before`) to
measure the code before a change on the same site. Each page is
served once to warm (template compilation, first imports), then N times: the median CPU ms
per request (process time, so other processes on the machine do not count), statements per
request, sorted costliest first, with the total per role. `--profile PATH` runs that page N
times (default 20) under cProfile and prints the 30 costliest functions
(BENCH_PROFILE_LINES changes how many).

    .venv/bin/python bench/pages_profile.py --stack [N]      # the request around the page

`--stack` measures what every request pays around its view: two trivial pages added for the
run (`/_bench/plain/`, a view that answers "ok"; `/_bench/page/`, an empty page of the site's
layout, so its navigation and context processors), as each role, N times (default 200), with
the CPU each middleware spends of its own (its inclusive time less the next one's: the
session and the user are read where something first asks for `request.user`).
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The code measured: this checkout's, or BENCH_PAGES_SRC (another checkout's src, for a
# before/after on the same site).
SRC = Path(os.environ.get("BENCH_PAGES_SRC", ROOT / "src")).resolve()
VAR = ROOT / "var" / "bench-pages"


def site_env() -> dict[str, str]:
    return {
        "PYTHONPATH": f"{SRC}{os.pathsep}{ROOT}",
        "DJANGO_SETTINGS_MODULE": "datacollab.config.settings",
        "DATACOLLAB_ENV": "production",
        "DATACOLLAB_VAR_DIR": str(VAR),
        "DATABASE_URL": f"sqlite:///{VAR / 'site.sqlite3'}",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "AUDIT_HMAC_KEY": "0" * 64,
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LOG_LEVEL": "ERROR",
    }


SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from datacollab.demo.builder import load_demo
load_demo()
"""


def build_site() -> None:
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    print("building the site (migrate, demo network) ...", file=sys.stderr)
    subprocess.run(  # noqa: S603 - our own fixed command
        [sys.executable, "-c", SETUP],
        env={**os.environ, **site_env()},
        check=True,
        cwd=ROOT,
        timeout=1800,
    )


def option(name: str, default: str | None = None) -> str | None:
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1]
    return default


def main() -> None:
    if "--fresh" in sys.argv or not (VAR / "site.sqlite3").exists():
        build_site()
    os.environ.update(site_env())
    sys.path[:0] = [str(SRC), str(ROOT)]
    import django

    django.setup()
    import logging

    from django.db import connection
    from django.test import Client

    from datacollab.organisations.models import User

    sys.path.insert(0, str(ROOT / "bench" / "support"))
    import load_site  # type: ignore[import-not-found]

    # After load_site's django.setup(), which configures logging again. The access log's
    # lines are formatted (that CPU is the production's too) but not shown.
    sink = open(os.devnull, "w")  # noqa: SIM115 - for the life of the process
    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        for handler in getattr(logger, "handlers", []):
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(sink)
    plan = load_site.pages()
    people = {
        "anonymous": None,
        "participant": load_site.current.PARTICIPANT.email,
        "convener": load_site.email("convener"),
    }
    clients: dict[str, Client] = {}
    for role, mail in people.items():
        client = Client()
        if mail is not None:
            client.force_login(User.objects.get(email=mail))
        clients[role] = client

    def serve(role: str, path: str, n: int) -> None:
        for _ in range(n):
            response = clients[role].get(path)
            if response.status_code != 200:
                raise SystemExit(f"{role} {path}: {response.status_code}")

    positional = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--stack" in sys.argv:
        stack(clients, int(positional[0]) if positional else 200)
        return
    target = option("--profile")
    if target is not None:
        role = option("--role", "anonymous") or "anonymous"
        count = int(option("--count", "20") or 20)
        serve(role, target, 1)
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        serve(role, target, count)
        profile.disable()
        if os.environ.get("BENCH_PROFILE_DUMP"):  # for pstats' own browser, callers and all
            profile.dump_stats(os.environ["BENCH_PROFILE_DUMP"])
        lines = int(os.environ.get("BENCH_PROFILE_LINES", "30"))
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(order).print_stats(lines)
            print(out.getvalue())
        return

    count = int(positional[0]) if positional else 9
    rows: list[tuple[float, int, str, str]] = []
    statements: list[Any] = []

    def note(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    for role in ("anonymous", "participant", "convener"):
        for path in plan[role]:
            serve(role, path, 1)
            statements.clear()
            with connection.execute_wrapper(note):
                serve(role, path, 1)
            queries = len(statements)
            times = []
            for _ in range(count):
                start = time.process_time()
                serve(role, path, 1)
                times.append((time.process_time() - start) * 1000)
            # The median: on a shared machine a request now and then pays for another
            # process's use of the caches; the median is the page's own cost.
            rows.append((statistics.median(times), queries, role, path))
    load = os.getloadavg()
    print(f"median of {count} requests per page after one warm one; load average {load[0]:.1f}")
    print(f"{'CPU ms':>8} {'queries':>8}  {'role':<12} path")
    for cpu, queries, role, path in sorted(rows, reverse=True):
        print(f"{cpu:8.1f} {queries:8d}  {role:<12} {path}")
    for role in ("anonymous", "participant", "convener"):
        mine = [cpu for cpu, _q, r, _p in rows if r == role]
        print(f"mean CPU ms per page, {role}: {sum(mine) / len(mine):.1f} over {len(mine)} pages")
    total = sum(cpu for cpu, *_ in rows) / len(rows)
    print(f"bench pages: pages={len(rows)} mean_cpu_ms={total:.1f} load={load[0]:.1f}")


def stack(clients: dict[str, Any], count: int) -> None:
    """The CPU of the request around a trivial view, middleware by middleware."""
    import types

    from django.conf import settings
    from django.db import connection
    from django.http import HttpResponse
    from django.template import engines
    from django.urls import clear_url_caches, include, path
    from django.utils.module_loading import import_string

    page = engines["django"].from_string('{% extends "base.html" %}')

    spent: dict[str, float] = {}

    def timed_view(view: Any) -> Any:
        def wrapper(request: Any) -> Any:
            start = time.process_time()
            try:
                return view(request)
            finally:
                spent["view"] = spent.get("view", 0.0) + time.process_time() - start

        return wrapper

    urls = types.ModuleType("bench_pages_urls")
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path("_bench/plain/", timed_view(lambda request: HttpResponse("ok"))),
        path("_bench/page/", timed_view(lambda request: HttpResponse(page.render({}, request)))),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules["bench_pages_urls"] = urls
    settings.ROOT_URLCONF = "bench_pages_urls"
    clear_url_caches()

    def timed(name: str, call: Any) -> Any:
        def wrapper(self: Any, request: Any) -> Any:
            start = time.process_time()
            try:
                return call(self, request)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - start

        return wrapper

    names = [dotted.rsplit(".", 1)[1] for dotted in settings.MIDDLEWARE]
    for dotted, name in zip(settings.MIDDLEWARE, names, strict=True):
        cls = import_string(dotted)
        cls.__call__ = timed(name, cls.__call__)
    for client in clients.values():
        client.handler.load_middleware()  # with the timed classes

    statements: list[str] = []

    def note(execute: Any, sql: str, *rest: Any) -> Any:
        statements.append(sql)
        return execute(sql, *rest)

    load = os.getloadavg()
    print(f"CPU per request, mean of {count} after 20 warm ones; load average {load[0]:.1f}")
    for target in ("/_bench/plain/", "/_bench/page/"):
        for role, client in clients.items():
            for _ in range(20):
                client.get(target)
            statements.clear()
            with connection.execute_wrapper(note):
                client.get(target)
            spent.clear()
            start = time.process_time()
            for _ in range(count):
                response = client.get(target)
                assert response.status_code == 200, (role, target, response.status_code)
            total = (time.process_time() - start) / count * 1000
            inclusive = [spent.get(name, 0.0) / count * 1000 for name in [*names, "view"]]
            own = [here - inclusive[i + 1] for i, here in enumerate(inclusive[:-1])]
            print(f"\n{target} as {role}: {total:.2f} ms, {len(statements)} queries")
            if os.environ.get("BENCH_STACK_SQL"):
                print("\n".join(f"  SQL {sql[:150]}" for sql in statements))
            for name, mine in zip(names, own, strict=True):
                print(f"  {mine:6.3f}  {name}")
            print(f"  {inclusive[-1]:6.3f}  the view")
            print(f"bench stack: path={target} role={role} cpu_ms={total:.2f}")


if __name__ == "__main__":
    main()
