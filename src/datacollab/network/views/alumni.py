"""The alumni directory: organisations of ended cohorts, for the network's people."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from datacollab.network.forms.alumni import AlumniFilterForm
from datacollab.network.selectors import alumni as selectors


@login_required
@require_safe
def alumni_directory(request: HttpRequest) -> HttpResponse:
    selectors.require_alumni_directory(request.user)
    filters = AlumniFilterForm(request.GET or None)
    status = 200
    if filters.is_bound and not filters.is_valid():
        status = 400
    chosen = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    organisations = selectors.alumni_organisations(
        viewer=request.user,
        cohort=chosen.get("cohort"),
        region=chosen.get("region", ""),
        kind=chosen.get("kind", ""),
        query=chosen.get("q", ""),
    )
    # A page number that is not one shows the nearest page instead of an error.
    page = Paginator(organisations, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "network/alumni_directory.html",
        {
            "filters": filters,
            "page": page,
            "entries": selectors.entries(list(page.object_list)),
            "query": query.urlencode(),
        },
        status=status,
    )


urlpatterns = [
    path("alumni/", alumni_directory, name="alumni-directory"),
]
