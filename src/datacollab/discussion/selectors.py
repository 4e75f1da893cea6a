"""Reads of the discussion app; every list follows the rule of `rules.can_read_channel`."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from datacollab.core.errors import NotAllowed, NotFound
from datacollab.discussion import rules
from datacollab.discussion.models import (
    Channel,
    Notification,
    Post,
    PostAttachment,
    PostRevision,
    Reaction,
    Thread,
    ThreadRead,
)
from datacollab.network.models import Cohort
from datacollab.network.selectors import participation
from datacollab.organisations.models import Role, User


def _readable_q(user: Any, prefix: str = "") -> Q | None:
    """The channels `user` may read, as a filter (None: every channel)."""
    person = rules.standing(user)
    if person.convener:
        return None

    def q(**lookups: Any) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    allowed = q(scope=Channel.Scope.COHORT, cohort_id__in=person.cohort_ids) | q(
        scope=Channel.Scope.ALUMNI, network_id__in=person.alumni_network_ids
    )
    if person.expert:
        allowed |= q(scope=Channel.Scope.NETWORK)
    else:
        allowed |= q(scope=Channel.Scope.NETWORK, network_id__in=person.network_ids)
    return allowed


def readable_channels(user: Any) -> QuerySet[Channel]:
    if not rules.standing(user).anyone:
        return Channel.objects.none()
    allowed = _readable_q(user)
    channels = Channel.objects.all()
    return channels if allowed is None else channels.filter(allowed)


def visible_posts(user: Any) -> QuerySet[Post]:
    """Posts `user` may read: not hidden, in channels they may read (search, digests, pages)."""
    if not rules.standing(user).anyone:
        return Post.objects.none()
    posts = Post.objects.filter(hidden_at__isnull=True, deleted_at__isnull=True)
    allowed = _readable_q(user, prefix="thread__channel__")
    return posts if allowed is None else posts.filter(allowed)


def _read_mark(user: Any, thread_ref: str) -> Coalesce:
    """The newest post `user` has seen in the thread `thread_ref` points at (0: none)."""
    marks = ThreadRead.objects.filter(user_id=user.pk, thread=OuterRef(thread_ref))
    return Coalesce(Subquery(marks.values("last_read_post_id")[:1]), 0)


def _shown_to_count(prefix: str = "") -> Q:
    return Q(**{f"{prefix}hidden_at__isnull": True, f"{prefix}deleted_at__isnull": True})


def _unread_posts(user: Any) -> QuerySet[Post]:
    """Posts of the outer thread that `user` has not seen; their own posts never count."""
    return (
        Post.objects.filter(_shown_to_count(), thread=OuterRef("pk"))
        .exclude(author_id=user.pk)
        .filter(pk__gt=_read_mark(user, "thread"))
    )


def channel_list(user: Any) -> QuerySet[Channel]:
    """Readable channels with their thread count, latest activity and threads with unread
    posts, for the list page (one query)."""
    unread_threads = (
        Thread.objects.filter(channel=OuterRef("pk"))
        .filter(Exists(_unread_posts(user)))
        .order_by()
        .values("channel")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        readable_channels(user)
        .select_related("cohort")
        .annotate(
            thread_count=Count("threads"),
            last_activity=Max("threads__last_post_at"),
            unread_threads=Coalesce(Subquery(unread_threads), 0),
        )
        .order_by("scope", "name")
    )


def cohorts_without_channel(*, network_ids: set[int] | None = None) -> QuerySet[Cohort]:
    cohorts = Cohort.objects.exclude(
        Exists(Channel.objects.filter(cohort=OuterRef("pk"), scope=Channel.Scope.COHORT))
    )
    if network_ids is not None:
        cohorts = cohorts.filter(network_id__in=network_ids)
    return cohorts.order_by("-starts_on")


def readable_channel(user: Any, slug: str) -> Channel:
    """The channel, if it exists and `user` may read it; otherwise a refusal saying which."""
    channel = Channel.objects.select_related("cohort", "network").filter(slug=slug).first()
    if channel is None:
        raise NotFound(_("There is no channel “%(slug)s”.") % {"slug": slug})
    if not rules.can_read_channel(user, channel):
        raise_not_member(channel)
    return channel


def raise_not_member(channel: Channel) -> None:
    if channel.scope == Channel.Scope.COHORT:
        message = _(
            "“%(name)s” is the channel of the cohort %(cohort)s: only its participants and the "
            "conveners can read and post there."
        ) % {"name": channel.name, "cohort": channel.cohort}
    elif channel.scope == Channel.Scope.ALUMNI:
        message = _(
            "“%(name)s” is the alumni channel: only alumni of an ended cohort and the conveners "
            "can read and post there."
        ) % {"name": channel.name}
    else:
        message = _(
            "“%(name)s” is open to the network's participants, alumni, experts and conveners; "
            "you are not one of them yet."
        ) % {"name": channel.name}
    raise NotAllowed(message)


def _opening_hidden() -> Subquery:
    return Subquery(
        Post.objects.filter(thread=OuterRef("pk"))
        .order_by("created_at", "pk")
        .values("hidden_at")[:1]
    )


def channel_threads(channel: Channel, user: Any) -> QuerySet[Thread]:
    """Threads, newest activity first, with their reply count, whether the opening is hidden,
    and how many posts `user` has not read."""
    unread = (
        Q(posts__pk__gt=F("last_read")) & _shown_to_count("posts__") & ~Q(posts__author_id=user.pk)
    )
    return (
        Thread.objects.filter(channel=channel)
        .select_related("author")
        .annotate(
            last_read=_read_mark(user, "pk"),
            post_count=Count("posts"),
            unread_count=Count("posts", filter=unread),
            opening_hidden_at=_opening_hidden(),
        )
        .order_by("-last_post_at", "-pk")
    )


def readable_thread(user: Any, thread_id: int) -> Thread:
    thread = (
        Thread.objects.select_related("channel", "channel__cohort", "channel__network", "author")
        .filter(pk=thread_id)
        .first()
    )
    if thread is None:
        raise NotFound(_("There is no such thread: it may have been removed."))
    if not rules.can_read_channel(user, thread.channel):
        raise_not_member(thread.channel)
    return thread


def thread_posts(thread: Thread, *, with_revisions: bool = False) -> QuerySet[Post]:
    """The thread's posts with what the page shows of each; revisions only for moderators."""
    prefetches: list[Any] = [
        Prefetch("mentions", queryset=User.objects.only("pk", "email", "display_name")),
        Prefetch("reactions", queryset=Reaction.objects.only("pk", "post_id", "user_id", "kind")),
        Prefetch("attachments", queryset=PostAttachment.objects.order_by("pk")),
    ]
    if with_revisions:
        prefetches.append(
            Prefetch("revisions", queryset=PostRevision.objects.select_related("changed_by"))
        )
    return (
        Post.objects.filter(thread=thread)
        .select_related("author", "hidden_by", "deleted_by")
        .prefetch_related(*prefetches)
        .order_by("created_at", "pk")
    )


def readable_attachment(user: Any, attachment_id: int) -> PostAttachment:
    """An attachment of a shown post in a channel `user` reads; otherwise a refusal."""
    attachment = (
        PostAttachment.objects.select_related(
            "post", "post__thread__channel", "post__thread__channel__cohort"
        )
        .filter(pk=attachment_id)
        .first()
    )
    channel = attachment.post.thread.channel if attachment is not None else None
    # An outsider is told the same as for an id that does not exist: a file's existence is
    # itself private (issue 9, finding 2).
    if attachment is None or channel is None or not rules.can_read_channel(user, channel):
        raise NotFound(_("There is no such attachment."))
    post = attachment.post
    if post.deleted_at is not None or (post.hidden_at is not None and not rules.can_moderate(user)):
        raise NotFound(_("This attachment's post is no longer shown."))
    return attachment


def readable_post(user: Any, post_id: int) -> Post:
    post = (
        Post.objects.select_related("thread", "thread__channel", "thread__channel__cohort")
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        raise NotFound(_("There is no such post."))
    if not rules.can_read_channel(user, post.thread.channel):
        raise_not_member(post.thread.channel)
    return post


def _conveners() -> QuerySet[User]:
    return User.objects.filter(Q(is_superuser=True) | Q(role_grants__role=Role.CONVENER))


def channel_readers(channel: Channel) -> QuerySet[User]:
    """Everyone who may read `channel` (the same rule as `rules.can_read_channel`)."""
    if channel.scope == Channel.Scope.COHORT:
        assert channel.cohort is not None
        members: QuerySet[User] = participation.cohort_people(channel.cohort)
    elif channel.scope == Channel.Scope.ALUMNI:
        members = User.objects.filter(
            memberships__organisation__cohort_memberships__cohort__in=(
                participation.ended_cohorts().filter(network_id=channel.network_id)
            )
        )
    else:
        members = User.objects.filter(
            Q(memberships__organisation__cohort_memberships__cohort__network_id=channel.network_id)
            | Q(role_grants__role=Role.EXPERT)
        )
    return User.objects.filter(
        Q(pk__in=members.values("pk")) | Q(pk__in=_conveners().values("pk")), is_active=True
    )


def person_posts(viewer: Any, person: User) -> QuerySet[Post]:
    return (
        visible_posts(viewer)
        .filter(author=person)
        .select_related("thread", "thread__channel")
        .order_by("-created_at", "-pk")
    )


def network_person(viewer: Any, person_id: int) -> User:
    """A person of the network, for a viewer who takes part; anyone else gets a 404."""
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if person is None or not rules.takes_part(viewer) or not rules.takes_part(person):
        raise NotFound(_("There is no such person in the network's discussion."))
    return person


def mentions_of(user: Any, *, limit: int = 10) -> list[Notification]:
    """The latest mentions of `user` in posts they can still read."""
    return list(
        Notification.objects.filter(
            user=user,
            reason=Notification.Reason.MENTION,
            post__in=visible_posts(user),
        )
        .select_related("post", "post__author", "post__thread")
        .order_by("-created_at", "-pk")[:limit]
    )


def reaction_summary(post: Post, user: Any) -> list[dict[str, Any]]:
    """Each offered reaction with its count on `post` and whether `user` gave it (from the
    prefetched reactions: no query)."""
    given = list(post.reactions.all())
    return [
        {
            "kind": kind,
            "label": label,
            "count": sum(1 for r in given if r.kind == kind),
            "mine": any(r.kind == kind and r.user_id == user.pk for r in given),
        }
        for kind, label in Reaction.Kind.choices
    ]
