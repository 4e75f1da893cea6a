"""Calendar feeds (iCalendar) and the page where a person manages their private feed.

Calendar clients cannot log in, so the practical subscription is the private feed, whose
secret token is in its URL. The cohort feed answers a logged-in member, or a calendar client
that gives the person's token (`?token=`): the same rule decides what it holds either way.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from datacollab.core.errors import NotAllowed
from datacollab.events import ical, rules
from datacollab.events.selectors import calendar as selectors
from datacollab.events.selectors.sessions import cohort_by_slug
from datacollab.events.services import calendar as services


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Personal data behind a secret: no shared caches, no search engines.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _session_url(request: HttpRequest, slug: str) -> str:
    return request.build_absolute_uri(reverse("session-detail", args=[slug]))


@require_safe
def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    owner = selectors.feed_owner(token)
    if owner is None:
        raise Http404(_("No calendar feed has this address (it may have been revoked)."))
    events = [
        ical.session_event(s, url=_session_url(request, s.slug))
        for s in selectors.personal_sessions(owner)
    ]
    events += [ical.booking_event(b) for b in selectors.personal_bookings(owner)]
    name = _("Sessions of %(name)s") % {"name": owner}
    return _ics(ical.build_calendar(events, name=name, refresh=True), "sessions.ics")


@require_safe
def cohort_feed(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    token = request.GET.get("token", "")
    user = selectors.feed_owner(token) if token else request.user
    if token and user is None:
        raise Http404(_("No calendar feed has this token (it may have been revoked)."))
    if not getattr(user, "is_authenticated", False):
        return redirect(f"{reverse('login')}?next={request.path}")
    cohort = cohort_by_slug(cohort_slug)
    if not rules.can_see_cohort_sessions(user, cohort):
        raise NotAllowed(
            _("The calendar of %(cohort)s is for its participants, experts and conveners.")
            % {"cohort": cohort.name}
        )
    events = [
        ical.session_event(s, url=_session_url(request, s.slug))
        for s in selectors.cohort_sessions(user, cohort)
    ]
    name = _("Sessions of %(cohort)s") % {"cohort": cohort.name}
    return _ics(ical.build_calendar(events, name=name, refresh=True), f"{cohort.slug}.ics")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "rotate":
            had_feed = selectors.feed_of(request.user) is not None
            services.rotate_feed(actor=request.user)
            messages.success(
                request,
                _("New address made: the old one no longer works. Update your calendar app.")
                if had_feed
                else _("Your calendar address is ready: add it to your calendar app."),
            )
        elif action == "revoke":
            services.revoke_feed(actor=request.user)
            messages.success(request, _("Your calendar address is revoked: it no longer works."))
        else:
            return render(
                request,
                "core/refused.html",
                {"message": _("Choose to make a new address or to revoke it.")},
                status=400,
            )
        return redirect("calendar-settings")
    feed = selectors.feed_of(request.user)
    feed_url = (
        request.build_absolute_uri(reverse("calendar-feed-personal", args=[feed.token]))
        if feed
        else ""
    )
    cohort_feeds = [
        (
            cohort,
            request.build_absolute_uri(reverse("calendar-feed-cohort", args=[cohort.slug]))
            + (f"?token={feed.token}" if feed else ""),
        )
        for cohort in selectors.calendar_cohorts(request.user)
    ]
    return render(
        request,
        "events/calendar_settings.html",
        {"feed": feed, "feed_url": feed_url, "cohort_feeds": cohort_feeds},
    )


urlpatterns = [
    path("calendar/", calendar_settings, name="calendar-settings"),
    path("feeds/personal/<slug:token>.ics", personal_feed, name="calendar-feed-personal"),
    path("feeds/cohort/<slug:cohort_slug>.ics", cohort_feed, name="calendar-feed-cohort"),
]
