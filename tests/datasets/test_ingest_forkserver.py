"""The fork server (issue 15, the parse's fixed cost): started once, replaced when it dies,
single-threaded when it forks, and its children reported as a fresh worker's would be."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import psutil
import pytest

from datacollab.datasets.ingest import forkclient
from datacollab.datasets.ingest.limits import MB, Limits
from datacollab.datasets.ingest.messages import refusal_message
from datacollab.datasets.ingest.runner import run_worker
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    sensor_csv,
)

SMALL = "a,b,c\n1,x,2.5\n2,y,3.5\n3,z,4\n4,w,5\n5,v,6\n"


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    path = tmp_path / "s.csv"
    path.write_text(SMALL, encoding="utf-8")
    return path


def _parse(path: Path, work: Path, **kwargs):
    return run_worker(source=path, name=path.name, work_dir=work, limits=Limits(), **kwargs)


def test_fork_server_is_started_once_for_several_parses(small_csv, tmp_path):
    first = _parse(small_csv, tmp_path / "w1", fork_server=True)
    server = forkclient.running()
    second = _parse(small_csv, tmp_path / "w2", fork_server=True)

    assert server is not None
    assert (first.status, second.status) == ("valid", "valid")
    assert forkclient.running() is server
    # Each parse is a child of that same server.
    assert first.pid != second.pid
    assert server.pid == server.process.pid


def test_a_killed_fork_server_is_replaced_on_the_next_parse(small_csv, tmp_path):
    _parse(small_csv, tmp_path / "w1", fork_server=True)
    old = forkclient.running()
    assert old is not None
    os.kill(old.pid, signal.SIGKILL)
    old.process.wait()

    outcome = _parse(small_csv, tmp_path / "w2", fork_server=True)

    new = forkclient.running()
    assert outcome.status == "valid"
    assert new is not None
    assert new.pid != old.pid


def test_the_fork_server_forks_with_one_thread_and_no_duckdb_connection(small_csv, tmp_path):
    forkclient.stop()  # a server of this test's own: its count is taken before any fork
    _parse(small_csv, tmp_path / "w1", fork_server=True)
    server = forkclient.running()

    assert server is not None
    # As the kernel counts them (a DuckDB connection or jemalloc would add theirs) and as
    # Python does.
    assert (server.threads, server.python_threads) == (1, 1)
    assert psutil.Process(server.pid).num_threads() == 1


def test_the_fork_server_never_imports_pandas(small_csv, tmp_path):
    _parse(small_csv, tmp_path / "w1", fork_server=True)
    server = forkclient.running()
    assert server is not None

    maps = Path(f"/proc/{server.pid}/maps").read_text()

    assert "/pandas/" not in maps
    assert "/pyarrow/" in maps


@pytest.mark.parametrize("fork_server", [True, False], ids=["forked", "fresh"])
def test_a_sigkilled_job_child_is_reported_as_crashed(ingest_dirs, fork_server):
    path = sensor_csv(ingest_dirs / "big.csv", 200_000)
    started: list[int] = []

    def kill(phase: str) -> None:
        if phase == "validate" and started:
            os.kill(started[0], signal.SIGKILL)

    outcome = run_worker(
        source=path,
        name="big.csv",
        work_dir=ingest_dirs / "work",
        limits=Limits(),
        on_start=started.append,
        on_progress=kill,
        fork_server=fork_server,
    )

    assert outcome.pid == started[0]
    assert (outcome.status, outcome.refusal) == (
        "refused",
        {"code": "crashed", "params": {"detail": "SIGKILL"}},
    )
    assert outcome.cpu_seconds > 0
    assert outcome.peak_rss_mb > 0
    assert not (ingest_dirs / "work" / "result.json").exists()


@pytest.mark.parametrize("fork_server", [True, False], ids=["forked", "fresh"])
def test_the_wall_clock_kill_refuses_on_both_paths(ingest_dirs, fork_server):
    path = sensor_csv(ingest_dirs / "big.csv", 300_000)

    outcome = run_worker(
        source=path,
        name="big.csv",
        work_dir=ingest_dirs / "work",
        limits=Limits(wall_seconds=0.3),
        fork_server=fork_server,
    )

    assert refusal_message(outcome.refusal) == "Parsing took longer than 0.3 s: refused."
    assert not psutil.pid_exists(outcome.pid) or _zombie(outcome.pid)


@pytest.mark.parametrize("fork_server", [True, False], ids=["forked", "fresh"])
def test_the_cpu_limit_refuses_on_both_paths(ingest_dirs, fork_server):
    path = sensor_csv(ingest_dirs / "big.csv", 2_000_000)

    outcome = run_worker(
        source=path,
        name="big.csv",
        work_dir=ingest_dirs / "work",
        limits=Limits(cpu_seconds=1),
        fork_server=fork_server,
    )

    assert outcome.refusal == {"code": "cpu-time", "params": {"seconds": 1}}


def test_the_server_dying_mid_parse_kills_its_child_and_refuses(ingest_dirs):
    path = sensor_csv(ingest_dirs / "big.csv", 200_000)
    started: list[int] = []

    def kill_server(phase: str) -> None:
        server = forkclient.running()
        if phase == "validate" and server is not None and started:
            os.kill(server.pid, signal.SIGKILL)

    outcome = run_worker(
        source=path,
        name="big.csv",
        work_dir=ingest_dirs / "work",
        limits=Limits(),
        on_start=started.append,
        on_progress=kill_server,
        fork_server=True,
    )

    assert outcome.refusal == {"code": "crashed", "params": {"detail": "SIGKILL"}}
    # The child asked to die with its parent: nothing parses on, unwatched.
    assert not psutil.pid_exists(started[0]) or _zombie(started[0])
    assert outcome.peak_rss_mb > 0  # what /proc showed while it ran


def test_the_forked_child_writes_only_in_its_work_folder(small_csv, tmp_path):
    work = tmp_path / "work"
    before = sorted(p.name for p in tmp_path.iterdir())

    outcome = _parse(small_csv, work, fork_server=True)

    assert outcome.status == "valid"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "work"])
    assert sorted(p.name for p in work.iterdir()) == [
        "duckdb-spill",
        "job.json",
        "result.json",
        "typed.parquet",
    ]


def _zombie(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.mark.parametrize("fork_server", [True, False], ids=["forked", "fresh"])
def test_the_memory_limit_refuses_on_both_paths(ingest_dirs, fork_server):
    # The preloaded libraries count toward the forked child's address space as they do in a
    # fresh worker, which loads them before it parses: 120 MB is too little for either.
    path = sensor_csv(ingest_dirs / "big.csv", 1000)

    outcome = run_worker(
        source=path,
        name="big.csv",
        work_dir=ingest_dirs / "work",
        limits=Limits(memory_mb=120),
        fork_server=fork_server,
    )

    assert outcome.refusal == {"code": "out-of-memory", "params": {"limit_mb": 120}}


@pytest.mark.parametrize("fork_server", [True, False], ids=["forked", "fresh"])
def test_progress_lines_reach_the_parent_on_both_paths(small_csv, tmp_path, fork_server):
    phases: list[str] = []

    outcome = _parse(small_csv, tmp_path / "w", fork_server=fork_server, on_progress=phases.append)

    assert outcome.status == "valid"
    assert phases == ["detect", "check-text", "infer", "validate", "write", "checksum"]


@pytest.mark.parametrize("fork_server", [True, False], ids=["forked", "fresh"])
def test_the_child_parses_under_its_rlimits_on_both_paths(ingest_dirs, fork_server):
    # Large enough that the child is still parsing when its "infer" line is read.
    path = sensor_csv(ingest_dirs / "big.csv", 100_000)
    limits = Limits(memory_mb=1000, cpu_seconds=77, open_files=99, max_output_bytes=50 * MB)
    started: list[int] = []
    seen: dict[str, str] = {}

    def read_limits(phase: str) -> None:
        if phase == "infer":  # the child is mid-parse
            for line in Path(f"/proc/{started[0]}/limits").read_text().splitlines():
                name, _, rest = line.partition("  ")
                seen[name.strip()] = " ".join(rest.split()[:2])

    outcome = run_worker(
        source=path,
        name="big.csv",
        work_dir=ingest_dirs / "work",
        limits=limits,
        on_start=started.append,
        on_progress=read_limits,
        fork_server=fork_server,
    )

    assert outcome.status == "valid"
    assert (
        seen["Max address space"],
        seen["Max cpu time"],
        seen["Max open files"],
        seen["Max file size"],
        seen["Max core file size"],
    ) == (
        f"{1000 * MB} {1000 * MB}",
        "77 82",
        "99 99",
        f"{50 * MB} {50 * MB}",
        "0 0",
    )


def test_a_fork_server_that_cannot_start_leaves_the_parse_to_a_fresh_process(
    small_csv, tmp_path, monkeypatch
):
    forkclient.stop()
    monkeypatch.setattr(forkclient, "READY_SECONDS", 0.001)  # no server is ready that soon
    monkeypatch.setattr(forkclient, "_retry_after", 0.0)
    parents: list[int] = []

    # A fresh worker is this process's own child; a forked one is the server's. (Its command
    # line would race the exec: /proc/<pid>/cmdline is empty while exec replaces it.)
    def parent(pid: int) -> None:
        parents.append(psutil.Process(pid).ppid())

    first = _parse(small_csv, tmp_path / "w1", fork_server=True, on_start=parent)
    second = _parse(small_csv, tmp_path / "w2", fork_server=True, on_start=parent)

    assert (first.status, second.status) == ("valid", "valid")
    assert parents == [os.getpid()] * 2
    assert forkclient.running() is None
    # A failed start is not tried again at once: the second parse went straight to a fresh
    # process (a start takes longer than 0.001 s, so a second try would have failed too).
    assert forkclient._retry_after > 0
