"""Session pages: list, detail, create, edit, cancel, minutes, invitations, answers, attendance."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from datacollab.core.errors import DomainError, NotAllowed, NotFound
from datacollab.events import rules
from datacollab.events.forms.fields import initial_wall
from datacollab.events.forms.sessions import (
    AttendanceForm,
    CancelForm,
    InviteForm,
    MinutesForm,
    NewSessionForm,
    RsvpForm,
    SessionForm,
    cohort_filter_choices,
)
from datacollab.events.models import Session, SessionKind
from datacollab.events.selectors import attendance as attendance_selectors
from datacollab.events.selectors import sessions as selectors
from datacollab.events.services import attendance as attendance_services
from datacollab.events.services import invitations as invitation_services
from datacollab.events.services import sessions as services
from datacollab.learnings.selectors import visible_learnings, visible_resources
from datacollab.network.models import Cohort, Network
from datacollab.network.selectors.participation import alumni_people, cohort_people

PER_PAGE = 30


def _require_manager(request: HttpRequest, refusal: str) -> None:
    """`refusal` is the whole translated sentence, so each language words it freely."""
    if not rules.can_manage_sessions(request.user):
        raise NotAllowed(refusal)


@login_required
@require_safe
def session_list(request: HttpRequest) -> HttpResponse:
    past = request.GET.get("when") == "past"
    cohorts = list(selectors.cohorts_with_sessions(request.user))
    cohort = next((c for c in cohorts if c.slug == request.GET.get("cohort")), None)
    kind = request.GET.get("kind", "")
    kind = kind if kind in SessionKind.values else ""
    sessions = selectors.session_list(request.user, past=past, cohort=cohort, kind=kind)
    page = Paginator(sessions, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/session_list.html",
        {
            "page": page,
            "past": past,
            "cohort_choices": cohort_filter_choices(cohorts),
            "kind_choices": [("", _("All kinds")), *SessionKind.choices],
            "chosen_cohort": cohort.slug if cohort else "",
            "chosen_kind": kind,
            "page_query": query.urlencode(),
            "can_manage": rules.can_manage_sessions(request.user),
        },
    )


@login_required
@require_safe
def session_detail(request: HttpRequest, session_slug: str) -> HttpResponse:
    session = selectors.session_for(request.user, session_slug)
    invitation = selectors.invitation_of(request.user, session)
    started = session_started(session)
    return render(
        request,
        "events/session_detail.html",
        {
            "session": session,
            "contributors": list(session.contributors.order_by("name")),
            "questions": [
                q.strip() for q in session.reflective_questions.splitlines() if q.strip()
            ],
            "invitation": invitation,
            "rsvp_form": RsvpForm(initial={"response": invitation.response} if invitation else {}),
            "can_answer": session.status == Session.Status.SCHEDULED
            and not session_started(session),
            "can_manage": rules.can_manage_sessions(request.user),
            "started": started,
            "resources": list(visible_resources(request.user).filter(session=session)),
            "learnings": list(visible_learnings(request.user).filter(session=session)),
            "answers": selectors.answer_counts(session),
        },
    )


def session_started(session: Session) -> bool:
    return session.starts_at <= timezone.now()


def _network() -> Network:
    network = Network.objects.order_by("pk").first()
    if network is None:
        raise NotFound(
            _(
                "No network is set up yet: a convener creates it with its first cohort, "
                "under Convener, Set up cohorts and calls."
            )
        )
    return network


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request, _("Only a convener can create sessions."))
    status = 200
    if request.method == "POST":
        form = NewSessionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            cohort: Cohort | None = data["cohort"]
            try:
                session = services.create_session(
                    actor=request.user,
                    network=cohort.network if cohort else _network(),
                    kind=data["kind"],
                    title=data["title"],
                    theme=data["theme"],
                    audience=data["audience"],
                    cohort=cohort,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    time_zone=data["time_zone"],
                    place=data["place"],
                    video_url=data["video_url"],
                    description=data["description"],
                    reflective_questions=data["reflective_questions"],
                    contributors=data["contributors"],
                    invitees=_invitees(data),
                )
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(request, _("%(title)s is scheduled.") % {"title": session.title})
                return redirect("session-detail", session_slug=session.slug)
        else:
            status = 400
    else:
        form = NewSessionForm(
            initial={
                "time_zone": getattr(request.user, "timezone", "") or "UTC",
                "cohort": request.GET.get("cohort", ""),
            }
        )
    return render(
        request, "events/session_form.html", {"form": form, "session": None}, status=status
    )


def _invitees(data: dict[str, Any]) -> list[Any]:
    people: list[Any] = []
    if data.get("invite_cohort") and data.get("cohort") and data["audience"] == "cohort":
        people += list(cohort_people(data["cohort"]))
    if data.get("invite_alumni"):
        people += list(alumni_people())
    return people


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_edit(request: HttpRequest, session_slug: str) -> HttpResponse:
    _require_manager(request, _("Only a convener can edit sessions."))
    session = selectors.session_for(request.user, session_slug)
    status = 200
    if request.method == "POST":
        form = SessionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_session(
                    actor=request.user,
                    session=session,
                    kind=data["kind"],
                    title=data["title"],
                    theme=data["theme"],
                    audience=data["audience"],
                    cohort=data["cohort"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    time_zone=data["time_zone"],
                    place=data["place"],
                    video_url=data["video_url"],
                    description=data["description"],
                    reflective_questions=data["reflective_questions"],
                    contributors=data["contributors"],
                )
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("session-detail", session_slug=session.slug)
        else:
            status = 400
    else:
        form = SessionForm(
            initial={
                "kind": session.kind,
                "title": session.title,
                "theme": session.theme,
                "audience": session.audience,
                "cohort": session.cohort.slug if session.cohort else "",
                "starts_at": initial_wall(session.starts_at, session.timezone),
                "ends_at": initial_wall(session.ends_at, session.timezone),
                "time_zone": session.timezone,
                "place": session.place,
                "video_url": session.video_url,
                "description": session.description,
                "reflective_questions": session.reflective_questions,
                "contributors": [org.slug for org in session.contributors.all()],
            }
        )
    return render(
        request, "events/session_form.html", {"form": form, "session": session}, status=status
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_cancel(request: HttpRequest, session_slug: str) -> HttpResponse:
    _require_manager(request, _("Only a convener can cancel sessions."))
    session = selectors.session_for(request.user, session_slug)
    status = 200
    form = CancelForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.cancel_session(
                    actor=request.user, session=session, reason=form.cleaned_data["reason"]
                )
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(
                    request,
                    _("%(title)s is cancelled; calendars will show it as cancelled.")
                    % {"title": session.title},
                )
                return redirect("session-detail", session_slug=session.slug)
        else:
            status = 400
    return render(
        request, "events/session_cancel.html", {"form": form, "session": session}, status=status
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_minutes(request: HttpRequest, session_slug: str) -> HttpResponse:
    _require_manager(request, _("Only a convener can record minutes."))
    session = selectors.session_for(request.user, session_slug)
    status = 200
    if request.method == "POST":
        form = MinutesForm(request.POST)
        if form.is_valid():
            try:
                services.record_minutes(
                    actor=request.user, session=session, minutes=form.cleaned_data["minutes"]
                )
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(request, _("Minutes saved."))
                return redirect("session-detail", session_slug=session.slug)
        else:
            status = 400
    else:
        form = MinutesForm(initial={"minutes": session.minutes})
    return render(
        request, "events/session_minutes.html", {"form": form, "session": session}, status=status
    )


@login_required
@require_POST
def session_rsvp(request: HttpRequest, session_slug: str) -> HttpResponse:
    session = selectors.session_for(request.user, session_slug)
    form = RsvpForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Answer yes, maybe or no."))
    invitation = invitation_services.respond(
        actor=request.user, session=session, response=form.cleaned_data["response"]
    )
    messages.success(
        request,
        _("Your answer is saved: %(answer)s.") % {"answer": invitation.get_response_display()},
    )
    return redirect("session-detail", session_slug=session.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_invite(request: HttpRequest, session_slug: str) -> HttpResponse:
    _require_manager(request, _("Only a convener can invite people."))
    session = selectors.session_for(request.user, session_slug)
    status = 200
    if request.method == "POST":
        form = InviteForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                added = invitation_services.invite(
                    actor=request.user,
                    session=session,
                    people=data["emails"],
                    cohort=data["cohort"],
                    alumni=data["alumni"],
                )
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(
                    request,
                    ngettext("%(n)d new person invited.", "%(n)d new people invited.", added)
                    % {"n": added},
                )
                return redirect("session-invite", session_slug=session.slug)
        else:
            status = 400
    else:
        form = InviteForm(initial={"cohort": session.cohort.slug if session.cohort else ""})
    invitations = selectors.invitations_to(session)
    return render(
        request,
        "events/session_invite.html",
        {"form": form, "session": session, "invitations": invitations},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_attendance(request: HttpRequest, session_slug: str) -> HttpResponse:
    _require_manager(request, _("Only a convener can record attendance."))
    session = selectors.session_for(request.user, session_slug)
    rows = attendance_selectors.attendance_sheet(session)
    status = 200
    if request.method == "POST":
        form = AttendanceForm(request.POST, rows=rows)
        if form.is_valid():
            try:
                present = attendance_services.record_attendance(
                    actor=request.user, session=session, attended=form.attended()
                )
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(
                    request,
                    _("Attendance saved: %(present)d of %(listed)d present.")
                    % {"present": present, "listed": len(rows)},
                )
                return redirect("session-attendance", session_slug=session.slug)
        else:
            status = 400
    else:
        form = AttendanceForm(rows=rows)
    return render(
        request,
        "events/session_attendance.html",
        {"form": form, "session": session, "started": session_started(session)},
        status=status,
    )


@login_required
@require_safe
def cohort_attendance(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    _require_manager(request, _("Only a convener can see attendance."))
    cohort = selectors.cohort_by_slug(cohort_slug)
    return render(
        request,
        "events/cohort_attendance.html",
        {"cohort": cohort, "rates": attendance_selectors.attendance_rates(cohort)},
    )


urlpatterns = [
    path("", session_list, name="session-list"),
    path("new/", session_create, name="session-create"),
    path("cohorts/<slug:cohort_slug>/attendance/", cohort_attendance, name="cohort-attendance"),
    path("<slug:session_slug>/", session_detail, name="session-detail"),
    path("<slug:session_slug>/edit/", session_edit, name="session-edit"),
    path("<slug:session_slug>/cancel/", session_cancel, name="session-cancel"),
    path("<slug:session_slug>/minutes/", session_minutes, name="session-minutes"),
    path("<slug:session_slug>/rsvp/", session_rsvp, name="session-rsvp"),
    path("<slug:session_slug>/invite/", session_invite, name="session-invite"),
    path("<slug:session_slug>/attendance/", session_attendance, name="session-attendance"),
]
