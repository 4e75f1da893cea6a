"""Convener pages that move a call through its life: open, close, start review.

Each is a confirmation page (GET) that states what the move does, with counts, and a form
whose POST carries an explicit confirm field. The rules are in services/call_lifecycle.py."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from datacollab.core.form_views import submit
from datacollab.network.forms.confirm import CloseCallForm, ConfirmForm
from datacollab.network.models import Call
from datacollab.network.selectors.applications import format_in_zone
from datacollab.network.selectors.selection import call_for_convener
from datacollab.network.services import call_lifecycle


def _page(
    request: HttpRequest, call: Call, move: str, form: ConfirmForm, status: int, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "network/calls/move.html",
        {
            "call": call,
            "move": move,
            "title": call_lifecycle.MOVE_LABELS[move],
            "form": form,
            "deadline": format_in_zone(call.deadline, call.timezone),
            "opens": format_in_zone(call.opens_at, call.timezone),
            **extra,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def call_open(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = call_for_convener(actor=request.user, slug=call_slug)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        return submit(
            request,
            form,
            lambda: call_lifecycle.open_call(actor=request.user, call=call),
            done=_("The call is open and public."),
            then=lambda _call: redirect("call-detail", slug=call.slug),
            page=lambda status: _page(request, call, "open", form, status),
        )
    call_lifecycle.check_move(actor=request.user, call=call, move="open")
    return _page(request, call, "open", form, 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def call_close(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = call_for_convener(actor=request.user, slug=call_slug)
    preview = call_lifecycle.close_preview(actor=request.user, call=call)
    form = CloseCallForm(request.POST if request.method == "POST" else None)

    def page(status: int) -> HttpResponse:
        return _page(request, call, "close", form, status, preview=preview, now=timezone.now())

    if request.method == "POST":
        return submit(
            request,
            form,
            lambda: call_lifecycle.close_call(
                actor=request.user, call=call, reason=form.cleaned_data["reason"]
            ),
            done=_("The call is closed: it takes no more applications."),
            then=lambda _call: redirect("call-applications", call_slug=call.slug),
            page=page,
        )
    return page(200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def call_start_review(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = call_for_convener(actor=request.user, slug=call_slug)
    form = ConfirmForm(request.POST if request.method == "POST" else None)

    def page(status: int) -> HttpResponse:
        extensions = call_lifecycle.live_extensions(call)
        drafts = call_lifecycle.draft_count(call)
        return _page(
            request, call, "start_review", form, status, extensions=extensions, drafts=drafts
        )

    if request.method == "POST":
        return submit(
            request,
            form,
            lambda: call_lifecycle.start_review(actor=request.user, call=call),
            done=_("The call is in review and selection."),
            then=lambda _call: redirect("call-selection", call_slug=call.slug),
            page=page,
        )
    call_lifecycle.check_move(actor=request.user, call=call, move="start_review")
    return page(200)


urlpatterns = [
    path("convener/calls/<slug:call_slug>/open/", call_open, name="call-open"),
    path("convener/calls/<slug:call_slug>/close/", call_close, name="call-close"),
    path(
        "convener/calls/<slug:call_slug>/start-review/",
        call_start_review,
        name="call-start-review",
    ),
]
