"""Every write of the discussion app. Import the functions from here."""

from datacollab.discussion.services.channels import ensure_channels
from datacollab.discussion.services.email import (
    ensure_preference,
    send_digests,
    send_post_emails,
    set_email_preference,
    unsubscribe,
)
from datacollab.discussion.services.moderation import hide_post, unhide_post
from datacollab.discussion.services.posts import reply, start_thread

__all__ = [
    "ensure_channels",
    "ensure_preference",
    "hide_post",
    "reply",
    "send_digests",
    "send_post_emails",
    "set_email_preference",
    "start_thread",
    "unhide_post",
    "unsubscribe",
]
