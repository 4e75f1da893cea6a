"""1:1 support pages: open slots and one's bookings; an expert's slots; book, cancel, withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.events import rules
from datacollab.events.forms.experts import ExpertSearchForm
from datacollab.events.forms.support import BookForm, SlotForm
from datacollab.events.selectors import experts as expert_selectors
from datacollab.events.selectors import support as selectors
from datacollab.events.services import support as services
from datacollab.organisations.rules import is_convener


@login_required
@require_safe
def support_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_expert = rules.can_offer_support(user)
    can_book = rules.can_book_support(user)
    convener = is_convener(user)
    return render(
        request,
        "events/support_home.html",
        {
            "is_expert": is_expert,
            "can_book": can_book,
            "is_convener": convener,
            "open_slots": list(selectors.open_slots(user)) if can_book or convener else [],
            "my_bookings": list(selectors.bookings_of(user)),
            "my_slots": list(selectors.expert_slots(user)) if is_expert else [],
            "all_bookings": list(selectors.upcoming_bookings(user)) if convener else [],
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def slot_create(request: HttpRequest) -> HttpResponse:
    if not rules.can_offer_support(request.user):
        raise NotAllowed(_("Only an expert can publish 1:1 support slots."))
    status = 200
    if request.method == "POST":
        form = SlotForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.publish_slot(
                    actor=request.user,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    time_zone=data["time_zone"],
                    topic=data["topic"],
                    place=data["place"],
                    video_url=data["video_url"],
                    cohort=data["cohort"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status
            else:
                messages.success(request, _("Your slot is published."))
                return redirect("support-home")
        else:
            status = 400
    else:
        form = SlotForm(initial={"time_zone": getattr(request.user, "timezone", "") or "UTC"})
    return render(request, "events/slot_form.html", {"form": form}, status=status)


@login_required
@require_POST
def slot_withdraw(request: HttpRequest, slot_id: int) -> HttpResponse:
    slot = selectors.slot_by_id(slot_id)
    services.withdraw_slot(actor=request.user, slot=slot)
    messages.success(request, _("The slot is withdrawn."))
    return redirect("support-home")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def slot_book(request: HttpRequest, slot_id: int) -> HttpResponse:
    slot = selectors.slot_by_id(slot_id)
    status = 200
    if request.method == "POST":
        form = BookForm(request.POST)
        if form.is_valid():
            try:
                services.book_slot(
                    actor=request.user, slot=slot, question=form.cleaned_data["question"]
                )
            except DomainError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(
                    request,
                    _("Booked. You and %(expert)s will get an invitation by email.")
                    % {"expert": slot.expert},
                )
                return redirect("support-home")
        else:
            status = 400
    else:
        form = BookForm()
    return render(request, "events/slot_book.html", {"form": form, "slot": slot}, status=status)


@login_required
@require_POST
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = selectors.booking_by_id(booking_id)
    services.cancel_booking(
        actor=request.user, booking=booking, reason=request.POST.get("reason", "")[:500]
    )
    messages.success(request, _("The booking is cancelled; both of you are told by email."))
    return redirect("support-home")


@login_required
@require_safe
def expert_directory(request: HttpRequest) -> HttpResponse:
    """Every expert of the network with the profile they wrote (accounts/profile), their
    topics and open slots, searched by words and filtered by country, topic and the languages
    experts chose to show."""
    everyone = expert_selectors.expert_directory(viewer=request.user)
    form = ExpertSearchForm(request.GET or None, directory=everyone)
    status = 200
    directory = everyone
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            directory = expert_selectors.expert_directory(
                viewer=request.user,
                query=data["q"],
                country=data["country"],
                topic=data["topic"],
                language=data["language"],
            )
        else:
            # A filter value no expert has (an old link): say so, show everyone.
            status = 400
    return render(
        request,
        "events/expert_directory.html",
        {
            "form": form,
            "experts": [entry.person for entry in directory.entries],
            "entries": directory.entries,
            "total": directory.total,
            "filtered": form.is_bound and status == 200,
            "can_book": rules.can_book_support(request.user),
        },
        status=status,
    )


urlpatterns = [
    path("support/", support_home, name="support-home"),
    path("support/experts/", expert_directory, name="support-experts"),
    path("support/slots/new/", slot_create, name="support-slot-create"),
    path("support/slots/<int:slot_id>/book/", slot_book, name="support-slot-book"),
    path("support/slots/<int:slot_id>/withdraw/", slot_withdraw, name="support-slot-withdraw"),
    path(
        "support/bookings/<int:booking_id>/cancel/", booking_cancel, name="support-booking-cancel"
    ),
]
