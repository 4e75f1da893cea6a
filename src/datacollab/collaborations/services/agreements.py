"""Every write to an agreement: create it, revise its text (new versions), accept it.

The text people accept is immutable: a changed text is a new version with its own SHA-256, and
an acceptance names the version and the hash it saw. Each acceptance is a signature, so it is
written to the audit log with the hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from datacollab.collaborations import terms as agreement_terms
from datacollab.collaborations.models import (
    Acceptance,
    Agreement,
    AgreementVersion,
    DataCollaboration,
    LicenceId,
)
from datacollab.collaborations.services.collaborations import require_manager
from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.organisations.models import Organisation
from datacollab.organisations.rules import is_org_admin

MAX_TEXT_LENGTH = 200_000


def normalise_text(text: str) -> str:
    """Browsers send CRLF line ends: normalise them (and outer blank space) before hashing,
    so re-saving an unchanged text in a form is not a new version."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def text_hash(text: str) -> str:
    """SHA-256 of exactly the stored text, UTF-8 encoded."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _checked_text(text: str) -> str:
    text = normalise_text(text)
    if not text:
        raise DomainError(_("Write the agreement's text."), field="text")
    if len(text) > MAX_TEXT_LENGTH:
        raise DomainError(
            _("The text is too long: keep it under %(n)d characters.") % {"n": MAX_TEXT_LENGTH},
            field="text",
        )
    return text


def _unique_slug(collaboration: DataCollaboration, title: str) -> str:
    base = slugify(f"{collaboration.slug} {title}")[:100] or "agreement"
    slug, n = base, 2
    while Agreement.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _add_version(agreement: Agreement, text: str, actor: Any) -> AgreementVersion:
    last = agreement.versions.order_by("-number").values_list("number", flat=True).first()
    return AgreementVersion.objects.create(
        agreement=agreement,
        number=(last or 0) + 1,
        text=text,
        text_hash=text_hash(text),
        created_by=actor,
    )


@transaction.atomic
def create_agreement(
    *,
    actor: Any,
    collaboration: DataCollaboration,
    title: str,
    licence: str,
    text: str,
    terms: Mapping[str, Any],
    slug: str | None = None,
) -> Agreement:
    """A new agreement of `collaboration` with its first text version."""
    require_manager(
        actor,
        collaboration,
        _(
            "Only administrators of %(lead)s, which leads this collaboration, "
            "can write its agreements."
        ),
    )
    title = title.strip()
    if not title:
        raise DomainError(_("Give the agreement a title."), field="title")
    if licence not in LicenceId.values:
        raise DomainError(_("Choose a licence from the list, or custom terms."), field="licence")
    clean_terms = agreement_terms.normalise(terms)
    text = _checked_text(text)
    if slug is not None and Agreement.objects.filter(slug=slug).exists():
        raise Conflict(_("The address %(slug)s is taken: choose another.") % {"slug": slug})
    agreement = Agreement.objects.create(
        collaboration=collaboration,
        slug=slug or _unique_slug(collaboration, title),
        title=title,
        licence=licence,
        terms=clean_terms,
    )
    version = _add_version(agreement, text, actor)
    audit.record(
        action="agreement.created",
        actor=actor,
        obj=agreement,
        details={
            "collaboration": collaboration.slug,
            "licence": licence,
            "terms": clean_terms,
            "version": version.number,
            "text_hash": version.text_hash,
        },
    )
    return agreement


@dataclass(frozen=True)
class Revision:
    version: AgreementVersion  # the current version after the revision
    new_version: bool
    terms_changed: bool


@transaction.atomic
def revise_agreement(
    *,
    actor: Any,
    agreement: Agreement,
    text: str,
    title: str | None = None,
    terms: Mapping[str, Any] | None = None,
) -> Revision:
    """Save an edit. A changed text becomes a new version that everyone must accept again;
    the same text is not a new version. Terms that change after someone accepted need a
    changed text too, so the change is accepted knowingly."""
    require_manager(
        actor,
        agreement.collaboration,
        _(
            "Only administrators of %(lead)s, which leads this collaboration, "
            "can change its agreements."
        ),
    )
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    text = _checked_text(text)
    current = agreement.versions.order_by("-number").first()
    # Compare normalised texts, so a version stored by other means (e.g. the demo, with a
    # trailing newline) is not re-versioned by saving the same words from the form.
    text_changed = current is None or normalise_text(current.text) != text
    new_terms = agreement_terms.normalise(terms) if terms is not None else agreement.terms
    terms_changed = new_terms != agreement.terms
    if (
        terms_changed
        and not text_changed
        and Acceptance.objects.filter(version__agreement=agreement).exists()
    ):
        raise DomainError(
            _(
                "People have accepted this agreement, so changing its terms changes what they "
                "agreed to: change the text as well (say what changed), which makes a new "
                "version for everyone to accept."
            ),
            field="text",
        )
    update_fields = []
    if title is not None and title.strip() and title.strip() != agreement.title:
        agreement.title = title.strip()
        update_fields.append("title")
    if terms_changed:
        agreement.terms = new_terms
        update_fields.append("terms")
    if update_fields:
        agreement.save(update_fields=update_fields)
    if text_changed:
        current = _add_version(agreement, text, actor)
        audit.record(
            action="agreement.revised",
            actor=actor,
            obj=agreement,
            details={
                "version": current.number,
                "text_hash": current.text_hash,
                "terms": agreement.terms,
            },
        )
    elif terms_changed:
        audit.record(
            action="agreement.terms_changed",
            actor=actor,
            obj=agreement,
            details={"terms": agreement.terms},
        )
    assert current is not None
    return Revision(version=current, new_version=text_changed, terms_changed=terms_changed)


@transaction.atomic
def accept_agreement(
    *,
    actor: Any,
    agreement: Agreement,
    organisation: Organisation | None = None,
    expected_hash: str | None = None,
) -> Acceptance:
    """Accept the current text, for oneself or on behalf of an organisation one administers.

    `expected_hash` is the hash of the text the person read: if the text changed meanwhile,
    the acceptance is refused rather than applied to a text they did not see.
    """
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Log in to accept an agreement."))
    if organisation is not None and not is_org_admin(actor, organisation):
        raise NotAllowed(
            _(
                "You are not an administrator of %(org)s, so you cannot accept on its behalf: "
                "accept for yourself, or ask one of its administrators."
            )
            % {"org": organisation.name}
        )
    # One acceptance at a time per agreement: a revision cannot slip in between.
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    version = agreement.versions.order_by("-number").first()
    if version is None:
        raise DomainError(_("This agreement has no text yet, so there is nothing to accept."))
    if expected_hash is not None and expected_hash != version.text_hash:
        raise Conflict(
            _("The text changed while you were reading it: read version %(n)d and accept that.")
            % {"n": version.number}
        )
    if Acceptance.objects.filter(
        version=version, organisation=organisation, accepted_by=actor
    ).exists():
        if organisation is None:
            message = _("You have already accepted version %(n)d.") % {"n": version.number}
        else:
            message = _("You have already accepted version %(n)d for %(org)s.") % {
                "n": version.number,
                "org": organisation.name,
            }
        raise Conflict(message)
    acceptance = Acceptance.objects.create(
        version=version,
        organisation=organisation,
        accepted_by=actor,
        text_hash=version.text_hash,
    )
    audit.record(
        action="agreement.accepted",
        actor=actor,
        obj=agreement,
        details={
            "acceptance": acceptance.pk,
            "version": version.number,
            "text_hash": version.text_hash,
            "on_behalf_of": organisation.slug if organisation is not None else None,
        },
    )
    return acceptance
