"""The owner's upload page and each upload's draft page: what was detected (correctable), a
preview, the report against the current schema, and the moves its life allows (publish,
parse again, discard)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from datacollab.core.errors import DomainError
from datacollab.datasets.forms.uploads import PublishForm, ReparseForm, UploadForm
from datacollab.datasets.models import Dataset, Upload
from datacollab.datasets.selectors import quotas
from datacollab.datasets.selectors import uploads as selectors
from datacollab.datasets.services.upload_lifecycle import (
    changes_text,
    discard_upload,
    owner_moves,
    publish_upload,
    reparse_upload,
    retry_upload,
)
from datacollab.datasets.services.uploads import receive_upload, too_large_message


class _SizeLimit(FileUploadHandler):
    """Stops reading a file part once it passes the upload limit, so nothing larger is spooled."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > int(settings.DATASETS_MAX_UPLOAD_BYTES):
            self.request.upload_too_large = True  # type: ignore[union-attr]
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _upload_page(
    request: HttpRequest, dataset: Dataset, form: UploadForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "datasets/uploads/upload.html",
        {
            "dataset": dataset,
            "form": form,
            "uploads": selectors.recent_uploads(dataset),
            "limit": settings.DATASETS_MAX_UPLOAD_BYTES,
            "storage_used": quotas.person_use(request.user),
            "storage_quota": settings.DATASETS_QUOTA_PERSON_BYTES,
            "row_limit": quotas.row_limit(dataset),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@csrf_protect
def _dataset_upload(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = selectors.owned_dataset(request.user, slug)
    if request.method == "GET":
        return _upload_page(request, dataset, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.errors.clear()
        form.add_error("file", too_large_message())
        return _upload_page(request, dataset, form, status=413)
    if not form.is_valid():
        return _upload_page(request, dataset, form, status=400)
    received = form.cleaned_data["file"]
    try:
        upload = receive_upload(
            actor=request.user,
            dataset=dataset,
            stream=received,
            name=received.name or "upload",
            size_hint=received.size,
        )
    except DomainError as exc:
        form.add_error("file", exc.message)
        return _upload_page(request, dataset, form, status=exc.status)
    messages.success(
        request,
        _(
            "File received. It is being checked against the dataset's schema; this page shows "
            "the result. Nothing is published until you publish it."
        ),
    )
    return redirect("dataset-upload-status", slug=dataset.slug, upload_id=upload.pk)


@csrf_exempt
def dataset_upload(request: HttpRequest, slug: str) -> HttpResponse:
    # The size check must sit before Django reads the body, which the CSRF check would do;
    # `_dataset_upload` runs the CSRF check itself, after the handler is in place.
    request.upload_handlers.insert(0, _SizeLimit(request))
    return _dataset_upload(request, slug)


def _delimiter_label(delimiter: str | None) -> str:
    names = {
        ",": _("comma (,)"),
        ";": _("semicolon (;)"),
        "\t": _("tab"),
        "|": _("pipe (|)"),
    }
    return names.get(delimiter or "", delimiter or "")


def _status_page(
    request: HttpRequest,
    upload: Upload,
    *,
    error: str = "",
    status: int = 200,
    reparse_form: ReparseForm | None = None,
) -> HttpResponse:
    detected = upload.detected or {}
    options = upload.options or {}
    delimiter = options.get("delimiter", "")
    moves = owner_moves(request.user, upload)
    text = detected.get("format") in ("csv", "tsv")
    context: dict[str, Any] = {
        "dataset": upload.dataset,
        "upload": upload,
        "errors": selectors.shown_errors(upload.report),
        "error_count": selectors.error_count(upload.report),
        "moves": moves,
        "file_removed": not upload.path,
        "retention_hours": f"{float(settings.DATASETS_UPLOAD_RETENTION_HOURS):g}",
        "pending": upload.status in (Upload.Status.RECEIVED, Upload.Status.PROCESSING),
        "refusal": error,
        "delimiter": _delimiter_label(detected.get("delimiter")),
        "guessed": {
            key: _delimiter_label(value) if key == "delimiter" else value
            for key, value in (detected.get("guessed") or {}).items()
        },
        "changes": changes_text(upload.changes or {}),
        "fields": (upload.draft_schema or {}).get("fields", []),
        "reparse_form": reparse_form
        or ReparseForm(
            initial={
                "format": options.get("format", ""),
                "encoding": options.get("encoding", ""),
                "delimiter": {"\t": "tab"}.get(delimiter, delimiter),
            }
        ),
        "correctable": "reparse" in moves and (text or not detected),
        "publish_form": PublishForm(),
    }
    return render(request, "datasets/uploads/status.html", context, status=status)


@login_required
@require_GET
def upload_status(request: HttpRequest, slug: str, upload_id: int) -> HttpResponse:
    dataset = selectors.owned_dataset(request.user, slug)
    return _status_page(request, selectors.upload_of(dataset, upload_id))


@login_required
@require_POST
def upload_retry(request: HttpRequest, slug: str, upload_id: int) -> HttpResponse:
    dataset = selectors.owned_dataset(request.user, slug)
    upload = selectors.upload_of(dataset, upload_id)
    try:
        retry_upload(actor=request.user, upload=upload)
    except DomainError as exc:
        return _status_page(request, upload, error=exc.message, status=exc.status)
    messages.success(request, _("The upload is being processed again."))
    return redirect("dataset-upload-status", slug=dataset.slug, upload_id=upload.pk)


@login_required
@require_POST
def upload_reparse(request: HttpRequest, slug: str, upload_id: int) -> HttpResponse:
    dataset = selectors.owned_dataset(request.user, slug)
    upload = selectors.upload_of(dataset, upload_id)
    form = ReparseForm(request.POST)
    if not form.is_valid():
        return _status_page(request, upload, status=400, reparse_form=form)
    try:
        reparse_upload(actor=request.user, upload=upload, **form.cleaned_data)
    except DomainError as exc:
        status = exc.show_on(form)
        return _status_page(request, upload, status=status, reparse_form=form)
    messages.success(request, _("The file is being parsed again with your corrections."))
    return redirect("dataset-upload-status", slug=dataset.slug, upload_id=upload.pk)


@login_required
@require_POST
def upload_publish(request: HttpRequest, slug: str, upload_id: int) -> HttpResponse:
    dataset = selectors.owned_dataset(request.user, slug)
    upload = selectors.upload_of(dataset, upload_id)
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        version = publish_upload(
            actor=request.user,
            upload=upload,
            accept_schema_change=bool(form.cleaned_data.get("accept_schema_change")),
        )
    except DomainError as exc:
        return _status_page(request, upload, error=exc.message, status=exc.status)
    messages.success(
        request, _("Published as version %(n)s of the dataset.") % {"n": version.number}
    )
    return redirect("dataset-detail", slug=dataset.slug)


@login_required
@require_POST
def upload_discard(request: HttpRequest, slug: str, upload_id: int) -> HttpResponse:
    dataset = selectors.owned_dataset(request.user, slug)
    upload = selectors.upload_of(dataset, upload_id)
    try:
        discard_upload(actor=request.user, upload=upload)
    except DomainError as exc:
        return _status_page(request, upload, error=exc.message, status=exc.status)
    messages.success(request, _("The upload was discarded; its record stays."))
    return redirect("dataset-upload-status", slug=dataset.slug, upload_id=upload.pk)


urlpatterns = [
    path("<slug:slug>/upload/", dataset_upload, name="dataset-upload"),
    path(
        "<slug:slug>/uploads/<int:upload_id>/discard/",
        upload_discard,
        name="dataset-upload-discard",
    ),
    path("<slug:slug>/uploads/<int:upload_id>/", upload_status, name="dataset-upload-status"),
    path("<slug:slug>/uploads/<int:upload_id>/retry/", upload_retry, name="dataset-upload-retry"),
    path(
        "<slug:slug>/uploads/<int:upload_id>/reparse/",
        upload_reparse,
        name="dataset-upload-reparse",
    ),
    path(
        "<slug:slug>/uploads/<int:upload_id>/publish/",
        upload_publish,
        name="dataset-upload-publish",
    ),
]
