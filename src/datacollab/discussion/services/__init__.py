"""Every write of the discussion app. Import the functions from here."""

from datacollab.discussion.services.attachments import attach_files
from datacollab.discussion.services.channels import ensure_channels
from datacollab.discussion.services.edits import delete_post, edit_post
from datacollab.discussion.services.email import (
    ensure_preference,
    send_digests,
    send_post_emails,
    set_email_preference,
    unsubscribe,
)
from datacollab.discussion.services.inbound import receive_reply, record_refusal, reply_address
from datacollab.discussion.services.moderation import hide_post, unhide_post
from datacollab.discussion.services.posts import reply, start_thread
from datacollab.discussion.services.reactions import toggle_reaction
from datacollab.discussion.services.reads import mark_read

__all__ = [
    "attach_files",
    "delete_post",
    "edit_post",
    "ensure_channels",
    "ensure_preference",
    "hide_post",
    "mark_read",
    "receive_reply",
    "record_refusal",
    "reply",
    "reply_address",
    "send_digests",
    "send_post_emails",
    "set_email_preference",
    "start_thread",
    "toggle_reaction",
    "unhide_post",
    "unsubscribe",
]
