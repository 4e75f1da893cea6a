"""Moderation: a convener hides a post (with a reason, audited) or shows it again."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.discussion import rules
from datacollab.discussion.models import Post
from datacollab.discussion.services.posts import on_post_changed

MAX_REASON = 300


def _locked(post: Post) -> Post:
    return Post.objects.select_for_update().select_related("thread__channel").get(pk=post.pk)


@transaction.atomic
def hide_post(*, actor: Any, post: Post, reason: str) -> Post:
    if not rules.can_moderate(actor):
        raise NotAllowed(_("Only a convener can hide a post."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(
            _("Say why the post is hidden: its author and the other conveners will see it."),
            field="reason",
        )
    if len(reason) > MAX_REASON:
        raise DomainError(
            _("A reason has at most %(max)d characters.") % {"max": MAX_REASON}, field="reason"
        )
    post = _locked(post)
    if post.hidden_at is not None:
        raise Conflict(_("This post is already hidden."))
    post.hidden_at = timezone.now()
    post.hidden_by = actor
    post.hidden_reason = reason
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    audit.record(
        action="discussion.post_hidden",
        actor=actor,
        obj=post,
        details={"reason": reason, "thread": post.thread_id, "author": post.author_id},
    )
    on_post_changed(post.pk)
    return post


@transaction.atomic
def unhide_post(*, actor: Any, post: Post) -> Post:
    if not rules.can_moderate(actor):
        raise NotAllowed(_("Only a convener can show a hidden post again."))
    post = _locked(post)
    if post.hidden_at is None:
        raise Conflict(_("This post is not hidden."))
    previous = post.hidden_reason
    post.hidden_at = None
    post.hidden_by = None
    post.hidden_reason = ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    audit.record(
        action="discussion.post_unhidden",
        actor=actor,
        obj=post,
        details={"hidden_reason": previous, "thread": post.thread_id},
    )
    on_post_changed(post.pk)
    return post
