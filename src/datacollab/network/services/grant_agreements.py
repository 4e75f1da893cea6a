"""Grant agreements: the convener's template per cohort, and the grantee's signature.

A signature freezes the exact text read (checked against the hash the signer saw) and records
its SHA-256 in the audit log, as data agreements do; later template edits change only
agreements not yet signed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.network import agreement_text
from datacollab.network.models import (
    AgreementTemplate,
    Award,
    Cohort,
    GrantAgreement,
    Instalment,
    ProgressReport,
)
from datacollab.organisations.rules import is_convener, is_org_admin

TEXT_MAX = 50_000


def template_of(cohort: Cohort) -> tuple[str, str]:
    """The cohort's (text, output), or the defaults while the convener has saved none."""
    saved = AgreementTemplate.objects.filter(cohort=cohort).first()
    if saved is None:
        return agreement_text.default_text(), agreement_text.default_output(cohort)
    return saved.text, saved.output


def award_for_agreement(award_id: int) -> Award | None:
    """The award with everything its agreement text names, in a fixed number of queries."""
    return (
        Award.objects.select_related("cohort__network", "organisation")
        .prefetch_related(
            Prefetch(
                "instalments",
                queryset=Instalment.objects.select_related("report").order_by("position"),
            ),
            Prefetch("reports", queryset=ProgressReport.objects.order_by("due_on", "pk")),
        )
        .filter(pk=award_id)
        .first()
    )


def draft_text(award: Award) -> agreement_text.AgreementText:
    """The text the grantee would sign now (the signed text, once signed, is the record)."""
    template, output = template_of(award.cohort)
    return agreement_text.compose(template, agreement_text.facts(award, output=output))


@transaction.atomic
def save_agreement_template(
    *, actor: Any, cohort: Cohort, text: str, output: str
) -> AgreementTemplate:
    if not is_convener(actor):
        raise NotAllowed(_("Only a convener can edit the grant agreement."))
    text = text.replace("\r\n", "\n").strip()
    output = output.strip()
    if not text:
        raise DomainError(_("The agreement needs a text."), field="text")
    if len(text) > TEXT_MAX:
        raise DomainError(
            _("The agreement is at most %(n)d characters.") % {"n": TEXT_MAX}, field="text"
        )
    unknown = agreement_text.unknown_placeholders(text)
    if unknown:
        raise DomainError(
            _("Unknown placeholders: %(names)s. Use only: %(known)s.")
            % {
                "names": ", ".join(f"{{{{ {n} }}}}" for n in unknown),
                "known": ", ".join(f"{{{{ {n} }}}}" for n in agreement_text.PLACEHOLDERS),
            },
            field="text",
        )
    if not output:
        raise DomainError(_("Name the output the grantees contribute to."), field="output")
    template, created = AgreementTemplate.objects.update_or_create(
        cohort=cohort, defaults={"text": text, "output": output, "updated_by": actor}
    )
    audit.record(
        action="grant.agreement_template_saved",
        actor=actor,
        obj=template,
        details={
            "cohort": cohort.slug,
            "text_hash": agreement_text.text_hash(text),
            "output": output,
            "created": created,
        },
    )
    return template


@transaction.atomic
def sign_grant_agreement(*, actor: Any, award: Award, expected_hash: str) -> GrantAgreement:
    """Accept the award's agreement for its organisation: only one of its administrators may,
    and only the text they read (`expected_hash`)."""
    if not is_org_admin(actor, award.organisation):
        raise NotAllowed(
            _(
                "Only an administrator of %(org)s can sign its grant agreement: ask one of "
                "them to sign."
            )
            % {"org": award.organisation.name}
        )
    # The award's row lock queues two signers; the one-to-one is the second line.
    Award.objects.select_for_update().get(pk=award.pk)
    if GrantAgreement.objects.filter(award=award).exists():
        raise Conflict(_("This grant agreement is already signed."))
    fresh = award_for_agreement(award.pk)
    assert fresh is not None
    current = draft_text(fresh)
    if expected_hash != current.hash:
        raise Conflict(
            _(
                "The agreement changed while you were reading it: read the current text and "
                "sign that."
            )
        )
    signed = GrantAgreement.objects.create(
        award=award,
        organisation=award.organisation,
        text=current.text,
        text_hash=current.hash,
        signed_by=actor,
        signed_at=timezone.now(),
    )
    audit.record(
        action="grant.agreement_signed",
        actor=actor,
        obj=award,
        details={
            "agreement": signed.pk,
            "award": award.identifier,
            "organisation": award.organisation.slug,
            "text_hash": signed.text_hash,
        },
    )
    return signed
