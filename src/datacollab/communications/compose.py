"""One message rendered for one recipient: shared by the preview and the send, so the
convener previews exactly the mail that leaves."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from datacollab.communications import placeholders
from datacollab.communications.groups import Group, Recipient
from datacollab.communications.models import Message
from datacollab.core.mail_language import in_language_of
from datacollab.core.text import single_line


@dataclass(frozen=True)
class RenderedMail:
    to: str
    subject: str
    body: str
    headers: dict[str, str]


def unsubscribe_url(token: str) -> str:
    return settings.SITE_URL + reverse("message-unsubscribe", args=[token])


def _footer(message: Message, link: str) -> str:
    if message.category == Message.Category.SERVICE:
        return _(
            "This is a service message about your own application or grant from %(network)s; "
            "it is sent whatever your announcement settings."
        ) % {"network": settings.NETWORK_NAME}
    return _(
        "You receive this announcement as a member of %(network)s. To stop announcements "
        "(mails about your own application or grant still reach you): %(link)s"
    ) % {"network": settings.NETWORK_NAME, "link": link}


def headers_for(message: Message, link: str) -> dict[str, str]:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    if message.category == Message.Category.SERVICE:
        return {"Auto-Submitted": "auto-generated"}
    return {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<announcements.{host}>",
        "Auto-Submitted": "auto-generated",
    }


def render_for(
    message: Message, groups: list[Group], recipient: Recipient, *, token: str | None
) -> RenderedMail:
    """`token` None (a preview for someone with no preference yet) shows a stand-in link."""
    context = placeholders.recipient_context(placeholders.shared_context(groups), recipient)
    # In the recipient's language (the convener's preview shows the same mail).
    with in_language_of(recipient):
        link = unsubscribe_url(token) if token else _("(the recipient's own unsubscribe link)")
        body = placeholders.render(message.body, context).rstrip()
        body = f"{body}\n\n-- \n{_footer(message, link)}\n"
        # Names typed by people go into the subject: one line, or the mail would be refused.
        subject = single_line(placeholders.render(message.subject, context))[:200]
    return RenderedMail(recipient.email, subject, body, headers_for(message, link))
