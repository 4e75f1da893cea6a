"""Factories for learnings, resources and their tags: real rows, sensible defaults."""

from __future__ import annotations

import itertools
from typing import Any

from django.utils import timezone

from datacollab.learnings.models import Learning, Resource, Tag, Visibility
from datacollab.network.models import Cohort
from datacollab.organisations.models import Organisation, User
from tests.factories import make_cohort, make_org, make_user

_seq = itertools.count(1)


def theme(slug: str = "value-and-impact") -> Tag:
    """A built-in theme (made by the data migration)."""
    return Tag.objects.get(slug=slug)


def make_tag(*, name: str | None = None) -> Tag:
    n = next(_seq)
    name = name or f"Custom tag {n}"
    return Tag.objects.create(slug=f"custom-tag-{n}", name=name)


def make_participant(cohort: Cohort, **extra: Any) -> tuple[User, Organisation]:
    """A person in an organisation that is a member of `cohort`."""
    user = make_user(roles=["participant"], **extra)
    org = make_org(members=[user])
    cohort.members.add(org)
    return user, org


def make_learning(
    *,
    cohort: Cohort | None = None,
    author: User | None = None,
    published: bool = True,
    visibility: str = Visibility.COHORT,
    tags: list[Tag] = (),  # type: ignore[assignment]
    contributors: list[Organisation] = (),  # type: ignore[assignment]
    **fields: Any,
) -> Learning:
    n = next(_seq)
    learning = Learning.objects.create(
        slug=fields.pop("slug", f"learning-{n}"),
        title=fields.pop("title", f"Learning {n}"),
        body=fields.pop("body", "Open data needs *stewards*."),
        cohort=cohort or make_cohort(),
        author=author or make_user(),
        visibility=visibility,
        status=Learning.Status.PUBLISHED if published else Learning.Status.DRAFT,
        published_at=timezone.now() if published else None,
        **fields,
    )
    learning.tags.set(tags)
    learning.contributors.set(contributors)
    return learning


def make_resource(
    *,
    cohort: Cohort | None = None,
    visibility: str = Visibility.PUBLIC,
    kind: str = Resource.Kind.GUIDANCE,
    tags: list[Tag] = (),  # type: ignore[assignment]
    **fields: Any,
) -> Resource:
    n = next(_seq)
    if visibility == Visibility.COHORT and cohort is None:
        cohort = make_cohort()
    resource = Resource.objects.create(
        slug=fields.pop("slug", f"resource-{n}"),
        title=fields.pop("title", f"Resource {n}"),
        kind=kind,
        url=fields.pop("url", f"https://example.org/resource-{n}"),
        cohort=cohort,
        visibility=visibility,
        **fields,
    )
    resource.tags.set(tags)
    return resource
