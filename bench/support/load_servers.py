"""bench/load.py's view of the servers: CPU and peak memory of each one's processes, from
/proc (Linux)."""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from pathlib import Path

from tests.ops.stack import Stack


def _stat(pid: int) -> tuple[int, int, float] | None:
    """(parent pid, session id, CPU seconds) of a process, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[1]), int(fields[3]), (int(fields[11]) + int(fields[12])) / ticks


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def server_groups(stack: Stack) -> dict[str, list[int]]:
    """The pids of each server: every process of its session (gunicorn's workers, the
    worker's parse processes); PostgreSQL's server and its backends under the postgres one."""
    sessions = {p.popen.pid: p.name for p in stack.processes}
    if stack.postgres is not None:
        sessions[stack.postgres.pid] = "postgres"
    groups: dict[str, list[int]] = defaultdict(list)
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        stat = _stat(int(entry.name))
        if stat is None:
            continue
        parents[int(entry.name)] = stat[0]
        if stat[1] in sessions:
            groups[sessions[stat[1]]].append(int(entry.name))
    # pg_ctl starts the postmaster in a session of its own: find it by its data directory's
    # port in the DATABASE_URL, then its backends as its children.
    port = stack.env["DATABASE_URL"].rsplit(":", 1)[1].split("/")[0]
    for pid in list(parents):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if command[0].endswith(b"postgres") and port.encode() in command:
            groups["postgres"].extend(p for p, parent in parents.items() if parent == pid)
            groups["postgres"].append(pid)
    return {name: sorted(set(pids)) for name, pids in groups.items()}


class ServerWatch:
    """CPU seconds of each server over the window, and its peak memory (sampled each second,
    children included, as they come and go)."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.cpu: dict[str, float] = {}
        self.peak_mb: dict[str, float] = defaultdict(float)
        self.before: dict[str, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _read(self) -> dict[str, float]:
        totals: dict[str, float] = defaultdict(float)
        for name, pids in server_groups(self.stack).items():
            memory = 0.0
            for pid in pids:
                stat = _stat(pid)
                if stat is not None:
                    totals[name] += stat[2]
                    memory += _rss_mb(pid)
            self.peak_mb[name] = max(self.peak_mb[name], memory)
        return totals

    def _sample(self) -> None:
        while not self.stop.wait(1.0):
            self._read()

    def begin(self) -> None:
        self.before = self._read()
        self.thread.start()

    def end(self) -> None:
        self.stop.set()
        self.thread.join()
        after = self._read()
        # CPU of processes that ended in the window (a parse process) is lost: said in docs.
        self.cpu = {name: max(0.0, after[name] - self.before.get(name, 0.0)) for name in after}
