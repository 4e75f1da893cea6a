"""The limits a parsing worker runs under: read from settings by the parent, set by the child."""

from __future__ import annotations

import resource
import signal
from dataclasses import asdict, dataclass
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 1536
    cpu_seconds: int = 900
    wall_seconds: float = 1800.0
    # Largest file the worker may write (converted text, Parquet, DuckDB spill files).
    max_output_bytes: int = 16 * 1024 * MB
    # Largest a compressed input (gzip, a workbook) may expand to.
    max_expanded_bytes: int = 8 * 1024 * MB
    max_zip_ratio: int = 200
    max_zip_members: int = 10_000
    max_line_bytes: int = 10 * MB
    open_files: int = 256
    threads: int = 2
    # Rows a version may have (the dataset's row limit): a 600 KB gzip once became 157
    # million rows. Text files are refused by their line count before validation.
    max_rows: int = 20_000_000
    # A gzip may expand this many times its size, once past `expansion_floor_bytes`.
    max_expansion_ratio: int = 100
    expansion_floor_bytes: int = 16 * MB

    @property
    def duckdb_memory_mb(self) -> int:
        # DuckDB's limit covers its buffer pool only. Measured with DuckDB 2.0 (one I/O
        # thread, see worker._connect): pyarrow and DuckDB reserve about 500 MB of address
        # space beyond it, and RLIMIT_AS counts reservations, not resident memory.
        return max(128, min(int(self.memory_mb * 0.4), (self.memory_mb - 700) // 2))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_settings(cls, *, max_rows: int | None = None) -> Limits:
        """The site's limits; `max_rows`: the dataset's row limit (default: the site's)."""
        from django.conf import settings

        cpu = int(settings.DATASETS_WORKER_CPU_SECONDS)
        upload_max = int(settings.DATASETS_MAX_UPLOAD_BYTES)
        return cls(
            memory_mb=int(settings.DATASETS_WORKER_MEMORY_MB),
            cpu_seconds=cpu,
            # The CPU limit counts every thread's time; waiting on disk counts only here.
            wall_seconds=float(cpu * 2),
            max_expanded_bytes=max(upload_max * 4, 64 * MB),
            max_output_bytes=max(upload_max * 8, 256 * MB),
            max_rows=int(max_rows or settings.DATASETS_DEFAULT_MAX_ROWS),
            max_expansion_ratio=int(settings.DATASETS_MAX_EXPANSION_RATIO),
        )


def apply_in_child(limits: Limits) -> None:
    """Called first thing in the worker process, before DuckDB or pyarrow allocate anything."""
    memory = limits.memory_mb * MB
    _lower(resource.RLIMIT_AS, memory, memory)
    # The soft limit sends SIGXCPU (reported as a readable refusal); the hard one kills.
    _lower(resource.RLIMIT_CPU, limits.cpu_seconds, limits.cpu_seconds + 5)
    _lower(resource.RLIMIT_FSIZE, limits.max_output_bytes, limits.max_output_bytes)
    _lower(resource.RLIMIT_NOFILE, limits.open_files, limits.open_files)
    _lower(resource.RLIMIT_CORE, 0, 0)
    # A write past RLIMIT_FSIZE then fails with EFBIG instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _lower(which: int, soft: int, hard: int) -> None:
    """Set a limit, never above the hard limit the parent already runs under."""
    _, current_hard = resource.getrlimit(which)
    if current_hard != resource.RLIM_INFINITY:
        hard = min(hard, current_hard)
        soft = min(soft, hard)
    resource.setrlimit(which, (soft, hard))
