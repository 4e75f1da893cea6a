"""The demo's agreements: Data Cargo's pooled sensor terms (two versions) and Reath's open terms.

They go through the collaborations services, the one place that hashes texts and records
acceptances, called only for what does not exist yet: a second run writes and audits nothing.
"""

from __future__ import annotations

from datacollab.collaborations.models import (
    Acceptance,
    Agreement,
    DataCollaboration,
    LicenceId,
)
from datacollab.collaborations.services.agreements import (
    accept_agreement,
    create_agreement,
    revise_agreement,
)
from datacollab.demo.agreement_texts import POOLED_V1, POOLED_V2, REUSE_V1
from datacollab.organisations.models import Organisation, User

POOLED_SLUG = "data-cargo-pooled-sensor-data-agreement"
REUSE_SLUG = "packaging-reuse-open-data-agreement"
FIRMS = ["pedal-post", "green-courier-co", "cargocycle-logistics"]
PLANNERS = "london-borough-transport-planning"


def _accept_once(
    agreement: Agreement, number: int, actor: User, organisation: Organisation
) -> None:
    """Accept version `number` for the organisation, if that is the current version and
    the acceptance is not recorded yet (a later text stays unaccepted, as it should)."""
    current = agreement.versions.order_by("-number").first()
    if current is None or current.number != number:
        return
    if Acceptance.objects.filter(
        version=current, organisation=organisation, accepted_by=actor
    ).exists():
        return
    accept_agreement(
        actor=actor, agreement=agreement, organisation=organisation, expected_hash=current.text_hash
    )


def ensure_pooled_agreement(
    collab: DataCollaboration,
    orgs: dict[str, Organisation],
    contacts: dict[str, User],
    planner: User,
) -> Agreement:
    """Two versions: the firms accepted the first and the second; the planners joined on the
    second, which allows the open daily totals."""
    steward = contacts["data-cargo"]
    agreement = Agreement.objects.filter(slug=POOLED_SLUG).first()
    if agreement is None:
        agreement = create_agreement(
            actor=steward,
            collaboration=collab,
            title="Data Cargo pooled sensor data agreement",
            licence=LicenceId.CUSTOM,
            text=POOLED_V1,
            terms={
                "permitted_purposes": ["transport planning", "research"],
                "commercial_use": False,
                "onward_sharing": "none",
                "attribution": True,
                "retention_days": 365,
            },
            slug=POOLED_SLUG,
        )
    for slug in FIRMS:
        _accept_once(agreement, 1, contacts[slug], orgs[slug])
    if agreement.versions.count() < 2:
        revise_agreement(actor=steward, agreement=agreement, text=POOLED_V2)
    for slug in FIRMS:
        _accept_once(agreement, 2, contacts[slug], orgs[slug])
    _accept_once(agreement, 2, planner, orgs[PLANNERS])
    return agreement


def ensure_reuse_agreement(collab: DataCollaboration, steward: User) -> Agreement:
    """Open terms (CC BY 4.0) that a person accepts once, to register as a user."""
    agreement = Agreement.objects.filter(slug=REUSE_SLUG).first()
    if agreement is None:
        agreement = create_agreement(
            actor=steward,
            collaboration=collab,
            title="Packaging reuse open data agreement",
            licence=LicenceId.CC_BY,
            text=REUSE_V1,
            terms={
                "permitted_purposes": [],
                "commercial_use": True,
                "onward_sharing": "anyone",
                "attribution": True,
                "retention_days": None,
            },
            slug=REUSE_SLUG,
        )
    return agreement
