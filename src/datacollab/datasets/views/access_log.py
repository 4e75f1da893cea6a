"""The owner's view of who read the dataset's non-open data: a filtered, paged page and a CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from datacollab.datasets import csvsafe
from datacollab.datasets.forms.access_log import AccessLogFilterForm
from datacollab.datasets.selectors import access_log as selectors
from datacollab.datasets.selectors.access import require_owner
from datacollab.datasets.selectors.datasets import dataset_for


class _Echo:
    def write(self, value: str) -> str:
        return value


def _filters(form: AccessLogFilterForm) -> selectors.AccessFilters:
    if not form.is_valid():
        return selectors.AccessFilters()
    data = form.cleaned_data
    return selectors.AccessFilters(
        who=data.get("who") or "",
        channel=data.get("channel") or "",
        since=data.get("since"),
        until=data.get("until"),
    )


@login_required
@require_GET
def access_log(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    require_owner(request.user, dataset)
    form = AccessLogFilterForm(request.GET or None)
    entries = selectors.access_entries(request.user, dataset, _filters(form))
    page = Paginator(entries, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "datasets/access_log.html",
        {
            "dataset": dataset,
            "form": form,
            "page": page,
            "rows": selectors.access_rows(page.object_list),
            "query": query.urlencode(),
            "channels": selectors.CHANNELS,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
@require_GET
def access_log_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    dataset = dataset_for(request.user, slug)
    require_owner(request.user, dataset)
    form = AccessLogFilterForm(request.GET or None)
    entries = selectors.access_entries(request.user, dataset, _filters(form))
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(["when", "person", "organisations", "channel", "version"])
        for row in selectors.iter_access_rows(entries):
            # Emails and organisation names are typed by people: escape formula starts.
            yield writer.writerow(
                csvsafe.escape_row(
                    [
                        timezone.localtime(row.when).isoformat(),
                        row.person or _("server operator"),
                        "; ".join(row.organisations),
                        row.channel,
                        "" if row.version is None else str(row.version),
                    ]
                )
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{dataset.slug}-access-log.csv"'
    return response


urlpatterns = [
    path("<slug:slug>/access/log/", access_log, name="dataset-access-log"),
    path("<slug:slug>/access/log.csv", access_log_csv, name="dataset-access-log-csv"),
]
