"""The header and first rows of a parsed file, shown on the draft page before publishing.

Read inside the worker from the file DuckDB reads (UTF-8 text, or Parquet), bounded in rows
and cell length, so a preview is cheap whatever the file.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

PREVIEW_ROWS = 10
CELL_CHARS = 200


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def text_preview(path: Path, *, delimiter: str, max_line_bytes: int) -> dict[str, Any]:
    csv.field_size_limit(max(max_line_bytes, 131072))
    header: list[str] = []
    rows: list[list[str]] = []
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            for record in reader:
                if not header:
                    header = [label.lstrip("\ufeff").strip() for label in record]
                    continue
                rows.append([_cell(value) for value in record])
                if len(rows) >= PREVIEW_ROWS:
                    break
        except csv.Error:
            pass  # the validation report says what is wrong with the file
    return {"header": header, "rows": rows}


def parquet_preview(path: Path) -> dict[str, Any]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    header = [str(name) for name in parquet.schema_arrow.names]
    rows: list[list[str]] = []
    for batch in parquet.iter_batches(batch_size=PREVIEW_ROWS):
        for record in batch.to_pylist():
            rows.append([_cell(record.get(name)) for name in header])
        break
    return {"header": header, "rows": rows[:PREVIEW_ROWS]}
