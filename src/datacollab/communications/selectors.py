"""Reads: messages, who a message reaches now, and one recipient's preview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from datacollab.communications import groups as group_rules
from datacollab.communications.compose import RenderedMail, render_for
from datacollab.communications.groups import Group, Recipient
from datacollab.communications.models import MailPreference, Message
from datacollab.core.errors import NotFound
from datacollab.network.selectors.selection import require_convener


@dataclass(frozen=True)
class Audience:
    groups: list[Group]
    recipients: list[Recipient]  # those the message will be sent to
    unsubscribed: list[Recipient]  # announcements they refused


def messages(actor: Any) -> QuerySet[Message]:
    require_convener(actor)
    return Message.objects.select_related("created_by", "sent_by").order_by("-created_at", "-pk")


def message_for(actor: Any, pk: int) -> Message:
    require_convener(actor)
    message = Message.objects.select_related("created_by", "sent_by").filter(pk=pk).first()
    if message is None:
        raise NotFound(_("There is no message %(pk)s.") % {"pk": pk})
    return message


def audience(message: Message) -> Audience:
    """Who the message reaches if sent now: the groups are computed at this moment; a person
    who unsubscribed from announcements is left out of an announcement."""
    groups = group_rules.resolve(message.groups)
    everyone = group_rules.recipients(groups)
    if message.category == Message.Category.SERVICE:
        return Audience(groups, everyone, [])
    refused = set(
        MailPreference.objects.filter(
            user_id__in=[r.user_id for r in everyone], announcements=False
        ).values_list("user_id", flat=True)
    )
    return Audience(
        groups,
        [r for r in everyone if r.user_id not in refused],
        [r for r in everyone if r.user_id in refused],
    )


def preview(message: Message, found: Audience, user_id: int | None) -> RenderedMail | None:
    """The mail `user_id` (else the first recipient) would receive; None with no recipient."""
    recipient = next((r for r in found.recipients if r.user_id == user_id), None)
    recipient = recipient or (found.recipients[0] if found.recipients else None)
    if recipient is None:
        return None
    token = (
        MailPreference.objects.filter(user_id=recipient.user_id)
        .values_list("token", flat=True)
        .first()
    )
    return render_for(message, found.groups, recipient, token=token)


def preference_by_token(token: str) -> MailPreference:
    preference = (
        MailPreference.objects.select_related("user").filter(token=token).first()
        if token and len(token) <= 64
        else None
    )
    if preference is None:
        raise NotFound(
            _(
                "This unsubscribe link is not valid: it may be incomplete (some mail programs "
                "cut long links)."
            )
        )
    return preference
