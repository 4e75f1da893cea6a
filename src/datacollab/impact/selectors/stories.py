"""Reads of impact stories: what a dataset page, a moderation page and a report show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from datacollab.core.errors import NotFound
from datacollab.datasets.models import Dataset, Spectrum
from datacollab.impact import rules
from datacollab.impact.models import ImpactStory
from datacollab.network.models import Application, Cohort, CohortMembership

PUBLISHED = ImpactStory.Status.PUBLISHED


def published_stories(dataset: Dataset) -> QuerySet[ImpactStory]:
    return (
        ImpactStory.objects.filter(dataset=dataset, status=PUBLISHED)
        .select_related("author")
        .order_by("-decided_at", "-pk")
    )


def stories_to_moderate(actor: Any, dataset: Dataset) -> QuerySet[ImpactStory]:
    """Every story of the dataset, pending first; only for its owner (404 otherwise)."""
    if not rules.can_moderate_stories(actor, dataset):
        raise NotFound(_("There is no such story."))
    return (
        ImpactStory.objects.filter(dataset=dataset)
        .select_related("author")
        .order_by("status", "-submitted_at", "-pk")
    )


def story_of(dataset: Dataset, pk: int) -> ImpactStory:
    story = ImpactStory.objects.filter(dataset=dataset, pk=pk).first()
    if story is None:
        raise NotFound(_("There is no such story."))
    return story


def cohort_datasets(cohort: Cohort) -> QuerySet[Dataset]:
    """Datasets of the cohort's collaborations: those its selected applications named, and
    those led by its member organisations (most cohorts record the organisation only)."""
    applied = Application.objects.filter(
        call__cohort=cohort,
        status=Application.Status.SUBMITTED,
        decision=Application.Decision.SELECTED,
        collaboration__isnull=False,
    ).values("collaboration_id")
    led = CohortMembership.objects.filter(cohort=cohort).values("organisation_id")
    return Dataset.objects.filter(
        Q(collaboration_id__in=applied) | Q(collaboration__lead_id__in=led)
    )


def cohort_stories(cohort: Cohort, *, as_of: dt.datetime) -> list[ImpactStory]:
    """Published stories of the cohort's datasets by `as_of`, for the public output report.

    The report is public: only stories of open datasets, which anyone may see, are listed."""
    return list(
        ImpactStory.objects.filter(
            dataset__in=cohort_datasets(cohort).filter(spectrum=Spectrum.OPEN),
            status=PUBLISHED,
            decided_at__lte=as_of,
        )
        .select_related("dataset", "author")
        .order_by("dataset__title", "dataset_id", "decided_at", "pk")
    )
