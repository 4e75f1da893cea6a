"""The two real cohorts: members from the seed texts, each with its closed call, selected
applications, a GBP 20,000 grant in two instalments, and the audit entries of the time."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from datacollab.core import audit
from datacollab.demo import content
from datacollab.demo.call_parts import ensure_amount_cap
from datacollab.demo.content import CohortSpec, OrgFacts
from datacollab.demo.direct import ensure_direct_approaches
from datacollab.demo.people import People, Person, email, ensure_memberships
from datacollab.demo.rows import upsert
from datacollab.demo.seeds import SeedMember
from datacollab.network.eligibility import evaluate
from datacollab.network.models import (
    Application,
    Award,
    Call,
    Cohort,
    CohortMembership,
    EligibilityCriterion,
    Instalment,
    Network,
)
from datacollab.network.services.grants import award_identifier
from datacollab.organisations.models import Organisation, Role, User

LONDON = ZoneInfo("Europe/London")
AWARD = Decimal("20000.00")
INSTALMENT = Decimal("10000.00")
# Calls of the time: the 2020 one after the webinar of 29 October, the 2021 one until
# 31 August (both from the seed texts).
CALL_DATES = {
    content.FIRST.slug: (
        datetime(2020, 10, 6, 9, 0, tzinfo=LONDON),
        datetime(2020, 11, 13, 17, 0, tzinfo=LONDON),
    ),
    content.SECOND.slug: (
        datetime(2021, 8, 11, 9, 0, tzinfo=LONDON),
        datetime(2021, 8, 31, 23, 59, tzinfo=LONDON),
    ),
}
# Second instalments still waiting for an invoice, so the grants pages show both states.
UNPAID_SECOND = {"open-contracting-partnership", "wikirate"}


def fallback_facts(name: str) -> OrgFacts:
    slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return OrgFacts(slug[:80], name, "non_profit", "GB")


def ensure_cohort(
    *,
    network: Network,
    spec: CohortSpec,
    members: list[SeedMember],
    facts: dict[str, OrgFacts],
    convener: User,
    people: People,
) -> Cohort:
    cohort, _ = Cohort.objects.update_or_create(
        slug=spec.slug,
        defaults={
            "network": network,
            "name": spec.name,
            "focus": spec.focus,
            "description": spec.description,
            "starts_on": spec.starts_on,
            "ends_on": spec.ends_on,
            "capacity": spec.capacity,
            "budget": spec.budget,
            "award_cap": AWARD,
            "currency": "GBP",
        },
    )
    opens_at, deadline = CALL_DATES[spec.slug]
    call, _ = Call.objects.update_or_create(
        slug=spec.call_slug,
        defaults={
            "cohort": cohort,
            "title": spec.call_title,
            "summary": spec.call_summary,
            "description": spec.description,
            "status": Call.Status.DECIDED,
            "opens_at": opens_at,
            "deadline": deadline,
            "timezone": "Europe/London",
        },
    )
    criteria = ensure_amount_cap(call)

    pairs = [(m, facts.get(m.name) or fallback_facts(m.name)) for m in members]
    orgs_by_slug, _ = upsert(
        Organisation,
        key=("slug",),
        rows=[_org_row(spec, m, f) for m, f in pairs],
        existing=Organisation.objects.filter(slug__in=[f.slug for _m, f in pairs]),
    )
    orgs = [orgs_by_slug[(f.slug,)] for _m, f in pairs]
    contacts = people.ensure(
        [Person(email(o.slug), f"{o.name} contact") for o in orgs], roles=[Role.PARTICIPANT]
    )
    ensure_memberships((contacts[email(o.slug)], o, "admin") for o in orgs)
    # The second cohort was partly chosen by approaching organisations (demo/direct.py):
    # those applications come from the interview, so the loader only records the decision.
    direct = (
        ensure_direct_approaches(call=call, organisations=orgs, convener=convener)
        if spec.slug == content.SECOND.slug
        else set()
    )

    apps, new_apps = upsert(
        Application,
        key=("call_id", "organisation_id"),
        rows=[
            {
                "call_id": call.pk,
                "organisation_id": org.pk,
                "decision": Application.Decision.SELECTED,
            }
            if org.pk in direct
            else _application_row(
                call, list(criteria.values()), m, org, contacts[email(org.slug)], i
            )
            for i, ((m, _f), org) in enumerate(zip(pairs, orgs, strict=True))
        ],
        existing=Application.objects.filter(call=call),
    )
    upsert(
        CohortMembership,
        key=("cohort_id", "organisation_id"),
        rows=[{"cohort_id": cohort.pk, "organisation_id": o.pk} for o in orgs],
        existing=CohortMembership.objects.filter(cohort=cohort),
    )
    if new_apps:
        audit.record(
            action="selection.confirmed",
            actor=convener,
            obj=call,
            details={
                "call": call.slug,
                "cohort": cohort.slug,
                "selected": [o.slug for o in orgs],
                "source": "demo",
            },
        )

    slug_of = {o.pk: o.slug for o in orgs}
    awarded_on = spec.starts_on - timedelta(days=14)
    awards, new_awards = upsert(
        Award,
        key=("identifier",),
        rows=[
            {
                "identifier": award_identifier(cohort, org),
                "cohort_id": cohort.pk,
                "organisation_id": org.pk,
                "application_id": apps[(call.pk, org.pk)].pk,
                "kind": Award.Kind.GRANT,
                "title": f"{m.name}: {cohort.name}",
                "description": f"Time and insight contributed to the {spec.focus} cohort of "
                f"the Peer Learning Network for Data Collaborations.",
                "amount": AWARD,
                "currency": "GBP",
                "awarded_on": awarded_on,
                "awarded_by_id": convener.pk,
            }
            for (m, _f), org in zip(pairs, orgs, strict=True)
        ],
        existing=Award.objects.filter(cohort=cohort),
    )
    upsert(
        Instalment,
        key=("award_id", "position"),
        rows=[row for award in awards.values() for row in _instalments(spec, award, slug_of)],
        existing=Instalment.objects.filter(award__cohort=cohort),
    )
    for award in sorted(new_awards, key=lambda a: a.identifier):
        audit.record(
            action="grant.awarded",
            actor=convener,
            obj=award,
            details={
                "cohort": cohort.slug,
                "organisation": slug_of[award.organisation_id],
                "kind": award.kind,
                "amount": str(award.amount),
                "currency": award.currency,
                "identifier": award.identifier,
                "source": "demo",
            },
        )
    return cohort


def _org_row(spec: CohortSpec, member: SeedMember, facts: OrgFacts) -> dict[str, object]:
    if spec.slug == content.FIRST.slug:
        description = (
            f"Took part in the first cohort with the data collaboration "
            f"**{member.name}**. {member.description}"
        )
    else:
        description = member.description
    return {
        "slug": facts.slug,
        "name": facts.name,
        "kind": facts.kind,
        "country": facts.country,
        "website": facts.website,
        "description": description,
    }


def _application_row(
    call: Call,
    criteria: list[EligibilityCriterion],
    member: SeedMember,
    org: Organisation,
    contact: User,
    index: int,
) -> dict[str, object]:
    eligible, reasons = evaluate(
        criteria=criteria,
        organisation_kind=org.kind,
        country=org.country,
        answers={},
        requested_amount=AWARD,
    )
    return {
        "call_id": call.pk,
        "organisation_id": org.pk,
        "created_by_id": contact.pk,
        "title": member.name,
        "summary": member.description,
        "requested_amount": AWARD,
        "status": Application.Status.SUBMITTED,
        "submitted_at": call.deadline - timedelta(days=2 + index, hours=index),
        "eligible": eligible,
        "eligibility_reasons": reasons,
        "decision": Application.Decision.SELECTED,
    }


def _instalments(
    spec: CohortSpec, award: Award, slug_of: dict[int, str]
) -> list[dict[str, object]]:
    second_paid = (
        spec.slug == content.FIRST.slug or slug_of[award.organisation_id] not in UNPAID_SECOND
    )
    return [
        {
            "award_id": award.pk,
            "position": 1,
            "due_on": spec.starts_on,
            "amount": INSTALMENT,
            "paid_on": spec.starts_on + timedelta(days=10),
        },
        {
            "award_id": award.pk,
            "position": 2,
            "due_on": spec.ends_on,
            "amount": INSTALMENT,
            "paid_on": spec.ends_on + timedelta(days=21) if second_paid else None,
        },
    ]
