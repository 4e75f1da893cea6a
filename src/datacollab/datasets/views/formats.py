"""Machine-readable formats: DCAT feeds (catalog and dataset), the Data Package, the version diff.

Every view asks the same rule as the pages: the catalog feed lists `visible_datasets(viewer)`
only; a dataset's feed, package and diff answer 404 to whoever may not see the dataset, and the
package and diff (which carry data) 403 with the reason to whoever may not read it.
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from datacollab.core.errors import DomainError, NotFound
from datacollab.datasets import dcat, dcat_paging
from datacollab.datasets.datapackage import export_package
from datacollab.datasets.diff import diff_versions
from datacollab.datasets.download_headers import download_headers
from datacollab.datasets.models import Dataset, DatasetVersion
from datacollab.datasets.selectors import datasets as selectors
from datacollab.datasets.selectors.access import visible_datasets
from datacollab.datasets.views.data import refused

# PositiveIntegerField's upper bound: a larger number is no version (and overflows a query).
MAX_VERSION = 2_147_483_647


def _version_of(dataset: Dataset, number: int) -> DatasetVersion:
    if number > MAX_VERSION:
        raise NotFound(_("This dataset has no version %(n)s.") % {"n": number})
    return selectors.version_of(dataset, number)


def _feed(body: str, fmt: str) -> HttpResponse:
    _rdflib, media_type = dcat.FORMATS[fmt]
    charset = "" if media_type == "application/ld+json" else "; charset=utf-8"
    return HttpResponse(body, content_type=media_type + charset)


@require_GET
def catalog_dcat(request: HttpRequest, fmt: str) -> HttpResponse:
    """One page of the catalog (`?page=N`, Hydra paging): harvesters follow `hydra:next`."""
    number = dcat_paging.parse_page(request.GET.get("page"))
    visible = visible_datasets(request.user)
    page = dcat_paging.page_of(number, size=settings.DCAT_CATALOG_PAGE_SIZE, total=visible.count())
    # Title, then id: a stable order, so pages neither repeat nor skip a dataset.
    ordered = visible.select_related("owner", "agreement").order_by("title", "pk")
    datasets = list(ordered[page.offset : page.offset + page.size])
    latest = dcat.latest_versions(d.pk for d in datasets)
    graph = dcat.catalog_graph(datasets, latest, request.build_absolute_uri)
    feed = reverse(f"dataset-catalog-{fmt}")

    def url_of(n: int) -> str:
        return request.build_absolute_uri(f"{feed}?page={n}")

    dcat_paging.add_paging(graph, page, url_of)
    response = _feed(dcat.serialize(graph, fmt), fmt)
    response["Link"] = dcat_paging.link_header(page, url_of)
    return response


@require_GET
def dataset_dcat(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    dataset = selectors.dataset_for(request.user, slug)
    latest = dcat.latest_versions([dataset.pk]).get(dataset.pk)
    graph = dcat.dataset_graph(dataset, latest, request.build_absolute_uri)
    return _feed(dcat.serialize(graph, fmt), fmt)


@require_GET
def datapackage(request: HttpRequest, slug: str, version: int) -> HttpResponse | FileResponse:
    dataset = selectors.dataset_for(request.user, slug)
    found = _version_of(dataset, version)
    # A temporary file, not memory: a package is as large as the data. Deleted when closed.
    target = tempfile.TemporaryFile(prefix="datapackage-")  # noqa: SIM115 (FileResponse closes it)
    try:
        export_package(
            actor=request.user,
            dataset=dataset,
            version=found,
            target=target,
            channel="datapackage",
            homepage=request.build_absolute_uri(
                reverse("dataset-detail", kwargs={"slug": dataset.slug})
            ),
        )
    except selectors.DataRefused as exc:
        target.close()
        return refused(request, dataset, exc)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return download_headers(
        dataset,
        FileResponse(
            target,
            as_attachment=True,
            filename=f"{dataset.slug}-v{found.number}-datapackage.zip",
            content_type="application/zip",
        ),
    )


@require_GET
def diff_choose(request: HttpRequest, slug: str) -> HttpResponse:
    """The form on the diff page submits here (plain GET) and lands on the canonical URL."""
    dataset = selectors.dataset_for(request.user, slug)
    try:
        a, b = int(request.GET.get("from", "")), int(request.GET.get("to", ""))
    except ValueError:
        a = b = -1
    if a < 0 or b < 0:
        raise DomainError(_("Choose two version numbers to compare."), field="from")
    return redirect("dataset-diff", slug=dataset.slug, from_version=a, to_version=b)


@require_GET
def version_diff(
    request: HttpRequest, slug: str, from_version: int, to_version: int
) -> HttpResponse:
    dataset = selectors.dataset_for(request.user, slug)
    old = _version_of(dataset, from_version)
    new = _version_of(dataset, to_version)
    try:
        selectors.require_data_access(request.user, dataset, old, channel="diff")
        selectors.require_data_access(request.user, dataset, new, channel="diff")
    except selectors.DataRefused as exc:
        return refused(request, dataset, exc)
    with selectors.local_parquet(old) as old_path, selectors.local_parquet(new) as new_path:
        result = diff_versions(old_path, old.schema, new_path, new.schema)
    samples = result["rows"]["samples"]
    fields = result["rows"]["compared_fields"]
    return render(
        request,
        "datasets/formats/diff.html",
        {
            "dataset": dataset,
            "old": old,
            "new": new,
            "diff": result,
            "versions": [v.number for v in selectors.versions_of(dataset)],
            "fields": fields,
            "added": [[row.get(f) for f in fields] for row in samples["added"]],
            "removed": [[row.get(f) for f in fields] for row in samples["removed"]],
            "changed": [
                (
                    ", ".join(f"{k}={v}" for k, v in change["key"].items()),
                    name,
                    before,
                    change["to"][name],
                )
                for change in samples["changed"]
                for name, before in change["from"].items()
            ],
        },
    )


urlpatterns = [
    path("catalog.jsonld", catalog_dcat, {"fmt": "jsonld"}, name="dataset-catalog-jsonld"),
    path("catalog.ttl", catalog_dcat, {"fmt": "ttl"}, name="dataset-catalog-ttl"),
    path("<slug:slug>/dcat.jsonld", dataset_dcat, {"fmt": "jsonld"}, name="dataset-dcat-jsonld"),
    path("<slug:slug>/dcat.ttl", dataset_dcat, {"fmt": "ttl"}, name="dataset-dcat-ttl"),
    path("<slug:slug>/v<int:version>/datapackage.zip", datapackage, name="dataset-datapackage"),
    path("<slug:slug>/diff/", diff_choose, name="dataset-diff-choose"),
    path(
        "<slug:slug>/diff/<int:from_version>..<int:to_version>/",
        version_diff,
        name="dataset-diff",
    ),
]
