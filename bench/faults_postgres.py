"""Fault trial 2 (issue 15): PostgreSQL stopped immediately during writes, N trials.

A throwaway cluster with PostgreSQL's production durability (bench/_faults.py), one gunicorn
app server (production settings, deploy/gunicorn.conf.py) and, in each trial, four clients
writing at once until the database goes away:

* two HTTP clients upload files through the API (`POST /api/v1/datasets/SLUG/uploads`:
  acknowledged = 202), each upload a row, its file and an audit entry;
* one client calls the upload service in this process (`receive_upload`: acknowledged = it
  returned), as the ingest command does;
* one client creates API tokens through the service (`create_token`: a row and an audit entry).

At a random moment `pg_ctl stop -m immediate` (no checkpoint: crash recovery on restart); the
clients keep trying for a moment (what users see then is counted), the cluster starts again,
and then:

* lost: acknowledged writes whose row, audit entry or file is missing: must be 0;
* half-written: unacknowledged writes with some of their parts and not all (a row without its
  audit entry or its file, a file without its row): must be 0;
* `audit verify` on the whole chain after every trial;
* the app recovers without a restart: requests after the restart until 8 succeed in a row;
  then a quiet restart (no request while the database was away: the app's kept connections
  are dead when the next requests come), measured the same way.

Bounded by --trials and --max-seconds, loopback only. Run from the repository root:
    .venv/bin/python bench/faults_postgres.py [--trials 100] [--seed 15] [--health-checks]
Ends with
`bench faults_postgres: trials=... acknowledged=... lost=0 half_written=0 audit_verify=ok`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import io
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _faults import PYTHON, ROOT, Cluster, environment, free_port, setup_django

BODY = b"id,vehicle,speed\n" + b"".join(
    b"%d,bike-%d,%d.5\n" % (i, i % 7, i % 30) for i in range(200)
)


@dataclass
class Log:
    attempts: list[tuple[str, str, bool]] = field(default_factory=list)  # (kind, key, acked)
    outage: Counter[str] = field(default_factory=Counter)  # what HTTP clients saw while down
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, key: str, acked: bool) -> None:
        with self.lock:
            self.attempts.append((kind, key, acked))


def _multipart(name: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + BODY
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, boundary


def request(port: int, method: str, path: str, **kwargs: Any) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, **kwargs)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def http_writer(
    port: int,
    slug: str,
    secret: str,
    prefix: str,
    log: Log,
    stop: threading.Event,
    down: threading.Event,
) -> None:
    number = 0
    while not stop.is_set():
        number += 1
        key = f"{prefix}-{number}.csv"
        body, boundary = _multipart(key)
        headers = {
            "Authorization": f"Bearer {secret}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        }
        try:
            status = request(
                port, "POST", f"/api/v1/datasets/{slug}/uploads", body=body, headers=headers
            )
        except OSError as exc:
            status = 0
            seen = type(exc).__name__
        else:
            seen = str(status)
        log.add("http-upload", key, status == 202)
        if down.is_set():
            with log.lock:
                log.outage[seen] += 1
        if status != 202:
            time.sleep(0.05)


def service_writer(kind: str, prefix: str, write: Any, log: Log, stop: threading.Event) -> None:
    from django.db import connection

    number = 0
    while not stop.is_set():
        number += 1
        key = f"{prefix}-{number}" + (".csv" if kind == "service-upload" else "")
        try:
            write(key)
        except Exception:
            log.add(kind, key, False)
            # What a worker does between tasks: drop the broken connection, reconnect next time.
            with contextlib.suppress(Exception):
                connection.close()
            time.sleep(0.05)
        else:
            log.add(kind, key, True)
    with contextlib.suppress(Exception):
        connection.close()


def check(log: Log, uploads: Path) -> tuple[int, int]:
    """(lost, half-written) among the trial's writes."""
    from datacollab.api.models import ApiToken
    from datacollab.core.models import AuditEntry
    from datacollab.datasets.models import Upload

    lost = half = 0
    files = {p.name.split("-", 1)[1]: p for p in uploads.glob("*/*") if p.is_file()}
    for kind, key, acked in log.attempts:
        if kind == "token":
            row = ApiToken.objects.filter(name=key).first()
            entry = AuditEntry.objects.filter(action="api.token_created", details__name=key)
            parts = [row is not None, entry.exists()]
        else:
            upload = Upload.objects.filter(original_name=key).first()
            entry = (
                AuditEntry.objects.filter(
                    action="dataset.upload_received", details__upload=upload.pk
                ).exists()
                if upload is not None
                else False
            )
            parts = [upload is not None, entry, key in files]
            if parts == [False, False, True]:
                # A commit cut off mid-way keeps the received file (services/uploads.py): no
                # row refers to it, nobody can reach it, datasets-gc removes it (checked below).
                parts = [False, False, False]
        if acked and not all(parts):
            lost += 1
        elif not acked and any(parts) and not all(parts):
            half += 1
        if (acked or any(parts)) and not all(parts):
            print(f"  {'lost' if acked else 'half-written'}: {kind} {key} parts={parts}")
    return lost, half


def unreferenced_uploads(uploads: Path) -> int:
    """Received files that no upload row refers to, after datasets-gc: must be 0."""
    from datacollab.datasets.models import Upload

    paths = set(Upload.objects.values_list("path", flat=True))
    left = [p for p in uploads.glob("*/*") if p.is_file() and str(p) not in paths]
    for path in left:
        print(f"  half-written: a received file without its row: {path.name}")
    return len(left)


def recovery(
    port: int, slug: str, secret: str, seen: Counter[str], tries: int = 40
) -> tuple[int, bool]:
    """(failed requests after the restart before the first success, all of the next 8 ok);
    the failures' statuses are added to `seen`."""
    headers = {"Authorization": f"Bearer {secret}"}
    failed = 0
    for _ in range(tries):
        try:
            status = request(port, "GET", f"/api/v1/datasets/{slug}/uploads", headers=headers)
        except OSError:
            status = 0
        if status == 200:
            break
        failed += 1
        seen[str(status)] += 1
        time.sleep(0.1)
    # Steady: 8 successes in a row within the next 40 requests. Without health checks each
    # app thread's kept connection fails once after a restart nobody saw (see the docs).
    row = 0
    for _ in range(40):
        try:
            status = request(port, "GET", f"/api/v1/datasets/{slug}/uploads", headers=headers)
        except OSError:
            status = 0
        row = row + 1 if status == 200 else 0
        if status != 200:
            failed += 1
            seen[str(status)] += 1
        if row == 8:
            return failed, True
    return failed, False


def start_app(folder: Path, database_url: str, health_checks: bool) -> tuple[Any, int]:
    port = free_port()
    env = {
        **{k: v for k, v in __import__("os").environ.items() if k in ("PATH", "LANG", "HOME")},
        **environment(folder, database_url),
        "DATACOLLAB_ENV": "production",
        "SECRET_KEY": "faults-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
        "DATABASE_HEALTH_CHECKS": "true" if health_checks else "false",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "DATACOLLAB_ACCESS_LOG": "false",
    }
    log = (folder / "app.log").open("ab")
    app = subprocess.Popen(  # noqa: S603 - our interpreter, gunicorn, our config
        [
            PYTHON,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if request(port, "GET", "/health/live") == 200:
                return app, port
        if app.poll() is not None:
            raise RuntimeError("the app server exited: " + (folder / "app.log").read_text()[-3000:])
        time.sleep(0.25)
    raise RuntimeError("the app server did not answer within 120 s")


def _answers(seen: Counter[str]) -> str:
    return ",".join(f"{k}:{v}" for k, v in sorted(seen.items())) or "none"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--max-seconds", type=float, default=1500)
    parser.add_argument(
        "--health-checks", action="store_true", help="run the app with DATABASE_HEALTH_CHECKS=true"
    )
    args = parser.parse_args()
    from rich.console import Console
    from rich.table import Table

    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="datacollab-faults-pg."))
    cluster = Cluster(durable=True)
    app = None
    rows: list[dict[str, Any]] = []
    verify_ok = True
    started = time.monotonic()
    try:
        cluster.start()
        cluster.create_database()
        setup_django(folder, cluster.url)
        from django.core.management import call_command
        from django.db import connections

        from datacollab.api.services.tokens import create_token
        from datacollab.core import audit
        from datacollab.datasets.services.uploads import receive_upload
        from datacollab.datasets.services.versions import remove_orphan_files
        from tests.datasets.factories_ingest import owner_and_dataset
        from tests.factories import make_user
        from tests.factories_api import make_token

        owner, dataset = owner_and_dataset()
        _, secret = make_token(owner)
        app, port = start_app(folder, cluster.url, args.health_checks)
        for trial in range(args.trials):
            if time.monotonic() - started > args.max_seconds:
                break
            log = Log()
            stop, down = threading.Event(), threading.Event()
            token_user = make_user()

            def upload(key: str) -> None:
                receive_upload(
                    actor=owner, dataset=dataset, stream=io.BytesIO(BODY), name=key, enqueue=False
                )

            def token(key: str, user: Any = token_user) -> None:
                create_token(actor=user, name=key)

            threads = [
                threading.Thread(
                    target=http_writer,
                    args=(port, dataset.slug, secret, f"t{trial}h{k}", log, stop, down),
                )
                for k in range(2)
            ] + [
                threading.Thread(
                    target=service_writer, args=("service-upload", f"t{trial}s", upload, log, stop)
                ),
                threading.Thread(
                    target=service_writer, args=("token", f"t{trial}k", token, log, stop)
                ),
            ]
            connections.close_all()
            for thread in threads:
                thread.start()
            time.sleep(rng.uniform(0.2, 1.5))
            cluster.stop_immediate()
            down.set()
            time.sleep(0.5)  # the clients keep trying against the stopped database
            cluster.start()
            down.clear()
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            after_restart: Counter[str] = Counter()
            failed_after, steady = recovery(port, dataset.slug, secret, after_restart)
            # A quiet outage: no request while the database was away, so the app's kept
            # connections (CONN_MAX_AGE) are dead when the next requests come.
            cluster.stop_immediate()
            cluster.start()
            quiet_failed, quiet_steady = recovery(port, dataset.slug, secret, after_restart)
            connections.close_all()
            lost, half = check(log, folder / "uploads")
            remove_orphan_files(older_than=dt.timedelta(0))
            half += unreferenced_uploads(folder / "uploads")
            result = audit.verify()
            ok = not result.problems
            verify_ok = verify_ok and ok
            rows.append(
                {
                    "acknowledged": sum(a for _, _, a in log.attempts),
                    "unacknowledged": sum(not a for _, _, a in log.attempts),
                    "lost": lost,
                    "half": half,
                    "verify": ok,
                    "failed_after": failed_after + quiet_failed,
                    "steady": steady and quiet_steady,
                    "outage": log.outage,
                    "after_restart": after_restart,
                }
            )
        call_command("audit", "verify", verbosity=0)
        seconds = time.monotonic() - started
    finally:
        if app is not None and app.poll() is None:
            app.terminate()
            app.wait(30)
        cluster.remove()
        shutil.rmtree(folder, ignore_errors=True)
    outage: Counter[str] = Counter()
    after: Counter[str] = Counter()
    for row in rows:
        outage.update(row["outage"])
        after.update(row["after_restart"])
    table = Table(title=f"PostgreSQL stopped immediately during writes ({len(rows)} trials)")
    for column in ("measure", "value"):
        table.add_column(column)
    table.add_row("writes acknowledged", str(sum(r["acknowledged"] for r in rows)))
    table.add_row("writes refused (database down)", str(sum(r["unacknowledged"] for r in rows)))
    table.add_row("acknowledged and lost", str(sum(r["lost"] for r in rows)))
    table.add_row("half-written", str(sum(r["half"] for r in rows)))
    table.add_row("trials whose audit chain verified", str(sum(r["verify"] for r in rows)))
    table.add_row(
        "HTTP answers during the outage", ", ".join(f"{k}: {v}" for k, v in sorted(outage.items()))
    )
    table.add_row(
        "failed requests after the restarts (total)", str(sum(r["failed_after"] for r in rows))
    )
    table.add_row("their answers", ", ".join(f"{k}: {v}" for k, v in sorted(after.items())))
    table.add_row("trials steady after the first success", str(sum(r["steady"] for r in rows)))
    Console(width=120).print(table)
    print(
        f"bench faults_postgres: trials={len(rows)} "
        f"acknowledged={sum(r['acknowledged'] for r in rows)} "
        f"lost={sum(r['lost'] for r in rows)} half_written={sum(r['half'] for r in rows)} "
        f"audit_verify={'ok' if verify_ok else 'FAILED'} "
        f"failed_after_restart={sum(r['failed_after'] for r in rows)} "
        f"outage_answers={_answers(outage + after)} "
        f"recovered={sum(r['steady'] for r in rows)} "
        f"health_checks={'on' if args.health_checks else 'off'} seconds={seconds:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
