"""What is searchable: one `Source` per kind, declared here and nowhere else.

A source says which objects have an entry, how to make an entry's text from one, where its page
is, and whose objects a person may see. That last one always delegates to the owning app's
selector, so search applies exactly the rule the app's own pages apply, and never widens it.
Imports of the owning apps are made inside the functions: those apps call `search.index`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt


@dataclass(frozen=True)
class Entry:
    """The text of one search document: the title weighs most, then `extra`, then the body."""

    title: str
    body: str = ""
    extra: str = ""


@dataclass(frozen=True)
class Source:
    kind: str
    label: Promise  # plural, for the tabs of the search page
    # The objects that have an entry, fetched with whatever `entry` reads.
    indexed: Callable[[], QuerySet[Any]]
    entry: Callable[[Any], Entry]
    # The objects this person may see: the owning app's selector, nothing else.
    visible: Callable[[Any], QuerySet[Any]]
    url: Callable[[Any], str]
    # A field that changes with the object's text; an entry older than it is stale and is
    # rewritten before a search of that kind (see index.catch_up). None: services only.
    stamp: str | None = None


sources: dict[str, Source] = {}


def register(source: Source) -> Source:
    sources[source.kind] = source
    return source


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # The syntax of core.markdown; raw HTML stays text, as it is shown escaped there.
    return MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")


def plain(markdown: str) -> str:
    """The words of a Markdown text as a reader sees them: no markup, link and image texts kept.

    Read from the parser's tokens, not from rendered HTML: half the time, which counts when
    rebuilding thousands of entries.
    """
    parts: list[str] = []
    for token in _markdown().parse(markdown or ""):
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline", "image"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            parts.append("\n")
        elif token.type in ("fence", "code_block"):
            parts.append(token.content)
    return "".join(parts).strip()


def _join(*parts: Any) -> str:
    return " ".join(str(part) for part in parts if part)


# Datasets -------------------------------------------------------------------------------------


def _datasets() -> QuerySet[Any]:
    from datacollab.datasets.models import Dataset

    return Dataset.objects.select_related("owner", "collaboration")


def _dataset_entry(dataset: Any) -> Entry:
    collaboration = dataset.collaboration.name if dataset.collaboration else ""
    return Entry(
        title=dataset.title,
        body=plain(dataset.description),
        extra=_join(
            *(dataset.keywords or []),
            *(dataset.themes or []),
            dataset.owner.name,
            collaboration,
            dataset.spatial,
        ),
    )


def _visible_datasets(user: Any) -> QuerySet[Any]:
    from datacollab.datasets.selectors.access import visible_datasets

    return visible_datasets(user)


register(
    Source(
        kind="dataset",
        label=_("Datasets"),
        indexed=_datasets,
        entry=_dataset_entry,
        visible=_visible_datasets,
        url=lambda dataset: reverse("dataset-detail", kwargs={"slug": dataset.slug}),
        stamp="updated_at",
    )
)


# Sessions -------------------------------------------------------------------------------------


def _sessions() -> QuerySet[Any]:
    from datacollab.events.models import Session

    return Session.objects.select_related("cohort").prefetch_related("contributors")


def _session_entry(session: Any) -> Entry:
    return Entry(
        title=session.title,
        body=_join(
            plain(session.description),
            plain(session.reflective_questions),
            plain(session.minutes),
        ),
        extra=_join(
            session.theme,
            session.get_kind_display(),
            session.cohort.name if session.cohort else "",
            session.place,
            *(organisation.name for organisation in session.contributors.all()),
        ),
    )


def _visible_sessions(user: Any) -> QuerySet[Any]:
    from datacollab.events.selectors import visible_sessions

    return visible_sessions(user)


register(
    Source(
        kind="session",
        label=_("Sessions"),
        indexed=_sessions,
        entry=_session_entry,
        visible=_visible_sessions,
        url=lambda session: reverse("session-detail", kwargs={"slug": session.slug}),
        stamp="updated_at",
    )
)


# Learnings and resources ----------------------------------------------------------------------


def _learnings() -> QuerySet[Any]:
    from datacollab.learnings.models import Learning

    return Learning.objects.select_related("cohort", "session", "collaboration").prefetch_related(
        "tags", "contributors"
    )


def _learning_entry(learning: Any) -> Entry:
    return Entry(
        title=learning.title,
        body=plain(learning.body),
        extra=_join(
            *(tag.name for tag in learning.tags.all()),
            *(organisation.name for organisation in learning.contributors.all()),
            learning.session.title if learning.session else "",
            learning.collaboration.name if learning.collaboration else "",
            learning.cohort.name,
            # Its versions in other languages, so a reader finds it in theirs (issue 14).
            *(
                plain(text)
                for texts in (learning.translations or {}).values()
                for text in texts.values()
            ),
        ),
    )


def _visible_learnings(user: Any) -> QuerySet[Any]:
    from datacollab.learnings.selectors import visible_learnings

    return visible_learnings(user)


register(
    Source(
        kind="learning",
        label=_("Learnings"),
        indexed=_learnings,
        entry=_learning_entry,
        visible=_visible_learnings,
        url=lambda learning: reverse("learning-detail", kwargs={"learning_slug": learning.slug}),
        stamp="updated_at",
    )
)


def _resources() -> QuerySet[Any]:
    from datacollab.learnings.models import Resource

    return Resource.objects.select_related("session").prefetch_related("tags")


def _resource_entry(resource: Any) -> Entry:
    return Entry(
        title=resource.title,
        body=plain(resource.description),
        extra=_join(
            resource.get_kind_display(),
            *(tag.name for tag in resource.tags.all()),
            resource.session.title if resource.session else "",
        ),
    )


def _visible_resources(user: Any) -> QuerySet[Any]:
    from datacollab.learnings.selectors import visible_resources

    return visible_resources(user)


register(
    Source(
        kind="resource",
        label=_("Resources"),
        indexed=_resources,
        entry=_resource_entry,
        visible=_visible_resources,
        url=lambda resource: reverse("resource-detail", kwargs={"resource_slug": resource.slug}),
        # Resources have no change time: catching up adds missing entries only.
        stamp="created_at",
    )
)


# Discussion posts -----------------------------------------------------------------------------


def _posts() -> QuerySet[Any]:
    from datacollab.discussion.models import Post

    # A hidden or deleted post has no entry: hiding or deleting it through the service removes it.
    return Post.objects.filter(hidden_at__isnull=True, deleted_at__isnull=True).select_related(
        "thread__channel", "author"
    )


def _post_entry(post: Any) -> Entry:
    return Entry(
        title=post.thread.title,
        body=plain(post.body),
        # The name people go by, never their e-mail address.
        extra=_join(post.author.display_name, post.thread.channel.name),
    )


def _visible_posts(user: Any) -> QuerySet[Any]:
    from datacollab.discussion.selectors import visible_posts

    return visible_posts(user)


def _post_url(post: Any) -> str:
    return reverse("thread-detail", kwargs={"thread_id": post.thread_id}) + f"#post-{post.pk}"


register(
    Source(
        kind="post",
        label=_("Discussion"),
        indexed=_posts,
        entry=_post_entry,
        visible=_visible_posts,
        url=_post_url,
        # Edits are refreshed by the discussion services; catching up adds missing entries.
        stamp="created_at",
    )
)
