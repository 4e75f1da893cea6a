"""The second cohort's grantee obligations: signed agreements, reports and tied instalments.

Every award has a signed agreement and a final report that its second instalment waits for.
Most reports are approved and paid; the Open Contracting Partnership's is approved but not yet
paid (payable); WikiRate's is late, so its second instalment is not yet payable; GBIF owes an
impact follow-up due in ten days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from datacollab.core import audit
from datacollab.demo import content
from datacollab.demo.people import email
from datacollab.network.agreement_text import default_text
from datacollab.network.models import (
    AgreementTemplate,
    Award,
    Cohort,
    GrantAgreement,
    Instalment,
    ProgressReport,
)
from datacollab.network.services.grant_agreements import award_for_agreement, draft_text
from datacollab.organisations.models import User

OUTPUT = (
    "an ODI and Microsoft output on how open data stewards sustain their data and open it "
    "up further, published with the cohort's report"
)
LATE = "wikirate"
FOLLOW_UP = "gbif"
State = ProgressReport.State


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def ensure_grant_obligations(*, convener: User, today: date) -> None:
    cohort = Cohort.objects.get(slug=content.SECOND.slug)
    AgreementTemplate.objects.get_or_create(
        cohort=cohort,
        defaults={"text": default_text(), "output": OUTPUT, "updated_by": convener},
    )
    due_on = cohort.ends_on + timedelta(days=14)
    awards = Award.objects.filter(cohort=cohort).select_related("organisation").order_by("pk")
    for award in awards:
        slug = award.organisation.slug
        contact = User.objects.get(email=email(slug))
        late = slug == LATE
        final, _ = ProgressReport.objects.update_or_create(
            award=award,
            title="Final report",
            defaults={
                "due_on": due_on,
                "expected": "What you did with the grant, what you learnt, and what comes next.",
                "state": State.DUE if late else State.APPROVED,
                "body": "" if late else _final_body(award.organisation.name),
                "submitted_at": None if late else _at(due_on - timedelta(days=3), 11),
                "submitted_by": None if late else contact,
                "decided_at": None if late else _at(due_on + timedelta(days=4), 15),
                "decided_by": None if late else convener,
                "convener_note": "" if late else "Thank you: clear and useful for the output.",
            },
        )
        Instalment.objects.filter(award=award, position=2).update(report=final)
        _sign(award, contact)
        if slug == FOLLOW_UP:
            ProgressReport.objects.update_or_create(
                award=award,
                title="Impact follow-up",
                defaults={
                    "due_on": today + timedelta(days=10),
                    "expected": "A year on: who uses the data you opened, and how.",
                    "state": State.DUE,
                },
            )


def _sign(award: Award, contact: User) -> None:
    if GrantAgreement.objects.filter(award=award).exists():
        return
    fresh = award_for_agreement(award.pk)
    assert fresh is not None
    text = draft_text(fresh)
    signed = GrantAgreement.objects.create(
        award=award,
        organisation=award.organisation,
        text=text.text,
        text_hash=text.hash,
        signed_by=contact,
        signed_at=_at(award.awarded_on + timedelta(days=3), 10),
    )
    audit.record(
        action="grant.agreement_signed",
        actor=contact,
        obj=award,
        details={
            "agreement": signed.pk,
            "award": award.identifier,
            "organisation": award.organisation.slug,
            "text_hash": signed.text_hash,
            "source": "demo",
        },
    )


def _final_body(name: str) -> str:
    return (
        f"## What {name} did\n\n"
        "We used the grant to document how we steward our data, to write down our "
        "governance, and to open more of it up under an open licence.\n\n"
        "## What we learnt\n\n"
        "Peers facing the same questions saved us months: the roundtables on sustainability "
        "and on licensing changed our plans.\n"
    )
