"""bench/load.py's view of the servers: CPU and peak memory of each one's process tree, and
the machine's busy time over the same window, from /proc (Linux).

A server's CPU at an instant is the sum, over every live process of its tree (its first
process and all that descend from it), of the process's own CPU (`utime + stime`, every
thread's, those that ended included) and the CPU of its children it has already waited for
(`cutime + cstime`: the kernel adds an ended child's own and reaped time to its parent's when
the parent reaps it). So a gunicorn worker recycled after `max_requests` moves into the
master's reaped time, an upload's parse process into the task worker's, a PostgreSQL backend
into the postmaster's: nothing that started and ended within the window is lost, however
short, and the window's CPU is the difference of two such sums. What it cannot see: a process
that leaves its tree before it ends (reparented to init because its parent ended first) and a
zombie not yet reaped at the second sum (counted once reaped). The machine's busy time from
/proc/stat over the window is printed beside it, so a reader sees what else ran.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from tests.ops.stack import Stack

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ProcStat:
    pid: int
    ppid: int
    own: float  # CPU seconds of the process itself (all its threads)
    reaped: float  # CPU seconds of its children it has waited for (and theirs)


def proc_stat(pid: int) -> ProcStat | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # ended between the listing and the read
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    fields = text.rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(f) for f in fields[11:15])
    return ProcStat(pid, int(fields[1]), (utime + stime) / TICKS, (cutime + cstime) / TICKS)


def all_processes() -> dict[int, ProcStat]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := proc_stat(int(entry.name))) is not None:
            found[stat.pid] = stat
    return found


def machine_busy_seconds() -> float:
    """CPU seconds the machine's cores spent busy since boot (every process, the kernel):
    user, nice, system, irq, softirq and steal of /proc/stat's first line (guest time is
    already inside user)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / TICKS


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def postmaster_pid(stack: Stack, processes: dict[int, ProcStat]) -> int | None:
    """pg_ctl starts the postmaster outside the script's tree: find it by the port of the
    DATABASE_URL on its command line."""
    port = stack.env["DATABASE_URL"].rsplit(":", 1)[1].split("/")[0].encode()
    for pid in processes:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        # Only the postmaster has the port among its arguments ("-p PORT"); its backends
        # rewrite their command line ("postgres: user database ...").
        if command[0].endswith(b"postgres") and port in command:
            return pid
    return None


def server_roots(stack: Stack, processes: dict[int, ProcStat]) -> dict[int, str]:
    roots = {p.popen.pid: p.name for p in stack.processes if p.popen.poll() is None}
    if stack.postgres is not None and (pid := postmaster_pid(stack, processes)) is not None:
        roots[pid] = "postgres"
    return roots


def server_trees(roots: dict[int, str], processes: dict[int, ProcStat]) -> dict[str, list[int]]:
    """The pids of each server: its root and every descendant (by parent pid)."""
    children: dict[int, list[int]] = defaultdict(list)
    for stat in processes.values():
        children[stat.ppid].append(stat.pid)
    trees: dict[str, list[int]] = {}
    for root, name in roots.items():
        if root not in processes:
            continue
        members, todo = [], [root]
        while todo:
            pid = todo.pop()
            members.append(pid)
            todo.extend(children.get(pid, ()))
        trees[name] = sorted(members)
    return trees


def tree_cpu(trees: dict[str, list[int]], processes: dict[int, ProcStat]) -> dict[str, float]:
    return {
        name: sum(processes[pid].own + processes[pid].reaped for pid in pids)
        for name, pids in trees.items()
    }


class ServerWatch:
    """CPU seconds of each server over the window (exact, see the module's docstring), the
    machine's busy seconds, and each server's peak memory (sampled each second)."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.cpu: dict[str, float] = {}
        self.peak_mb: dict[str, float] = defaultdict(float)
        self.machine_busy = 0.0
        self._before: dict[str, float] = {}
        self._busy_before = 0.0
        self._roots: dict[int, str] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _read(self) -> dict[str, float]:
        processes = all_processes()
        trees = server_trees(self._roots, processes)
        for name, pids in trees.items():
            self.peak_mb[name] = max(self.peak_mb[name], sum(_rss_mb(pid) for pid in pids))
        return tree_cpu(trees, processes)

    def _sample(self) -> None:
        while not self.stop.wait(1.0):
            self._read()

    def begin(self) -> None:
        self._roots = server_roots(self.stack, all_processes())
        self._busy_before = machine_busy_seconds()
        self._before = self._read()
        self.thread.start()

    def end(self) -> None:
        self.stop.set()
        self.thread.join()
        after = self._read()
        self.machine_busy = machine_busy_seconds() - self._busy_before
        self.cpu = {name: after[name] - self._before.get(name, 0.0) for name in after}
