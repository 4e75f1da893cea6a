import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from datacollab.challenges.models import Challenge, JudgeAssignment
from datacollab.challenges.services import lifecycle
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.datasets.models.dataset import Spectrum
from datacollab.impact.models import ImpactStory
from tests.challenges.factories_challenges import make_challenge, make_submission, make_team
from tests.factories import make_user
from tests.factories_data import make_dataset

pytestmark = pytest.mark.django_db
Status = Challenge.Status


def _create(convener, **overrides):
    now = timezone.now()
    values = {
        "actor": convener,
        "title": "Covid-19 and online learning",
        "opens_at": now,
        "deadline": now + dt.timedelta(days=30),
        "results_at": now + dt.timedelta(days=45),
        "datasets": [make_dataset(spectrum=Spectrum.OPEN)],
    }
    return lifecycle.create_challenge(**{**values, **overrides})


def test_create_challenge_starts_as_draft_and_is_audited(convener):
    challenge = _create(convener)

    assert (challenge.status, challenge.slug) == (Status.DRAFT, "covid-19-and-online-learning")
    assert AuditEntry.objects.filter(action="challenge.created").count() == 1


def test_create_challenge_refused_to_non_convener():
    with pytest.raises(NotAllowed):
        _create(make_user())


def test_create_challenge_refuses_non_open_dataset(convener):
    closed = make_dataset(spectrum=Spectrum.NAMED, title="Pupil records")

    with pytest.raises(DomainError) as exc:
        _create(convener, datasets=[closed])

    assert exc.value.field == "datasets"


def test_create_challenge_refuses_results_before_deadline(convener):
    now = timezone.now()

    with pytest.raises(DomainError) as exc:
        _create(convener, results_at=now + dt.timedelta(days=1))

    assert exc.value.field == "results_at"


def test_create_challenge_refuses_bad_scale_with_call_rules(convener):
    with pytest.raises(DomainError) as exc:
        _create(convener, score_min=5, score_max=5)

    assert exc.value.field == "score_max"


def test_open_refused_without_rubric(convener):
    challenge = _create(convener)

    with pytest.raises(Conflict):
        lifecycle.move(actor=convener, challenge=challenge, to=Status.OPEN)


def test_open_after_rubric_is_audited(convener):
    challenge = _create(convener)
    lifecycle.add_criterion(actor=convener, challenge=challenge, name="Insight", weight=Decimal(1))

    lifecycle.move(actor=convener, challenge=challenge, to=Status.OPEN)

    challenge.refresh_from_db()
    assert challenge.status == Status.OPEN
    assert AuditEntry.objects.filter(action="challenge.opened").count() == 1


def test_add_criterion_refused_once_open(convener):
    challenge = make_challenge(status=Status.OPEN)

    with pytest.raises(Conflict):
        lifecycle.add_criterion(actor=convener, challenge=challenge, name="X", weight=Decimal(1))


@pytest.mark.parametrize(
    ("status", "to"),
    [
        (Status.DRAFT, Status.JUDGING),
        (Status.DRAFT, Status.RESULTS),
        (Status.OPEN, Status.RESULTS),
        (Status.OPEN, Status.DRAFT),
        (Status.JUDGING, Status.OPEN),
        (Status.RESULTS, Status.JUDGING),
        (Status.RESULTS, Status.OPEN),
    ],
)
def test_move_refuses_moves_not_in_the_machine(convener, status, to):
    challenge = make_challenge(status=status)

    with pytest.raises(Conflict):
        lifecycle.move(actor=convener, challenge=challenge, to=to)

    challenge.refresh_from_db()
    assert challenge.status == status


def test_judging_refused_before_deadline(convener):
    challenge = make_challenge(status=Status.OPEN)

    with pytest.raises(Conflict):
        lifecycle.move(actor=convener, challenge=challenge, to=Status.JUDGING)


def test_judging_starts_after_deadline(convener):
    now = timezone.now()
    challenge = make_challenge(
        status=Status.OPEN,
        opens_at=now - dt.timedelta(days=9),
        deadline=now - dt.timedelta(minutes=1),
        results_at=now + dt.timedelta(days=3),
    )

    lifecycle.move(actor=convener, challenge=challenge, to=Status.JUDGING)

    challenge.refresh_from_db()
    assert challenge.status == Status.JUDGING


def test_results_refused_with_unscored_assignment(convener):
    challenge = make_challenge(status=Status.JUDGING)
    submission = make_submission(make_team(challenge))
    JudgeAssignment.objects.create(submission=submission, judge=make_user())

    with pytest.raises(Conflict):
        lifecycle.move(actor=convener, challenge=challenge, to=Status.RESULTS)


def test_results_record_an_impact_story_per_dataset_used(convener):
    challenge = make_challenge(status=Status.JUDGING)
    submission = make_submission(make_team(challenge), title="Learning gaps map")
    JudgeAssignment.objects.create(
        submission=submission, judge=make_user(), scored_at=timezone.now(), weighted_score=4
    )

    lifecycle.move(actor=convener, challenge=challenge, to=Status.RESULTS)

    story = ImpactStory.objects.get()
    assert (story.dataset, story.status, story.author) == (
        challenge.datasets.get(),
        ImpactStory.Status.PENDING,
        submission.team.created_by,
    )
    assert story.link.endswith(f"/challenges/{challenge.slug}/submissions/{submission.pk}/")


def test_move_refused_to_non_convener():
    challenge = make_challenge(status=Status.DRAFT)

    with pytest.raises(NotAllowed):
        lifecycle.move(actor=make_user(roles=["reviewer"]), challenge=challenge, to=Status.OPEN)

    challenge.refresh_from_db()
    assert challenge.status == Status.DRAFT
