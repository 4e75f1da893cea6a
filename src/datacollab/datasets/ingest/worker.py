"""The parsing worker: one file per process, forked by the fork server (forkserver.py) or
started afresh as `python -m datacollab.datasets.ingest.worker JOB.json`.

It lowers its own resource limits before importing DuckDB or pyarrow, turns the input into
something DuckDB reads, asks the validation module for the schema, the report and the typed
SELECT, and writes the typed Parquet (zstd) into its work folder. It never touches the database;
the parent reads `result.json` from the work folder once the process has exited.
Progress goes to stderr as lines `@@progress PHASE`.

pandas is never imported: the parse needs no DataFrame, but pyarrow imports pandas (160 ms of
CPU and 40 MB) the first time `pa.scalar` or `pa.array` is given a Python value, only to ask
whether it is a pandas object. `block_pandas` lets pyarrow find no pandas on its first look
(it looks once per process); DuckDB and everything else see the ordinary import system.
"""

from __future__ import annotations

import errno
import hashlib
import inspect
import json
import os
import resource
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from datacollab.datasets.ingest.errors import Refusal
from datacollab.datasets.ingest.limits import MB, Limits, apply_in_child

RESULT_NAME = "result.json"
OUTPUT_NAME = "typed.parquet"


_PHASES: dict[str, float] = {}  # phase -> when it started (monotonic)
_CPU: dict[str, float] = {}  # phase -> the process's CPU seconds (all threads) when it started
_PEAKS: dict[str, int] = {}  # phase -> the process's peak RSS (MB) when it ended


def _mark_end() -> None:
    """Note the peak RSS reached by the end of the phase in progress (it never decreases:
    the first phase whose figure is the overall peak is the one that needed it)."""
    if _PHASES:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        _PEAKS[max(_PHASES, key=_PHASES.__getitem__)] = int(usage.ru_maxrss / 1024)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def progress(phase: str) -> None:
    _mark_end()
    _PHASES[phase] = time.monotonic()
    _CPU[phase] = _cpu_seconds()
    sys.stderr.write(f"@@progress {phase}\n")
    sys.stderr.flush()


def _phase_seconds(finished: float) -> dict[str, float]:
    marks = sorted(_PHASES.items(), key=lambda item: item[1])
    if not marks:
        return {}
    ends = [when for _, when in marks[1:]] + [finished]
    return {name: round(end - start, 3) for (name, start), end in zip(marks, ends, strict=True)}


def _phase_cpu_seconds(finished: float) -> dict[str, float]:
    starts = list(_CPU.items())  # in the order the phases began
    if not starts:
        return {}
    ends = [cpu for _, cpu in starts[1:]] + [finished]
    return {name: round(end - start, 2) for (name, start), end in zip(starts, ends, strict=True)}


def _sql_string(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _connect(limits: Limits, work: Path) -> Any:
    import duckdb

    spill = work / "duckdb-spill"
    spill.mkdir(exist_ok=True)
    return duckdb.connect(
        config={
            "memory_limit": f"{limits.duckdb_memory_mb}MB",
            "threads": limits.threads,
            # Each I/O thread reserves about 75 MB of address space (8 by default), which
            # RLIMIT_AS counts although it is never touched.
            "async_threads": 1,
            "temp_directory": str(spill),
            "max_temp_directory_size": f"{limits.max_output_bytes // MB}MB",
        }
    )


def _fsync_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(MB):
            digest.update(block)
        os.fsync(handle.fileno())
    return digest.hexdigest()


TEXT_FORMATS = ("csv", "tsv")


def _corrected(found: Any, options: dict[str, Any], detected: dict[str, Any]) -> Any:
    """The guess with the uploader's corrections applied (text files only: a Parquet file or
    a workbook has no encoding or delimiter); `detected` keeps what was guessed."""
    import dataclasses

    if found.format not in TEXT_FORMATS:
        return found
    changes: dict[str, Any] = {}
    if options.get("format") in TEXT_FORMATS and options["format"] != found.format:
        changes["format"] = options["format"]
        if not options.get("delimiter"):
            changes["delimiter"] = "\t" if options["format"] == "tsv" else ","
    if options.get("encoding") and options["encoding"] != found.encoding:
        changes["encoding"] = options["encoding"]
    if options.get("delimiter") and options["delimiter"] != found.delimiter:
        changes["delimiter"] = options["delimiter"]
    if not changes:
        return found
    detected["guessed"] = {key: getattr(found, key) for key in changes}
    detected["corrected"] = sorted(changes)
    return dataclasses.replace(found, **changes)


def prepare(
    source: Path,
    name: str,
    work: Path,
    limits: Limits,
    detected: dict[str, Any],
    options: dict[str, Any] | None = None,
) -> Path:
    """A file DuckDB can read (UTF-8 CSV/TSV or Parquet) and the detected facts for the owner.

    `options` are the uploader's corrections of the guess (format, encoding, delimiter).
    """
    from datacollab.datasets.ingest import convert
    from datacollab.datasets.ingest.detect import detect, detect_delimiter

    progress("detect")
    found = detect(source, name)
    detected.update(found.as_dict())
    found = _corrected(found, options or {}, detected)
    detected.update(found.as_dict())
    if found.format == "parquet":
        rows = convert.check_parquet(source)
        if rows == 0:
            raise Refusal("header-only")
        _check_rows(rows, limits)
        return source
    if found.format == "xlsx":
        progress("workbook")
        sheet_csv = work / "sheet.csv"
        detected["sheet"] = convert.xlsx_to_csv(source, sheet_csv, limits=limits)
        return sheet_csv
    text_source = source
    if found.compression == "gzip":
        progress("decompress")
        text_source = work / "decompressed.txt"
        convert.gunzip(
            source,
            text_source,
            max_bytes=limits.max_expanded_bytes,
            max_ratio=limits.max_expansion_ratio,
            ratio_floor=limits.expansion_floor_bytes,
        )
    encoding = found.encoding or "utf-8"
    # Anything but plain UTF-8 is rewritten as UTF-8 once, so every later reader sees one encoding.
    target = None if encoding == "utf-8" else work / "utf8.txt"
    progress("check-text")
    stats = convert.check_text(
        text_source, encoding=encoding, max_line_bytes=limits.max_line_bytes, dst=target
    )
    if stats.nonblank_lines == 0:
        raise Refusal("empty")
    if stats.nonblank_lines == 1:
        raise Refusal("header-only")
    # Line breaks after the header bound the rows from above (a quoted cell may span lines):
    # refusing here spares validating a decompression's worth of rows.
    _check_rows(stats.lines - 1, limits, lines=True)
    readable = target or text_source
    if found.delimiter is None:
        with readable.open(encoding="utf-8", errors="replace") as handle:
            detected["delimiter"] = detect_delimiter(
                handle.read(64 * 1024), fmt=found.format, complete=False
            )
    return readable


def _check_rows(rows: int, limits: Limits, *, lines: bool = False) -> None:
    if rows > limits.max_rows:
        raise Refusal(
            "too-many-lines" if lines else "too-many-rows", rows=rows, limit=limits.max_rows
        )


def _read_error(exc: BaseException) -> Refusal:
    import duckdb

    if isinstance(exc, MemoryError | duckdb.OutOfMemoryException):
        return Refusal("out-of-memory")
    if isinstance(exc, OSError) and exc.errno == errno.ENOMEM:  # e.g. mmap past RLIMIT_AS
        return Refusal("out-of-memory")
    text = str(exc).strip()
    if "Out of Memory Error" in text:  # DuckDB's, passed on inside a validation error
        return Refusal("out-of-memory")
    detail = text.splitlines()[0][:400] if text else type(exc).__name__
    if type(exc).__name__ == "SchemaError":
        return Refusal("schema-invalid", detail=detail)
    return Refusal("csv-unreadable", detail=detail)


def _call(function: Callable[..., Any], *args: Any, con: Any, **kwargs: Any) -> Any:
    """Hand our limited DuckDB connection to the validation functions that accept one."""
    if "con" in inspect.signature(function).parameters:
        kwargs["con"] = con
    return function(*args, **kwargs)


def run(job: dict[str, Any], detected: dict[str, Any]) -> dict[str, Any]:
    """Parse the job's file; `detected` fills in as facts are found, so a refusal can show them."""
    limits = Limits(**job["limits"])
    work = Path(job["work_dir"])
    corrections = job.get("options") or {}
    readable = prepare(Path(job["source"]), job["name"], work, limits, detected, corrections)
    fmt = detected["format"] if detected["format"] in ("csv", "tsv", "parquet") else "csv"
    # xlsx and non-UTF-8 text were converted above; DuckDB reads plain UTF-8 from here on
    # (a workbook's sheet as comma-separated CSV).
    options: dict[str, Any] = {
        "fmt": fmt,
        "encoding": None if fmt == "parquet" else "utf-8",
        "delimiter": None if fmt == "parquet" else detected.get("delimiter", ","),
    }
    from datacollab.datasets.ingest.carry import carry_over
    from datacollab.datasets.ingest.preview import parquet_preview, text_preview
    from datacollab.datasets.tableschema import infer_schema
    from datacollab.datasets.validation import typed_select, validate

    schema = job.get("schema")
    current = job.get("current_schema")
    changes: dict[str, Any] = {}
    output = work / OUTPUT_NAME
    if fmt == "parquet":
        preview = parquet_preview(readable)
    else:
        preview = text_preview(
            readable, delimiter=options["delimiter"], max_line_bytes=limits.max_line_bytes
        )
    con = _connect(limits, work)
    try:
        if schema is None and current is not None:
            # Checked against the curated schema; only new columns are inferred.
            schema, changes = carry_over(current, {"fields": []}, preview["header"])
            if changes.get("added"):
                progress("infer")
                inferred = _call(infer_schema, readable, con=con, **options)
                schema, changes = carry_over(current, inferred, preview["header"])
        elif schema is None:
            progress("infer")
            schema = _call(infer_schema, readable, con=con, **options)
        progress("validate")
        report = _call(validate, readable, schema, con=con, **options)
        result: dict[str, Any] = {
            "ok": True,
            "detected": detected,
            "schema": schema,
            "report": report,
            "preview": preview,
            "changes": changes,
        }
        if not report.get("valid"):
            return {**result, "status": "invalid"}
        progress("write")
        sql = typed_select(readable, schema, **options)
        con.execute(
            f"COPY ({sql}) TO {_sql_string(output)} "
            "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
        )
    except Refusal:
        raise
    except Exception as exc:  # the validation module reads hostile input; say what went wrong
        raise _read_error(exc) from exc
    finally:
        con.close()
    import pyarrow.parquet as pq

    rows = int(pq.ParquetFile(output).metadata.num_rows)
    _check_rows(rows, limits)  # a workbook's rows, or a text file's that slipped past by a line
    progress("checksum")
    checksum = _fsync_sha256(output)
    return {
        **result,
        "status": "valid",
        "parquet": str(output),
        "rows": rows,
        "checksum": checksum,
        "bytes": output.stat().st_size,
    }


def _load_libraries() -> None:
    """Load DuckDB and Arrow now: under a tight memory limit, failing here is a memory refusal."""
    try:
        import duckdb  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except MemoryError:
        raise
    except (ImportError, OSError) as exc:
        # The dynamic loader cannot map a library when the address space is used up.
        if "map segment" in str(exc) or "memory" in str(exc).lower():
            raise MemoryError(str(exc)) from exc
        raise


def _vm_peak_mb() -> int:
    """The most address space the process has held (Linux's VmPeak), 0 where unknown."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmPeak:"):
            return int(line.split()[1]) // 1024
    return 0


def _write_result(work: Path, result: dict[str, Any]) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["peak_rss_mb"] = int(usage.ru_maxrss / 1024)
    result["vm_peak_mb"] = _vm_peak_mb()
    tmp = work / (RESULT_NAME + ".tmp")
    tmp.write_text(json.dumps(result, default=str), encoding="utf-8")
    os.replace(tmp, work / RESULT_NAME)


class _NoPandas:
    """An import finder that refuses pandas (installed only while pyarrow first looks)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not used by the parse")


def block_pandas() -> None:
    """Let pyarrow decide, once and for this process, that there is no pandas (see the
    module docstring). A `None` in sys.modules would not do: DuckDB would take it for pandas."""
    if "pandas" in sys.modules:
        return
    import pyarrow as pa

    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        # Both of pyarrow's looks: the Python shim's, and its C++ helpers' (their first
        # conversion of a Python value).
        pa.lib._pandas_api.have_pandas  # noqa: B018 - the look is the point
        pa.scalar(False)
    finally:
        sys.meta_path.remove(finder)


def die_with_parent(expected: str | None) -> None:
    """Ask Linux to SIGKILL this process when its parent dies: a kill -9 of the task worker
    must not leave an orphan parsing on, unwatched (elsewhere the parent's deadline holds).
    `expected`: the parent's pid as the parent gave it."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, 9, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if _parent_gone(os.getppid(), expected):
        os._exit(3)


def _parent_gone(ppid: int, expected: str | None) -> bool:
    """The parent died before the request took effect: we were re-parented. Compared with
    the pid the parent gave, not with 1: a task worker that is itself PID 1 (a container
    without an init) is a live parent."""
    if expected and expected.isdigit():
        return ppid != int(expected)
    return ppid == 1


def main(argv: list[str]) -> int:
    """The fresh-process path: `python -m datacollab.datasets.ingest.worker JOB.json`."""
    return run_job(Path(argv[1]), parent=os.environ.get("DATACOLLAB_INGEST_PARENT"))


def run_job(job_path: Path, *, parent: str | None) -> int:
    """Parse one job in this process (a fresh one, or a child of the fork server); the exit
    code is 0 once result.json is written. `parent`: the pid of the process watching us."""
    die_with_parent(parent)
    job = json.loads(job_path.read_text(encoding="utf-8"))
    apply_in_child(Limits(**job["limits"]))
    work = Path(job["work_dir"])
    started = time.monotonic()
    detected: dict[str, Any] = {}
    try:
        _load_libraries()
        block_pandas()
        result = run(job, detected)
    except Refusal as refusal:
        result = {"ok": False, "refusal": refusal.as_dict(), "detected": detected}
    except MemoryError:
        refusal_dict = {"code": "out-of-memory", "params": {}}
        result = {"ok": False, "refusal": refusal_dict, "detected": detected}
    except Exception as exc:
        traceback.print_exc()
        detail = f"{type(exc).__name__}: {str(exc)[:300]}"
        refusal_dict = {"code": "internal", "params": {"detail": detail}}
        result = {"ok": False, "refusal": refusal_dict, "detected": detected}
    finished = time.monotonic()
    result["seconds"] = round(finished - started, 3)
    result["phases"] = _phase_seconds(finished)
    _mark_end()
    result["phase_peaks_mb"] = dict(_PEAKS)
    result["phase_cpu_seconds"] = _phase_cpu_seconds(_cpu_seconds())
    try:
        _write_result(work, result)
    except OSError:
        traceback.print_exc()
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
