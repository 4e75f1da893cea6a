"""Impact on other apps' pages, through template tags so those apps need not import this one:
stories on a dataset's page, and the stories section of a cohort's output report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from datacollab.datasets.models import Dataset, Spectrum
from datacollab.datasets.rules import data_access
from datacollab.impact import rules
from datacollab.impact.models import ImpactStory
from datacollab.impact.selectors.stories import cohort_stories, published_stories
from datacollab.network.models import Cohort

register = template.Library()


@register.inclusion_tag("impact/_dataset_impact.html", takes_context=True)
def dataset_impact(context: dict[str, Any], dataset: Dataset) -> dict[str, Any]:
    """Published stories, a way to add one, and (for those allowed) figures and moderation."""
    user = context["request"].user
    moderates = rules.can_moderate_stories(user, dataset)
    return {
        "dataset": dataset,
        "stories": list(published_stories(dataset)),
        "can_tell": data_access(user, dataset).allowed,
        "shows_figures": dataset.spectrum == Spectrum.OPEN
        or rules.sees_dataset_in_full(user, dataset),
        "moderates": moderates,
        "pending": (
            ImpactStory.objects.filter(dataset=dataset, status=ImpactStory.Status.PENDING).count()
            if moderates
            else 0
        ),
    }


@register.inclusion_tag("impact/_report_stories.html")
def cohort_impact_stories(cohort: Cohort, as_of: dt.datetime) -> dict[str, Any]:
    return {"stories": cohort_stories(cohort, as_of=as_of)}
