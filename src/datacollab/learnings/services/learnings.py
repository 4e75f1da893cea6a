"""Every write to a learning: write a draft, revise it, publish it, take it back to draft."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from datacollab.collaborations.models import DataCollaboration
from datacollab.core import audit
from datacollab.core.content_language import check_language, reader_language
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.events.models import Session
from datacollab.learnings import rules
from datacollab.learnings.models import Learning, Tag, Visibility
from datacollab.learnings.services.tags import resolve_tags
from datacollab.network.models import Cohort, CohortMembership
from datacollab.organisations.models import Organisation
from datacollab.search import index

MAX_BODY = 10_000
MAX_TITLE = 200
# Path words under /learnings/ a learning's slug must not take.
RESERVED_SLUGS = {"new"}


def unique_slug(model: Any, title: str, fallback: str) -> str:
    base = slugify(title)[:100].strip("-") or fallback
    if base in RESERVED_SLUGS:
        base = f"{base}-{fallback}"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _text(value: str, *, field: str, limit: int, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(missing, field=field)
    if len(value) > limit:
        raise DomainError(
            _("Keep it under %(n)d characters (it has %(len)d).") % {"n": limit, "len": len(value)},
            field=field,
        )
    return value


def _check_links(
    *,
    cohort: Cohort,
    session: Session | None,
    contributors: Sequence[Organisation],
    visibility: str,
) -> None:
    if visibility not in Visibility.values:
        raise DomainError(
            _("Choose who may read it: the cohort only, or anyone."), field="visibility"
        )
    if session is not None and session.cohort_id not in (None, cohort.pk):
        raise DomainError(
            _("“%(session)s” is a session of another cohort: choose one of %(cohort)s's.")
            % {"session": session.title, "cohort": cohort.name},
            field="session",
        )
    members = set(
        CohortMembership.objects.filter(cohort=cohort).values_list("organisation_id", flat=True)
    )
    strangers = sorted(o.name for o in contributors if o.pk not in members)
    if strangers:
        raise DomainError(
            _("%(orgs)s did not take part in %(cohort)s: credit only its organisations.")
            % {"orgs": ", ".join(strangers), "cohort": cohort.name},
            field="contributors",
        )


def _require_writer(actor: Any, cohort: Cohort) -> None:
    if not rules.writes_for(actor, cohort):
        raise NotAllowed(
            _("Only participants of %(cohort)s and conveners can write its learnings.")
            % {"cohort": cohort.name}
        )


@transaction.atomic
def create_learning(
    *,
    actor: Any,
    cohort: Cohort,
    title: str,
    body: str,
    session: Session | None = None,
    collaboration: DataCollaboration | None = None,
    themes: Sequence[Tag] = (),
    custom_tags: Sequence[str] = (),
    contributors: Sequence[Organisation] = (),
    visibility: str = Visibility.COHORT,
    language: str | None = None,
) -> Learning:
    """A draft learning of `cohort`, by `actor`; publishing it is a separate step."""
    _require_writer(actor, cohort)
    title = _text(title, field="title", limit=MAX_TITLE, missing=_("Give the learning a title."))
    body = _text(body, field="body", limit=MAX_BODY, missing=_("Write the insight itself."))
    _check_links(cohort=cohort, session=session, contributors=contributors, visibility=visibility)
    tags = resolve_tags(themes=themes, custom=custom_tags)
    learning = Learning.objects.create(
        language=check_language(language or reader_language()),
        slug=unique_slug(Learning, title, "learning"),
        title=title,
        body=body,
        cohort=cohort,
        session=session,
        collaboration=collaboration,
        visibility=visibility,
        status=Learning.Status.DRAFT,
        author=actor,
    )
    learning.tags.set(tags)
    learning.contributors.set(contributors)
    _refresh_search(learning)
    return learning


def _locked(learning: Learning) -> Learning:
    return Learning.objects.select_for_update().select_related("cohort").get(pk=learning.pk)


@transaction.atomic
def update_learning(
    *,
    actor: Any,
    learning: Learning,
    cohort: Cohort,
    title: str,
    body: str,
    session: Session | None = None,
    collaboration: DataCollaboration | None = None,
    themes: Sequence[Tag] = (),
    custom_tags: Sequence[str] = (),
    contributors: Sequence[Organisation] = (),
    visibility: str = Visibility.COHORT,
    language: str | None = None,
) -> Learning:
    learning = _locked(learning)
    if not rules.may_edit_learning(actor, learning):
        raise NotAllowed(_("Only its author and conveners can edit this learning."))
    if cohort.pk != learning.cohort_id:
        _require_writer(actor, cohort)
    title = _text(title, field="title", limit=MAX_TITLE, missing=_("Give the learning a title."))
    body = _text(body, field="body", limit=MAX_BODY, missing=_("Write the insight itself."))
    _check_links(cohort=cohort, session=session, contributors=contributors, visibility=visibility)
    tags = resolve_tags(themes=themes, custom=custom_tags)
    widened = (
        learning.status == Learning.Status.PUBLISHED
        and learning.visibility != visibility
        and visibility == Visibility.PUBLIC
    )
    learning.title = title
    learning.body = body
    learning.cohort = cohort
    learning.session = session
    learning.collaboration = collaboration
    learning.visibility = visibility
    if language is not None:
        language = check_language(language)
        if language != learning.language and language in (learning.translations or {}):
            # That version would never be shown again; the author removes it knowingly.
            raise Conflict(
                _(
                    "The learning has a version in that language already: empty it on its "
                    "page first, or keep the language as it is."
                ),
                field="language",
            )
        learning.language = language
    learning.save()
    learning.tags.set(tags)
    learning.contributors.set(contributors)
    if widened:
        # Making a published learning public is a publication in its own right.
        audit.record(
            action="learning.made_public",
            actor=actor,
            obj=learning,
            details={"cohort": cohort.slug, "slug": learning.slug},
        )
    _refresh_search(learning)
    return learning


@transaction.atomic
def publish_learning(*, actor: Any, learning: Learning) -> Learning:
    """Draft → published: readable by its cohort, or by anyone when public."""
    learning = _locked(learning)
    if not rules.may_publish_learning(actor, learning):
        raise NotAllowed(
            _("Only its author, while a participant of %(cohort)s, and conveners can publish it.")
            % {"cohort": learning.cohort.name}
        )
    if learning.status == Learning.Status.PUBLISHED:
        raise Conflict(_("This learning is already published."))
    learning.status = Learning.Status.PUBLISHED
    learning.published_at = timezone.now()
    learning.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(
        action="learning.published",
        actor=actor,
        obj=learning,
        details={
            "cohort": learning.cohort.slug,
            "slug": learning.slug,
            "visibility": learning.visibility,
            "contributors": sorted(learning.contributors.values_list("slug", flat=True)),
        },
    )
    _refresh_search(learning)
    return learning


@transaction.atomic
def unpublish_learning(*, actor: Any, learning: Learning) -> Learning:
    """Published → draft: readable again only by its author, credited members and conveners."""
    learning = _locked(learning)
    if not rules.may_edit_learning(actor, learning):
        raise NotAllowed(_("Only its author and conveners can take a learning back to draft."))
    if learning.status == Learning.Status.DRAFT:
        raise Conflict(_("This learning is a draft already."))
    learning.status = Learning.Status.DRAFT
    learning.published_at = None
    learning.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(
        action="learning.unpublished",
        actor=actor,
        obj=learning,
        details={"cohort": learning.cohort.slug, "slug": learning.slug},
    )
    _refresh_search(learning)
    return learning


def _refresh_search(learning: Learning) -> None:
    """Keep the search entry in step, once the change is committed."""
    pk = learning.pk
    transaction.on_commit(lambda: index.refresh("learning", pk))
