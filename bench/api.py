"""The rows API against Datasette: the same 1,000,000-row table, served on 127.0.0.1.

Ours: an open dataset whose version is the table as Parquet (written as the ingest worker
writes versions: DuckDB, zstd, row groups of 122,880), served by gunicorn with the production
settings (DATACOLLAB_ENV=production, DEBUG off, PostgreSQL with persistent connections when
run under scripts/with-postgres.sh, as production runs; otherwise SQLite in a scratch folder
under var/bench-api/, which Django reopens for every request), WORKERS gthread workers of
THREADS threads (2 x 4 by default: on an idle machine 2 x 4 served 553 to 628 req/s, 3 x 4
464 to 568, 4 x 2 508; docs/benchmarks.md), the app preloaded, through the whole stack: middleware,
the rows operation's lean path (api/rows_fast.py: the caller as the authentication chain finds
it, one query for the version, its dataset and tiers, the access rule, one statement for the
quota check, metering and usage counter; so metering and quota checks run during the bench),
the page from the version held in memory (rows_cache), JSON.
Datasette: the same rows in a SQLite file, `datasette serve -i` (immutable, its recommended
production mode) with `--setting suggest_facets off`, an index on the filtered column.

The same client for both: CLIENTS processes, each with one HTTP/1.1 connection (reopened when
the server closes it), sending the same mix of requests for DURATION seconds after a warm-up:
the first page, a page deep in the table, and a filtered page, 100 rows each as JSON objects.
Requests per second over the run, the 99th percentile latency, and the client's own CPU
(per request, and in cores over the run: what the servers could not use on this machine;
bench/api_ceiling.py runs the same client against a trivial server). BENCH_API_SRC serves
another checkout's src/ (an older commit's) to compare the two back to back.

gunicorn is the project's own WSGI server (a runtime dependency, in the project's venv);
Datasette is installed in a venv of its own under var/bench-api/ (never the project's venv).
Run from the repository root:
``scripts/with-postgres.sh .venv/bin/python bench/api.py`` (or without the script: SQLite).
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import venv
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import duckdb
import numpy as np
import pyarrow as pa
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-api"
ROWS = 1_000_000
SEED = 20241206
ZONES = [f"zone-{i:02d}" for i in range(40)]
FIRMS = ["Pedal Post", "Green Wheels", "Urbike"]
WORKERS = int(os.environ.get("BENCH_API_WORKERS", "2"))
# Threads per worker: above 1, gunicorn's gthread worker (a request's database round trips
# then overlap another's Python), else sync workers.
THREADS = int(os.environ.get("BENCH_API_THREADS", "4"))
CLIENTS = int(os.environ.get("BENCH_API_CLIENTS", "8"))
DURATION = float(os.environ.get("BENCH_API_SECONDS", "15"))
# Seconds of requests before measuring: each worker loads the version into memory on its
# first request (rows_cache: about a second on a quiet machine, six at a load average of 10),
# and a measurement must not include that.
WARMUP = float(os.environ.get("BENCH_API_WARMUP", "10"))
DATASETTE = "datasette==0.65.5"
SLUG = "bench-readings"
# Ports on the loopback; BENCH_API_PORT moves both (ours, then Datasette's beside it).
OURS_PORT = int(os.environ.get("BENCH_API_PORT", "8765"))
DATASETTE_PORT = OURS_PORT + 1

# The same three pages for both: (ours, datasette).
REQUESTS = [
    (
        f"/api/v1/datasets/{SLUG}/versions/1/rows?limit=100",
        "/readings/readings.json?_size=100&_shape=objects",
    ),
    (
        f"/api/v1/datasets/{SLUG}/versions/1/rows?limit=100&offset=500000",
        # Datasette pages by rowid: the page after row 500,000 (our offset 500,000).
        "/readings/readings.json?_size=100&_shape=objects&_next=500000",
    ),
    (
        f"/api/v1/datasets/{SLUG}/versions/1/rows?limit=100&zone=zone-07",
        "/readings/readings.json?_size=100&_shape=objects&zone=zone-07",
    ),
]


def make_table() -> pa.Table:
    rng = np.random.default_rng(SEED)
    start = np.datetime64("2024-05-01T00:00:00")
    return pa.table(
        {
            "id": np.arange(1, ROWS + 1, dtype=np.int64),
            "firm": pa.array(rng.choice(FIRMS, ROWS)),
            "zone": pa.array(rng.choice(ZONES, ROWS)),
            "recorded_at": start + rng.integers(0, 7 * 86400, ROWS).astype("timedelta64[s]"),
            "speed": np.round(rng.gamma(6.0, 2.5, ROWS), 2),
            "pm25": np.round(rng.lognormal(2.3, 0.5, ROWS), 2),
        }
    )


SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer"},
        {"name": "firm", "type": "string"},
        {"name": "zone", "type": "string"},
        {"name": "recorded_at", "type": "datetime"},
        {"name": "speed", "type": "number"},
        {"name": "pm25", "type": "number"},
    ],
    "primaryKey": ["id"],
}


def write_files(table: pa.Table) -> tuple[Path, Path]:
    parquet = VAR / "readings.parquet"
    sqlite_path = VAR / "readings.db"
    if not parquet.exists():
        # As the ingest worker writes a version (datasets/ingest/worker.py).
        with duckdb.connect() as con:
            con.register("readings", table)
            con.execute(
                f"COPY (SELECT * FROM readings) TO '{parquet}' "  # noqa: S608 - our path
                "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
            )
    if not sqlite_path.exists():
        scratch = sqlite_path.with_suffix(".tmp")
        scratch.unlink(missing_ok=True)
        con = sqlite3.connect(scratch)
        con.execute(
            "CREATE TABLE readings (id INTEGER PRIMARY KEY, firm TEXT, zone TEXT, "
            "recorded_at TEXT, speed REAL, pm25 REAL)"
        )
        rows = zip(
            table["id"].to_pylist(),
            table["firm"].to_pylist(),
            table["zone"].to_pylist(),
            [t.isoformat() for t in table["recorded_at"].to_pylist()],
            table["speed"].to_pylist(),
            table["pm25"].to_pylist(),
            strict=True,
        )
        con.executemany("INSERT INTO readings VALUES (?, ?, ?, ?, ?, ?)", rows)
        con.execute("CREATE INDEX readings_zone ON readings (zone)")
        con.commit()
        con.close()
        scratch.rename(sqlite_path)
    return parquet, sqlite_path


def tool_venv(name: str, requirement: str) -> Path:
    """A venv of its own under var/bench-api/ holding one tool; made once."""
    folder = VAR / name
    python = folder / "bin" / "python"
    if not python.exists():
        venv.EnvBuilder(with_pip=True).create(folder)
        subprocess.run(  # noqa: S603 - our own fixed command
            [str(python), "-m", "pip", "install", "-q", requirement], check=True, timeout=600
        )
    return folder


# The code served: this checkout's src/, or BENCH_API_SRC (e.g. an older commit's, from
# `git archive <commit> src | tar -x -C /tmp/old`: /tmp/old/src) to compare back to back.
SRC = Path(os.environ.get("BENCH_API_SRC") or ROOT / "src")


def site_env() -> dict[str, str]:
    site = VAR / "site"
    site.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "datacollab.config.settings",
        "DATACOLLAB_ENV": "production",
        "DATACOLLAB_VAR_DIR": str(site),
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "AUDIT_HMAC_KEY": "0" * 64,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback; TLS ends at a proxy
        "LOG_LEVEL": "ERROR",
    }


SETUP = """
import django, hashlib, shutil, sys
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.core.files.storage import storages
from datacollab.datasets.models import Dataset, DatasetVersion
from datacollab.organisations.models import Organisation, User
from datacollab.api.models import ApiTiers
from datacollab.api.throttle import LIMIT_FIELDS
LIMIT = 2_000_000_000
parquet, schema = sys.argv[1], __import__("json").loads(sys.argv[2])
if True:
    user = User.objects.create_user(email="bench@example.org", password=None)
    org = Organisation.objects.create(slug="bench", name="Bench", kind="company", country="GB")
    dataset = Dataset.objects.create(
        slug="{slug}", title="Bench readings", owner=org, spectrum="open", licence="CC0-1.0",
        created_by=user,
    )
    key = "bench/{slug}/v1.parquet"
    with open(parquet, "rb") as handle:
        storages["datasets"].save(key, handle)
    data = open(parquet, "rb").read()
    # The steward's tiers for this dataset, wide enough for the run: the quota and rate checks
    # still run on every request (the conditional upsert), they just never refuse. With the
    # site's defaults (120 anonymous requests a minute) the run would measure 429s.
    ApiTiers.objects.create(dataset=dataset, **{{name: LIMIT for name in LIMIT_FIELDS}})
    DatasetVersion.objects.create(
        dataset=dataset, number=1, storage_key=key, row_count={rows}, byte_size=len(data),
        checksum=hashlib.sha256(data).hexdigest(), schema=schema,
        report={{"valid": True, "errors": [], "tasks": []}}, source_name="readings.parquet",
        source_format="parquet", created_by=user,
    )
"""


def _fresh_postgres_database(url: str) -> None:
    """Under scripts/with-postgres.sh: (re)create the database DATABASE_URL names."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_site(parquet: Path) -> None:
    """A fresh site database and storage, with the open dataset and its one version."""
    shutil.rmtree(VAR / "site", ignore_errors=True)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        _fresh_postgres_database(url)
    code = SETUP.format(slug=SLUG, rows=ROWS)
    subprocess.run(  # noqa: S603 - our own fixed command
        [sys.executable, "-c", code, str(parquet), json.dumps(SCHEMA)],
        env=site_env(),
        check=True,
        cwd=ROOT,
        timeout=600,
    )


def wait_for(port: int, path: str, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            con.request("GET", path)
            status = con.getresponse().status
            con.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"nothing answered 200 on port {port} for {path}")


GUNICORN_CONFIG = """
# Written by bench/api.py. The app is loaded once in the master (--preload) and its URLconf
# imported there (the privacy engine pulls in OpenDP, SciPy and scikit-learn: seconds), so
# forked workers start warm and no request waits for imports.
def on_starting(server):
    from django.urls import get_resolver

    get_resolver().url_patterns
"""


def start_ours() -> subprocess.Popen[bytes]:
    config = VAR / "gunicorn.conf.py"
    config.write_text(GUNICORN_CONFIG)
    return subprocess.Popen(  # noqa: S603 - our own fixed command
        [
            sys.executable,
            "-m",
            "gunicorn",
            "datacollab.config.wsgi",
            "--workers",
            str(WORKERS),
            *(["--worker-class", "gthread", "--threads", str(THREADS)] if THREADS > 1 else []),
            "--bind",
            f"127.0.0.1:{OURS_PORT}",
            "--log-level",
            "warning",
            "--preload",
            "--config",
            str(config),
        ],
        env=site_env(),
        cwd=ROOT,
        start_new_session=True,
    )


def start_datasette(sqlite_path: Path) -> subprocess.Popen[bytes]:
    folder = tool_venv("datasette-venv", DATASETTE)
    return subprocess.Popen(  # noqa: S603 - our own fixed command
        [
            str(folder / "bin" / "datasette"),
            "serve",
            "-i",
            str(sqlite_path),
            "--host",
            "127.0.0.1",
            "--port",
            str(DATASETTE_PORT),
            "--setting",
            "suggest_facets",
            "off",
        ],
        cwd=VAR,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _client(port: int, paths: list[str], start: float, stop_at: float, offset: int) -> Any:
    """One client process: requests in turn until stop_at; latencies of those after start."""
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies: list[float] = []
    errors = 0
    n = offset
    cpu_start = cpu_stop = time.process_time()
    while True:
        now = time.perf_counter()
        if now >= stop_at:
            break
        path = paths[n % len(paths)]
        n += 1
        try:
            con.request("GET", path)
            response = con.getresponse()
            body = response.read()
            ok = response.status == 200 and body[:1] in (b"{", b"[")
        except (OSError, http.client.HTTPException):
            con.close()
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            ok = False
        done = time.perf_counter()
        if now >= start:
            latencies.append(done - now)
            errors += not ok
        else:
            cpu_start = time.process_time()
    cpu_stop = time.process_time()
    con.close()
    return latencies, errors, cpu_stop - cpu_start


def load(port: int, paths: list[str]) -> dict[str, float]:
    begin = time.perf_counter() + 1.0  # the processes start first
    start, stop_at = begin + WARMUP, begin + WARMUP + DURATION
    with multiprocessing.get_context("fork").Pool(CLIENTS) as pool:
        results = pool.starmap(_client, [(port, paths, start, stop_at, i) for i in range(CLIENTS)])
    latencies = sorted(x for lats, _errors, _cpu in results for x in lats)
    errors = sum(e for _lats, e, _cpu in results)
    client_cpu = sum(cpu for _lats, _e, cpu in results)
    return {
        "rps": len(latencies) / DURATION,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
        "requests": len(latencies),
        "errors": errors,
        # The load client's own CPU (all its processes) per request and as a share of the
        # machine's cores over the run: what the servers could not use.
        "client_cpu_ms": client_cpu / max(1, len(latencies)) * 1000,
        "client_cores": client_cpu / DURATION,
    }


def _free(port: int) -> None:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(f"port {port} is taken: stop what listens there first")


def main() -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    for port in (OURS_PORT, DATASETTE_PORT):
        _free(port)
    print(f"bench api: table of {ROWS:,} rows; {CLIENTS} client processes, {DURATION:g} s each")
    parquet, sqlite_path = write_files(make_table())
    setup_site(parquet)
    ours_paths = [ours for ours, _ in REQUESTS]
    theirs_paths = [theirs for _, theirs in REQUESTS]

    ours_server = start_ours()
    try:
        wait_for(OURS_PORT, ours_paths[0])
        ours = load(OURS_PORT, ours_paths)
    finally:
        stop(ours_server)
    threads = f" x {THREADS} threads" if THREADS > 1 else ""
    print(f"  datacollab (gunicorn, {WORKERS} workers{threads}): {json.dumps(ours)}")

    datasette_server = start_datasette(sqlite_path)
    try:
        wait_for(DATASETTE_PORT, theirs_paths[0])
        theirs = load(DATASETTE_PORT, theirs_paths)
    finally:
        stop(datasette_server)
    print(f"  datasette ({DATASETTE}, immutable): {json.dumps(theirs)}")

    ratio = ours["rps"] / theirs["rps"] if theirs["rps"] else float("inf")
    print(
        f"bench api: ours_rps={ours['rps']:.0f} datasette_rps={theirs['rps']:.0f} "
        f"ratio={ratio:.1f} ours_p99_ms={ours['p99_ms']:.1f} "
        f"datasette_p99_ms={theirs['p99_ms']:.1f} ours_errors={ours['errors']}"
    )
    if ours["errors"]:
        # A refusal (429, 500) is cheap to serve: a run with errors measured the wrong thing.
        sys.exit(f"bench api: {ours['errors']} of our requests failed; the figures are void")


if __name__ == "__main__":
    main()
