"""Threads and replies: who may post, mentions resolved to readers, notifications queued."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import DomainError
from datacollab.discussion import rules, selectors
from datacollab.discussion.markdown import MAX_MENTIONS, mention_key, mentioned_names
from datacollab.discussion.models import Channel, EmailPreference, Notification, Post, Thread
from datacollab.discussion.services.attachments import attach_files, check_attachments
from datacollab.network.uploads import UploadLike
from datacollab.organisations.models import User
from datacollab.search import index

MAX_TITLE = 200
MAX_BODY = 20_000


def _require_member(actor: Any, channel: Channel) -> None:
    if not rules.can_post(actor, channel):
        selectors.raise_not_member(channel)


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a message: an empty post says nothing."), field="body")
    if len(body) > MAX_BODY:
        raise DomainError(
            _("A post has at most %(max)d characters; this one has %(n)d. Split it in two.")
            % {"max": MAX_BODY, "n": len(body)},
            field="body",
        )
    return body


def resolve_mentions(*, channel: Channel, body: str) -> list[User]:
    """The readers of `channel` mentioned in `body`; a name shared by two readers is refused."""
    keys = mentioned_names(body)[:MAX_MENTIONS]
    if not keys:
        return []
    match = Q()
    for key in keys:
        match |= Q(email__iexact=key) | Q(display_name__iexact=key)
    candidates = list(selectors.channel_readers(channel).filter(match).order_by("pk"))
    found: list[User] = []
    for key in keys:
        by_email = [u for u in candidates if u.email.casefold() == key]
        by_name = [u for u in candidates if mention_key(u.display_name) == key]
        if len(by_email) == 1:
            person = by_email[0]
        elif len(by_name) == 1:
            person = by_name[0]
        elif len(by_name) > 1:
            raise DomainError(
                _(
                    "Several people in this channel are called “%(name)s”: mention the one you "
                    "mean by email address instead, e.g. @[%(email)s]."
                )
                % {"name": by_name[0].display_name, "email": by_name[0].email},
                field="body",
            )
        else:
            continue  # nobody of that name reads the channel: the mention stays plain text
        if person not in found:
            found.append(person)
    return found


def _notify(*, post: Post, channel: Channel, mentioned: Iterable[User]) -> None:
    """A notification for each reader who wants to hear of posts here, and for each mention."""
    mentioned_ids = {user.pk for user in mentioned}
    not_listening = set(
        EmailPreference.objects.filter(
            Q(mode=EmailPreference.Mode.OFF) | Q(muted_channels=channel)
        ).values_list("user_id", flat=True)
    )
    readers = (
        selectors.channel_readers(channel).exclude(pk=post.author_id).values_list("pk", flat=True)
    )
    rows = []
    for user_id in readers:
        if user_id in mentioned_ids:
            rows.append(
                Notification(user_id=user_id, post=post, reason=Notification.Reason.MENTION)
            )
        elif user_id not in not_listening:
            rows.append(
                Notification(user_id=user_id, post=post, reason=Notification.Reason.NEW_POST)
            )
    Notification.objects.bulk_create(rows, batch_size=500)


def _after_commit(post: Post) -> None:
    from datacollab.discussion import tasks

    transaction.on_commit(lambda: tasks.send_post_emails.enqueue(post.pk))
    on_post_changed(post.pk)


def on_post_changed(post_id: int) -> None:
    """Refresh the post's search entry once the change is committed."""
    transaction.on_commit(lambda: index.refresh("post", post_id))


def _create_post(
    *, actor: User, thread: Thread, body: str, channel: Channel, source_message_id: str = ""
) -> Post:
    mentioned = resolve_mentions(channel=channel, body=body)
    post = Post.objects.create(
        thread=thread, author=actor, body=body, source_message_id=source_message_id
    )
    if mentioned:
        post.mentions.set(mentioned)
    _notify(post=post, channel=channel, mentioned=mentioned)
    _after_commit(post)
    return post


@transaction.atomic
def start_thread(
    *, actor: User, channel: Channel, title: str, body: str, files: Sequence[UploadLike] = ()
) -> Thread:
    _require_member(actor, channel)
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(
            _("Give the thread a title, so people know what it is about."), field="title"
        )
    if len(title) > MAX_TITLE:
        raise DomainError(
            _("A title has at most %(max)d characters.") % {"max": MAX_TITLE}, field="title"
        )
    body = _clean_body(body)
    check_attachments(files)
    thread = Thread.objects.create(
        channel=channel, title=title, author=actor, last_post_at=timezone.now()
    )
    post = _create_post(actor=actor, thread=thread, body=body, channel=channel)
    if files:
        attach_files(actor=actor, post=post, uploads=files)
    audit.record(
        action="discussion.thread_started",
        actor=actor,
        obj=thread,
        details={"channel": channel.slug, "post": post.pk},
    )
    return thread


@transaction.atomic
def reply(
    *,
    actor: User,
    thread: Thread,
    body: str,
    source_message_id: str = "",
    files: Sequence[UploadLike] = (),
) -> Post:
    """A reply from the page, or from email (`source_message_id`: the mail's Message-ID)."""
    channel = thread.channel
    _require_member(actor, channel)
    body = _clean_body(body)
    check_attachments(files)
    # Lock the thread so concurrent replies move `last_post_at` forward in order.
    Thread.objects.select_for_update().filter(pk=thread.pk).first()
    post = _create_post(
        actor=actor,
        thread=thread,
        body=body,
        channel=channel,
        source_message_id=source_message_id,
    )
    if files:
        attach_files(actor=actor, post=post, uploads=files)
    Thread.objects.filter(pk=thread.pk).update(last_post_at=post.created_at)
    thread.last_post_at = post.created_at
    audit.record(
        action="discussion.replied",
        actor=actor,
        obj=post,
        details={
            "channel": channel.slug,
            "thread": thread.pk,
            "via": "email" if source_message_id else "web",
        },
    )
    return post
