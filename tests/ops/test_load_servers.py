"""bench/load.py's CPU measurement counts processes that started and ended within the window
(a recycled gunicorn worker, an upload's parse process): they were missed before."""

from __future__ import annotations

import subprocess
import sys

from bench.support.load_servers import all_processes, server_trees, tree_cpu

# The root starts a child that spends CPU and ends, then waits to be stopped; it prints the
# child's own CPU seconds (as the child measured it) once the child is reaped.
ROOT = """
import subprocess, sys
sys.stdin.readline()
child = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True)
print(child.stdout.strip(), flush=True)
sys.stdin.readline()
"""
CHILD = """
import time
while time.process_time() < 0.3:
    pass
print(time.process_time())
"""


def test_tree_cpu_counts_a_child_that_ended_within_the_window():
    root = subprocess.Popen(
        [sys.executable, "-c", f"CHILD = {CHILD!r}\n{ROOT}"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert root.stdin is not None and root.stdout is not None
    try:
        roots = {root.pid: "server"}
        before = all_processes()
        cpu_before = tree_cpu(server_trees(roots, before), before)["server"]
        root.stdin.write("go\n")
        root.stdin.flush()
        child_cpu = float(root.stdout.readline())
        after = all_processes()
        trees = server_trees(roots, after)
        cpu_after = tree_cpu(trees, after)["server"]
    finally:
        root.stdin.close()
        root.wait(30)
    # The child is gone from the tree, its CPU is in the root's reaped time (ticks round it).
    assert (trees["server"], cpu_after - cpu_before >= child_cpu - 0.02) == ([root.pid], True)
