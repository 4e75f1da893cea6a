"""Every write of the communications app: a message's life (draft -> sent, or discarded) and
each person's choice about announcements.

A message is composed once and rendered per recipient when sent. Its groups are computed at
send time (`selectors.audience`), a person in two groups gets one mail, and each mail goes
through the network's reviewed outbox: an `OutgoingMail` queued to the same task
(`send_outgoing_mail`) that sends decision mails.
"""

from __future__ import annotations

import secrets
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.communications import groups as group_rules
from datacollab.communications import placeholders, selectors
from datacollab.communications.compose import render_for
from datacollab.communications.models import MailPreference, Message
from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError
from datacollab.network.models import OutgoingMail
from datacollab.network.selectors.selection import require_convener

SUBJECT_MAX = 200


def _check(*, groups: list[str], category: str, subject: str, body: str) -> tuple[str, str]:
    chosen = group_rules.resolve(groups)
    if category not in Message.Category.values:
        raise DomainError(_("Choose whether this is an announcement or a service message."))
    if category == Message.Category.SERVICE:
        others = [g.label for g in chosen if not g.transactional]
        if others:
            raise DomainError(
                _(
                    "A service message is only for mails about the recipient's own application "
                    "or grant (applicants of a call, a cohort's participants); %(group)s must "
                    "get an announcement, which honours unsubscribes."
                )
                % {"group": others[0]},
                field="category",
            )
    subject = " ".join(subject.split())
    if not subject or not body.strip():
        raise DomainError(_("A message needs a subject and a body."), field="subject")
    if len(subject) > SUBJECT_MAX:
        raise DomainError(
            _("The subject is longer than %(n)d characters.") % {"n": SUBJECT_MAX},
            field="subject",
        )
    names = placeholders.allowed(chosen)
    placeholders.check(subject, allowed_names=names, field="subject")
    placeholders.check(body, allowed_names=names, field="body")
    return subject, body


def _require_draft(message: Message) -> None:
    if message.status != Message.Status.DRAFT:
        raise Conflict(
            # A status label in quotes, never lowercased into the sentence: each language
            # keeps its grammar.
            _("This message is “%(status)s”; only a draft can be changed, sent or discarded.")
            % {"status": message.get_status_display()}
        )


@transaction.atomic
def create_message(
    *, actor: Any, groups: list[str], category: str, subject: str, body: str
) -> Message:
    require_convener(actor)
    subject, body = _check(groups=groups, category=category, subject=subject, body=body)
    message = Message.objects.create(
        groups=list(dict.fromkeys(groups)),
        category=category,
        subject=subject,
        body=body,
        created_by=actor,
    )
    audit.record(
        action="message.drafted",
        actor=actor,
        obj=message,
        details={"groups": message.groups, "category": category},
    )
    return message


@transaction.atomic
def update_message(
    *, actor: Any, message: Message, groups: list[str], category: str, subject: str, body: str
) -> Message:
    require_convener(actor)
    message = Message.objects.select_for_update().get(pk=message.pk)
    _require_draft(message)
    subject, body = _check(groups=groups, category=category, subject=subject, body=body)
    message.groups = list(dict.fromkeys(groups))
    message.category, message.subject, message.body = category, subject, body
    message.save(update_fields=["groups", "category", "subject", "body", "updated_at"])
    audit.record(
        action="message.edited",
        actor=actor,
        obj=message,
        details={"groups": message.groups, "category": category},
    )
    return message


@transaction.atomic
def discard_message(*, actor: Any, message: Message) -> Message:
    require_convener(actor)
    message = Message.objects.select_for_update().get(pk=message.pk)
    _require_draft(message)
    message.status = Message.Status.DISCARDED
    message.save(update_fields=["status", "updated_at"])
    audit.record(action="message.discarded", actor=actor, obj=message)
    return message


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _tokens(user_ids: list[int]) -> dict[int, str]:
    """Each person's unsubscribe token, making the missing preference rows."""
    have = dict(MailPreference.objects.filter(user_id__in=user_ids).values_list("user_id", "token"))
    missing = [pk for pk in user_ids if pk not in have]
    if missing:
        MailPreference.objects.bulk_create(
            [MailPreference(user_id=pk, token=_new_token()) for pk in missing],
            ignore_conflicts=True,  # made meanwhile by a concurrent send
        )
        have.update(
            MailPreference.objects.filter(user_id__in=missing).values_list("user_id", "token")
        )
    return have


@transaction.atomic
def send_message(*, actor: Any, message: Message) -> int:
    """Render the message for everyone in its groups now and queue one mail each.

    Refused for a message that is not a draft, or that would reach nobody."""
    from datacollab.network.tasks import send_outgoing_mail

    require_convener(actor)
    message = Message.objects.select_for_update().get(pk=message.pk)
    _require_draft(message)
    # Placeholders are checked again: a group may have changed (one call became two).
    _check(
        groups=message.groups,
        category=message.category,
        subject=message.subject,
        body=message.body,
    )
    found = selectors.audience(message)
    if not found.recipients:
        raise Conflict(
            _("Nobody would receive this message: its groups are empty or have unsubscribed.")
        )
    tokens = _tokens([r.user_id for r in found.recipients])
    mails = []
    for recipient in found.recipients:
        rendered = render_for(message, found.groups, recipient, token=tokens[recipient.user_id])
        mails.append(
            OutgoingMail(
                kind="message",
                to=[rendered.to],
                subject=rendered.subject,
                body=rendered.body,
                headers=rendered.headers,
            )
        )
    mails = OutgoingMail.objects.bulk_create(mails)
    message.mails.set(mails)
    message.status = Message.Status.SENT
    message.sent_by = actor
    message.sent_at = timezone.now()
    message.recipient_count = len(mails)
    message.unsubscribed_count = len(found.unsubscribed)
    message.save(
        update_fields=[
            "status",
            "sent_by",
            "sent_at",
            "recipient_count",
            "unsubscribed_count",
            "updated_at",
        ]
    )
    for mail in mails:
        transaction.on_commit(partial(send_outgoing_mail.enqueue, mail.pk))
    audit.record(
        action="message.sent",
        actor=actor,
        obj=message,
        details={
            "groups": message.groups,
            "category": message.category,
            "recipients": [r.user_id for r in found.recipients],
            "left_out_unsubscribed": [r.user_id for r in found.unsubscribed],
            "mails": [m.pk for m in mails],
        },
    )
    return len(mails)


@transaction.atomic
def set_announcements(*, token: str, receive: bool, via: str) -> MailPreference:
    """Stop (one-click unsubscribe, RFC 8058) or resume announcements for the token's owner."""
    preference = selectors.preference_by_token(token)
    preference = MailPreference.objects.select_for_update().get(pk=preference.pk)
    if preference.announcements != receive:
        preference.announcements = receive
        preference.save(update_fields=["announcements", "updated_at"])
        audit.record(
            action="announcements.resubscribed" if receive else "announcements.unsubscribed",
            actor=preference.user,
            obj=preference,
            details={"via": via},
        )
    return preference


@transaction.atomic
def set_own_announcements(*, actor: Any, receive: bool) -> MailPreference:
    """A logged-in person's own choice, from their settings page."""
    preference = ensure_preference(user=actor)
    return set_announcements(token=preference.token, receive=receive, via="settings page")


def ensure_preference(*, user: Any) -> MailPreference:
    preference = MailPreference.objects.filter(user=user).first()
    if preference is not None:
        return preference
    try:
        with transaction.atomic():
            return MailPreference.objects.create(user=user, token=_new_token())
    except IntegrityError:
        return MailPreference.objects.get(user=user)
