"""The datasets JSON API (django-ninja), mounted at /api/v1/datasets/ by api/api.py.

The same rule as the pages on every endpoint: lists come from `visible_datasets`, a dataset
the caller may not see is 404 (as if it did not exist), reading rows or a diff asks
`rules.data_access` (401 to log in, 403 with the reason and what to do) and is audited for
non-open data. Authentication (api/auth.py): a personal API token (`Authorization: Bearer`),
the browser session (with the CSRF token for unsafe methods), or none.

Errors are JSON: {"error": code, "message": readable text, "parameter"?: name, "action"?: ...}.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadedfile import UploadedFile as DjangoUploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from datacollab.core.errors import DomainError, NotFound
from datacollab.dataplane import location
from datacollab.dataplane.engine import SPARK, engine_for
from datacollab.datasets import dcat, kept_copies, rows_lookup, storage
from datacollab.datasets import rows as rows_query
from datacollab.datasets.diff import diff_versions
from datacollab.datasets.download_headers import download_headers
from datacollab.datasets.models import Dataset, DatasetVersion, Upload
from datacollab.datasets.rows import QueryError, fetch_rows, parse_query
from datacollab.datasets.rows import dumps as rows_json
from datacollab.datasets.rules import data_access
from datacollab.datasets.schema_limits import load_schema_text
from datacollab.datasets.selectors import datasets as selectors
from datacollab.datasets.selectors import uploads as upload_selectors
from datacollab.datasets.selectors.access import visible_datasets
from datacollab.datasets.services.audit_access import record_data_access
from datacollab.datasets.services.upload_lifecycle import (
    allowed_moves,
    discard_upload,
    publish_upload,
    reparse_upload,
)
from datacollab.datasets.services.uploads import TooLarge, receive_upload, too_large_message
from datacollab.datasets.views.uploads import _SizeLimit as UploadSizeLimit
from datacollab.impact.services import counters

router = Router(tags=["datasets"])

LIST_LIMIT = 50
LIST_MAX_LIMIT = 100
# PositiveIntegerField's upper bound: larger numbers cannot be a version (and would overflow).
MAX_VERSION = 2_147_483_647
# The largest primary key a database holds; a larger path parameter is refused (422).
MAX_ID = 2**63 - 1


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    """One documented query parameter (the endpoints parse them, to answer 400 naming it)."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _whole(low: int, high: int, default: int) -> dict[str, Any]:
    # Whole numbers are written in digits only: "+5" or "5.0" are refused (400).
    return {"type": "integer", "minimum": low, "maximum": high, "default": default}


LIST_PARAMETERS = [
    _query("limit", _whole(1, LIST_MAX_LIMIT, LIST_LIMIT), "How many datasets, at most."),
    _query("offset", _whole(0, MAX_VERSION, 0), "How many datasets to skip."),
]
ROWS_PARAMETERS = [
    _query(
        "limit",
        _whole(1, rows_query.MAX_LIMIT, rows_query.DEFAULT_LIMIT),
        "How many rows, at most.",
    ),
    _query("offset", _whole(0, rows_query.MAX_OFFSET, 0), "How many rows to skip."),
    _query(
        "sort",
        {"type": "string"},
        "Columns to sort by, separated by commas; `-` before a name for descending.",
    ),
    _query("fields", {"type": "string"}, "The columns to return, in this order."),
    {
        **_query(
            "filters",
            {"type": "object", "additionalProperties": {"type": "string"}},
            "Any other parameter filters a column: `col=value`, `col__ne`, `col__gt`, "
            "`col__gte`, `col__lt`, `col__lte`, `col__contains`, `col__in=a,b`, `col__eq`. "
            "An unknown column or operator, or a value not of the column's type, is 400.",
        ),
        "style": "form",
        "explode": True,
    },
]
DIFF_PARAMETERS = [
    {
        **_query(name, {"type": "integer", "minimum": 1}, f"The {label} version's number."),
        "required": True,
    }
    for name, label in (("from", "older"), ("to", "newer"))
]


class ErrorOut(Schema):
    error: str
    message: str
    parameter: str | None = None
    action: str | None = None


class OwnerOut(Schema):
    slug: str
    name: str


class DatasetSummary(Schema):
    slug: str
    title: str
    description: str
    spectrum: str
    licence: str
    keywords: list[Any]
    themes: list[Any]
    owner: OwnerOut
    latest_version: int | None
    url: str
    api_url: str


class DatasetListOut(Schema):
    count: int
    limit: int
    offset: int
    next: str | None
    results: list[DatasetSummary]


class AccessOut(Schema):
    allowed: bool
    reason: str
    action: str


class DatasetOut(DatasetSummary):
    temporal_start: str | None
    temporal_end: str | None
    spatial: str
    update_frequency: str
    contact_email: str
    access: AccessOut
    versions: list[dict[str, Any]]
    dcat_url: str


class RowsOut(Schema):
    dataset: str
    version: int
    total: int
    limit: int
    offset: int
    fields: list[str]
    rows: list[dict[str, Any]]
    next: str | None


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


ERROR_CODES = {400: "refused", 401: "login_required", 403: "forbidden", 404: "not_found"}
ERROR_CODES |= {409: "conflict", 413: "too_large"}
ERROR_CODES |= {507: "storage_full"}  # the server's disk is full (datasets/storage.py)


def error_body(exc: DomainError) -> tuple[int, dict[str, Any]]:
    """The status and JSON body of a refusal: every API error has this shape."""
    if isinstance(exc, QueryError):
        return 400, {"error": "bad_query", "message": exc.message, "parameter": exc.parameter}
    if isinstance(exc, selectors.DataRefused):
        action = exc.access.action
        if action == "login":
            return 401, {"error": "login_required", "message": exc.message, "action": action}
        return 403, {"error": "forbidden", "message": exc.message, "action": action or None}
    if isinstance(exc, NotFound):
        return 404, {"error": "not_found", "message": exc.message}
    code = getattr(exc, "code", None) or ERROR_CODES.get(exc.status, "refused")
    return exc.status, {"error": code, "message": exc.message, "parameter": exc.field}


def _error(exc: DomainError) -> Status[dict[str, Any]]:
    status, body = error_body(exc)
    return Status(status, body)


def _int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    text = request.GET.get(name)
    if text is None:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise QueryError(
            _("%(name)s must be a whole number from %(low)s to %(high)s.")
            % {"name": name, "low": low, "high": high},
            parameter=name,
        )
    return int(text)


def _next(request: HttpRequest, offset: int, limit: int, total: int) -> str | None:
    if offset + limit >= total:
        return None
    params = [(k, v) for k, values in request.GET.lists() for v in values if k != "offset"]
    params.append(("offset", str(offset + limit)))
    return request.build_absolute_uri(request.path + "?" + urlencode(params))


def _version(dataset: Dataset, number: int) -> DatasetVersion:
    if number > MAX_VERSION:
        raise NotFound(_("This dataset has no version %(n)s.") % {"n": number})
    return selectors.version_of(dataset, number)


def _summary(request: HttpRequest, dataset: Dataset, latest: int | None) -> dict[str, Any]:
    return {
        "slug": dataset.slug,
        "title": dataset.title,
        "description": dataset.description,
        "spectrum": dataset.spectrum,
        "licence": dataset.licence,
        "keywords": dataset.keywords or [],
        "themes": dataset.themes or [],
        "owner": {"slug": dataset.owner.slug, "name": dataset.owner.name},
        "latest_version": latest,
        "url": request.build_absolute_uri(reverse("dataset-detail", args=[dataset.slug])),
        "api_url": request.build_absolute_uri(reverse("api:dataset_get", args=[dataset.slug])),
    }


@router.get(
    "/",
    response={200: DatasetListOut, 400: ErrorOut},
    summary="Datasets you may see",
    openapi_extra={"parameters": LIST_PARAMETERS},
)
def dataset_list(request: HttpRequest) -> Any:
    """Every dataset the caller may see, by title; `limit` (at most 100) and `offset`."""
    try:
        limit = _int_param(request, "limit", LIST_LIMIT, 1, LIST_MAX_LIMIT)
        offset = _int_param(request, "offset", 0, 0, MAX_VERSION)
    except QueryError as exc:
        return _error(exc)
    visible = visible_datasets(request.user)
    total = visible.count()
    page = list(visible.select_related("owner").order_by("title", "pk")[offset : offset + limit])
    latest = dcat.latest_versions(d.pk for d in page)
    results = [_summary(request, d, latest[d.pk].number if d.pk in latest else None) for d in page]
    return {
        "count": total,
        "limit": limit,
        "offset": offset,
        "next": _next(request, offset, limit, total),
        "results": results,
    }


@router.get("/{slug}", response={200: DatasetOut, **ERRORS}, summary="One dataset")
def dataset_get(request: HttpRequest, slug: str) -> Any:
    """Metadata, your access (and what to do about a refusal), and the versions.

    Each version's Table Schema is included only when you may read the data.
    """
    try:
        dataset = selectors.dataset_for(request.user, slug)
    except DomainError as exc:
        return _error(exc)
    access = data_access(request.user, dataset)
    versions = selectors.versions_of(dataset)
    out = _summary(request, dataset, versions[0].number if versions else None)
    out |= {
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else None,
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else None,
        "spatial": dataset.spatial,
        "update_frequency": dataset.update_frequency,
        "contact_email": dataset.contact_email,
        "access": {"allowed": access.allowed, "reason": access.reason, "action": access.action},
        "dcat_url": request.build_absolute_uri(reverse("dataset-dcat-jsonld", args=[dataset.slug])),
        "versions": [
            {
                "number": v.number,
                "created_at": v.created_at.isoformat(),
                "row_count": v.row_count,
                "byte_size": v.byte_size,
                "checksum": v.checksum,
                "source_format": v.source_format,
                "rows_url": request.build_absolute_uri(
                    reverse("api:version_rows", args=[dataset.slug, v.number])
                ),
                "csv_url": request.build_absolute_uri(
                    reverse("api:version_download_csv", args=[dataset.slug, v.number])
                ),
                "parquet_url": request.build_absolute_uri(
                    reverse("api:version_download_parquet", args=[dataset.slug, v.number])
                ),
                **({"schema": v.schema} if access.allowed else {}),
            }
            for v in versions
        ],
    }
    return out


@router.get(
    "/{slug}/versions/{version}/rows",
    response={200: RowsOut, **ERRORS},
    summary="Rows of one version",
    openapi_extra={"parameters": ROWS_PARAMETERS},
)
def version_rows(request: HttpRequest, slug: str, version: int) -> Any:
    """A page of rows. Query parameters:

    - `limit` (1 to 1000, default 100), `offset` (default 0);
    - `sort=col,-col2` (`-` for descending); `fields=a,b` (which columns, in that order);
    - filters on columns, typed by the schema: `col=value` (equals), `col__ne`, `col__gt`,
      `col__gte`, `col__lt`, `col__lte`, `col__contains` (text), `col__in=a,b`,
      `col__eq` (for a column named like a parameter, e.g. `limit__eq`). Filters combine
      with AND.

    An unknown column or operator, or a value that is not of the column's type, answers 400
    naming the parameter.
    """
    try:
        if version > MAX_VERSION:
            _version(selectors.dataset_for(request.user, slug), version)  # 404
        found = rows_lookup.version_for(request.user, slug, version)
        dataset = found.dataset
        # Refuse before parsing: an error naming the columns would show the schema.
        access = data_access(request.user, dataset)
        if not access.allowed:
            raise selectors.DataRefused(access)
        query = parse_query(found.schema, dict(request.GET.lists()))
    except DomainError as exc:
        return _error(exc)
    record_data_access(actor=request.user, dataset=dataset, version=found, channel="api.rows")
    counters.record(dataset=dataset, kind=counters.Kind.API, user=request.user)
    return rows_response(request, found, query)


def rows_response(request: HttpRequest, found: DatasetVersion, query: Any) -> HttpResponse:
    """The page of rows as JSON, once access was allowed and the read recorded (also the rows
    API's lean path, api/rows_fast.py)."""
    if engine_for(found) == SPARK:
        # Spark reads the stored file where it is (dataplane/location.py): no copy here.
        page = fetch_rows(location.of(found), found.schema, query, engine=SPARK)
    else:
        with selectors.local_parquet(found) as parquet:
            # The stored file itself or its kept copy (not a temporary copy from S3) may be
            # read through the thread's kept connection, rows in memory and cached totals.
            page = fetch_rows(
                parquet,
                found.schema,
                query,
                immutable=storage.is_local() or kept_copies.enabled(),
            )
    body = {
        "dataset": found.dataset.slug,
        "version": found.number,
        "total": page.total,
        "limit": query.limit,
        "offset": query.offset,
        "fields": page.fields,
        "rows": page.rows,
        "next": _next(request, query.offset, query.limit, page.total),
    }
    # Written out here rather than validated against RowsOut by ninja: the rows are values
    # `rows.dumps` writes as JSON as they are (rows.fetch_rows), and validating 100 rows of
    # objects cost more than the query. RowsOut still describes the answer in the OpenAPI
    # document, and schemathesis (tests/api/test_openapi_schemathesis.py) checks that answers
    # match it.
    response = HttpResponse(rows_json(body), content_type="application/json; charset=utf-8")
    # No Content-Security-Policy on JSON (as django-csp's csp_exempt): it governs what a page
    # loads and runs, and this is never a page (nosniff keeps a browser from taking it for one).
    response._csp_exempt = response._csp_exempt_ro = True  # type: ignore[attr-defined]
    return response


def _download_doc(media_type: str, what: str) -> dict[str, Any]:
    schema = (
        {"type": "string", "format": "binary"} if "parquet" in media_type else {"type": "string"}
    )
    return {
        "responses": {
            200: {
                "description": f"The version as {what}, as an attachment.",
                "content": {media_type: {"schema": schema}},
            }
        }
    }


def _download(request: HttpRequest, slug: str, version: int, fmt: str) -> Any:
    """The version file under the page's rule (`require_data_access`: refused as on the
    page, audited for non-open data with the channel `api.download.<fmt>`)."""
    try:
        dataset = selectors.dataset_for(request.user, slug)
        found = _version(dataset, version)
        selectors.require_data_access(request.user, dataset, found, channel=f"api.download.{fmt}")
        if fmt == "csv":
            selectors.ensure_stored(found)
    except DomainError as exc:
        return _error(exc)
    filename = f"{dataset.slug}-v{found.number}.{fmt}"
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            selectors.csv_chunks(found), content_type=CSV_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return download_headers(dataset, response)
    return download_headers(
        dataset,
        FileResponse(
            selectors.open_parquet(found),
            as_attachment=True,
            filename=filename,
            content_type=PARQUET_TYPE,
        ),
    )


CSV_TYPE = "text/csv; charset=utf-8"
PARQUET_TYPE = "application/vnd.apache.parquet"


@router.get(
    "/{slug}/versions/{version}/download.csv",
    response={**ERRORS},
    summary="Download a version as CSV",
    openapi_extra=_download_doc("text/csv", "CSV"),
)
def version_download_csv(request: HttpRequest, slug: str, version: int) -> Any:
    """The whole version as CSV (header first; text cells that start like a formula are
    escaped, as on the page)."""
    return _download(request, slug, version, "csv")


@router.get(
    "/{slug}/versions/{version}/download.parquet",
    response={**ERRORS},
    summary="Download a version as Parquet",
    openapi_extra=_download_doc(PARQUET_TYPE, "Parquet"),
)
def version_download_parquet(request: HttpRequest, slug: str, version: int) -> Any:
    """The stored Parquet file of the version, as it was published (its SHA-256 is the
    version's `checksum`)."""
    return _download(request, slug, version, "parquet")


@router.get(
    "/{slug}/diff",
    response={200: dict[str, Any], **ERRORS},
    summary="Compare versions",
    openapi_extra={"parameters": DIFF_PARAMETERS},
)
def version_diff(request: HttpRequest, slug: str) -> Any:
    """`?from=a&to=b`: schema changes and exact counts of rows added, removed and changed,
    with up to 10 examples of each (see the version diff in the user guide)."""
    try:
        dataset = selectors.dataset_for(request.user, slug)
        numbers = []
        for name in ("from", "to"):
            text = request.GET.get(name, "")
            if not text.isdigit():
                raise QueryError(
                    _("%(name)s must be a version number.") % {"name": name}, parameter=name
                )
            numbers.append(int(text))
        old, new = _version(dataset, numbers[0]), _version(dataset, numbers[1])
        selectors.require_data_access(request.user, dataset, old, channel="api.diff")
        selectors.require_data_access(request.user, dataset, new, channel="api.diff")
    except DomainError as exc:
        return _error(exc)
    with selectors.local_parquet(old) as old_path, selectors.local_parquet(new) as new_path:
        result = diff_versions(old_path, old.schema, new_path, new.schema)
    return {"dataset": dataset.slug, "from": old.number, "to": new.number, **result}


# --- Uploads: the web page's pipeline (services/uploads.py), for scripts -----------------------

UPLOAD_ERRORS = {**ERRORS, 409: ErrorOut, 413: ErrorOut, 507: ErrorOut}
SHOWN_UPLOAD_ERRORS = 20


class LoginRequired(DomainError):
    status = 401
    code = "login_required"


class DetectedOut(Schema):
    format: str | None = None
    compression: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


class ValidationOut(Schema):
    valid: bool | None
    error_count: int
    errors: list[dict[str, Any]]


class PreviewOut(Schema):
    header: list[str]
    rows: list[list[str]]
    row_count: int | None = None


class ChangesOut(Schema):
    added: list[str] = []
    removed: list[str] = []
    reordered: bool = False
    dropped_keys: list[str] = []
    replaced: bool = False


class UploadVersionOut(Schema):
    number: int
    row_count: int
    rows_url: str


class UploadOut(Schema):
    id: int
    dataset: str
    status: str
    status_label: str
    original_name: str
    byte_size: int
    created_at: str
    updated_at: str
    created_by: str
    schema_given: bool
    detected: DetectedOut
    corrections: dict[str, str]
    validation: ValidationOut | None
    checked_against_version: int | None
    schema_changes: ChangesOut | None
    draft_schema: dict[str, Any] | None
    preview: PreviewOut | None
    actions: list[str]
    version: UploadVersionOut | None
    refusal: str | None
    url: str
    page_url: str


class UploadListOut(Schema):
    count: int
    results: list[UploadOut]


def _owned(request: HttpRequest, slug: str) -> Dataset:
    """The dataset if the caller manages it: 401 anonymous, 404 unseen, 403 not an owner."""
    if not request.user.is_authenticated:
        raise LoginRequired(
            _("Log in, or send a personal API token: Authorization: Bearer <token>.")
        )
    return upload_selectors.owned_dataset(request.user, slug)


def _version_of(upload: Upload) -> DatasetVersion | None:
    try:
        return upload.version  # selected with the upload: no query
    except DatasetVersion.DoesNotExist:
        return None


def _upload_out(request: HttpRequest, dataset: Dataset, upload: Upload) -> dict[str, Any]:
    version = _version_of(upload)
    report = upload.report
    detected = upload.detected or {}
    absolute = request.build_absolute_uri
    return {
        "id": upload.pk,
        "dataset": dataset.slug,
        "status": upload.status,
        "status_label": str(upload.get_status_display()),
        "original_name": upload.original_name,
        "byte_size": upload.byte_size,
        "created_at": upload.created_at.isoformat(),
        "updated_at": upload.updated_at.isoformat(),
        "created_by": str(upload.created_by),
        "schema_given": upload.schema is not None,
        "detected": {key: detected.get(key) for key in DetectedOut.model_fields},
        "corrections": upload.options or {},
        "checked_against_version": upload.base_version.number if upload.base_version else None,
        "schema_changes": upload.changes or None,
        "draft_schema": upload.draft_schema,
        "preview": upload.preview,
        # The caller owns the dataset (every upload endpoint checks it first).
        "actions": allowed_moves(upload),
        "validation": None
        if report is None
        else {
            "valid": report.get("valid"),
            "error_count": upload_selectors.error_count(report),
            "errors": upload_selectors.report_errors(report, limit=SHOWN_UPLOAD_ERRORS),
        },
        "version": None
        if version is None
        else {
            "number": version.number,
            "row_count": version.row_count,
            "rows_url": absolute(reverse("api:version_rows", args=[dataset.slug, version.number])),
        },
        "refusal": upload.error or None,
        "url": absolute(reverse("api:upload_get", args=[dataset.slug, upload.pk])),
        "page_url": absolute(reverse("dataset-upload-status", args=[dataset.slug, upload.pk])),
    }


def _size_limited(run: Any) -> Any:
    """Put the upload limit in place before anything (the CSRF check, the parameters) reads
    the body, so a file past DATASETS_MAX_UPLOAD_BYTES is never spooled whole."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        request.upload_handlers.insert(0, UploadSizeLimit(request))
        return run(request, *args, **kwargs)

    return wrapper


def _unnamed_file_part(request: HttpRequest) -> DjangoUploadedFile | None:
    """The `file` part sent without a filename (OpenAPI leaves the filename optional).

    Django reads such a part as text (UTF-8), in memory under DATA_UPLOAD_MAX_MEMORY_SIZE:
    CSV and TSV arrive whole; binary files (Parquet, XLSX, gzip) need a filename to arrive
    intact, as the guide says.
    """
    text = request.POST.get("file")
    if not text:
        return None
    return SimpleUploadedFile("upload", text.encode("utf-8"))


def _given_schema(text: str | None) -> dict[str, Any] | None:
    if text is None or not text.strip():
        return None
    # Bounded (bytes, depth, fields) before json.loads: see datasets/schema_limits.py.
    return load_schema_text(text)


@router.get(
    "/{slug}/uploads",
    response={200: UploadListOut, **ERRORS},
    summary="Recent uploads of a dataset",
)
def upload_list(request: HttpRequest, slug: str) -> Any:
    """The dataset's 20 most recent uploads with their status; members of the owning
    organisation only."""
    try:
        dataset = _owned(request, slug)
    except DomainError as exc:
        return _error(exc)
    uploads = upload_selectors.recent_uploads(dataset)
    return {"count": len(uploads), "results": [_upload_out(request, dataset, u) for u in uploads]}


@router.post(
    "/{slug}/uploads",
    response={202: UploadOut, **UPLOAD_ERRORS},
    summary="Upload a file as a draft of the next version",
)
@decorate_view(_size_limited)
def upload_create(
    request: HttpRequest,
    slug: str,
    file: UploadedFile | None = File(None),  # noqa: B008 - ninja's way to declare a part
    table_schema: str | None = Form(None, alias="schema"),
    encoding: str | None = Form(None),
    delimiter: str | None = Form(None),
    format: str | None = Form(None),
) -> Any:
    """Send a CSV, TSV (also .csv.gz), Parquet or XLSX file as the multipart field `file`;
    members of the owning organisation only.

    The file is streamed to disk under the upload limit (413 past it), then parsed in the
    background exactly as on the upload page into a **draft**: format, encoding and delimiter
    detected (or corrected by `format`, `encoding`, `delimiter`), every row validated against
    the dataset's current schema (or, for its first version, an inferred one; or `schema`, a
    Table Schema as JSON text), a preview and the schema changes named. Nothing is published:
    the answer (202) holds the upload's `url`; poll it until `status` is `draft`, `invalid` or
    `failed`, then `POST .../publish` a draft.
    """
    try:
        dataset = _owned(request, slug)
        if getattr(request, "upload_too_large", False):
            raise TooLarge(too_large_message())
        part = file or _unnamed_file_part(request)
        if part is None:
            raise DomainError(
                _("Send the data file as the multipart form field “file”."), field="file"
            )
        upload = receive_upload(
            actor=request.user,
            dataset=dataset,
            stream=part,
            name=part.name or "upload",
            size_hint=part.size,
            schema=_given_schema(table_schema),
            encoding=encoding,
            delimiter=delimiter,
            format=format,
        )
    except DomainError as exc:
        return _error(exc)
    # Processing may already have run (a worker that was quick, or tests): read it afresh.
    upload = upload_selectors.upload_of(dataset, upload.pk)
    return Status(202, _upload_out(request, dataset, upload))


@router.get(
    "/{slug}/uploads/{upload_id}",
    response={200: UploadOut, **ERRORS},
    summary="One upload: status and result",
)
def upload_get(
    request: HttpRequest,
    slug: str,
    upload_id: int = Path(..., ge=1, le=MAX_ID),
) -> Any:
    """Status (`received`, `processing`, `draft`, `invalid`, `published`, `discarded`,
    `failed`), what was detected and corrected, the validation summary against the current
    schema with the first 20 errors, the schema changes, a preview, the `actions` allowed
    now, the version it became or the reason it was refused; members of the owning
    organisation only."""
    try:
        dataset = _owned(request, slug)
        upload = upload_selectors.upload_of(dataset, upload_id)
    except DomainError as exc:
        return _error(exc)
    return _upload_out(request, dataset, upload)


def _upload_move(request: HttpRequest, slug: str, upload_id: int, move: Any) -> Any:
    try:
        dataset = _owned(request, slug)
        upload = upload_selectors.upload_of(dataset, upload_id)
        move(upload)
    except DomainError as exc:
        return _error(exc)
    return dataset, upload_selectors.upload_of(dataset, upload_id)


@router.post(
    "/{slug}/uploads/{upload_id}/publish",
    response={201: UploadOut, **UPLOAD_ERRORS},
    summary="Publish a draft as the next version",
)
def upload_publish(
    request: HttpRequest,
    slug: str,
    upload_id: int = Path(..., ge=1, le=MAX_ID),
    accept_schema_change: bool = Form(False),
) -> Any:
    """Publish a draft without errors (`status` `draft`) as the dataset's next version, with
    the schema it was checked against. 409 for an upload in any other state, for a draft
    checked against a version that is no longer the latest (`reparse` it), and for a draft
    that changes the schema unless the form field `accept_schema_change` is true."""
    done = _upload_move(
        request,
        slug,
        upload_id,
        lambda upload: publish_upload(
            actor=request.user,
            upload=upload,
            accept_schema_change=accept_schema_change,
        ),
    )
    if not isinstance(done, tuple):
        return done
    return Status(201, _upload_out(request, *done))


@router.post(
    "/{slug}/uploads/{upload_id}/reparse",
    response={202: UploadOut, **UPLOAD_ERRORS},
    summary="Parse an upload again, with corrections",
)
def upload_reparse(
    request: HttpRequest,
    slug: str,
    upload_id: int = Path(..., ge=1, le=MAX_ID),
    encoding: str | None = Form(None),
    delimiter: str | None = Form(None),
    format: str | None = Form(None),
) -> Any:
    """Parse the kept file of a draft or a refused upload again, in the background, against
    the schema current now, with corrected form fields `format` (csv or tsv), `encoding` or
    `delimiter` (one character, or `tab`); none given: as before. Poll the upload's `url`
    again."""
    done = _upload_move(
        request,
        slug,
        upload_id,
        lambda upload: reparse_upload(
            actor=request.user,
            upload=upload,
            encoding=encoding,
            delimiter=delimiter,
            format=format,
        ),
    )
    if not isinstance(done, tuple):
        return done
    return Status(202, _upload_out(request, *done))


@router.post(
    "/{slug}/uploads/{upload_id}/discard",
    response={200: UploadOut, **UPLOAD_ERRORS},
    summary="Discard a draft or a refused upload",
)
def upload_discard(
    request: HttpRequest, slug: str, upload_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    """Remove the files of a draft or a refused upload (freeing storage); its record stays."""
    done = _upload_move(
        request,
        slug,
        upload_id,
        lambda upload: discard_upload(actor=request.user, upload=upload),
    )
    if not isinstance(done, tuple):
        return done
    return _upload_out(request, *done)
