"""Cohorts side by side (conveners)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from datacollab.reports.selectors.comparison import cohort_comparison


@login_required
@require_safe
def comparison_page(request: HttpRequest) -> HttpResponse:
    comparison = cohort_comparison(actor=request.user, slugs=request.GET.getlist("cohort"))
    return render(request, "reports/dashboard/comparison.html", {"comparison": comparison})


urlpatterns = [
    path("dashboard/cohorts/compare/", comparison_page, name="cohort-comparison"),
]
