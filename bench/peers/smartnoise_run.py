"""Run inside the separate SmartNoise SQL venv (made by bench/aggregation.py under var/).

Reads the CSV that the bench wrote (the same rows as its Parquet file, with the hour of the
day as a column: SmartNoise's SQL has no EXTRACT), runs the same grouped query with the
trip as the private id (at most 8 rows per trip, as our bounding keeps at most 4 cells x 2
rows), epsilon 1, dimension values public (no censoring of rare cells), and prints the median
seconds and the rows released as JSON. It lives in bench/peers/ so `make bench` (bench/*.py)
does not run it in the project's venv, which has no SmartNoise.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

import pandas as pd
import snsql
from snsql import Privacy

METADATA = {
    "bench": {
        "bench": {
            "readings": {
                "row_privacy": False,
                "max_ids": 8,
                "sample_max_ids": True,
                # As ours with "dimension values public": no threshold on which cells exist.
                "censor_dims": False,
                "trip_id": {"type": "string", "private_id": True},
                "zone": {"type": "string"},
                "hod": {"type": "int"},
                "speed": {"type": "float", "lower": 0, "upper": 35},
                "pm25": {"type": "float", "lower": 0, "upper": 80},
            }
        }
    }
}
QUERY = (
    "SELECT zone, hod, COUNT(*) AS n, AVG(speed) AS speed, AVG(pm25) AS pm25 "
    "FROM bench.readings GROUP BY zone, hod"
)


def main() -> None:
    frame = pd.read_csv(sys.argv[1], dtype={"trip_id": str, "zone": str})
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    times, rows = [], 0
    for _ in range(runs):
        reader = snsql.from_df(frame, privacy=Privacy(epsilon=1.0, delta=1e-7), metadata=METADATA)
        started = time.perf_counter()
        result = reader.execute(QUERY)
        times.append(time.perf_counter() - started)
        rows = len(result) - 1  # the first row is the header
    print(json.dumps({"seconds": statistics.median(times), "cells": rows}))


if __name__ == "__main__":
    main()
