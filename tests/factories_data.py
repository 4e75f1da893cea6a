"""Factories for the data half: collaborations, agreements, datasets. Real rows, no mocks."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

from datacollab.collaborations.models import (
    Acceptance,
    Agreement,
    AgreementVersion,
    CollaborationMember,
    DataCollaboration,
)
from datacollab.datasets.models import AccessGrant, Dataset
from datacollab.organisations.models import Organisation, User
from tests.factories import make_org, make_user

_seq = itertools.count(1)


def make_collaboration(
    *,
    lead: Organisation | None = None,
    members: list[tuple[Organisation, str]] = (),  # type: ignore[assignment]
    **fields: Any,
) -> DataCollaboration:
    n = next(_seq)
    lead = lead or make_org()
    collab = DataCollaboration.objects.create(
        slug=fields.pop("slug", f"collab-{n}"),
        name=fields.pop("name", f"Collaboration {n}"),
        challenge=fields.pop("challenge", "Share delivery data with city planners."),
        lead=lead,
        **fields,
    )
    CollaborationMember.objects.create(collaboration=collab, organisation=lead, role="steward")
    for org, role in members:
        CollaborationMember.objects.create(collaboration=collab, organisation=org, role=role)
    return collab


def make_agreement(
    *,
    collaboration: DataCollaboration,
    text: str = "You may use the data for research.",
    licence: str = "C-UDA-1.0",
    author: User | None = None,
    **fields: Any,
) -> Agreement:
    n = next(_seq)
    agreement = Agreement.objects.create(
        collaboration=collaboration,
        slug=fields.pop("slug", f"agreement-{n}"),
        title=fields.pop("title", f"Agreement {n}"),
        licence=licence,
        terms=fields.pop("terms", {"permitted_purposes": ["research"], "commercial_use": False}),
        **fields,
    )
    add_agreement_version(agreement, text, author=author)
    return agreement


def add_agreement_version(
    agreement: Agreement, text: str, author: User | None = None
) -> AgreementVersion:
    number = (
        agreement.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    return AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        text=text,
        text_hash=hashlib.sha256(text.encode()).hexdigest(),
        created_by=author or make_user(),
    )


def accept(
    agreement: Agreement, user: User, organisation: Organisation | None = None
) -> Acceptance:
    version = agreement.versions.order_by("-number").first()
    assert version is not None
    return Acceptance.objects.create(
        version=version, organisation=organisation, accepted_by=user, text_hash=version.text_hash
    )


def make_dataset(
    *, owner: Organisation | None = None, creator: User | None = None, **fields: Any
) -> Dataset:
    n = next(_seq)
    owner = owner or make_org()
    return Dataset.objects.create(
        slug=fields.pop("slug", f"dataset-{n}"),
        title=fields.pop("title", f"Dataset {n}"),
        description=fields.pop("description", "Readings."),
        owner=owner,
        created_by=creator or make_user(),
        **fields,
    )


def grant(
    dataset: Dataset,
    *,
    user: User | None = None,
    organisation: Organisation | None = None,
    by: User | None = None,
) -> AccessGrant:
    return AccessGrant.objects.create(
        dataset=dataset, user=user, organisation=organisation, granted_by=by or make_user()
    )
