"""Public pages: no login needed. Read-only: selectors do the reading, and the call's status
as the rules see it comes from call_lifecycle's reads (it writes nothing here)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from datacollab.network.models import Call
from datacollab.network.selectors import public as selectors
from datacollab.network.selectors.translations import call_fallback_note, call_parts
from datacollab.network.services import call_lifecycle


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    network = selectors.current_network()
    return render(
        request,
        "network/public/home.html",
        {
            "network": network,
            "network_name": network.name if network else settings.NETWORK_NAME,
            "open_calls": list(selectors.open_calls()),
            "cohorts": list(selectors.cohorts_with_members(network)),
        },
    )


@require_safe
def cohort_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = selectors.cohort_by_slug(slug)
    awards = selectors.awards_by_organisation(cohort)
    members = [(m.organisation, awards.get(m.organisation_id)) for m in cohort.memberships.all()]
    return render(
        request,
        "network/public/cohort_detail.html",
        {
            "cohort": cohort,
            "members": members,
            "totals": selectors.cohort_totals(cohort),
            "calls": [c for c in cohort.calls.all() if c.is_public],
        },
    )


@require_safe
def call_detail(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.call_for_viewer(slug, request.user)
    now = timezone.now()
    # The page offers "Apply" only when call_lifecycle would accept an application now.
    status = call_lifecycle.effective_status(call, now)
    if status == Call.Status.DRAFT:
        state = "draft"
    elif status == Call.Status.OPEN:
        state = "upcoming" if now < call.opens_at else "open"
    elif status == Call.Status.DECIDED:
        state = "decided"
    else:
        state = "closed"
    early = bool(call.closed_at and call.closed_at < call.deadline and call.close_reason)
    questions, criteria = call_parts(call)
    return render(
        request,
        "network/public/call_detail.html",
        {
            "call": call,
            "state": state,
            "closed_early": early,
            "moves": call_lifecycle.allowed_moves(actor=request.user, call=call, now=now),
            "fallback_note": call_fallback_note(call, questions, criteria),
        },
    )


urlpatterns = [
    path("", home, name="home"),
    path("cohorts/<slug:slug>/", cohort_detail, name="cohort-detail"),
    path("calls/<slug:slug>/", call_detail, name="call-detail"),
]
