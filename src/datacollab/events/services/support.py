"""1:1 expert support: experts publish slots, current participants book them.

A slot is never booked twice. The service locks the slot row and checks for a live booking
(PostgreSQL queues concurrent bookers on the row lock; SQLite's IMMEDIATE transactions queue
them at BEGIN); the partial unique constraint `one_live_booking_per_slot` is the last line,
and a lost race there becomes the same Conflict (409), never a 500.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.mime.text import MIMEText
from typing import Any

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.dates import format_date
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.mail_language import in_language_of
from datacollab.events import ical
from datacollab.events.models import Booking, SupportSlot
from datacollab.events.rules import can_book_support, can_offer_support
from datacollab.events.services._checks import check_text, check_times, check_url, check_zone
from datacollab.network.models import Cohort, CohortMembership
from datacollab.network.selectors.participation import current_cohort_ids
from datacollab.organisations.models import Membership, Organisation, User
from datacollab.organisations.rules import is_convener

SHORTEST = timedelta(minutes=10)
LONGEST = timedelta(hours=4)
QUESTION_MAX = 2000


def _when(value: datetime, zone_name: str) -> str:
    local = value.astimezone(ical._zone(zone_name))
    return f"{format_date(local, 'DATETIME_ZONE_FORMAT')} ({zone_name})"


@transaction.atomic
def publish_slot(
    *,
    actor: Any,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str = "",
    topic: str = "",
    place: str = "",
    video_url: str = "",
    cohort: Cohort | None = None,
) -> SupportSlot:
    """Offer one 1:1 conversation; `cohort` limits it to that cohort's current participants."""
    if not can_offer_support(actor):
        raise NotAllowed(_("Only an expert can publish 1:1 support slots."))
    check_times(starts_at, ends_at)
    if starts_at <= timezone.now():
        raise DomainError(_("The slot must start in the future."), field="starts_at")
    if not SHORTEST <= ends_at - starts_at <= LONGEST:
        raise DomainError(
            _("A slot lasts between 10 minutes and 4 hours."),
            field="ends_at",
        )
    zone = check_zone(time_zone or getattr(actor, "timezone", "") or "UTC")
    topic = check_text(topic, field="topic", max_length=200, required=False)
    place = check_text(place, field="place", max_length=200, required=False)
    video_url = check_url(video_url)
    overlapping = (
        SupportSlot.objects.filter(
            expert=actor, withdrawn=False, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .order_by("starts_at")
        .first()
    )
    if overlapping is not None:
        raise DomainError(
            _("This overlaps your slot of %(when)s: choose another time.")
            % {"when": _when(overlapping.starts_at, zone)},
            field="starts_at",
        )
    slot = SupportSlot.objects.create(
        expert=actor,
        cohort=cohort,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=zone,
        topic=topic,
        place=place,
        video_url=video_url,
    )
    audit.record(
        action="support.slot_publish",
        actor=actor,
        obj=slot,
        details={"starts_at": starts_at, "cohort": cohort.slug if cohort else None},
    )
    return slot


def _live_booking(slot: SupportSlot) -> Booking | None:
    return Booking.objects.filter(slot=slot, cancelled_at__isnull=True).first()


@transaction.atomic
def withdraw_slot(*, actor: Any, slot: SupportSlot) -> SupportSlot:
    """Take an unbooked slot off the list (its expert, or a convener)."""
    if not (getattr(actor, "pk", None) == slot.expert_id or is_convener(actor)):
        raise NotAllowed(_("Only the expert who published a slot can withdraw it."))
    locked = SupportSlot.objects.select_for_update().get(pk=slot.pk)
    if locked.withdrawn:
        raise Conflict(_("This slot is already withdrawn."))
    if _live_booking(locked) is not None:
        raise Conflict(
            _("This slot is booked: cancel the booking first (the participant is told by email).")
        )
    locked.withdrawn = True
    locked.save(update_fields=["withdrawn"])
    audit.record(action="support.slot_withdraw", actor=actor, obj=locked)
    return locked


def _organisation_of(user: User, cohort_ids: set[int]) -> Organisation | None:
    """The participant's organisation that takes part in one of these cohorts."""
    membership = (
        Membership.objects.filter(
            user=user,
            organisation__in=CohortMembership.objects.filter(cohort_id__in=cohort_ids).values(
                "organisation_id"
            ),
        )
        .select_related("organisation")
        .order_by("organisation__name")
        .first()
    )
    return membership.organisation if membership else None


def _taken() -> Conflict:
    return Conflict(_("This slot has just been booked by someone else: choose another slot."))


def insert_booking(
    *, slot: SupportSlot, participant: User, organisation: Organisation | None, question: str
) -> Booking:
    """The insert, with the constraint as the last line: a booking that slipped past the
    checks (a race the locks did not serialise) is refused as a Conflict, not a 500."""
    try:
        # A savepoint: the failed insert leaves the caller's transaction usable.
        with transaction.atomic():
            return Booking.objects.create(
                slot=slot, participant=participant, organisation=organisation, question=question
            )
    except IntegrityError:
        raise _taken() from None


@transaction.atomic
def book_slot(*, actor: Any, slot: SupportSlot, question: str = "") -> Booking:
    """Book `slot` for the acting participant. Both people get an invitation by email."""
    question = check_text(
        question,
        field="question",
        max_length=QUESTION_MAX,
        required=False,
    )
    # The lock queues concurrent bookers of this slot; each then sees the others' booking.
    locked = (
        SupportSlot.objects.select_for_update(of=("self",)).select_related("cohort").get(pk=slot.pk)
    )
    if locked.expert_id == getattr(actor, "pk", None):
        raise DomainError(_("You cannot book your own slot."))
    if not can_book_support(actor, locked.cohort_id):
        if locked.cohort is not None:
            raise NotAllowed(
                _("This slot is for the current participants of %(cohort)s only.")
                % {"cohort": locked.cohort.name}
            )
        raise NotAllowed(
            _("Only current participants of a cohort can book 1:1 support with an expert.")
        )
    if locked.withdrawn:
        raise Conflict(_("The expert has withdrawn this slot: choose another slot."))
    if locked.starts_at <= timezone.now():
        raise DomainError(_("This slot has already started or passed: choose a future slot."))
    if _live_booking(locked) is not None:
        raise _taken()
    clash = (
        Booking.objects.filter(
            participant=actor,
            cancelled_at__isnull=True,
            slot__starts_at__lt=locked.ends_at,
            slot__ends_at__gt=locked.starts_at,
        )
        .select_related("slot")
        .first()
    )
    if clash is not None:
        raise DomainError(
            _("You already have a 1:1 conversation at that time (%(when)s): cancel it first.")
            % {"when": _when(clash.slot.starts_at, clash.slot.timezone)}
        )
    cohort_ids = {locked.cohort_id} if locked.cohort_id else set(current_cohort_ids(actor))
    booking = insert_booking(
        slot=locked,
        participant=actor,
        organisation=_organisation_of(actor, cohort_ids),
        question=question,
    )
    audit.record(
        action="support.book",
        actor=actor,
        obj=booking,
        details={"slot": locked.pk, "expert": locked.expert_id},
    )
    _mail_on_commit(booking.pk, "REQUEST")
    return booking


@transaction.atomic
def cancel_booking(*, actor: Any, booking: Booking, reason: str = "") -> Booking:
    """Cancel (the participant, the expert or a convener): the slot is free again, and both
    people get the cancellation by email."""
    locked = (
        Booking.objects.select_for_update(of=("self",)).select_related("slot").get(pk=booking.pk)
    )
    actor_id = getattr(actor, "pk", None)
    if actor_id not in (locked.participant_id, locked.slot.expert_id) and not is_convener(actor):
        raise NotAllowed(_("Only the participant or the expert can cancel this booking."))
    if locked.cancelled_at is not None:
        raise Conflict(_("This booking is already cancelled."))
    if locked.slot.starts_at <= timezone.now():
        raise DomainError(
            _("This conversation has already started: it can no longer be cancelled.")
        )
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = actor
    locked.sequence += 1
    locked.save(update_fields=["cancelled_at", "cancelled_by", "sequence"])
    audit.record(
        action="support.cancel",
        actor=actor,
        obj=locked,
        details={"slot": locked.slot_id, "reason": (reason or "").strip()[:500]},
    )
    _mail_on_commit(locked.pk, "CANCEL")
    return locked


def _mail_on_commit(booking_id: int, method: str) -> None:
    from datacollab.events.tasks import send_booking_mail

    transaction.on_commit(lambda: send_booking_mail.enqueue(booking_id, method))


def _mail_body(booking: Booking, person: User, method: str) -> tuple[str, str]:
    slot = booking.slot
    zone = person.timezone or slot.timezone
    context = {
        "expert": slot.expert,
        "participant": booking.participant,
        "when": _when(slot.starts_at, zone),
    }
    if method == "CANCEL":
        subject = _("Cancelled: 1:1 support on %(when)s") % context
        lines = [
            _(
                "The 1:1 support conversation between %(expert)s and %(participant)s on %(when)s "
                "is cancelled."
            )
            % context,
            _("Cancelled by %(who)s.") % {"who": booking.cancelled_by or _("a convener")},
            _("The attached file removes it from your calendar."),
        ]
    else:
        subject = _("1:1 support: %(expert)s and %(participant)s, %(when)s") % context
        lines = [
            _("%(participant)s booked a 1:1 support conversation with %(expert)s on %(when)s.")
            % context,
            _("Topic: %(topic)s") % {"topic": slot.topic} if slot.topic else "",
            _("Question: %(question)s") % {"question": booking.question}
            if booking.question
            else "",
            _("Where: %(place)s") % {"place": slot.place or slot.video_url}
            if slot.place or slot.video_url
            else "",
            _("Add the attached invitation to your calendar. To cancel, use the 1:1 support page."),
        ]
    return subject, "\n\n".join(line for line in lines if line)


def send_booking_mail(*, booking_id: int, method: str) -> int:
    """Mail both people the booking (METHOD:REQUEST) or its cancellation (METHOD:CANCEL), each
    with the .ics file. Skipped when the booking changed since (a booking cancelled before its
    invitation went out gets only the cancellation). Returns how many mails were sent."""
    booking = (
        Booking.objects.select_related("slot", "slot__expert", "participant", "cancelled_by")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or method not in ("REQUEST", "CANCEL"):
        return 0
    if (method == "CANCEL") != (booking.cancelled_at is not None):
        return 0
    ics = ical.booking_message(booking, method=method)
    sent = 0
    for person in (booking.slot.expert, booking.participant):
        with in_language_of(person):
            subject, body = _mail_body(booking, person, method)
        message = EmailMessage(subject=subject, body=body, to=[person.email])
        part = MIMEText(ics.decode(), "calendar", "utf-8")
        part.set_param("method", method)
        part.add_header(
            "Content-Disposition",
            "attachment",
            filename="cancel.ics" if method == "CANCEL" else "invite.ics",
        )
        message.attach(part)
        sent += message.send()
    return sent
