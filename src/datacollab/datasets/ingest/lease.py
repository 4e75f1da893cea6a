"""Who runs an upload's worker, and whether that process still lives.

The process that starts the parsing worker (a task worker, the ingest command, a web process
with the immediate task backend) records its host, pid and start time on the upload and renews
a short lease while it waits. The upload's runner has stopped when the lease has run out (any
host), or at once when the runner was on this host and that process is gone: a pid alone could
be reused, the pid with its start time cannot.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Runner:
    host: str
    pid: int
    started: int | None  # clock ticks after boot (Linux), None where unknown


def _stat_fields(pid: int) -> list[str]:
    """Fields 3 onwards of /proc/PID/stat (state first); [] if gone or unreadable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return []
    # The command name (field 2) may hold spaces and parentheses: count after its last ")".
    return stat[stat.rfind(")") + 2 :].split()


def start_ticks(pid: int) -> int | None:
    """The process's start time (field 22 of /proc/PID/stat); None if gone or unknown."""
    fields = _stat_fields(pid)
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def _running(pid: int, started: int) -> bool:
    """The process with this pid and start time exists and is not a zombie: a killed runner
    whose parent has not reaped it yet (a shell, a supervisor that is slow, a test) keeps its
    /proc entry and start time, but runs nothing."""
    fields = _stat_fields(pid)
    if len(fields) < 20 or fields[0] in ("Z", "X"):
        return False
    try:
        return int(fields[19]) == started
    except ValueError:
        return False


def this_process() -> Runner:
    pid = os.getpid()
    return Runner(host=socket.gethostname(), pid=pid, started=start_ticks(pid))


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def runner_alive(runner: Runner) -> bool | None:
    """True or False for a runner on this host; None for another host (only the lease tells)."""
    if runner.host != socket.gethostname():
        return None
    if runner.started is not None and Path("/proc/self/stat").exists():
        return _running(runner.pid, runner.started)
    return _pid_exists(runner.pid)


def stopped(runner: Runner | None, lease_expires_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether a processing upload's runner has stopped: its process is gone, or its lease ran
    out (a runner alive on this host keeps its claim even if its renewals are late)."""
    alive = runner_alive(runner) if runner is not None else None
    if alive is not None:
        return not alive
    return lease_expires_at is not None and lease_expires_at < now
