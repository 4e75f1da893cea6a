"""The worker's memory: byte scans in bounded blocks, and what a run reports about itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from datacollab.datasets.ingest.limits import Limits
from datacollab.datasets.ingest.runner import run_worker
from datacollab.datasets.validation.source import empty_records, read_records
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    sensor_csv,
)

# Empty lines at the start, in the middle, after CR LF, and newlines inside quoted cells
# (one of them followed by an empty line inside the quotes).
TRICKY = b'\nid,note\r\n1,"a\n\nb"\n\n2,plain\r\n\r\n3,"x ""quoted""\n"\n\n\n4,last'


@pytest.mark.parametrize("block", [1, 2, 3, 5, 8, 13])
def test_empty_records_are_the_same_read_in_small_blocks(tmp_path: Path, block: int) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(TRICKY)

    assert empty_records(path, block=block) == empty_records(path) == [1, 4, 6, 8, 9]


@pytest.mark.parametrize("block", [1, 4, 7, 64])
def test_records_are_read_back_the_same_in_small_blocks(tmp_path: Path, block: int) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(TRICKY)

    got = read_records(path, "utf-8", ",", [2, 3, 7, 10], False, block=block)

    assert got == {
        2: ["id", "note"],
        3: ["1", "a\n\nb"],
        7: ["3", 'x "quoted"\n'],
        10: ["4", "last"],
    }


def test_worker_reports_time_cpu_and_memory_of_each_phase(ingest_dirs: Path) -> None:
    path = sensor_csv(ingest_dirs / "big.csv", 200_000)
    limits = Limits()

    outcome = run_worker(source=path, name="big.csv", work_dir=ingest_dirs / "work", limits=limits)

    phases = ["detect", "check-text", "infer", "validate", "write", "checksum"]
    assert (outcome.status, outcome.rows) == ("valid", 200_000)
    assert list(outcome.phases) == phases
    assert list(outcome.phase_cpu_seconds) == phases
    assert list(outcome.phase_peaks_mb) == phases
    assert max(outcome.phase_peaks_mb.values()) <= outcome.peak_rss_mb
    assert outcome.peak_rss_mb < 1024
    assert 0 < outcome.vm_peak_mb < limits.memory_mb
