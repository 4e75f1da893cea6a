"""Helpers of the fault trials (tests/ops/test_fault_*.py and bench/faults_*.py).

Real faults only: a small tmpfs really runs out of space (ENOSPC), a killed process is really
sent SIGKILL, a stopped PostgreSQL is really stopped. Nothing here is mocked.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path


class CannotMount(RuntimeError):
    """Mounting a tmpfs needs root (CAP_SYS_ADMIN) and the mount command."""


@contextlib.contextmanager
def small_disk(folder: Path, size_kb: int) -> Iterator[Path]:
    """A tmpfs of `size_kb` KiB mounted on `folder`: writing past it fails with ENOSPC."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        raise CannotMount("mounting a tmpfs needs root (CAP_SYS_ADMIN) and mount(8)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise CannotMount(done.stderr.decode(errors="replace").strip() or "mount failed")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def free_bytes(folder: Path) -> int:
    stat = os.statvfs(folder)
    return stat.f_bavail * stat.f_frsize


def files_under(folder: Path) -> list[Path]:
    """Every file below `folder`, hidden temporary ones included, sorted."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def noise_csv(path: Path, size_bytes: int) -> Path:
    """A CSV of about `size_bytes` whose rows do not compress to nothing (the page and the API
    store what is sent; tmpfs does not compress either, but the test should not depend on it)."""
    line_no = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write("id,vehicle,speed,recorded\n")
        written = 0
        while written < size_bytes:
            line_no += 1
            line = (
                f"{line_no},bike-{(line_no * 7919) % 1009},{(line_no * 31) % 250 / 10:.1f},"
                f"2025-03-{line_no % 28 + 1:02d}\n"
            )
            stream.write(line)
            written += len(line)
    return path
