"""Who may read named and group data: the owner's grants, and requests for access.

Rules (also in docs/guide/datasets.md):
- members of the owning organisation add and remove grants, to a registered person (by email)
  or to an organisation (all its members); grants count at the `named` and `group` levels;
- a registered person who can see a listed `named` or `group` dataset, without access, asks
  for it with a purpose, for themselves or for an organisation they belong to;
- the owner approves (a grant is made: for group data too, the requester then reads it like a
  named grantee, without joining the collaboration) or declines with a note;
- the owner's members get an email on a new request, the requester one on the decision;
- every grant, removal, request and decision is audited.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.core.mail_language import by_language
from datacollab.datasets.models import AccessGrant, AccessRequest, Dataset, Spectrum
from datacollab.datasets.rules import can_see, data_access, is_owner
from datacollab.datasets.selectors.access import require_owner
from datacollab.organisations.models import Membership, Organisation, User
from datacollab.organisations.rules import is_member

log = logging.getLogger(__name__)
GRANTABLE = (Spectrum.NAMED, Spectrum.GROUP)


def _send(subject: str, body: str, to: list[str]) -> None:
    if not to:
        return
    try:
        EmailMessage(subject=subject, body=body, to=to).send()
    except Exception:  # the decision stands; a lost mail must not turn into a 500
        log.exception("mail %r to %s could not be sent", subject, to)


def _mail_after_commit(compose: Callable[[], tuple[str, str]], to: list[str]) -> None:
    """`compose` writes the subject and body; it runs once per language among `to`."""
    for language, addresses in by_language(sorted(set(to))).items():
        with translation.override(language):
            subject, body = compose()
        transaction.on_commit(partial(_send, subject, body, addresses))


@transaction.atomic
def add_grant(
    *,
    actor: Any,
    dataset: Dataset,
    email: str = "",
    organisation: Organisation | None = None,
    ends_on: dt.date | None = None,
) -> AccessGrant:
    """Grant a registered person (by email) or an organisation access to named or group data,
    until removed or, with `ends_on`, up to and including that day."""
    require_owner(actor, dataset)
    if ends_on is not None and ends_on < timezone.localdate():
        raise DomainError(
            _("The end date has passed: choose today or a later day."), field="ends_on"
        )
    if bool(email.strip()) == (organisation is not None):
        raise DomainError(_("Grant access either to a person (by email) or to an organisation."))
    if dataset.spectrum not in GRANTABLE:
        raise DomainError(
            _(
                "Grants apply to named and group data only; this dataset is “%(level)s”. "
                "Change its Data Spectrum level first."
            )
            % {"level": dataset.get_spectrum_display()}
        )
    user = None
    if email.strip():
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise DomainError(
                _("No one is registered with %(email)s: ask them to sign up first.")
                % {"email": email.strip()},
                field="email",
            )
    existing = AccessGrant.objects.filter(
        dataset=dataset, user=user, organisation=organisation
    ).first()
    if existing is not None and not existing.has_ended:
        raise Conflict(_("%(who)s already has access.") % {"who": user or organisation})
    if existing is not None:
        # An ended grant is renewed rather than doubled: one row per grantee.
        existing.ends_on, existing.granted_by = ends_on, actor
        existing.save(update_fields=["ends_on", "granted_by"])
        access_grant = existing
    else:
        access_grant = AccessGrant.objects.create(
            dataset=dataset,
            user=user,
            organisation=organisation,
            granted_by=actor,
            ends_on=ends_on,
        )
    audit.record(
        action="dataset.access_granted",
        actor=actor,
        obj=dataset,
        details={
            "grant": access_grant.pk,
            "user": user.pk if user else None,
            "organisation": organisation.pk if organisation else None,
            "ends_on": ends_on,
        },
    )
    return access_grant


@transaction.atomic
def remove_grant(*, actor: Any, grant: AccessGrant) -> None:
    dataset = grant.dataset
    require_owner(actor, dataset)
    details = {"grant": grant.pk, "user": grant.user_id, "organisation": grant.organisation_id}
    grant.delete()
    audit.record(action="dataset.access_revoked", actor=actor, obj=dataset, details=details)


def check_can_request(actor: Any, dataset: Dataset) -> None:
    """Raise the reason why this person cannot ask for access; pass when they can."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Log in to ask for access."))
    if not can_see(actor, dataset):
        raise NotFound(_("There is no such dataset."))
    if dataset.spectrum not in GRANTABLE:
        raise DomainError(
            _("Only named and group data take access requests; this dataset is “%(level)s”.")
            % {"level": dataset.get_spectrum_display()}
        )
    if is_owner(actor, dataset) or data_access(actor, dataset).action != "request":
        raise Conflict(_("You already have access to this dataset."))
    if AccessRequest.objects.filter(
        dataset=dataset, requester=actor, status=AccessRequest.Status.PENDING
    ).exists():
        raise Conflict(_("You already asked: the owner has not decided yet."))


@transaction.atomic
def request_access(
    *,
    actor: Any,
    dataset: Dataset,
    purpose: str,
    organisation: Organisation | None = None,
) -> AccessRequest:
    """Ask the owner for access to named or group data, saying what for."""
    check_can_request(actor, dataset)
    purpose = purpose.strip()
    if not purpose:
        raise DomainError(_("Say what you will use the data for."), field="purpose")
    if organisation is not None and not is_member(actor, organisation):
        raise DomainError(
            _("You can ask on behalf of your own organisations only."), field="organisation"
        )
    access_request = AccessRequest.objects.create(
        dataset=dataset, requester=actor, organisation=organisation, purpose=purpose
    )
    audit.record(
        action="dataset.access_requested",
        actor=actor,
        obj=dataset,
        details={
            "request": access_request.pk,
            "organisation": organisation.pk if organisation else None,
        },
    )
    owners = list(
        Membership.objects.filter(organisation_id=dataset.owner_id).values_list(
            "user__email", flat=True
        )
    )
    link = reverse("dataset-requests", kwargs={"slug": dataset.slug})

    def compose() -> tuple[str, str]:
        return _("Access request for %(title)s") % {"title": dataset.title}, _(
            "%(who)s asks for access to “%(title)s”%(org)s.\n\nPurpose:\n%(purpose)s\n\n"
            "Approve or decline on the dataset's requests page: %(link)s\n"
        ) % {
            "who": actor,
            "title": dataset.title,
            "org": (_(" on behalf of %(org)s") % {"org": organisation.name})
            if organisation
            else "",
            "purpose": purpose,
            "link": link,
        }

    _mail_after_commit(compose, owners)
    return access_request


@transaction.atomic
def decide_access_request(
    *,
    actor: Any,
    access_request: AccessRequest,
    approve: bool,
    note: str = "",
) -> AccessRequest:
    """Approve (grant the requester, or their organisation) or decline with a note."""
    access_request = (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("dataset", "requester", "organisation")
        .get(pk=access_request.pk)
    )
    dataset = access_request.dataset
    require_owner(actor, dataset)
    if access_request.status != AccessRequest.Status.PENDING:
        raise Conflict(
            _("This request was already decided: %(status)s.")
            % {"status": access_request.get_status_display()}
        )
    note = note.strip()
    if not approve and not note:
        raise DomainError(_("Say why you decline, so the requester knows."), field="note")
    grant_id = None
    if approve:
        if dataset.spectrum not in GRANTABLE:
            raise DomainError(
                _("This dataset is now “%(level)s”: grants apply to named and group data only.")
                % {"level": dataset.get_spectrum_display()}
            )
        who: dict[str, Any] = {"user": None, "organisation": access_request.organisation}
        if access_request.organisation is None:
            who = {"user": access_request.requester, "organisation": None}
        access_grant, _created = AccessGrant.objects.get_or_create(
            dataset=dataset, **who, defaults={"granted_by": actor}
        )
        if access_grant.has_ended:  # approving again renews an ended grant, with no end
            access_grant.ends_on, access_grant.granted_by = None, actor
            access_grant.save(update_fields=["ends_on", "granted_by"])
        grant_id = access_grant.pk
    access_request.status = (
        AccessRequest.Status.APPROVED if approve else AccessRequest.Status.DECLINED
    )
    access_request.decided_by = actor
    access_request.decided_at = timezone.now()
    access_request.decision_note = note
    access_request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(
        action="dataset.access_approved" if approve else "dataset.access_declined",
        actor=actor,
        obj=dataset,
        details={"request": access_request.pk, "grant": grant_id},
    )
    link = reverse("dataset-detail", kwargs={"slug": dataset.slug})

    def compose() -> tuple[str, str]:
        if approve:
            subject = _("Access approved: %(title)s") % {"title": dataset.title}
            body = _("Your request for access to “%(title)s” was approved.\n\n%(note)s\n%(link)s\n")
        else:
            subject = _("Access declined: %(title)s") % {"title": dataset.title}
            body = _("Your request for access to “%(title)s” was declined.\n\n%(note)s\n%(link)s\n")
        return subject, body % {"title": dataset.title, "note": note, "link": link}

    _mail_after_commit(compose, [access_request.requester.email])
    return access_request
