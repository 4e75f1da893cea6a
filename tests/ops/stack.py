"""The production stack as processes on 127.0.0.1, as docs/operations.md describes it.

PostgreSQL (a throwaway cluster from scripts/with-postgres.sh), a moto S3 server, two gunicorn
app servers (deploy/gunicorn.conf.py, gthread) and `datacollab worker`, every one with
DATACOLLAB_ENV=production settings from environment variables. Each process is started in a
session of its own and stopped with its whole group, so none is left behind, even when a test
fails; PostgreSQL stops when its script's standard input closes, which happens as well when
this process dies.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
STOP_SECONDS = 15


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    stopped: bool = False  # on purpose: waiting does not treat its exit as a failure

    def stop(self) -> None:
        self.stopped = True
        if self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(STOP_SECONDS)

    def group_alive(self) -> bool:
        try:
            os.killpg(self.popen.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines() if self.log.exists() else []


@dataclass
class Stack:
    folder: Path
    env: dict[str, str] = field(default_factory=dict)
    processes: list[Process] = field(default_factory=list)
    postgres: subprocess.Popen[bytes] | None = None
    app_ports: list[int] = field(default_factory=list)
    bucket: str = ""
    s3_endpoint: str = ""

    def start(self, name: str, *command: str, stdin: int | IO[bytes] | None = None) -> Process:
        log = self.folder / f"{name}.log"
        popen = subprocess.Popen(
            list(command),
            cwd=ROOT,
            env=self.env,
            stdin=stdin if stdin is not None else subprocess.DEVNULL,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def process(self, name: str) -> Process:
        (found,) = [p for p in self.processes if p.name == name]
        return found

    def run(self, *command: str, timeout: float = 300) -> str:
        """A one-shot process (migrations, set-up), as compose's `migrate` service."""
        done = subprocess.run(
            list(command), cwd=ROOT, env=self.env, capture_output=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} exited {done.returncode}:\n"
                + done.stdout.decode(errors="replace")
                + done.stderr.decode(errors="replace")
            )
        return done.stdout.decode()

    def datacollab(self, *arguments: str) -> str:
        return self.run(PYTHON, "-m", "datacollab", *arguments)

    def stop(self) -> None:
        # The app and worker first, then the stores they write to.
        for process in reversed(self.processes):
            process.stop()
        if self.postgres is not None and self.postgres.poll() is None:
            assert self.postgres.stdin is not None
            self.postgres.stdin.close()
            try:
                self.postgres.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.postgres.pid, signal.SIGKILL)
                self.postgres.wait(STOP_SECONDS)

    def report(self) -> str:
        """Every process's output, for a failing test's message."""
        return "\n".join(
            f"--- {p.name} (exit {p.popen.poll()})\n" + "\n".join(p.lines()[-40:])
            for p in self.processes
        )


def start_postgres(stack: Stack) -> str:
    """scripts/with-postgres.sh around a command that prints the URL and waits for the end of
    its input: closing that input stops and removes the cluster."""
    popen = subprocess.Popen(
        [
            str(ROOT / "scripts" / "with-postgres.sh"),
            "sh",
            "-c",
            'echo "$DATABASE_URL"; cat >/dev/null',
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=(stack.folder / "postgres.log").open("ab"),
        start_new_session=True,
        env={k: v for k, v in os.environ.items() if k != "ALLOW_NO_POSTGRES"},
    )
    stack.postgres = popen
    assert popen.stdout is not None
    url = popen.stdout.readline().decode().strip()
    if not url.startswith("postgres://"):
        raise RuntimeError(
            "PostgreSQL did not start: " + (stack.folder / "postgres.log").read_text()
        )
    import psycopg

    # The cluster is empty: make the site's database, as an operator does once.
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute("CREATE DATABASE datacollab")
    return url.rsplit("/", 1)[0] + "/datacollab"


def production_env(stack: Stack, *, database_url: str) -> dict[str, str]:
    """The environment docs/operations.md lists, for every process of the deployment."""
    keep = ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR")
    return {
        **{k: v for k, v in os.environ.items() if k in keep},
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        "DJANGO_SETTINGS_MODULE": "datacollab.config.settings",
        "DATACOLLAB_ENV": "production",
        "SECRET_KEY": "stack-test-" + uuid.uuid4().hex * 2,
        "AUDIT_HMAC_KEY": uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback; TLS ends at a proxy
        "DATABASE_URL": database_url,
        "DATACOLLAB_VAR_DIR": str(stack.folder / "var"),
        "DATASETS_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": stack.bucket,
        "AWS_S3_ENDPOINT_URL": stack.s3_endpoint,
        "AWS_ACCESS_KEY_ID": "stack-test",
        "AWS_SECRET_ACCESS_KEY": "stack-test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "DATACOLLAB_LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "WORKER_HEARTBEAT_SECONDS": "1",
        "WORKER_HEARTBEAT_STALE_SECONDS": "4",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
    }


def wait_for(what: str, probe: Any, stack: Stack, timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        for process in stack.processes:
            if not process.stopped and process.popen.poll() is not None:
                raise RuntimeError(f"{process.name} exited while waiting for {what}")
        time.sleep(0.25)
    raise TimeoutError(f"{what}: not within {timeout} s\n{stack.report()}")


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def get_json(port: int, path: str, **kwargs: Any) -> tuple[int, Any]:
    status, _headers, body = request(port, "GET", path, **kwargs)
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body.decode(errors="replace")


def multipart(fields: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, (filename, data) in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


def start_worker(stack: Stack, name: str = "worker") -> Process:
    return stack.start(name, PYTHON, "-m", "datacollab", "worker", "--interval", "0.2")


@contextlib.contextmanager
def production_stack(
    folder: Path,
    *,
    app_servers: tuple[str, ...] = ("app-a", "app-b"),
    env: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """The stack, stopped on leaving. `env` overrides the environment of every process
    (bench/load.py sizes the app servers with it)."""
    import boto3  # the test process creates the bucket, as an operator would once

    stack = Stack(folder=folder)
    try:
        database_url = start_postgres(stack)
        s3_port = free_port()
        stack.s3_endpoint = f"http://127.0.0.1:{s3_port}"
        stack.bucket = f"datacollab-{uuid.uuid4().hex[:12]}"
        stack.env = {**production_env(stack, database_url=database_url), **(env or {})}
        stack.start(
            "s3", str(Path(PYTHON).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)
        )
        s3 = boto3.client(
            "s3",
            endpoint_url=stack.s3_endpoint,
            region_name="us-east-1",
            aws_access_key_id="stack-test",
            aws_secret_access_key="stack-test",
        )

        def bucket_made() -> bool:
            try:
                s3.create_bucket(Bucket=stack.bucket)
            except Exception:  # not listening yet
                return False
            return True

        wait_for("the S3 server", bucket_made, stack, timeout=60)
        stack.datacollab("migrate", "--noinput")
        start_worker(stack)
        for name in app_servers:
            port = free_port()
            stack.app_ports.append(port)
            stack.start(
                name,
                PYTHON,
                "-m",
                "gunicorn",
                "--config",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
            )
        yield stack
    finally:
        stack.stop()
