"""Create, change and cancel sessions, and record their minutes. Conveners only.

A change a calendar must notice (start, end, zone, place, video link, status) raises the
session's iCalendar SEQUENCE; its UID never changes, so calendar clients update the event
they already hold instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.events.models import Audience, Session, SessionKind
from datacollab.events.rules import can_manage_sessions
from datacollab.events.services._checks import check_text, check_times, check_url, check_zone
from datacollab.events.services.invitations import add_invitations
from datacollab.network.models import Cohort, CohortMembership, Network
from datacollab.organisations.models import Organisation, User
from datacollab.search import index


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
"""Default of `update_session`'s arguments: leave that field as it is."""

# Fields whose change a calendar client must notice: they raise SEQUENCE (RFC 5545 3.8.7.4).
SEQUENCED_FIELDS = ("starts_at", "ends_at", "timezone", "place", "video_url", "status")


def _require_convener(actor: Any, refusal: str) -> None:
    """`refusal` is the whole translated sentence, so each language words it freely."""
    if not can_manage_sessions(actor):
        raise NotAllowed(refusal)


def _require_scheduled(session: Session) -> None:
    if session.status == Session.Status.CANCELLED:
        raise Conflict(
            _(
                "%(title)s was cancelled, and a cancelled session cannot be changed: "
                "create a new session instead."
            )
            % {"title": session.title}
        )


def _default_zone(actor: Any) -> str:
    zone = getattr(actor, "timezone", "") or ""
    try:
        return check_zone(zone)
    except DomainError:
        return "UTC"


def _check_audience(
    audience: str, cohort: Cohort | None, network: Network
) -> tuple[str, Cohort | None]:
    if audience not in Audience.values:
        raise DomainError(
            _("Choose who the session is for: a cohort, the alumni or the whole network."),
            field="audience",
        )
    if audience == Audience.COHORT and cohort is None:
        raise DomainError(_("Choose the cohort the session is for."), field="cohort")
    if cohort is not None and cohort.network_id != network.pk:
        raise DomainError(
            _("%(cohort)s is not a cohort of %(network)s.")
            % {"cohort": cohort.name, "network": network.name},
            field="cohort",
        )
    return audience, cohort


def _check_contributors(
    contributors: Iterable[Organisation], audience: str, cohort: Cohort | None
) -> list[Organisation]:
    chosen = list(dict.fromkeys(contributors))
    if audience == Audience.COHORT and cohort is not None and chosen:
        members = set(
            CohortMembership.objects.filter(
                cohort=cohort, organisation__in=[org.pk for org in chosen]
            ).values_list("organisation_id", flat=True)
        )
        outsiders = [org.name for org in chosen if org.pk not in members]
        if outsiders:
            raise DomainError(
                ngettext(
                    "Primary contributors of a cohort session are organisations of that "
                    "cohort; %(names)s is not in %(cohort)s.",
                    "Primary contributors of a cohort session are organisations of that "
                    "cohort; %(names)s are not in %(cohort)s.",
                    len(outsiders),
                )
                % {"names": ", ".join(outsiders), "cohort": cohort.name},
                field="contributors",
            )
    return chosen


def _unique_slug(title: str, starts_at: datetime) -> str:
    base = f"{starts_at:%Y-%m-%d}-{slugify(title)[:90]}".strip("-") or "session"
    slug, n = base, 1
    while Session.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_kind(kind: str) -> str:
    if kind not in SessionKind.values:
        raise DomainError(
            _("Choose a kind: roundtable, workshop, 1:1 support or networking."), field="kind"
        )
    return kind


def _after_commit(session: Session) -> None:
    """Keep the full-text index in step with the session."""
    pk = session.pk
    transaction.on_commit(lambda: index.refresh("session", pk))


@transaction.atomic
def create_session(
    *,
    actor: Any,
    network: Network,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    audience: str,
    cohort: Cohort | None = None,
    description: str = "",
    place: str = "",
    video_url: str = "",
    theme: str = "",
    contributors: Iterable[Organisation] = (),
    invitees: Iterable[User] = (),
    time_zone: str = "",
    reflective_questions: str = "",
) -> Session:
    """Schedule a session; `invitees` are invited at once.

    `starts_at`/`ends_at` are aware datetimes; `time_zone` is the organiser's IANA zone, used
    in calendar files (default: the convener's own zone, else UTC). Viewers see their own zone.
    """
    _require_convener(actor, _("Only a convener can create sessions."))
    kind = _check_kind(kind)
    audience, cohort = _check_audience(audience, cohort, network)
    title = check_text(title, field="title", max_length=200, required=True)
    theme = check_text(theme, field="theme", max_length=200, required=False)
    place = check_text(place, field="place", max_length=200, required=False)
    check_times(starts_at, ends_at)
    zone = check_zone(time_zone) if time_zone else _default_zone(actor)
    chosen = _check_contributors(contributors, audience, cohort)
    try:
        with transaction.atomic():
            session = Session.objects.create(
                network=network,
                audience=audience,
                cohort=cohort,
                kind=kind,
                slug=_unique_slug(title, starts_at),
                title=title,
                theme=theme,
                description=(description or "").strip(),
                starts_at=starts_at,
                ends_at=ends_at,
                timezone=zone,
                place=place,
                video_url=check_url(video_url),
                reflective_questions=(reflective_questions or "").strip(),
                created_by=actor,
            )
    except IntegrityError:
        raise Conflict(
            _("Another session with this title and date was created at the same moment: try again.")
        ) from None
    session.contributors.set(chosen)
    invited = add_invitations(session=session, users=invitees)
    audit.record(
        action="session.create",
        actor=actor,
        obj=session,
        details={
            "kind": kind,
            "audience": audience,
            "cohort": cohort.slug if cohort else None,
            "starts_at": starts_at,
            "invited": invited,
        },
    )
    _after_commit(session)
    return session


@transaction.atomic
def update_session(
    *,
    actor: Any,
    session: Session,
    kind: str = UNSET,
    title: str = UNSET,
    theme: str = UNSET,
    description: str = UNSET,
    audience: str = UNSET,
    cohort: Cohort | None = UNSET,
    starts_at: datetime = UNSET,
    ends_at: datetime = UNSET,
    time_zone: str = UNSET,
    place: str = UNSET,
    video_url: str = UNSET,
    reflective_questions: str = UNSET,
    contributors: Iterable[Organisation] = UNSET,
) -> Session:
    """Change the given fields (the others stay); raise SEQUENCE when time or place change."""
    _require_convener(actor, _("Only a convener can edit sessions."))
    locked = Session.objects.select_for_update().get(pk=session.pk)
    _require_scheduled(locked)
    new: dict[str, Any] = {}
    if kind is not UNSET:
        new["kind"] = _check_kind(kind)
    if title is not UNSET:
        new["title"] = check_text(title, field="title", max_length=200, required=True)
    if theme is not UNSET:
        new["theme"] = check_text(theme, field="theme", max_length=200, required=False)
    if description is not UNSET:
        new["description"] = (description or "").strip()
    if reflective_questions is not UNSET:
        new["reflective_questions"] = (reflective_questions or "").strip()
    if place is not UNSET:
        new["place"] = check_text(place, field="place", max_length=200, required=False)
    if video_url is not UNSET:
        new["video_url"] = check_url(video_url)
    if time_zone is not UNSET:
        new["timezone"] = check_zone(time_zone)
    new_audience = locked.audience if audience is UNSET else audience
    new_cohort = locked.cohort if cohort is UNSET else cohort
    if audience is not UNSET or cohort is not UNSET:
        new["audience"], new["cohort"] = _check_audience(new_audience, new_cohort, locked.network)
    new_start = locked.starts_at if starts_at is UNSET else starts_at
    new_end = locked.ends_at if ends_at is UNSET else ends_at
    if starts_at is not UNSET or ends_at is not UNSET:
        check_times(new_start, new_end)
        new["starts_at"], new["ends_at"] = new_start, new_end
    chosen = (
        _check_contributors(contributors, new_audience, new_cohort)
        if contributors is not UNSET
        else None
    )
    changed = sorted(name for name, value in new.items() if getattr(locked, name) != value)
    for name in changed:
        setattr(locked, name, new[name])
    if any(name in SEQUENCED_FIELDS for name in changed):
        locked.sequence += 1
    if chosen is not None and set(locked.contributors.values_list("pk", flat=True)) != {
        org.pk for org in chosen
    }:
        locked.contributors.set(chosen)
        changed.append("contributors")
    if changed:
        # Saved even when only the contributors changed: LAST-MODIFIED follows updated_at.
        locked.save()
    if changed:
        audit.record(
            action="session.update",
            actor=actor,
            obj=locked,
            details={"changed": changed, "sequence": locked.sequence},
        )
        _after_commit(locked)
        if any(name in SEQUENCED_FIELDS for name in changed):
            _tell_registrants(locked, "changed")
    return locked


@transaction.atomic
def cancel_session(*, actor: Any, session: Session, reason: str = "") -> Session:
    """Cancel: the session stays (and stays in calendars, marked STATUS:CANCELLED)."""
    _require_convener(actor, _("Only a convener can cancel sessions."))
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.status == Session.Status.CANCELLED:
        raise Conflict(_("%(title)s is already cancelled.") % {"title": locked.title})
    if locked.ends_at <= timezone.now():
        raise DomainError(
            _("%(title)s has already taken place: a past session cannot be cancelled.")
            % {"title": locked.title}
        )
    locked.status = Session.Status.CANCELLED
    locked.sequence += 1
    locked.save(update_fields=["status", "sequence", "updated_at"])
    audit.record(
        action="session.cancel",
        actor=actor,
        obj=locked,
        details={"reason": (reason or "").strip()[:500], "sequence": locked.sequence},
    )
    _after_commit(locked)
    _tell_registrants(locked, "cancelled")
    return locked


def _tell_registrants(session: Session, change: str) -> None:
    # People registered for a public session have no account and no invitation: mail them.
    from datacollab.events.services.public import tell_registrants

    tell_registrants(session=session, change=change)


@transaction.atomic
def record_minutes(*, actor: Any, session: Session, minutes: str) -> Session:
    """The minutes (Markdown) of a session that has started."""
    _require_convener(actor, _("Only a convener can record minutes."))
    locked = Session.objects.select_for_update().get(pk=session.pk)
    _require_scheduled(locked)
    if locked.starts_at > timezone.now():
        raise DomainError(
            _("%(title)s has not started yet: record its minutes after the event.")
            % {"title": locked.title},
            field="minutes",
        )
    locked.minutes = (minutes or "").strip()
    locked.save(update_fields=["minutes", "updated_at"])
    audit.record(
        action="session.minutes",
        actor=actor,
        obj=locked,
        details={"length": len(locked.minutes)},
    )
    _after_commit(locked)
    return locked
