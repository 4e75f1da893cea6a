"""A published submission is a use of the datasets it names: it becomes an impact story.

The story waits for the dataset owner's moderation like any other (impact/services/stories.py
owns that life); it links the public showcase, so the owner can check the claim.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from datacollab.challenges.models import Challenge, Submission
from datacollab.impact.models import ImpactStory
from datacollab.impact.services.stories import SENTENCE_MAX


def record_uses(*, challenge: Challenge) -> int:
    """One pending story per (submission, dataset used); run inside `move`'s transaction."""
    stories = []
    submissions = Submission.objects.filter(team__challenge=challenge).select_related("team")
    for submission in submissions.prefetch_related("datasets"):
        link = settings.SITE_URL + reverse(
            "challenge-submission", kwargs={"slug": challenge.slug, "pk": submission.pk}
        )
        sentence = _("Entry to the challenge “%(challenge)s”: %(title)s") % {
            "challenge": challenge.title,
            "title": submission.title,
        }
        for dataset in submission.datasets.all():
            stories.append(
                ImpactStory(
                    dataset=dataset,
                    author=submission.team.created_by,
                    sentence=sentence[:SENTENCE_MAX],
                    link=link,
                )
            )
    ImpactStory.objects.bulk_create(stories)
    return len(stories)
