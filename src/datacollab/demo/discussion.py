"""Discussion of the demo: threads with replies and mentions in the second cohort's channel
(during the cohort), and in the alumni and network channels (in the days before the day of
loading).

Channels come from `discussion.services.ensure_channels` (the one rule for which channels a
network has) and mentions from `resolve_mentions` (the one rule for who a mention names).
Threads are found by (channel, title), posts by (thread, author, text), so a second load adds
nothing; a mentioned person gets the same notification a live post would have given them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from datacollab.demo.people import email
from datacollab.demo.rows import upsert
from datacollab.discussion.models import Channel, Notification, Post, Thread
from datacollab.discussion.services.channels import ensure_channels
from datacollab.discussion.services.posts import resolve_mentions
from datacollab.network.models import Cohort, Network
from datacollab.organisations.models import User

LONDON = ZoneInfo("Europe/London")
CONVENER = "convener"
EXPERT = "expert"


@dataclass(frozen=True)
class Message:
    author: str  # the local part of a demo email: an organisation slug, "convener", "expert"
    body: str
    after: timedelta = timedelta()  # after the thread's first post


@dataclass(frozen=True)
class ThreadSpec:
    channel: str  # "cohort" (the second cohort's), "alumni" or "network"
    title: str
    messages: tuple[Message, ...]
    on: date | None = None  # a fixed day, or
    days_ago: int = 0  # days before the day of loading
    at: time = time(10, 0)


def _m(author: str, body: str, hours: float = 0) -> Message:
    return Message(author, body, timedelta(hours=hours))


THREADS = [
    ThreadSpec(
        channel="cohort",
        title="Reflective questions for the first roundtable",
        on=date(2021, 10, 20),
        messages=(
            _m(
                CONVENER,
                "Welcome, all! Ahead of next week's roundtable on the **value and impact of open "
                "data**, the reflective questions are on the session page. Open Apparel "
                "Registry, MetaBrainz and OpenStreetMap Foundation will start us off.\n\n"
                "If one question matters more to you than the others, say so here.",
            ),
            _m(
                "metabrainz-foundation",
                "The one about counting impact, please. We can count API calls to the "
                "decimal, and still can't say what difference they make.",
                hours=3,
            ),
            _m(
                "open-apparel-registry",
                "+1. @[convener@demo.datacollab.org] could we also hear how others talk about "
                "impact to funders, not just measure it?",
                hours=5,
            ),
        ),
    ),
    ThreadSpec(
        channel="cohort",
        title="Revenue models: who is happy to share numbers?",
        on=date(2022, 1, 19),
        at=time(14, 30),
        messages=(
            _m(
                "wikimedia-foundation",
                "For the business model roundtable: we are happy to walk through how the "
                "enterprise API tier is priced, and what stays free. Would others share rough "
                "shares of income by source (grants, donations, services)? Percentages are "
                "enough.",
            ),
            _m(
                "metabrainz-foundation",
                "Yes from us, in the session only (not in the minutes). "
                "@[wikimedia-foundation@demo.datacollab.org] do you count support contracts as "
                "services or as donations?",
                hours=20,
            ),
            _m(
                "gbif",
                "Ours is almost all government contributions, so we will mostly listen, but "
                "we are curious how paid tiers change what users expect of *free* access.",
                hours=26,
            ),
        ),
    ),
    ThreadSpec(
        channel="alumni",
        title="Starting our own peer-learning network",
        days_ago=12,
        messages=(
            _m(
                "gbif",
                "A year on, we are starting a small peer-learning group with other biodiversity "
                "data publishers, copying the roundtable format: a theme, three primary "
                "contributors, reflective questions sent ahead. Anyone else tried this? What "
                "would you do differently?",
            ),
            _m(
                "open-contracting-partnership",
                "We did something similar with government publishers. Keep it small (under "
                "ten organisations) and send the questions a week ahead, not the day before. "
                "@[gbif@demo.datacollab.org] happy to share our invitation email.",
                hours=4,
            ),
            _m(
                CONVENER,
                "Lovely to hear, @[gbif@demo.datacollab.org]. The third cohort's open call is "
                "out now: if any of your peers are in the Global South, please pass it on.",
                hours=28,
            ),
        ),
    ),
    ThreadSpec(
        channel="network",
        title="Office hours with our expert",
        days_ago=4,
        at=time(9, 15),
        messages=(
            _m(
                EXPERT,
                "I have published 1:1 slots over the next two weeks on licensing, governance "
                "and sustainable business models. They are for the current cohort's "
                "participants; alumni, write here if you would like a conversation and I will "
                "open more.",
            ),
            _m(
                "wikirate",
                "Thank you @[expert@demo.datacollab.org]! We would love one on licensing "
                "volunteer-contributed research data.",
                hours=2,
            ),
        ),
    ),
]


def _moment(spec: ThreadSpec, now: datetime) -> datetime:
    day = spec.on or (now.astimezone(LONDON).date() - timedelta(days=spec.days_ago))
    return datetime.combine(day, spec.at, tzinfo=LONDON)


def ensure_discussion(*, network: Network, cohort: Cohort, now: datetime) -> list[Thread]:
    """Run inside the loader's transaction, after the cohorts, their contacts and the expert."""
    channels = ensure_channels(network=network)
    by_scope = {
        "cohort": next(c for c in channels if c.cohort_id == cohort.pk),
        "alumni": next(c for c in channels if c.scope == Channel.Scope.ALUMNI),
        "network": next(c for c in channels if c.scope == Channel.Scope.NETWORK),
    }
    authors = {
        u.email.split("@", 1)[0]: u
        for u in User.objects.filter(
            email__in=[email(m.author) for t in THREADS for m in t.messages]
        )
    }
    threads = []
    for spec in THREADS:
        threads.append(_thread(spec, by_scope[spec.channel], authors, now))
    return threads


def _thread(spec: ThreadSpec, channel: Channel, authors: dict[str, User], now: datetime) -> Thread:
    start = _moment(spec, now)
    first_author = authors[spec.messages[0].author]
    thread = Thread.objects.filter(channel=channel, title=spec.title).first()
    if thread is None:
        thread = Thread.objects.create(
            channel=channel, title=spec.title, author=first_author, last_post_at=start
        )
    existing = {(p.author_id, p.body): p for p in Post.objects.filter(thread=thread).order_by("pk")}
    posts: list[tuple[Post, datetime]] = []
    for message in spec.messages:
        author = authors[message.author]
        when = start + message.after
        post = existing.get((author.pk, message.body))
        if post is None:
            post = Post.objects.create(thread=thread, author=author, body=message.body)
            mentioned = resolve_mentions(channel=channel, body=message.body)
            post.mentions.set(mentioned)
        posts.append((post, when))
    # created_at is stamped on insert: put each post (and the thread) back at its moment.
    for post, when in posts:
        if post.created_at != when:
            Post.objects.filter(pk=post.pk).update(created_at=when)
    last = max(when for _post, when in posts)
    if (thread.created_at, thread.last_post_at) != (start, last) and not _has_newer_posts(
        thread, last
    ):
        Thread.objects.filter(pk=thread.pk).update(created_at=start, last_post_at=last)
    _mention_notifications(posts)
    return thread


def _has_newer_posts(thread: Thread, last: datetime) -> bool:
    """Someone replied in the demo after loading: the thread keeps its real last post."""
    return Post.objects.filter(thread=thread, created_at__gt=last).exists()


def _mention_notifications(posts: list[tuple[Post, datetime]]) -> None:
    through = Post.mentions.through
    mentions = through.objects.filter(post__in=[p for p, _when in posts]).values_list(
        "post_id", "user_id"
    )
    when_of = {post.pk: when for post, when in posts}
    upsert(
        Notification,
        key=("user_id", "post_id"),
        rows=[
            {
                "user_id": user_id,
                "post_id": post_id,
                "reason": Notification.Reason.MENTION,
                # Sent at the time; unread, so the mentioned person sees it.
                "emailed_at": when_of[post_id],
            }
            for post_id, user_id in mentions
        ],
        existing=Notification.objects.filter(post_id__in=list(when_of)),
    )
