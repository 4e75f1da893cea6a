"""Peer suggestions: a participant's own page, and a convener's per-cohort page that turns
chosen pairs into 1:1 networking sessions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.matching import people, rules, selectors, services
from datacollab.matching.forms import PairSessionsForm, SuggestionOptions


def _favour(request: HttpRequest) -> tuple[SuggestionOptions, bool]:
    options = SuggestionOptions(request.GET or None)
    favour = bool(options.is_valid() and options.cleaned_data["favour_other_regions"])
    return options, favour


@login_required
@require_safe
def peer_suggestions(request: HttpRequest) -> HttpResponse:
    options, favour = _favour(request)
    is_convener = rules.can_see_cohort_suggestions(request.user)
    persons: list[people.PersonSuggestion] = []
    if rules.can_see_own_suggestions(request.user):
        rows = selectors.suggestions_for_participant(
            viewer=request.user, favour_other_regions=favour
        )
        persons = people.suggestions_for_person(viewer=request.user, favour_other_regions=favour)
    elif is_convener:
        rows = []
    else:
        raise NotAllowed(
            _(
                "Peer suggestions are for people of organisations taking part in a cohort, "
                "or that took part in one. Your organisations are in none."
            )
        )
    return render(
        request,
        "matching/peers.html",
        {
            "options": options,
            "favour": favour,
            "rows": rows,
            "people": persons,
            "has_profile": bool(request.user.expertise or request.user.bio),  # type: ignore[union-attr]
            "cohorts": selectors.cohorts_for_convener(request.user) if is_convener else [],
        },
    )


def _cohort_page(
    request: HttpRequest,
    cohort_slug: str,
    *,
    form: PairSessionsForm | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    cohort = selectors.cohort_for_convener(request.user, cohort_slug)
    options, favour = _favour(request)
    rows = selectors.suggestions_for_cohort(
        viewer=request.user, cohort=cohort, favour_other_regions=favour
    )
    # Boxes the convener ticked stay ticked when the form comes back with an error.
    chosen = set(request.POST.getlist("pair")) if form is not None else set()
    choices = []
    for row in rows:
        mine = row.entry.organisation.pk
        values = [
            f"{min(mine, s.peer.organisation.pk)}-{max(mine, s.peer.organisation.pk)}"
            for s in row.suggestions
        ]
        choices.append(
            (row, [(s, v, v in chosen) for s, v in zip(row.suggestions, values, strict=True)])
        )
    return render(
        request,
        "matching/cohort.html",
        {
            "cohort": cohort,
            "options": options,
            "favour": favour,
            "rows": choices,
            "form": form or PairSessionsForm(),
            **extra,
        },
        status=status,
    )


@login_required
@require_safe
def cohort_suggestions(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    return _cohort_page(request, cohort_slug)


@login_required
@require_POST
def pair_sessions_create(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    cohort = selectors.cohort_for_convener(request.user, cohort_slug)
    form = PairSessionsForm(request.POST)
    if not form.is_valid():
        return _cohort_page(request, cohort_slug, form=form, status=400)
    data = form.cleaned_data
    try:
        pairs = selectors.organisation_pairs(data["pair"])
        sessions = services.create_pair_sessions(
            actor=request.user,
            cohort=cohort,
            pairs=pairs,
            starts_at=data["starts_at"],
            ends_at=data["starts_at"] + timedelta(minutes=data["minutes"]),
            video_url=data["video_url"],
            place=data["place"],
        )
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _cohort_page(request, cohort_slug, form=form, status=error.status)
    messages.success(
        request,
        ngettext(
            "%(count)d networking session created; both organisations' people are invited.",
            "%(count)d networking sessions created; both organisations' people are invited.",
            len(sessions),
        )
        % {"count": len(sessions)},
    )
    return redirect("peer-cohort", cohort_slug=cohort.slug)


urlpatterns = [
    path("", peer_suggestions, name="peer-suggestions"),
    path("cohorts/<slug:cohort_slug>/", cohort_suggestions, name="peer-cohort"),
    path(
        "cohorts/<slug:cohort_slug>/sessions/",
        pair_sessions_create,
        name="peer-sessions-create",
    ),
]
