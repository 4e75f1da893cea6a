"""Reads of a version's data on the web: preview, CSV and Parquet downloads.

Each asks `rules.data_access` (through `require_data_access`): a refusal is a 403 page saying
why and what to do (log in, accept the agreement, ask for access); an allowed read of non-open
data leaves one audit entry with its channel.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from datacollab.datasets.download_headers import download_headers
from datacollab.datasets.models import Dataset
from datacollab.datasets.selectors import datasets as selectors
from datacollab.datasets.views.links import action_links
from datacollab.impact.services import counters


def refused(request: HttpRequest, dataset: Dataset, exc: selectors.DataRefused) -> HttpResponse:
    return render(
        request,
        "datasets/data_refused.html",
        {
            "dataset": dataset,
            "access": exc.access,
            "actions": action_links(request, dataset, exc.access),
        },
        status=403,
    )


def _filename(dataset: Dataset, number: int, ext: str) -> str:
    return f"{dataset.slug}-v{number}.{ext}"


@require_GET
def version_preview(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    dataset = selectors.dataset_for(request.user, slug)
    found = selectors.version_of(dataset, version)
    try:
        selectors.require_data_access(request.user, dataset, found, channel="preview")
    except selectors.DataRefused as exc:
        return refused(request, dataset, exc)
    return render(
        request,
        "datasets/version_preview.html",
        {"dataset": dataset, "version": found, "preview": selectors.preview(found)},
    )


@require_GET
def download_csv(request: HttpRequest, slug: str, version: int) -> HttpResponseBase:
    dataset = selectors.dataset_for(request.user, slug)
    found = selectors.version_of(dataset, version)
    try:
        selectors.require_data_access(request.user, dataset, found, channel="download.csv")
    except selectors.DataRefused as exc:
        return refused(request, dataset, exc)
    selectors.ensure_stored(found)
    counters.record(dataset=dataset, kind=counters.Kind.DOWNLOAD, user=request.user)
    response = StreamingHttpResponse(
        selectors.csv_chunks(found), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(dataset, found.number, "csv")}"'
    )
    return download_headers(dataset, response)


@require_GET
def download_parquet(request: HttpRequest, slug: str, version: int) -> HttpResponseBase:
    dataset = selectors.dataset_for(request.user, slug)
    found = selectors.version_of(dataset, version)
    try:
        selectors.require_data_access(request.user, dataset, found, channel="download.parquet")
    except selectors.DataRefused as exc:
        return refused(request, dataset, exc)
    counters.record(dataset=dataset, kind=counters.Kind.DOWNLOAD, user=request.user)
    return download_headers(
        dataset,
        FileResponse(
            selectors.open_parquet(found),
            as_attachment=True,
            filename=_filename(dataset, found.number, "parquet"),
            content_type="application/vnd.apache.parquet",
        ),
    )


urlpatterns = [
    path("<slug:slug>/v<int:version>/preview/", version_preview, name="dataset-preview"),
    path("<slug:slug>/v<int:version>/download.csv", download_csv, name="dataset-download-csv"),
    path(
        "<slug:slug>/v<int:version>/download.parquet",
        download_parquet,
        name="dataset-download-parquet",
    ),
]
