"""Reads for 1:1 support: open slots, an expert's slots, a person's bookings."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core.errors import NotFound
from datacollab.events.models import Booking, SupportSlot
from datacollab.network.selectors.participation import current_cohort_ids
from datacollab.organisations.rules import is_convener


def _live() -> Exists:
    return Exists(Booking.objects.filter(slot=OuterRef("pk"), cancelled_at__isnull=True))


def open_slots(user: Any) -> QuerySet[SupportSlot]:
    """Future, unbooked, not withdrawn slots this person could book (all of them for a
    convener): slots for any cohort, or for one of the person's current cohorts."""
    slots = (
        SupportSlot.objects.filter(withdrawn=False, starts_at__gt=timezone.now())
        .exclude(_live())
        .select_related("expert", "cohort")
        .order_by("starts_at", "pk")
    )
    if is_convener(user):
        return slots
    return slots.filter(Q(cohort__isnull=True) | Q(cohort_id__in=current_cohort_ids(user)))


def expert_slots(expert: Any) -> QuerySet[SupportSlot]:
    """The expert's slots that have not ended, each with `live_bookings` (zero or one)."""
    return (
        SupportSlot.objects.filter(expert=expert, ends_at__gt=timezone.now())
        .select_related("cohort")
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=Booking.objects.filter(cancelled_at__isnull=True).select_related(
                    "participant", "organisation"
                ),
                to_attr="live_bookings",
            )
        )
        .order_by("starts_at", "pk")
    )


def bookings_of(user: Any) -> QuerySet[Booking]:
    """The person's bookings as participant whose slot has not ended, cancelled ones too."""
    return (
        Booking.objects.filter(participant=user, slot__ends_at__gt=timezone.now())
        .select_related("slot", "slot__expert", "organisation", "cancelled_by")
        .order_by("slot__starts_at", "pk")
    )


def upcoming_bookings(user: Any) -> QuerySet[Booking]:
    """For a convener: every live booking that has not ended."""
    del user  # the view checks the convener; kept for a uniform signature
    return (
        Booking.objects.filter(cancelled_at__isnull=True, slot__ends_at__gt=timezone.now())
        .select_related("slot", "slot__expert", "participant", "organisation")
        .order_by("slot__starts_at", "pk")
    )


def slot_by_id(slot_id: int) -> SupportSlot:
    slot = SupportSlot.objects.select_related("expert", "cohort").filter(pk=slot_id).first()
    if slot is None:
        raise NotFound(_("There is no 1:1 support slot %(id)s.") % {"id": slot_id})
    return slot


def booking_by_id(booking_id: int) -> Booking:
    booking = (
        Booking.objects.select_related("slot", "slot__expert", "participant")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise NotFound(_("There is no booking %(id)s.") % {"id": booking_id})
    return booking
