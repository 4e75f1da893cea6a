"""The first cohort's data collaborations: members with roles, agreements and acceptances.

The collaborations are the six named in the seed texts; their leads are the first cohort's
organisations. Partners other than Zero Waste Scotland (named in the seeds) are invented and
say so in their descriptions, as do the challenges' details beyond the seeds' one line.
Rows are upserted by natural key like the rest of the loader (agreements: `agreements.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from datacollab.collaborations.models import (
    Agreement,
    CollaborationMember,
    DataCollaboration,
    MemberRole,
    SelfAssessment,
)
from datacollab.core import audit
from datacollab.demo import content
from datacollab.demo.agreements import (
    FIRMS,
    PLANNERS,
    POOLED_SLUG,
    REUSE_SLUG,
    ensure_pooled_agreement,
    ensure_reuse_agreement,
)
from datacollab.demo.people import People, Person, email, ensure_memberships
from datacollab.demo.rows import upsert
from datacollab.network.models import Application
from datacollab.organisations.models import Organisation, User

SYNTHETIC = "A synthetic organisation, invented for the demo."


@dataclass(frozen=True)
class Partner:
    slug: str
    name: str
    kind: str
    country: str
    description: str
    website: str = ""


PARTNERS = [
    Partner(
        "pedal-post",
        "Pedal Post",
        "company",
        "GB",
        f"Last-mile parcel delivery by eCargo bike in north and east London. {SYNTHETIC}",
    ),
    Partner(
        "green-courier-co",
        "Green Courier Co",
        "company",
        "GB",
        f"Same-day courier by eCargo bike south of the river. {SYNTHETIC}",
    ),
    Partner(
        "cargocycle-logistics",
        "CargoCycle Logistics",
        "company",
        "GB",
        f"A small eCargo-bike fleet for shops in Camden and Westminster. {SYNTHETIC}",
    ),
    Partner(
        "london-borough-transport-planning",
        "London Borough Transport Planning",
        "government",
        "GB",
        f"A borough transport planning team that designs kerbside space, cycle lanes and "
        f"loading bays from the firms' pooled data. {SYNTHETIC}",
    ),
    Partner(
        "zero-waste-scotland",
        "Zero Waste Scotland",
        "non_profit",
        "GB",
        "Scotland's circular economy body; Reath's partner in the *Packaging reuse data* "
        "collaboration.",
        "https://www.zerowastescotland.org.uk",
    ),
    Partner(
        "kolkata-ncd-research-network",
        "Kolkata NCD Research Network",
        "research",
        "IN",
        f"Epidemiologists who study non-communicable diseases in West Bengal. {SYNTHETIC}",
    ),
]


@dataclass(frozen=True)
class CollaborationSpec:
    seed_name: str  # the collaboration as the seeds name it: a key of FIRST_COHORT_FACTS
    slug: str
    challenge: str
    sectors: list[str]
    goals: str
    status: str
    partners: list[tuple[str, str]] = field(default_factory=list)  # (organisation slug, role)
    lead_role: str = MemberRole.STEWARD


ACTIVE = DataCollaboration.Status.ACTIVE
CONCLUDED = DataCollaboration.Status.CONCLUDED
COLLABORATIONS = [
    CollaborationSpec(
        "Data Cargo",
        "data-cargo",
        "Sensors on eCargo bikes record where and how deliveries move through the city. "
        "Pooled across delivery firms, through a trusted aggregation process, the data helps "
        "**city transport planners** design better streets, and the firms learn from one "
        "another without handing a competitor their routes or customers.",
        ["Transport", "Logistics", "Urban planning"],
        "- Pool trip data from three delivery firms under one agreement.\n"
        "- Publish daily totals per zone as open data.\n"
        "- Give the borough's planners evidence for loading bays and cycle lanes.",
        ACTIVE,
        [
            ("pedal-post", MemberRole.DATA_PROVIDER),
            ("green-courier-co", MemberRole.DATA_PROVIDER),
            ("cargocycle-logistics", MemberRole.DATA_PROVIDER),
            ("london-borough-transport-planning", MemberRole.DATA_USER),
        ],
    ),
    CollaborationSpec(
        "Caring for Equality in Buenos Aires’ Labour Market",
        "caring-for-equality-in-buenos-aires-labour-market",
        "Women in Buenos Aires earn less and carry most unpaid care work, but the data that "
        "would show where and why is scattered across agencies and surveys.",
        ["Labour", "Gender equality"],
        "Open, comparable indicators of employment and pay by sex and sector, for policy "
        "on care and equal pay.",
        CONCLUDED,
    ),
    CollaborationSpec(
        "MaaS-Peer",
        "maas-peer",
        "Mobility as a Service needs transport operators to share timetables, availability "
        "and bookings, and operators hesitate to share with competitors.",
        ["Transport", "Mobility"],
        "Shared rules for exchanging mobility data between operators in Norway.",
        CONCLUDED,
    ),
    CollaborationSpec(
        "Open data for Non-communicable Diseases",
        "open-data-for-non-communicable-diseases",
        "Non-communicable diseases (hypertension, diabetes, COPD) go undiagnosed in rural "
        "and peri-urban India; screening data stays in each clinic.",
        ["Health"],
        "Screening counts that researchers can use, shared without exposing patients.",
        ACTIVE,
        [("kolkata-ncd-research-network", MemberRole.DATA_USER)],
    ),
    CollaborationSpec(
        "Packaging reuse data",
        "packaging-reuse-data",
        "Reusable packaging only beats single use when items come back many times, and "
        "nobody can see how often they do.",
        ["Circular economy", "Packaging"],
        "Open data on reuse events, so schemes, retailers and government can measure "
        "return rates and the waste avoided.",
        ACTIVE,
        [("zero-waste-scotland", MemberRole.DATA_USER)],
    ),
    CollaborationSpec(
        "Shanghai FinTech Innovation Data Collaboration",
        "shanghai-fintech-innovation-data-collaboration",
        "Small firms struggle to borrow because lenders lack data about them, and the data "
        "that exists is sensitive.",
        ["Finance"],
        "Trusted ways to combine financial data for lending to small and medium enterprises.",
        ACTIVE,
    ),
]

# Data Cargo's own view of the principles, shown beside the computed indicators.
DATA_CARGO_ASSESSMENT = {
    "open": (2, "Only daily zone totals are open; trips stay within the collaboration."),
    "usable": (4, "Validated Parquet versions with a schema; weekly updates."),
    "empowering": (3, "The firms decide together what is published."),
    "private": (4, "No rider data; published totals never single out one firm."),
    "secure": (4, "Access only for members who accepted the agreement; every read is logged."),
}

RESEARCHERS = "kolkata-ncd-research-network"


@dataclass(frozen=True)
class DemoCollaborations:
    collaborations: dict[str, DataCollaboration]  # by slug
    agreements: dict[str, Agreement]  # by slug
    organisations: dict[str, Organisation]  # partners and leads, by slug
    contacts: dict[str, User]  # each organisation's administrator, by organisation slug
    planner: User
    outsider: User
    researcher: User


def ensure_collaborations(*, people: People, convener: User) -> DemoCollaborations:
    """Run inside the loader's transaction, after the first cohort exists."""
    lead_slugs = {content.FIRST_COHORT_FACTS[s.seed_name].slug for s in COLLABORATIONS}
    orgs_by_key, _ = upsert(
        Organisation,
        key=("slug",),
        rows=[
            {
                "slug": p.slug,
                "name": p.name,
                "kind": p.kind,
                "country": p.country,
                "website": p.website,
                "description": p.description,
            }
            for p in PARTNERS
        ],
        existing=Organisation.objects.filter(slug__in=[p.slug for p in PARTNERS]),
    )
    orgs = {key[0]: org for key, org in orgs_by_key.items()}
    orgs.update(Organisation.objects.in_bulk(sorted(lead_slugs), field_name="slug"))
    contacts, planner, outsider, researcher = _people(people, orgs)

    collabs, new = upsert(
        DataCollaboration,
        key=("slug",),
        rows=[_collaboration_row(spec, orgs) for spec in COLLABORATIONS],
        existing=DataCollaboration.objects.filter(slug__in=[s.slug for s in COLLABORATIONS]),
    )
    by_slug = {key[0]: c for key, c in collabs.items()}
    upsert(
        CollaborationMember,
        key=("collaboration_id", "organisation_id", "role"),
        rows=[
            {"collaboration_id": by_slug[spec.slug].pk, "organisation_id": orgs[slug].pk, "role": r}
            for spec in COLLABORATIONS
            for slug, r in [(_lead_slug(spec), spec.lead_role), *spec.partners]
        ],
        existing=CollaborationMember.objects.filter(collaboration__in=list(by_slug.values())),
    )
    for collab in sorted(new, key=lambda c: c.slug):
        spec = next(s for s in COLLABORATIONS if s.slug == collab.slug)
        audit.record(
            action="collaboration.created",
            actor=convener,
            obj=collab,
            details={
                "lead": _lead_slug(spec),
                "members": [[slug, role] for slug, role in spec.partners],
                "source": "demo",
            },
        )
    _link_applications(by_slug, orgs)
    data_cargo = by_slug["data-cargo"]
    upsert(
        SelfAssessment,
        key=("collaboration_id", "principle"),
        rows=[
            {
                "collaboration_id": data_cargo.pk,
                "principle": principle,
                "score": score,
                "note": note,
                "assessed_by_id": contacts["data-cargo"].pk,
            }
            for principle, (score, note) in DATA_CARGO_ASSESSMENT.items()
        ],
        existing=SelfAssessment.objects.filter(collaboration=data_cargo),
    )
    agreements = {
        POOLED_SLUG: ensure_pooled_agreement(data_cargo, orgs, contacts, planner),
        REUSE_SLUG: ensure_reuse_agreement(by_slug["packaging-reuse-data"], contacts["reath"]),
    }
    return DemoCollaborations(
        collaborations=by_slug,
        agreements=agreements,
        organisations=orgs,
        contacts=contacts,
        planner=planner,
        outsider=outsider,
        researcher=researcher,
    )


def _lead_slug(spec: CollaborationSpec) -> str:
    return content.FIRST_COHORT_FACTS[spec.seed_name].slug


def _collaboration_row(spec: CollaborationSpec, orgs: dict[str, Organisation]) -> dict[str, Any]:
    return {
        "slug": spec.slug,
        "name": spec.seed_name,
        "challenge": spec.challenge,
        "sectors": spec.sectors,
        "goals": spec.goals,
        "status": spec.status,
        "lead_id": orgs[_lead_slug(spec)].pk,
    }


def _people(
    people: People, orgs: dict[str, Organisation]
) -> tuple[dict[str, User], User, User, User]:
    """The firms' administrators accept the agreement for their firm; the planner for the
    borough; the researcher belongs to the organisation iKure granted; the outsider to none."""
    london = [Person(email(slug), f"{orgs[slug].name} contact", "Europe/London") for slug in FIRMS]
    users = people.ensure(
        [
            *london,
            Person(email("planner"), "Pat Planner", "Europe/London"),
            Person(email("outsider"), "Olu Outsider", "Africa/Lagos"),
            Person(email("researcher"), "Rina Researcher", "Asia/Kolkata"),
        ]
    )
    ensure_memberships(
        [
            *((users[email(slug)], orgs[slug], "admin") for slug in FIRMS),
            (users[email("planner")], orgs[PLANNERS], "admin"),
            (users[email("researcher")], orgs[RESEARCHERS], "member"),
        ]
    )
    # The first cohort's contacts (`<slug>@`) were made with the cohort.
    leads = [o for o in orgs.values() if o.slug not in {p.slug for p in PARTNERS}]
    existing = User.objects.in_bulk([email(o.slug) for o in leads], field_name="email")
    contacts = {o.slug: existing[email(o.slug)] for o in leads}
    contacts.update({slug: users[email(slug)] for slug in FIRMS})
    contacts[PLANNERS] = users[email("planner")]
    return contacts, users[email("planner")], users[email("outsider")], users[email("researcher")]


def _link_applications(
    collabs: dict[str, DataCollaboration], orgs: dict[str, Organisation]
) -> None:
    """Each first-cohort application was for its collaboration."""
    for spec in COLLABORATIONS:
        collab = collabs[spec.slug]
        Application.objects.filter(
            call__slug=content.FIRST.call_slug, organisation=orgs[_lead_slug(spec)]
        ).exclude(collaboration=collab).update(collaboration=collab)
