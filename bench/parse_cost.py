"""The fixed CPU cost of parsing a small upload (issue 15, the load point), on both paths.

A 5-row CSV is parsed N times through `run_worker`, as the task worker parses uploads: forked
by the fork server (DATASETS_INGEST_FORK_SERVER=true), then as a fresh process per parse. For
each path it prints the CPU seconds per parse of the task worker's whole process tree: the
parse's child (its rusage, from wait4), the fork server's own CPU (from /proc: forking and
reaping), and the runner (this process: the job file, the pipe, the 50 ms polling). The fork
server's one-off start is printed apart. CPU seconds, not wall time: steadier on a busy machine.
Run from the repository root: .venv/bin/python bench/parse_cost.py [--parses 20]
Ends with `bench parse_cost: forked_cpu_s=... fresh_cpu_s=... server_start_cpu_s=...`.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from datacollab.datasets.ingest import forkclient
from datacollab.datasets.ingest.limits import Limits
from datacollab.datasets.ingest.runner import run_worker

SMALL = "a,b,c\n1,x,2.5\n2,y,3.5\n3,z,4\n4,w,5\n5,v,6\n"


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parses", type=int, default=20)
    args = parser.parse_args()
    n = args.parses
    folder = Path(tempfile.mkdtemp(prefix="datacollab-parse-cost."))
    source = folder / "s.csv"
    source.write_text(SMALL, encoding="utf-8")

    def parse(i: int, fork_server: bool) -> float:
        outcome = run_worker(
            source=source,
            name="s.csv",
            work_dir=folder / f"w{i}",
            limits=Limits(),
            fork_server=fork_server,
        )
        assert outcome.status == "valid", outcome.refusal
        return outcome.cpu_seconds

    parse(0, True)  # starts the server
    server = forkclient.running()
    assert server is not None
    started = _proc_cpu(server.pid)
    runner, before, child = _cpu(resource.RUSAGE_SELF), started, 0.0
    for i in range(n):
        child += parse(i, True)
    forked = (child + (_proc_cpu(server.pid) - before) + (_cpu(resource.RUSAGE_SELF) - runner)) / n
    print(f"fork server: {child / n:.3f} s child, {forked:.3f} s process tree per parse")
    runner, children = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    for i in range(n):
        parse(i, False)
    fresh = (
        (_cpu(resource.RUSAGE_CHILDREN) - children) + (_cpu(resource.RUSAGE_SELF) - runner)
    ) / n
    print(f"fresh process: {fresh:.3f} s process tree per parse")
    forkclient.stop()
    print(
        f"bench parse_cost: parses={n} forked_cpu_s={forked:.3f} fresh_cpu_s={fresh:.3f} "
        f"server_start_cpu_s={started:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
