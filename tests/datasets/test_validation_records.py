"""The byte scans: one pass finds the empty lines and marks record offsets, and a few records
are then read back from the nearest mark, the same as from the file's start."""

from __future__ import annotations

from pathlib import Path

import pytest

from datacollab.datasets.validation.records import read_records, record_map

# Empty lines at the start, in the middle, after CR LF, and newlines inside quoted cells
# (one of them followed by an empty line inside the quotes).
TRICKY = b'\nid,note\r\n1,"a\n\nb"\n\n2,plain\r\n\r\n3,"x ""quoted""\n"\n\n\n4,last'


@pytest.mark.parametrize("stride", [1, 2, 3, 5])
def test_record_map_marks_the_end_of_every_stride_th_record(tmp_path: Path, stride: int) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(TRICKY)
    # Record ends: the newlines outside quotes (the one inside "a\n\nb" and the one before
    # the closing quote of "x ""quoted""\n" are not).
    ends = [0, 9, 18, 19, 28, 30, 48, 49, 50]

    found = record_map(path, block=4, stride=stride)

    assert found.empties == [1, 4, 6, 8, 9]
    assert found.marks == {n: ends[n - 1] for n in range(stride, len(ends) + 1, stride)}


@pytest.mark.parametrize(("stride", "block"), [(1, 1), (2, 3), (3, 64), (4, 2), (100, 64)])
def test_records_read_from_the_marks_are_those_read_from_the_start(
    tmp_path: Path, stride: int, block: int
) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(TRICKY)
    wanted = [2, 3, 5, 7, 10, 11]
    marks = record_map(path, stride=stride).marks

    got = read_records(path, "utf-8", ",", wanted, False, block=block, marks=marks)

    assert got == read_records(path, "utf-8", ",", wanted, False, block=block)
    assert got == {
        2: ["id", "note"],
        3: ["1", "a\n\nb"],
        5: ["2", "plain"],
        7: ["3", 'x "quoted"\n'],
        10: ["4", "last"],
        11: [],
    }


def test_record_map_marks_records_of_a_file_without_an_empty_line(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"id,note\n1,a\n2,b\n")

    found = record_map(path, stride=2)
    unmarked = record_map(path, stride=2, marks=False)

    assert (found.empties, found.marks) == ([], {2: 11})
    assert (unmarked.empties, unmarked.marks) == ([], {})
