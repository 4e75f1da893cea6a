import pytest

from datacollab.challenges.models import Challenge, JudgeAssignment
from datacollab.challenges.selectors import conflict_pairs, ranking
from datacollab.demo.builder import load_demo
from datacollab.demo.challenges import SLUG
from datacollab.impact.models import ImpactStory

pytestmark = pytest.mark.django_db


def test_demo_challenge_is_judged_and_published_twice_over():
    load_demo()
    load_demo()  # a reload keeps the challenge, never doubles it

    challenge = Challenge.objects.get(slug=SLUG)
    rows = ranking(challenge)
    assert challenge.status == Challenge.Status.RESULTS
    assert [r.judged for r in rows] == [2, 2, 2]
    assert all(r.score is not None for r in rows)
    assert JudgeAssignment.objects.filter(submission__team__challenge=challenge).count() == 6
    pairs = conflict_pairs(challenge)
    assert not any(
        (a.judge_id, a.submission.team_id) in pairs
        for a in JudgeAssignment.objects.filter(submission__team__challenge=challenge)
    )
    assert ImpactStory.objects.filter(link__contains=f"/challenges/{SLUG}/").count() == 3
