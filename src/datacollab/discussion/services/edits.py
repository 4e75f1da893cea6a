"""A post's life after it is written: its author edits or deletes it; a convener may delete it.

Moves: written -> edited (any number of times) -> deleted. A deleted post cannot be edited,
deleted again or reacted to; a hidden post cannot be edited by its author (a convener must show
it again first). Each edit and deletion keeps the previous text as a PostRevision, which only
conveners read. Deleting someone else's post is a moderation act and is audited.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, NotAllowed
from datacollab.discussion import rules
from datacollab.discussion.models import Post, PostRevision
from datacollab.discussion.services.posts import _clean_body, on_post_changed, resolve_mentions


def _locked(post: Post) -> Post:
    return (
        # Lock the post row only: PostgreSQL cannot lock the nullable side of a join.
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__channel", "thread__channel__cohort")
        .get(pk=post.pk)
    )


def can_edit(user: Any, post: Post) -> bool:
    """What the page offers: the author, while the post is neither deleted nor hidden."""
    return (
        getattr(user, "pk", None) == post.author_id
        and post.deleted_at is None
        and post.hidden_at is None
        and rules.can_post(user, post.thread.channel)
    )


def can_delete(user: Any, post: Post) -> bool:
    if post.deleted_at is not None:
        return False
    if rules.can_moderate(user):
        return True
    return getattr(user, "pk", None) == post.author_id and rules.can_post(user, post.thread.channel)


@transaction.atomic
def edit_post(*, actor: Any, post: Post, body: str) -> Post:
    post = _locked(post)
    if post.deleted_at is not None:
        raise Conflict(_("This post was deleted: it can no longer be edited."))
    if getattr(actor, "pk", None) != post.author_id:
        raise NotAllowed(_("Only its author can edit a post."))
    if not rules.can_post(actor, post.thread.channel):
        raise NotAllowed(_("You no longer take part in this channel, so you cannot edit here."))
    if post.hidden_at is not None:
        raise Conflict(_("A convener hid this post; it cannot be edited while hidden."))
    body = _clean_body(body)
    if body == post.body:
        return post
    PostRevision.objects.create(
        post=post, body=post.body, change=PostRevision.Change.EDITED, changed_by=actor
    )
    # Mentions follow the text, so the page links the people named now; nobody is notified
    # again (an edit must not become a way to ping people twice).
    mentioned = resolve_mentions(channel=post.thread.channel, body=body)
    post.body = body
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "edited_at"])
    post.mentions.set(mentioned)
    audit.record(
        action="discussion.post_edited",
        actor=actor,
        obj=post,
        details={"thread": post.thread_id, "revisions": post.revisions.count()},
    )
    on_post_changed(post.pk)
    return post


@transaction.atomic
def delete_post(*, actor: Any, post: Post, reason: str = "") -> Post:
    post = _locked(post)
    if post.deleted_at is not None:
        raise Conflict(_("This post is already deleted."))
    own = getattr(actor, "pk", None) == post.author_id
    moderator = rules.can_moderate(actor)
    if not moderator and not (own and rules.can_post(actor, post.thread.channel)):
        raise NotAllowed(_("Only its author or a convener can delete a post."))
    PostRevision.objects.create(
        post=post, body=post.body, change=PostRevision.Change.DELETED, changed_by=actor
    )
    post.body = ""
    post.deleted_at = timezone.now()
    post.deleted_by = actor
    post.save(update_fields=["body", "deleted_at", "deleted_by"])
    audit.record(
        action="discussion.post_deleted" if own else "discussion.post_deleted_by_moderator",
        actor=actor,
        obj=post,
        details={
            "thread": post.thread_id,
            "author": post.author_id,
            "reason": " ".join((reason or "").split())[:300],
        },
    )
    on_post_changed(post.pk)
    return post
