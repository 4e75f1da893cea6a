"""Reactions: a small fixed set, toggled (a second press takes it back), counted per post."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from datacollab.core.errors import Conflict, DomainError
from datacollab.discussion import rules, selectors
from datacollab.discussion.models import Post, Reaction


@transaction.atomic
def toggle_reaction(*, actor: Any, post: Post, kind: str) -> bool:
    """Add the reaction, or take it back if it is there; True when it is now on."""
    if kind not in Reaction.Kind.values:
        raise DomainError(_("Choose one of the offered reactions."), field="kind")
    post = Post.objects.select_related("thread__channel", "thread__channel__cohort").get(pk=post.pk)
    if not rules.can_post(actor, post.thread.channel):
        selectors.raise_not_member(post.thread.channel)
    if post.deleted_at is not None or post.hidden_at is not None:
        raise Conflict(_("This post is no longer shown: it cannot take reactions."))
    removed, _kinds = Reaction.objects.filter(post=post, user=actor, kind=kind).delete()
    if removed:
        return False
    try:
        with transaction.atomic():
            Reaction.objects.create(post=post, user=actor, kind=kind)
    except IntegrityError:  # a double click raced us: the reaction is on either way
        pass
    return True
