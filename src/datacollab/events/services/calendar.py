"""A person's private calendar feed: the secret token in its URL is created, rotated, revoked."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import NotAllowed, NotFound
from datacollab.events.models import CalendarFeed


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 43 characters, 256 bits


def _require_login(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Log in to manage your calendar feed."))


@transaction.atomic
def rotate_feed(*, actor: Any) -> CalendarFeed:
    """Create the person's feed, or give it a new secret: the old address stops working."""
    _require_login(actor)
    feed = CalendarFeed.objects.select_for_update().filter(user=actor).first()
    if feed is None:
        feed = CalendarFeed.objects.create(user=actor, token=new_token())
        action = "calendar.feed_create"
    else:
        feed.token = new_token()
        feed.save(update_fields=["token"])
        action = "calendar.feed_rotate"
    # The token itself is a secret: it never goes into the audit log.
    audit.record(action=action, actor=actor, obj=feed)
    return feed


@transaction.atomic
def revoke_feed(*, actor: Any) -> None:
    """Delete the person's feed: its address answers 404 from now on."""
    _require_login(actor)
    feed = CalendarFeed.objects.select_for_update().filter(user=actor).first()
    if feed is None:
        raise NotFound(_("You have no calendar feed to revoke."))
    audit.record(action="calendar.feed_revoke", actor=actor, obj=feed)
    feed.delete()
