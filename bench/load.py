"""Proof under load: CLIENTS clients for SECONDS seconds over a realistic mix, on the loopback.

The production setup of docs/operations.md, started as processes on 127.0.0.1 by the stack
module the production stack test uses (tests/ops/stack.py): a throwaway PostgreSQL
(scripts/with-postgres.sh), a moto S3 server as the datasets storage, gunicorn with
deploy/gunicorn.conf.py and DATACOLLAB_ENV=production (one app server of 3 gthread workers x 4
threads, the documented sizing for 2 cores), and the task worker.
bench/support/load_site.py loads the demo network into it, publishes a 100,000-row open
dataset for the rows API, sets its tiers (quotas wide enough for the run: metering and the
quota checks run on every request, and a 429 counts as an error), makes API keys on the
community and enterprise tiers and one upload target per client.

Each client is a thread with its own keep-alive HTTP/1.1 connection (http.client), looping:
pick a request kind by weight (MIX), send it, read the whole answer, then think for a time
drawn from an exponential distribution of mean --think-ms (1 s by default: a person reads a
page, a script pauses between pages; --think-ms 0 gives the saturation figure). Signed-in
kinds log in once per client through the real login form (GET the form for its CSRF token,
POST it) before the clock starts, then keep the session cookie. Uploads are a steward's
cycle on the client's own dataset: POST a small CSV (202), poll the upload until the worker
has parsed it, publish the draft (201); after the clock stops, every upload still pending is
driven to its end, and every acknowledged upload must have become a version (or a refusal
with its reason; there is none in this mix, so a refusal is counted as an error too).

An error is a status other than the one the kind expects (any 5xx, a 4xx, a redirect to the
login page), or a connection error. Figures per kind and overall: count, errors, req/s,
p50/p95/p99/max latency; the CPU over the window of each server's whole process tree (ended
processes included: bench/support/load_servers.py), of the client (it shares the machine with
the servers) and of the machine (/proc/stat), with each server's peak memory; the app's CPU
per kind, from the `cpu_ms` of its access lines (each request id names its kind). Last line:
``bench load: clients=50 seconds=300 requests=... errors=... rps=... p99_ms=... p99_pages_ms=...
p99_api_ms=...``.

Run from the repository root (PostgreSQL installed, as for the suite; moto and gunicorn are
in the project's venv): ``.venv/bin/python bench/load.py`` (``--seconds 30`` to try it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.support.load_client import Client, Sample, Tally  # noqa: E402
from bench.support.load_servers import ServerWatch  # noqa: E402
from tests.ops.stack import PYTHON, Stack, production_stack, wait_for  # noqa: E402

# Request kinds and their weights (per request; they sum to 100). Pages are what people do
# most; the rows API is what scripts do; uploads are rare and heavy (the worker parses each).
MIX: dict[str, int] = {
    "page": 30,  # anonymous: home, open call, cohorts, catalog, datasets, learnings, reports
    "participant": 12,  # signed in as a cohort participant: sessions, support, applications
    "convener": 8,  # signed in as the convener: convener home, applications, scores, dashboards
    "search": 10,  # /search/?q=<a word from a list of 20>
    "api": 27,  # rows API: first page, deep page, a filter, a sort; community/enterprise keys
    "download": 5,  # CSV of small open versions, the Parquet of the 100,000-row version
    "upload": 8,  # a steward's cycle: upload a CSV, poll its status, publish the draft
}
PAGE_KINDS = ("page", "participant", "convener", "search")
API_KINDS = ("api", "upload")
ROWS = 100_000
TIMEOUT = 60


# --- the run ---------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_clients(
    *,
    port: int,
    plan: dict[str, Any],
    clients: int,
    seconds: float,
    think_ms: float,
    tally: Tally,
    warmup: float = 10,
    watch: ServerWatch | None = None,
) -> dict[str, float]:
    """Log every client in, start the clock, loop until it stops; the window's figures."""
    pool = [Client(n, port, plan, tally) for n in range(clients)]
    for client in pool:  # before the clock: a login hashes a password (the slowest request)
        for role in ("participant", "convener"):
            if not client.log_in(role):
                raise RuntimeError(f"client {client.number} could not log in: {tally.problems}")
    kinds = list(MIX)
    weights = [MIX[k] for k in kinds]
    start = threading.Event()
    begun: list[float] = []

    def loop(client: Client) -> None:
        start.wait()
        deadline = begun[0] + warmup + seconds
        # Every kind once first (in the warm-up, unless it is short), then by weight.
        tour = kinds[client.number % len(kinds) :] + kinds[: client.number % len(kinds)]
        while time.perf_counter() < deadline:
            client.act(tour.pop(0) if tour else client.random.choices(kinds, weights)[0])
            if think_ms > 0:
                pause = client.random.expovariate(1000 / think_ms)
                time.sleep(max(0.0, min(pause, deadline - time.perf_counter())))

    threads = [threading.Thread(target=loop, args=(c,), daemon=True) for c in pool]
    for thread in threads:
        thread.start()
    begun.append(time.perf_counter())
    start.set()
    time.sleep(warmup)
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    measured_from = time.perf_counter()
    tally.measuring = True
    if watch is not None:
        watch.begin()
    for thread in threads:
        thread.join(seconds + TIMEOUT * 2)
    if watch is not None:
        watch.end()
    tally.measuring = False
    elapsed = time.perf_counter() - measured_from
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (
        cpu_after.ru_stime - cpu_before.ru_stime
    )
    drain_uploads(pool)
    for client in pool:
        client.close()
    return {"elapsed": elapsed, "client_cpu": client_cpu}


def drain_uploads(pool: list[Client], timeout: float = 300) -> None:
    """After the clock: drive every pending upload to its end (parsed, then published)."""
    deadline = time.monotonic() + timeout
    while any(c.pending is not None for c in pool) and time.monotonic() < deadline:
        for client in pool:
            if client.pending is not None:
                client.upload(record=False)
        time.sleep(0.2)


# --- set-up and report -----------------------------------------------------------------------


def set_up(stack: Stack, clients: int) -> dict[str, Any]:
    port = stack.app_ports[0]
    import urllib.request

    def ready() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=5) as r:
                return r.status == 200
        except OSError:
            return False

    wait_for("the app server to be ready", ready, stack, timeout=180)
    site = ROOT / "bench" / "support" / "load_site.py"
    out = stack.run(PYTHON, str(site), str(ROWS), str(clients), timeout=1800)
    return json.loads(out.strip().splitlines()[-1])


def preflight(port: int, plan: dict[str, Any], tally: Tally) -> None:
    """Every path of the plan once, as its role, before the clock: a wrong path is a bug of
    this script, not a figure; it stops the run rather than count as load errors."""
    client = Client(0, port, plan, tally)
    for role in ("participant", "convener"):
        if not client.log_in(role):
            raise RuntimeError(f"login as {role} failed: {tally.problems}")
    checks: list[tuple[str, dict[str, str]]] = [
        *((p, {}) for p in plan["pages"]["anonymous"] + plan["pages"]["downloads"]),
        *((p, {"Cookie": client.sessions["participant"]}) for p in plan["pages"]["participant"]),
        *((p, {"Cookie": client.sessions["convener"]}) for p in plan["pages"]["convener"]),
    ]
    wrong = []
    for path, headers in checks:
        status, _headers, _body = client.send("GET", path, headers=headers)
        if status != 200:
            wrong.append(f"{path}: {status}")
    client.close()
    if wrong:
        raise RuntimeError("paths of the plan that do not answer 200: " + ", ".join(wrong))


def summarise(
    tally: Tally, window: dict[str, float], clients: int, seconds: float
) -> dict[str, Any]:
    elapsed = window["elapsed"]
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in tally.samples:
        by_kind[sample.kind].append(sample)

    def figures(samples: list[Sample]) -> dict[str, Any]:
        ms = [s.ms for s in samples]
        return {
            "requests": len(samples),
            "errors": sum(not s.ok for s in samples),
            "rps": len(samples) / elapsed,
            "p50_ms": percentile(ms, 0.50),
            "p95_ms": percentile(ms, 0.95),
            "p99_ms": percentile(ms, 0.99),
            "max_ms": max(ms, default=0.0),
        }

    uploads = tally.uploads
    return {
        "kinds": {kind: figures(by_kind[kind]) for kind in MIX},
        "all": figures(tally.samples),
        "pages": figures([s for s in tally.samples if s.kind in PAGE_KINDS]),
        "api_all": figures([s for s in tally.samples if s.kind in API_KINDS]),
        "uploads": {
            "acknowledged": len(uploads),
            "versions": sum(u.version is not None for u in uploads),
            "refused": sum(u.refusal is not None for u in uploads),
            "unfinished": sum(u.version is None and u.refusal is None for u in uploads),
        },
        "client_cpu_s": window["client_cpu"],
        "elapsed_s": elapsed,
        "clients": clients,
        "seconds": seconds,
    }


def print_report(result: dict[str, Any], watch: ServerWatch, think_ms: float) -> None:
    elapsed = result["elapsed_s"]
    print(f"load average before/after: {result['load_before']} / {result['load_after']}")
    print(
        f"{result['clients']} clients, think time exponential mean {think_ms:.0f} ms, "
        f"{elapsed:.1f} s measured"
    )
    header = f"{'kind':<12} {'weight':>6} {'count':>7} {'errors':>6} {'req/s':>7} "
    print(header + f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    rows = [(k, str(MIX[k]), f) for k, f in result["kinds"].items()]
    rows += [("pages", "", result["pages"]), ("api+upload", "", result["api_all"])]
    rows += [("all", "100", result["all"])]
    for name, weight, f in rows:
        print(
            f"{name:<12} {weight:>6} {f['requests']:>7} {f['errors']:>6} {f['rps']:>7.1f} "
            f"{f['p50_ms']:>8.1f} {f['p95_ms']:>8.1f} {f['p99_ms']:>8.1f} {f['max_ms']:>8.1f}"
        )
    up = result["uploads"]
    print(
        f"uploads: {up['acknowledged']} acknowledged, {up['versions']} became versions, "
        f"{up['refused']} refused with a reason, {up['unfinished']} unfinished; "
        f"errors during the warm-up: {result['warmup_errors']}"
    )
    print_cpu(result, watch)
    print_cpu_by_kind(result, watch)


def print_cpu(result: dict[str, Any], watch: ServerWatch) -> None:
    """Each server's CPU over the window (every process of its tree, ended ones included),
    the client's, and the machine's busy time: what is left is other processes'."""
    elapsed = result["elapsed_s"]
    busy = watch.machine_busy
    known = ["app", "worker", "postgres", "s3"]
    names = [n for n in known if n in watch.cpu] + sorted(set(watch.cpu) - set(known))
    rows = [(f"server {name}", watch.cpu[name]) for name in names]
    rows.append(("client", result["client_cpu_s"]))
    counted = sum(cpu for _name, cpu in rows)
    rows.append(("other processes", busy - counted))
    print(f"CPU over the {elapsed:.1f} s window (the machine has {os.cpu_count()} cores):")
    print(f"{'':<16} {'CPU s':>8} {'cores':>6} {'share':>6} {'peak MB':>8}")
    for name, cpu in rows:
        peak = watch.peak_mb.get(name.removeprefix("server "))
        print(
            f"{name:<16} {cpu:>8.1f} {cpu / elapsed:>6.2f} {cpu / busy if busy else 0:>6.0%} "
            + (f"{peak:>8.0f}" if peak is not None else "")
        )
    print(f"{'machine busy':<16} {busy:>8.1f} {busy / elapsed:>6.2f}   (/proc/stat)")


def load_run(
    *,
    clients: int,
    seconds: float,
    think_ms: float,
    folder: Path,
    workers: int = 3,
    threads: int = 4,
    warmup: float = 10,
) -> tuple[dict[str, Any], Tally, Stack]:
    """Start the stack, set up the site, run the clients; the figures, the tally, the stack
    (stopped: its logs stay in `folder`)."""
    env = {
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
        # A worker's recycling after max_requests is production behaviour; keep it.
        "WORKER_HEARTBEAT_SECONDS": "5",
        "WORKER_HEARTBEAT_STALE_SECONDS": "60",
    }
    tally = Tally()
    with production_stack(folder, app_servers=("app",), env=env) as stack:
        plan = set_up(stack, clients)
        port = stack.app_ports[0]
        preflight(port, plan, tally)
        load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
        watch = ServerWatch(stack)
        window = run_clients(
            port=port,
            plan=plan,
            clients=clients,
            seconds=seconds,
            think_ms=think_ms,
            tally=tally,
            warmup=warmup,
            watch=watch,
        )
        result = summarise(tally, window, clients, seconds)
        result["load_before"] = load_before
        result["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        result["server_cpu_s"] = watch.cpu
        result["server_peak_mb"] = dict(watch.peak_mb)
        result["watch"] = watch
        result["app_errors"] = app_log_errors(stack)
        result["cpu_by_kind"] = cpu_by_kind(stack)
        result["warmup_errors"] = tally.warmup_errors
        up = result["uploads"]
        # Every failure counts: in the window, in the warm-up, an upload refused or unfinished.
        result["errors"] = (
            result["all"]["errors"] + tally.warmup_errors + up["refused"] + up["unfinished"]
        )
    return result, tally, stack


def cpu_by_kind(stack: Stack) -> dict[str, list[float]]:
    """The `cpu_ms` of each access line the app wrote for a request sent while the clock ran,
    by kind (the client puts both in the request id: `<kind>.m.<client>.<n>`)."""
    found: dict[str, list[float]] = defaultdict(list)
    for process in stack.processes:
        if process.name != "app":
            continue
        for line in process.lines():
            if not line.startswith("{"):
                continue
            entry = json.loads(line)
            parts = str(entry.get("request_id", "")).split(".")
            if entry.get("logger") == "datacollab.request" and len(parts) == 4 and parts[1] == "m":
                found[parts[0]].append(float(entry["cpu_ms"]))
    return found


def print_cpu_by_kind(result: dict[str, Any], watch: ServerWatch) -> None:
    """Each kind's CPU in the app, from its access lines, and its share of the app's CPU; what
    no request line holds (gunicorn's own work, HTTP parsing, the logging) is left over."""
    by_kind = result["cpu_by_kind"]
    app = watch.cpu.get("app", 0.0)
    print("app CPU per kind (cpu_ms of the access lines, requests sent while the clock ran):")
    print(f"{'kind':<12} {'lines':>7} {'p50 ms':>8} {'mean ms':>8} {'CPU s':>8} {'share':>6}")
    total = 0.0
    for kind in [*MIX, *sorted(set(by_kind) - set(MIX))]:
        values = by_kind.get(kind, [])
        seconds = sum(values) / 1000
        total += seconds
        mean = sum(values) / len(values) if values else 0.0
        print(
            f"{kind:<12} {len(values):>7} {percentile(values, 0.5):>8.1f} {mean:>8.1f} "
            f"{seconds:>8.1f} {seconds / app if app else 0:>6.0%}"
        )
    rest = app - total
    share = rest / app if app else 0
    print(f"{'not in a line':<12} {'':>7} {'':>8} {'':>8} {rest:>8.1f} {share:>6.0%}")


def app_log_errors(stack: Stack) -> list[str]:
    """ERROR lines and tracebacks in the app's and worker's JSON logs."""
    found = []
    for process in stack.processes:
        if process.name == "s3":
            continue
        for line in process.lines():
            if not line.startswith("{"):
                continue
            entry = json.loads(line)
            if entry.get("level") in ("ERROR", "CRITICAL") or "exception" in entry:
                found.append(f"{process.name}: {entry.get('message', '')[:200]}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--think-ms", type=float, default=1000, help="mean think time (0: none)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--warmup", type=float, default=10, help="seconds of load before measuring")
    parser.add_argument("--keep", action="store_true", help="keep the stack's logs folder")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="datacollab-load-"))
    try:
        result, tally, _stack = load_run(
            clients=args.clients,
            seconds=args.seconds,
            think_ms=args.think_ms,
            folder=folder,
            workers=args.workers,
            threads=args.threads,
            warmup=args.warmup,
        )
    finally:  # the processes' logs: gone unless asked for, even when the run failed
        if args.keep:
            print(f"logs: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print_report(result, result["watch"], args.think_ms)
    for problem in tally.problems[:20]:
        print("error:", problem)
    for line in result["app_errors"][:10]:
        print("server log:", line)
    errors = result["errors"]
    print(
        f"bench load: clients={args.clients} seconds={args.seconds:g} "
        f"requests={result['all']['requests']} errors={errors} rps={result['all']['rps']:.1f} "
        f"p99_ms={result['all']['p99_ms']:.0f} p99_pages_ms={result['pages']['p99_ms']:.0f} "
        f"p99_api_ms={result['api_all']['p99_ms']:.0f}"
    )
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
