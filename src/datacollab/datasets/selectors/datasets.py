"""Reads of one dataset: the entry (only for those who may see it), its versions, its data.

The data readers (`preview`, `csv_chunks`, `open_parquet`) do not check access: callers first
call `require_data_access`, which applies `rules.data_access` and writes the audit entry.
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.core.errors import NotAllowed, NotFound
from datacollab.datasets import csvsafe, kept_copies, storage
from datacollab.datasets.models import AccessRequest, Dataset, DatasetVersion
from datacollab.datasets.report_messages import type_title
from datacollab.datasets.rules import DataAccess, can_see, data_access
from datacollab.datasets.services.audit_access import record_data_access

PREVIEW_ROWS = 50
CSV_BATCH_ROWS = 10_000


class DataRefused(NotAllowed):
    """The person may see the dataset but not read its data; `access` says why and what to do."""

    def __init__(self, access: DataAccess) -> None:
        super().__init__(access.reason)
        self.access = access


def dataset_for(actor: Any, slug: str) -> Dataset:
    """The dataset, if this person may learn it exists; otherwise 404, never 403."""
    dataset = (
        Dataset.objects.select_related("owner", "collaboration", "agreement")
        .filter(slug=slug)
        .first()
    )
    if dataset is None or not can_see(actor, dataset):
        raise NotFound(_("There is no such dataset."))
    return dataset


def versions_of(dataset: Dataset) -> list[DatasetVersion]:
    return list(dataset.versions.order_by("-number"))


def version_of(dataset: Dataset, number: int) -> DatasetVersion:
    version = dataset.versions.filter(number=number).first()
    if version is None:
        raise NotFound(_("This dataset has no version %(n)s.") % {"n": number})
    return version


def version_for(actor: Any, slug: str, number: int) -> DatasetVersion:
    """A version with its dataset in one query (the rows API's hot path), under the same rule
    and with the same refusals as `dataset_for` then `version_of`."""
    version = (
        DatasetVersion.objects.select_related(
            "dataset__owner", "dataset__collaboration", "dataset__agreement"
        )
        .filter(dataset__slug=slug, number=number)
        .first()
    )
    if version is None:
        version_of(dataset_for(actor, slug), number)  # raises the right NotFound
        raise NotFound(_("This dataset has no version %(n)s.") % {"n": number})
    if not can_see(actor, version.dataset):
        raise NotFound(_("There is no such dataset."))
    return version


def require_data_access(
    actor: Any, dataset: Dataset, version: DatasetVersion | None, *, channel: str
) -> None:
    """Refuse (DataRefused, 403) or allow and audit one read of the data."""
    access = data_access(actor, dataset)
    if not access.allowed:
        raise DataRefused(access)
    record_data_access(actor=actor, dataset=dataset, version=version, channel=channel)


def report_summary(version: DatasetVersion) -> dict[str, Any]:
    """Valid or not, and how many errors of each type: no cell values (those are data)."""
    report = version.report or {}
    counts: dict[str, int] = {}
    for task in report.get("tasks", []):
        for error in task.get("errors", []):
            kind = str(error.get("type", "error"))
            counts[kind] = counts.get(kind, 0) + 1
    for error in report.get("errors", []):
        kind = str(error.get("type", "error"))
        counts[kind] = counts.get(kind, 0) + 1
    return {
        "valid": bool(report.get("valid", not counts)),
        # (type, count, the type's title in the reader's language)
        "errors": [(kind, n, type_title(kind)) for kind, n in sorted(counts.items())],
    }


_MISSING = gettext_lazy("The data file of this version is missing from storage: tell the owner.")


def ensure_stored(version: DatasetVersion) -> None:
    """404 before a response starts, rather than a broken stream, if the file has gone."""
    if kept_copies.enabled() and kept_copies.copy_path(version).is_file():
        return  # its kept copy is the file (a request to the store saved)
    if not storage.version_storage().exists(version.storage_key):
        raise NotFound(str(_MISSING))


@contextlib.contextmanager
def local_parquet(version: DatasetVersion) -> Iterator[Path]:
    """A local path of the version's Parquet file, for DuckDB: the stored file, or on S3 its
    kept copy (datasets/kept_copies.py; a temporary one when that is off)."""
    if kept_copies.enabled():
        try:
            handle = kept_copies.open_copy(version)
        except FileNotFoundError:
            raise NotFound(str(_MISSING)) from None
        with handle:  # held (so never removed) while the caller reads it
            yield kept_copies.copy_path(version)
        return
    with storage.local_copy(version) as path:
        if not Path(path).is_file():
            raise NotFound(str(_MISSING))
        yield Path(path)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Preview:
    columns: list[str]
    rows: list[list[str]]


# A version's file never changes (new data is a new version), so its first rows are kept, per
# process: without this every view of a dataset page fetched the whole Parquet file (from S3 in
# production) and opened DuckDB for 50 rows, the dearest part of the page in bench/load.py.
# Keyed by what identifies the file's content too, so a reused primary key is never confused.
PREVIEWS_KEPT = 256
_previews: OrderedDict[tuple[Any, ...], Preview] = OrderedDict()
_previews_lock = threading.Lock()


def preview(version: DatasetVersion, *, limit: int = PREVIEW_ROWS) -> Preview:
    """The version's first `limit` rows as text (the caller has checked access)."""
    key = (version.pk, version.storage_key, version.checksum, version.created_at, limit)
    with _previews_lock:
        kept = _previews.get(key)
        if kept is not None:
            _previews.move_to_end(key)
            return kept
    with local_parquet(version) as path, duckdb.connect() as con:
        result = con.execute("SELECT * FROM read_parquet(?) LIMIT ?", [str(path), limit])
        columns = [d[0] for d in result.description or []]
        rows = [[_cell(v) for v in row] for row in result.fetchall()]
    made = Preview(columns=columns, rows=rows)
    with _previews_lock:
        _previews[key] = made
        while len(_previews) > PREVIEWS_KEPT:
            _previews.popitem(last=False)
    return made


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# A small version's CSV is kept per process, like its preview (its file never changes): each
# download of one opened DuckDB and wrote the CSV again, about 29 ms of CPU (bench/load.py).
# Within CSV_KEPT_BYTES a process, least recently downloaded dropped first; a version whose CSV
# passes CSV_KEPT_ONE_BYTES is streamed from its file each time.
CSV_KEPT_BYTES = 32 * 1024 * 1024
CSV_KEPT_ONE_BYTES = 2 * 1024 * 1024
_csvs: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_csvs_lock = threading.Lock()


def csv_chunks(version: DatasetVersion, *, batch_rows: int = CSV_BATCH_ROWS) -> Iterator[bytes]:
    """The version as CSV (header first), in batches; formula-starting text cells and column
    names escaped.

    A generator: the Parquet copy and the DuckDB connection live until the response is done.
    """
    key = (version.pk, version.storage_key, version.checksum, version.created_at)
    with _csvs_lock:
        kept = _csvs.get(key)
        if kept is not None:
            _csvs.move_to_end(key)
    if kept is not None:
        yield kept
        return
    made: list[bytes] | None = []
    size = 0
    for chunk in _csv_batches(version, batch_rows):
        if made is not None:
            made.append(chunk)
            size += len(chunk)
            if size > CSV_KEPT_ONE_BYTES:
                made = None
        yield chunk
    if made is not None:  # the whole CSV was sent (a client that left stops the generator)
        with _csvs_lock:
            _csvs[key] = b"".join(made)
            while sum(map(len, _csvs.values())) > CSV_KEPT_BYTES:
                _csvs.popitem(last=False)


def _csv_batches(version: DatasetVersion, batch_rows: int) -> Iterator[bytes]:
    with local_parquet(version) as path, duckdb.connect() as con:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
        columns = []
        for name, kind, *_rest in described:
            quoted = _quote(name)
            text = kind == "VARCHAR"
            # The header is written from the aliases: a column named like a formula is
            # escaped there as its cells are.
            alias = _quote(csvsafe.escape_name(name))
            columns.append(f"{csvsafe.escape_sql(quoted) if text else quoted} AS {alias}")
        # The file path is a DuckDB parameter; identifiers come from the file's own schema.
        reader = con.sql(
            f"SELECT {', '.join(columns)} FROM read_parquet($path)",  # noqa: S608
            params={"path": str(path)},
        ).to_arrow_reader(batch_rows)
        header = True
        for batch in reader:
            buffer = io.BytesIO()
            pacsv.write_csv(
                pa.Table.from_batches([batch]),
                buffer,
                write_options=pacsv.WriteOptions(include_header=header),
            )
            header = False
            yield buffer.getvalue()
        if header:  # no rows: still send the header
            buffer = io.BytesIO()
            pacsv.write_csv(reader.schema.empty_table(), buffer)
            yield buffer.getvalue()


def open_parquet(version: DatasetVersion) -> IO[bytes]:
    """The stored Parquet file, opened for streaming: the stored file, or on S3 its kept copy
    (sent from the file, rather than the object fetched again into memory and sent 4 KiB at a
    time, as django-storages' file does)."""
    try:
        if kept_copies.enabled():
            return kept_copies.open_copy(version)
        return storage.version_storage().open(version.storage_key, "rb")
    except FileNotFoundError:
        raise NotFound(str(_MISSING)) from None


def pending_requests_of(dataset: Dataset) -> QuerySet[AccessRequest]:
    return dataset.access_requests.filter(status=AccessRequest.Status.PENDING)
