"""The conveners' dashboards: one per cohort, one for the network."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from datacollab.reports.selectors import dashboard as selectors
from datacollab.reports.selectors.comparison import cohort_comparison


@login_required
@require_safe
def network_dashboard(request: HttpRequest) -> HttpResponse:
    board = selectors.network_dashboard(actor=request.user)
    comparison = cohort_comparison(actor=request.user)
    return render(
        request, "reports/dashboard/network.html", {"board": board, "comparison": comparison}
    )


@login_required
@require_safe
def cohort_dashboard(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    board = selectors.cohort_dashboard(actor=request.user, cohort_slug=cohort_slug)
    return render(
        request, "reports/dashboard/cohort.html", {"board": board, "cohort": board.cohort}
    )


urlpatterns = [
    path("dashboard/", network_dashboard, name="network-dashboard"),
    path("cohorts/<slug:cohort_slug>/dashboard/", cohort_dashboard, name="cohort-dashboard"),
]
