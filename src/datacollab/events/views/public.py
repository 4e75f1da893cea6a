"""Public sessions: the timetable and feed anyone sees, registration without an account, the
registrant's confirm-and-cancel page, and the convener's listing settings and registrations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from datacollab.core.errors import DomainError
from datacollab.events import ical
from datacollab.events.forms.public import PublicListingForm, RegistrationForm
from datacollab.events.selectors import public as selectors
from datacollab.events.selectors.sessions import session_for
from datacollab.events.services import public as services
from datacollab.events.views.sessions import _require_manager
from datacollab.organisations.backends import client_address


@require_safe
def public_timetable(request: HttpRequest) -> HttpResponse:
    return render(
        request, "events/public/timetable.html", {"sessions": list(selectors.public_sessions())}
    )


@require_safe
def public_feed(request: HttpRequest) -> HttpResponse:
    events = [
        ical.session_event(
            s, url=request.build_absolute_uri(reverse("public-session", args=[s.slug]))
        )
        for s in selectors.public_feed_sessions()
    ]
    body = ical.build_calendar(events, name=_("Public sessions"), refresh=True)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="public-sessions.ics"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def public_session(request: HttpRequest, session_slug: str) -> HttpResponse:
    session = selectors.public_session(session_slug)
    status = 200
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.register(
                    session=session,
                    client_address=client_address(request),
                    **form.cleaned_data,
                )
            except DomainError as error:
                status = error.show_on(form)
            else:
                return redirect("public-session-registered", session_slug=session.slug)
        else:
            status = 400
    left = (
        None
        if session.public_listing.capacity is None
        else max(0, session.public_listing.capacity - session.taken)  # type: ignore[attr-defined]
    )
    return render(
        request,
        "events/public/session.html",
        {"session": session, "form": form, "places_left": left},
        status=status,
    )


@require_safe
def public_session_registered(request: HttpRequest, session_slug: str) -> HttpResponse:
    session = selectors.public_session(session_slug)
    return render(request, "events/public/registered.html", {"session": session})


# A GET only shows buttons: link scanners in mail programs follow GETs, and must neither
# confirm nor cancel.
@require_http_methods(["GET", "HEAD", "POST"])
def public_registration(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "confirm":
            services.confirm_registration(token=token)
            messages.success(request, _("Thank you: your email is confirmed and your place kept."))
        elif action == "cancel":
            services.cancel_registration(token=token)
            messages.success(request, _("Your registration is cancelled; your place is freed."))
        else:
            raise DomainError(_("Choose to confirm or to cancel."))
        return redirect("public-registration", token=token)
    registration = selectors.registration_by_token(token)
    return render(request, "events/public/registration.html", {"registration": registration})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_public_settings(request: HttpRequest, session_slug: str) -> HttpResponse:
    _require_manager(request, _("make sessions public"))
    session = session_for(request.user, session_slug)
    listing = selectors.listing_of(session)
    status = 200
    if request.method == "POST":
        form = PublicListingForm(request.POST)
        if form.is_valid():
            try:
                services.set_public(
                    actor=request.user,
                    session=session,
                    public=form.cleaned_data["public"],
                    capacity=form.cleaned_data["capacity"],
                )
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(request, _("Public listing saved."))
                return redirect("session-registrations", session_slug=session.slug)
        else:
            status = 400
    else:
        form = PublicListingForm(
            initial={
                "public": listing.is_public if listing else True,
                "capacity": listing.capacity if listing else None,
            }
        )
    return render(
        request,
        "events/public/settings.html",
        {"form": form, "session": session, "listing": listing},
        status=status,
    )


@login_required
@require_safe
def session_registrations(request: HttpRequest, session_slug: str) -> HttpResponse:
    _require_manager(request, _("see who registered"))
    session = session_for(request.user, session_slug)
    registrations = list(selectors.registrations_of(request.user, session))
    return render(
        request,
        "events/public/registrations.html",
        {
            "session": session,
            "listing": selectors.listing_of(session),
            "registrations": registrations,
            "active": sum(1 for r in registrations if r.status in selectors.ACTIVE),
            "holding": selectors.taken_places(session),
        },
    )


urlpatterns = [
    path("public/", public_timetable, name="public-sessions"),
    path("public/feed.ics", public_feed, name="public-sessions-feed"),
    path("public/registration/<str:token>/", public_registration, name="public-registration"),
    path("public/<slug:session_slug>/", public_session, name="public-session"),
    path(
        "public/<slug:session_slug>/registered/",
        public_session_registered,
        name="public-session-registered",
    ),
    path("<slug:session_slug>/public/", session_public_settings, name="session-public"),
    path("<slug:session_slug>/registrations/", session_registrations, name="session-registrations"),
]
