"""Who may read, post in and moderate discussion channels: the one rule for pages, mail and search.

- cohort channel: the cohort's participants (current and, once it has ended, its alumni) and
  the conveners;
- alumni channel: alumni of any ended cohort of the network, and the conveners;
- network channel: everyone who takes part in the network: participants and alumni of any of
  its cohorts, experts, and the conveners. Reviewers alone are not members: they assess
  applications from outside, and a reviewer who also takes part gets in through participation.

Posting follows reading: whoever may read a channel may post in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from datacollab.discussion.models import Channel
from datacollab.network.models import Cohort
from datacollab.network.selectors import participation
from datacollab.organisations.models import Role
from datacollab.organisations.rules import has_role, is_convener


@dataclass(frozen=True)
class Standing:
    """What a person's channel access rests on; computed once per request (cached on the user)."""

    convener: bool = False
    expert: bool = False
    cohort_ids: frozenset[int] = frozenset()
    network_ids: frozenset[int] = frozenset()
    alumni_network_ids: frozenset[int] = frozenset()

    @property
    def anyone(self) -> bool:
        return self.convener or self.expert or bool(self.cohort_ids)


NOBODY = Standing()


def standing(user: Any) -> Standing:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return NOBODY
    cached = getattr(user, "_discussion_standing", None)
    if cached is not None:
        return cached
    cohort_ids = participation.cohort_ids_of(user)
    alumni_ids = participation.alumni_cohort_ids(user)
    networks: dict[int, int] = (
        dict(Cohort.objects.filter(pk__in=cohort_ids).values_list("pk", "network_id"))
        if cohort_ids
        else {}
    )
    result = Standing(
        convener=is_convener(user),
        expert=has_role(user, Role.EXPERT),
        cohort_ids=cohort_ids,
        network_ids=frozenset(networks.values()),
        alumni_network_ids=frozenset(networks[pk] for pk in alumni_ids if pk in networks),
    )
    user._discussion_standing = result
    return result


def can_read_channel(user: Any, channel: Channel) -> bool:
    person = standing(user)
    if person.convener:
        return True
    if channel.scope == Channel.Scope.COHORT:
        return channel.cohort_id in person.cohort_ids
    if channel.scope == Channel.Scope.ALUMNI:
        return channel.network_id in person.alumni_network_ids
    return person.expert or channel.network_id in person.network_ids


def can_post(user: Any, channel: Channel) -> bool:
    return can_read_channel(user, channel)


def can_moderate(user: Any) -> bool:
    return is_convener(user)


def takes_part(user: Any) -> bool:
    """Reads at least one channel (or would, once channels exist): sees the Discussion pages."""
    return standing(user).anyone
