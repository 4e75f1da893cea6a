"""Reply by email: signed Reply-To addresses, and posting what comes back to them.

A notification mail about thread T sent to person P carries
`Reply-To: reply+<P>-<T>-<expiry day>-<signature>@DISCUSSION_REPLY_DOMAIN`. The signature is
an HMAC (keyed by SECRET_KEY, salted for this use) over P, T and the expiry, so the address
cannot be made for another person or thread, nor extended. A reply posts as P in T through
`posts.reply`, i.e. after the same membership check as the page: someone who has lost access
since the mail was sent is refused. Letters only in lower case and digits, because some mail
systems change the case of local parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import DomainError, NotAllowed
from datacollab.discussion import rules
from datacollab.discussion.models import Post, Thread
from datacollab.discussion.reply_text import html_to_text, reply_text
from datacollab.discussion.services.posts import reply
from datacollab.organisations.models import User

SALT = "datacollab.discussion.reply-by-email"
EPOCH = date(1970, 1, 1)
SIGNATURE_HEX = 24  # 96 bits: forging one address takes ~2^95 guesses
MAX_MESSAGE_BYTES = 1024 * 1024
_LOCAL = re.compile(r"^reply\+(\d{1,12})-(\d{1,12})-(\d{1,6})-([0-9a-f]{24})$")


class RefusedReply(DomainError):
    """A reply that must not be posted; `status` doubles as the command's exit code
    (sysexits: 65 bad message, 77 not allowed), so a mail server bounces it."""

    status = 65


class ForbiddenReply(RefusedReply):
    status = 77


def _signature(user_id: int, thread_id: int, expires: int) -> str:
    message = f"{user_id}-{thread_id}-{expires}"
    return salted_hmac(SALT, message, algorithm="sha256").hexdigest()[:SIGNATURE_HEX]


def _today() -> int:
    return (timezone.now().date() - EPOCH).days


def reply_address(*, user: User, thread: Thread) -> str | None:
    """The Reply-To for a mail about `thread` to `user`; None when replies by email are off."""
    domain = settings.DISCUSSION_REPLY_DOMAIN
    if not domain:
        return None
    expires = _today() + settings.DISCUSSION_REPLY_MAX_AGE_DAYS
    return (
        f"reply+{user.pk}-{thread.pk}-{expires}-{_signature(user.pk, thread.pk, expires)}@{domain}"
    )


@dataclass(frozen=True)
class ReplyTarget:
    user_id: int
    thread_id: int
    expires_on: date


def read_address(address: str) -> ReplyTarget:
    """Check a reply address; refuse a forged, altered or expired one with a readable reason."""
    local, _at, domain = address.strip().lower().rpartition("@")
    if not settings.DISCUSSION_REPLY_DOMAIN or domain != settings.DISCUSSION_REPLY_DOMAIN:
        raise ForbiddenReply(_("This is not a reply address of this site."))
    match = _LOCAL.match(local)
    if match is None:
        raise ForbiddenReply(_("This reply address is not valid: it may have been altered."))
    user_id, thread_id, expires = (int(match.group(n)) for n in (1, 2, 3))
    if not constant_time_compare(match.group(4), _signature(user_id, thread_id, expires)):
        raise ForbiddenReply(_("This reply address is not valid: it may have been altered."))
    if expires < _today():
        raise ForbiddenReply(
            _("This reply address has expired. Reply on the site, or to a newer notification mail.")
        )
    return ReplyTarget(user_id, thread_id, EPOCH + timedelta(days=expires))


def _recipients(message: EmailMessage) -> list[str]:
    headers = ("Delivered-To", "X-Original-To", "To", "Cc")
    values = [str(v) for name in headers for v in (message.get_all(name) or [])]
    return [address for _name, address in getaddresses(values) if address]


def _target_address(message: EmailMessage, envelope_to: list[str]) -> str:
    domain = settings.DISCUSSION_REPLY_DOMAIN
    for address in [*envelope_to, *_recipients(message)]:
        if (
            domain
            and address.lower().startswith("reply+")
            and address.lower().endswith("@" + domain)
        ):
            return address
    raise ForbiddenReply(_("The message is not addressed to a reply address of this site."))


def _is_automatic(message: EmailMessage) -> bool:
    """Out-of-office and bounce mails: posting them would answer a mail with a mail forever."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return (
        auto != "no"
        or precedence in {"bulk", "junk", "auto_reply", "list"}
        or "X-Autoreply" in message
        or "X-Autorespond" in message
    )


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is not None:
        return reply_text(str(part.get_content()))
    part = message.get_body(preferencelist=("html",))
    if part is not None:
        return reply_text(html_to_text(str(part.get_content())))
    return ""


def parse(raw: bytes) -> EmailMessage:
    if len(raw) > MAX_MESSAGE_BYTES:
        raise RefusedReply(
            _("The message is larger than %(n)d bytes; reply on the site instead.")
            % {"n": MAX_MESSAGE_BYTES}
        )
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def receive_reply(*, raw: bytes, envelope_to: list[str] | None = None) -> Post:
    """Post an emailed reply in its thread as the person its address was made for.

    Refused, with nothing posted: a forged, altered or expired address; a sender who is not the
    address's person; an automatic reply; an empty reply; a person who may no longer post in
    the thread's channel. The same message delivered twice is posted once.
    """
    message = parse(raw)
    target = read_address(_target_address(message, envelope_to or []))
    user = User.objects.filter(pk=target.user_id).first()
    thread = (
        Thread.objects.select_related("channel", "channel__cohort", "channel__network")
        .filter(pk=target.thread_id)
        .first()
    )
    if user is None or thread is None:
        raise ForbiddenReply(_("The thread or the person of this reply address no longer exists."))
    sender = parseaddr(str(message.get("From", "")))[1]
    if sender.casefold() != user.email.casefold():
        raise ForbiddenReply(
            _(
                "This reply address belongs to another person: reply from the address the "
                "notification was sent to."
            )
        )
    if _is_automatic(message):
        raise RefusedReply(_("Automatic replies (out of office, bounces) are not posted."))
    if not user.is_active or not rules.can_post(user, thread.channel):
        raise ForbiddenReply(
            _("You can no longer post in “%(channel)s”, so this reply was not posted.")
            % {"channel": thread.channel}
        )
    message_id = str(message.get("Message-ID", "")).strip()[:255]
    if message_id:
        earlier = Post.objects.filter(source_message_id=message_id).first()
        if earlier is not None:
            return earlier
    body = _text_of(message)
    if not body.strip():
        raise RefusedReply(_("The reply is empty once quoted text is removed: nothing to post."))
    try:
        return reply(actor=user, thread=thread, body=body, source_message_id=message_id)
    except IntegrityError:
        # The same message delivered twice at once: the other delivery posted it.
        earlier = Post.objects.filter(source_message_id=message_id).first() if message_id else None
        if earlier is None:
            raise
        return earlier
    except NotAllowed as error:
        raise ForbiddenReply(error.message) from error
    except RefusedReply:
        raise
    except DomainError as error:
        raise RefusedReply(error.message) from error


@transaction.atomic
def record_refusal(*, raw: bytes, reason: str) -> None:
    """Keep a trace of a refused reply (who it claimed to be from, why), without its text."""
    try:
        message = parse(raw)
        sender = parseaddr(str(message.get("From", "")))[1]
    except (DomainError, ValueError):
        sender = ""
    audit.record(
        action="discussion.email_reply_refused",
        details={"from": sender[:200], "reason": reason[:300]},
    )
