"""Reads of learnings and resources. `visible_learnings` and `visible_resources` are THE
visibility rule: pages, feeds, search, reports and exports all start from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from datacollab.core.errors import NotFound
from datacollab.events.models import Session, SessionKind
from datacollab.events.selectors import visible_sessions
from datacollab.learnings.models import Learning, Resource, Tag, Visibility
from datacollab.network.models import Cohort
from datacollab.network.selectors.participation import cohort_ids_of
from datacollab.organisations.models import Organisation
from datacollab.organisations.rules import is_convener


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def visible_learnings(user: Any) -> QuerySet[Learning]:
    """Published public ones for anyone; published cohort-only ones for that cohort's
    participants and alumni; drafts for their author and the credited organisations' members;
    everything for conveners."""
    learnings = Learning.objects.all()
    if is_convener(user):
        return learnings
    published = Q(status=Learning.Status.PUBLISHED)
    public = published & Q(visibility=Visibility.PUBLIC)
    if not _authenticated(user):
        return learnings.filter(public)
    credited = Learning.objects.filter(contributors__memberships__user=user).values("pk")
    return learnings.filter(
        public
        | (published & Q(visibility=Visibility.COHORT, cohort_id__in=cohort_ids_of(user)))
        | (Q(status=Learning.Status.DRAFT) & (Q(author=user) | Q(pk__in=credited)))
    )


def visible_resources(user: Any) -> QuerySet[Resource]:
    """Public ones for anyone; cohort-only ones for that cohort's participants and alumni, and
    conveners."""
    resources = Resource.objects.all()
    if is_convener(user):
        return resources
    public = Q(visibility=Visibility.PUBLIC)
    if not _authenticated(user):
        return resources.filter(public)
    return resources.filter(
        public | Q(visibility=Visibility.COHORT, cohort_id__in=cohort_ids_of(user))
    )


# Pages


def learning_for(user: Any, slug: str) -> Learning:
    """One learning the person may read; the same answer for a missing and a hidden one, so
    that neither its existence nor its title leaks."""
    learning = (
        visible_learnings(user)
        .select_related("cohort", "session", "collaboration", "author")
        .prefetch_related("tags", "contributors")
        .filter(slug=slug)
        .first()
    )
    if learning is None:
        raise NotFound(
            _(
                "There is no learning at this address that you may read: it may be a draft, "
                "or shared only with its cohort's participants."
            )
        )
    return learning


def resource_for(user: Any, slug: str) -> Resource:
    resource = (
        visible_resources(user)
        .select_related("cohort", "session", "added_by")
        .prefetch_related("tags")
        .filter(slug=slug)
        .first()
    )
    if resource is None:
        raise NotFound(
            _(
                "There is no resource at this address that you may see: it may be shared only "
                "with a cohort's participants."
            )
        )
    return resource


@dataclass(frozen=True)
class Filters:
    theme: str = ""
    tag: str = ""
    cohort: str = ""
    session: str = ""
    kind: str = ""


def learning_list(user: Any, filters: Filters) -> QuerySet[Learning]:
    rows = visible_learnings(user)
    if filters.theme:
        rows = rows.filter(tags__slug=filters.theme, tags__is_theme=True)
    if filters.tag:
        rows = rows.filter(tags__slug=filters.tag)
    if filters.cohort:
        rows = rows.filter(cohort__slug=filters.cohort)
    if filters.session:
        rows = rows.filter(session__slug=filters.session)
    return rows.select_related("cohort", "session", "author").prefetch_related(
        "tags", "contributors"
    )


def resource_list(user: Any, filters: Filters) -> QuerySet[Resource]:
    rows = visible_resources(user)
    if filters.theme:
        rows = rows.filter(tags__slug=filters.theme, tags__is_theme=True)
    if filters.tag:
        rows = rows.filter(tags__slug=filters.tag)
    if filters.cohort:
        rows = rows.filter(cohort__slug=filters.cohort)
    if filters.session:
        rows = rows.filter(session__slug=filters.session)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    return rows.select_related("cohort", "session").prefetch_related("tags")


def tags_in_use() -> QuerySet[Tag]:
    """Themes always; custom tags once something carries them."""
    return Tag.objects.filter(
        Q(is_theme=True) | Q(learnings__isnull=False) | Q(resources__isnull=False)
    ).distinct()


def writable_cohorts(user: Any) -> QuerySet[Cohort]:
    """Cohorts the person may write learnings and add resources for."""
    if is_convener(user):
        return Cohort.objects.all()
    return Cohort.objects.filter(pk__in=cohort_ids_of(user))


def linkable_sessions(user: Any) -> QuerySet[Session]:
    """Sessions the person may see, of those cohorts or network-wide and alumni ones."""
    sessions = visible_sessions(user).exclude(kind=SessionKind.ONE_TO_ONE)
    if is_convener(user):
        return sessions.order_by("-starts_at")
    return sessions.filter(Q(cohort__isnull=True) | Q(cohort_id__in=cohort_ids_of(user))).order_by(
        "-starts_at"
    )


def session_title(user: Any, slug: str) -> str:
    """The title of a session the person may see (for a list filtered by it), else ""."""
    if not slug:
        return ""
    return visible_sessions(user).filter(slug=slug).values_list("title", flat=True).first() or ""


def creditable_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations of those cohorts."""
    cohorts = writable_cohorts(user)
    return (
        Organisation.objects.filter(cohort_memberships__cohort__in=cohorts)
        .distinct()
        .order_by("name")
    )
