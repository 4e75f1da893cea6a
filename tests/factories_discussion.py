"""Factories for the discussion app: real rows, no services (tests of services call them)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from django.utils import timezone

from datacollab.discussion.models import Channel, Post, Thread
from datacollab.network.models import Cohort, CohortMembership
from datacollab.organisations.models import User
from tests import factories

_seq = itertools.count(1)


def make_participant(cohort: Cohort, **user_fields: Any) -> User:
    """A person whose organisation is a member of `cohort`."""
    user = factories.make_user(**user_fields)
    org = factories.make_org(members=[user])
    CohortMembership.objects.create(cohort=cohort, organisation=org)
    return user


def make_ended_cohort(**fields: Any) -> Cohort:
    return factories.make_cohort(starts_on=date(2020, 1, 1), ends_on=date(2020, 6, 30), **fields)


def make_channel(
    *, scope: str = Channel.Scope.COHORT, cohort: Cohort | None = None, **fields: Any
) -> Channel:
    n = next(_seq)
    if scope == Channel.Scope.COHORT and cohort is None:
        cohort = factories.make_cohort()
    network = cohort.network if cohort else factories.make_network()
    return Channel.objects.create(
        network=network,
        scope=scope,
        cohort=cohort if scope == Channel.Scope.COHORT else None,
        slug=fields.pop("slug", f"channel-{n}"),
        name=fields.pop("name", f"Channel {n}"),
        **fields,
    )


def make_thread(
    *, channel: Channel, author: User, title: str | None = None, body: str = "Hello."
) -> Thread:
    now = timezone.now()
    thread = Thread.objects.create(
        channel=channel, author=author, title=title or f"Thread {next(_seq)}", last_post_at=now
    )
    Post.objects.create(thread=thread, author=author, body=body)
    return thread


def make_post(*, thread: Thread, author: User, body: str = "A reply.", **fields: Any) -> Post:
    post = Post.objects.create(thread=thread, author=author, body=body, **fields)
    Thread.objects.filter(pk=thread.pk).update(last_post_at=post.created_at)
    return post
