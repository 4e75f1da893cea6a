"""Shared by the fault trials (bench/faults_*.py, tests/ops/test_fault_*.py): a throwaway
PostgreSQL cluster that can be stopped hard and started again, and Django set up against it.

The cluster keeps PostgreSQL's production durability (fsync and synchronous_commit on): the
trials count acknowledged writes, and a commit acknowledged before its WAL reached the kernel
(synchronous_commit=off) is exactly what `pg_ctl stop -m immediate` would lose.
Loopback only: the cluster listens on 127.0.0.1 and a private socket folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)
    found = [p for p in found if (p / "initdb").exists()]
    return found[-1] if found else None


def postgres_available() -> bool:
    return _bindir() is not None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ensure_postgres_user() -> None:
    import pwd

    try:
        pwd.getpwnam("postgres")
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        subprocess.run([useradd, "--system", "--no-create-home", "postgres"], check=True)  # noqa: S603


class Cluster:
    """initdb in a temporary folder; `stop_immediate()` is `pg_ctl stop -m immediate` (no
    checkpoint, no clean shutdown: crash recovery replays the WAL on the next start)."""

    def __init__(self, *, durable: bool = True) -> None:
        bindir = _bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)")
        self.bin = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="datacollab-faults-pg."))
        self.data = self.folder / "data"
        self.port = free_port()
        self.durable = durable
        self._as_pg: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: the cluster runs as the postgres user
            _ensure_postgres_user()
            shutil.chown(self.folder, "postgres")
            self._as_pg = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/datacollab"

    def _run(self, tool: str, *arguments: str) -> None:
        subprocess.run(  # noqa: S603 - PostgreSQL's own tools, our own arguments
            [*self._as_pg, str(self.bin / tool), *arguments],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}"
        options += " -c max_connections=100"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-w",
            "-o",
            options,
            "start",
        )

    def stop_immediate(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def create_database(self) -> None:
        import psycopg

        admin = self.url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute("CREATE DATABASE datacollab")

    def remove(self) -> None:
        subprocess.run(  # noqa: S603 - pg_ctl, our own arguments
            [
                *self._as_pg,
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def environment(folder: Path, database_url: str) -> dict[str, str]:
    """The variables every process of a trial gets (this checkout's code first)."""
    return {
        "DATABASE_URL": database_url,
        "DATACOLLAB_VAR_DIR": str(folder / "var"),
        "DATASETS_UPLOAD_DIR": str(folder / "uploads"),
        "DATASETS_ROOT": str(folder / "store"),
        "DATASETS_WORKER_CPU_SECONDS": "120",
        "AUDIT_HMAC_KEY": "faults-" + uuid.uuid5(uuid.NAMESPACE_URL, str(folder)).hex * 2,
        "DJANGO_SETTINGS_MODULE": "datacollab.config.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }


def setup_django(folder: Path, database_url: str, *, migrate: bool = True) -> dict[str, str]:
    """Point this process at the trial's database and folders, set Django up, migrate."""
    env = environment(folder, database_url)
    os.environ.update(env)
    for path in (str(ROOT), str(ROOT / "src")):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", "--noinput", verbosity=0)
    return {**os.environ, **env}
