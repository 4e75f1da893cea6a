"""Discussion mail: preferences, per-post mails, the daily digest, one-click unsubscribe.

Mail is only ever sent by tasks and commands, never while answering a request. Each
notification is claimed (its `emailed_at` set) in the same transaction that sends it, so a
second run, or two runs at once, never mail it twice; a failed send rolls the claim back.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.core import audit
from datacollab.core.errors import DomainError, NotAllowed, NotFound
from datacollab.core.mail_language import in_language_of
from datacollab.core.text import single_line
from datacollab.discussion import rules, selectors
from datacollab.discussion.models import Channel, EmailPreference, Notification, Post
from datacollab.discussion.services.inbound import reply_address
from datacollab.organisations.models import User

DIGEST_MAX_ITEMS = 100
TOKEN_BYTES = 32


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def ensure_preference(*, user: User) -> EmailPreference:
    """The person's preference row, made with the default (daily digest) if absent."""
    preference = EmailPreference.objects.filter(user=user).first()
    if preference is not None:
        return preference
    try:
        with transaction.atomic():
            return EmailPreference.objects.create(user=user, unsubscribe_token=_new_token())
    except IntegrityError:  # made meanwhile by a concurrent caller
        return EmailPreference.objects.get(user=user)


@transaction.atomic
def set_email_preference(
    *, actor: User, mode: str, muted_channels: Iterable[Channel] = ()
) -> EmailPreference:
    if mode not in EmailPreference.Mode.values:
        raise DomainError(
            _("Choose how to hear of new posts: each post, a daily digest, or no email."),
            field="mode",
        )
    muted = list(muted_channels)
    for channel in muted:
        if not rules.can_read_channel(actor, channel):
            raise NotAllowed(
                _("You cannot mute “%(name)s”: you are not a member of it.") % {"name": channel}
            )
    preference = EmailPreference.objects.select_for_update().get(
        pk=ensure_preference(user=actor).pk
    )
    before = preference.mode
    preference.mode = mode
    preference.save(update_fields=["mode", "updated_at"])
    preference.muted_channels.set(muted)
    audit.record(
        action="discussion.email_preference_set",
        actor=actor,
        obj=preference,
        details={"mode": mode, "was": before, "muted": sorted(c.slug for c in muted)},
    )
    return preference


def preference_by_token(token: str) -> EmailPreference:
    preference = (
        EmailPreference.objects.select_related("user").filter(unsubscribe_token=token).first()
        if token and len(token) <= 64
        else None
    )
    if preference is None:
        raise NotFound(
            _(
                "This unsubscribe link is not valid: it may be incomplete (some mail programs "
                "cut long links). Log in and choose what you receive under Discussion → Email "
                "settings."
            )
        )
    return preference


@transaction.atomic
def unsubscribe(*, token: str) -> EmailPreference:
    """One-click unsubscribe (RFC 8058): no more discussion mail for the token's owner."""
    preference = preference_by_token(token)
    preference = EmailPreference.objects.select_for_update().get(pk=preference.pk)
    if preference.mode != EmailPreference.Mode.OFF:
        before = preference.mode
        preference.mode = EmailPreference.Mode.OFF
        preference.save(update_fields=["mode", "updated_at"])
        audit.record(
            action="discussion.unsubscribed",
            actor=preference.user,
            obj=preference,
            details={"was": before, "via": "one-click link"},
        )
    return preference


def _headers(preference: EmailPreference) -> dict[str, str]:
    unsubscribe_url = site_url(
        reverse("discussion-unsubscribe", args=[preference.unsubscribe_token])
    )
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<discussion.{host}>",
        "Auto-Submitted": "auto-generated",
    }


def _send(
    *,
    user: User,
    preference: EmailPreference,
    subject: str,
    template: str,
    reply_to: str | None = None,
    **context: Any,
) -> None:
    with (
        in_language_of(user),
        timezone.override(user.timezone or settings.TIME_ZONE),
    ):
        body = render_to_string(
            template,
            {
                "user": user,
                "network_name": settings.NETWORK_NAME,
                "settings_url": site_url(reverse("discussion-settings")),
                "unsubscribe_url": site_url(
                    reverse("discussion-unsubscribe", args=[preference.unsubscribe_token])
                ),
                "reply_by_email": bool(reply_to),
                **context,
            },
        )
    # Names and titles typed by people go into the subject: one line, or the mail is refused.
    EmailMessage(
        subject=single_line(subject),
        body=body,
        to=[user.email],
        headers=_headers(preference),
        reply_to=[reply_to] if reply_to else None,
    ).send()


def _mode(preference: EmailPreference | None) -> str:
    return preference.mode if preference is not None else EmailPreference.Mode.DAILY


def _emails_at_once(notification: Notification, mode: str) -> bool:
    if mode == EmailPreference.Mode.EACH_POST:
        return True
    return notification.reason == Notification.Reason.MENTION and mode != EmailPreference.Mode.OFF


def _locked_preference(user: User) -> EmailPreference:
    """The person's preference row, locked until the end of the transaction."""
    return EmailPreference.objects.select_for_update().get(pk=ensure_preference(user=user).pk)


def thread_url(post: Post) -> str:
    return site_url(reverse("thread-detail", args=[post.thread_id])) + f"#post-{post.pk}"


def send_post_emails(*, post_id: int) -> int:
    """Mail one post to those who want each post, and to those it mentions; returns how many."""
    post = (
        Post.objects.select_related("author", "thread", "thread__channel")
        .filter(pk=post_id, hidden_at__isnull=True, deleted_at__isnull=True)
        .first()
    )
    if post is None:
        return 0
    pending = list(
        Notification.objects.filter(post=post, emailed_at__isnull=True).select_related("user")
    )
    preferences = {
        p.user_id: p
        for p in EmailPreference.objects.filter(user_id__in=[n.user_id for n in pending])
    }
    sent = 0
    for notification in pending:
        user = notification.user
        if not _emails_at_once(notification, _mode(preferences.get(user.pk))):
            continue
        if not user.is_active or not rules.can_read_channel(user, post.thread.channel):
            continue
        with transaction.atomic():
            # The same per-person lock as the digest's: the two never mail one notification twice.
            preference = _locked_preference(user)
            if not _emails_at_once(notification, preference.mode):
                continue
            claimed = Notification.objects.filter(
                pk=notification.pk, emailed_at__isnull=True
            ).update(emailed_at=timezone.now())
            if not claimed:
                continue
            mention = notification.reason == Notification.Reason.MENTION
            with in_language_of(user):
                subject = (
                    _("%(author)s mentioned you in “%(title)s”")
                    if mention
                    else _("[%(channel)s] %(title)s")
                ) % {
                    "author": post.author,
                    "title": post.thread.title,
                    "channel": post.thread.channel,
                }
            _send(
                user=user,
                preference=preference,
                subject=subject,
                template="discussion/email/post.txt",
                # Signed for this person and thread: a reply to the mail posts here as them.
                reply_to=reply_address(user=user, thread=post.thread),
                post=post,
                mention=mention,
                url=thread_url(post),
            )
        sent += 1
    return sent


def _pending_for_digest(user: User, preference: EmailPreference) -> list[Notification]:
    muted = preference.muted_channels.all()
    return list(
        Notification.objects.filter(
            user=user, emailed_at__isnull=True, post__in=selectors.visible_posts(user)
        )
        .exclude(Q(reason=Notification.Reason.NEW_POST) & Q(post__thread__channel__in=muted))
        .select_related("post", "post__author", "post__thread", "post__thread__channel")
        .order_by("post__thread__channel__name", "post__thread_id", "post__created_at", "pk")
    )


def _send_digest(*, user_id: int, now: datetime) -> bool:
    with transaction.atomic():
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            return False
        # The row lock makes a second, concurrent run wait, then find nothing left to send.
        preference = _locked_preference(user)
        if preference.mode == EmailPreference.Mode.OFF:
            return False
        pending = _pending_for_digest(user, preference)
        if not pending:
            return False
        shown = pending[:DIGEST_MAX_ITEMS]
        with in_language_of(user):
            subject = ngettext(
                "%(network)s: %(n)d new post in the discussion",
                "%(network)s: %(n)d new posts in the discussion",
                len(pending),
            ) % {"network": settings.NETWORK_NAME, "n": len(pending)}
        _send(
            user=user,
            preference=preference,
            subject=subject,
            template="discussion/email/digest.txt",
            items=[(n, thread_url(n.post)) for n in shown],
            more=len(pending) - len(shown),
            since=preference.last_digest_at,
        )
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
        preference.last_digest_at = now
        preference.save(update_fields=["last_digest_at"])
    return True


def digest_recipients() -> Sequence[int]:
    """People with unemailed notifications of visible posts, who have not turned mail off."""
    return list(
        Notification.objects.filter(
            emailed_at__isnull=True, post__hidden_at__isnull=True, post__deleted_at__isnull=True
        )
        .exclude(user__email_preference__mode=EmailPreference.Mode.OFF)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )


def send_digests(*, now: datetime | None = None) -> int:
    """One digest per person of everything not yet mailed to them; returns how many were sent.

    Run daily (`datacollab digest`, or the `send_daily_digests` task). Running it twice sends
    nothing the second time: every notification it mails is marked as mailed.
    """
    now = now or timezone.now()
    return sum(_send_digest(user_id=user_id, now=now) for user_id in digest_recipients())
