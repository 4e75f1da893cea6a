"""Turning a received file into a typed Parquet file, in a separate, resource-limited process.

`detect` guesses format, compression, encoding and delimiter from a bounded sample; `convert`
streams the input into something DuckDB reads (UTF-8 text, or CSV from a workbook) under byte
caps; `worker` is the child process and `runner` the parent side that starts it, enforces the
wall-clock limit and turns every failure into a readable refusal (`messages`). Nothing here
touches the database: the services in `datasets.services` do.
"""
