"""Channels: one per cohort, one for the alumni and one for the whole network."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import NotAllowed
from datacollab.discussion import rules
from datacollab.discussion.models import Channel
from datacollab.network.models import Cohort, Network


def _free_slug(base: str) -> str:
    base = slugify(base)[:100] or "channel"
    slug, n = base, 1
    while Channel.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _ensure(
    *, network: Network, scope: str, cohort: Cohort | None, slug: str, name: str, description: str
) -> tuple[Channel, bool]:
    lookup: dict[str, Any] = (
        {"scope": scope, "cohort": cohort} if cohort else {"scope": scope, "network": network}
    )
    channel = Channel.objects.filter(**lookup).first()
    if channel is not None:
        return channel, False
    try:
        # A savepoint, so losing a race to another caller leaves our transaction usable.
        with transaction.atomic():
            channel = Channel.objects.create(
                network=network,
                scope=scope,
                cohort=cohort,
                slug=_free_slug(slug),
                name=name,
                description=description,
            )
    except IntegrityError:
        return Channel.objects.get(**lookup), False
    return channel, True


@transaction.atomic
def ensure_channels(*, network: Network, actor: Any = None) -> list[Channel]:
    """Make the network's missing channels; safe to call any number of times.

    Returns every channel of the network: the network channel, the alumni channel, then one per
    cohort (newest cohort first).
    """
    if actor is not None and not rules.can_moderate(actor):
        raise NotAllowed(_("Only a convener can create discussion channels."))
    made: list[Channel] = []
    channels: list[Channel] = []
    for scope, slug, name, description in (
        (
            Channel.Scope.NETWORK,
            f"{network.slug}-all",
            network.name,
            _("Everyone who takes part in the network: participants, alumni, experts, conveners."),
        ),
        (
            Channel.Scope.ALUMNI,
            f"{network.slug}-alumni",
            _("Alumni"),
            _("Alumni of every cohort, and the conveners."),
        ),
    ):
        channel, created = _ensure(
            network=network,
            scope=scope,
            cohort=None,
            slug=slug,
            name=str(name),
            description=str(description),
        )
        channels.append(channel)
        if created:
            made.append(channel)
    for cohort in Cohort.objects.filter(network=network).order_by("-starts_on", "pk"):
        channel, created = _ensure(
            network=network,
            scope=Channel.Scope.COHORT,
            cohort=cohort,
            slug=cohort.slug,
            name=cohort.name,
            description=_("Participants of %(cohort)s and the conveners.")
            % {"cohort": cohort.name},
        )
        channels.append(channel)
        if created:
            made.append(channel)
    if made:
        audit.record(
            action="discussion.channels_created",
            actor=actor,
            obj=network,
            details={"channels": [c.slug for c in made]},
        )
    return channels
