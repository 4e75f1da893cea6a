"""Every challenge move is irreversible, so each goes through a confirmation page that states
its consequences with counts (issue 8: no irreversible action is one click)."""

import datetime as dt

import pytest
from django.utils import timezone

from datacollab.challenges.models import Challenge, Judge, JudgeAssignment
from datacollab.core.models import AuditEntry
from tests.challenges.factories_challenges import make_challenge, make_submission, make_team
from tests.factories import make_user
from tests.network.factories_applications import page_errors, page_text

pytestmark = pytest.mark.django_db
Status = Challenge.Status


def _closed_for_entries() -> Challenge:
    """An open challenge past its deadline: two teams, one entry, one judge."""
    challenge = make_challenge(status=Status.OPEN, deadline=timezone.now() - dt.timedelta(hours=1))
    make_submission(make_team(challenge))
    make_team(challenge)
    Judge.objects.create(challenge=challenge, user=make_user())
    return challenge


def test_move_page_states_the_counts_and_moves_nothing(login, convener):
    challenge = _closed_for_entries()

    response = login(convener).get(f"/challenges/{challenge.slug}/manage/move/?to=judging")

    text = page_text(response)
    assert response.status_code == 200
    assert (
        "2 teams have registered. 1 entry can no longer change: judges score it as it is now."
        in text
    )
    assert "1 judge is invited." in text
    assert "A challenge never moves back: this cannot be undone." in text
    challenge.refresh_from_db()
    assert challenge.status == Status.OPEN


def test_move_post_without_confirm_moves_nothing(login, convener):
    challenge = _closed_for_entries()

    response = login(convener).post(f"/challenges/{challenge.slug}/manage/move/", {"to": "judging"})

    assert response.status_code == 400
    assert page_errors(response) == ["Confirm on the confirmation page to go ahead."]
    challenge.refresh_from_db()
    assert challenge.status == Status.OPEN


def test_move_post_with_confirm_moves_and_audits(login, convener):
    challenge = _closed_for_entries()

    response = login(convener).post(
        f"/challenges/{challenge.slug}/manage/move/", {"to": "judging", "confirm": "1"}
    )

    assert (response.status_code, response.url) == (302, f"/challenges/{challenge.slug}/manage/")
    challenge.refresh_from_db()
    assert challenge.status == Status.JUDGING
    assert AuditEntry.objects.filter(action="challenge.judging_started").count() == 1


def test_results_page_counts_the_entries_whose_ranking_is_published(login, convener):
    challenge = make_challenge(status=Status.JUDGING)
    for _ in range(3):
        JudgeAssignment.objects.create(
            submission=make_submission(make_team(challenge)),
            judge=make_user(),
            scored_at=timezone.now(),
            weighted_score=3,
        )

    response = login(convener).get(f"/challenges/{challenge.slug}/manage/move/?to=results")

    assert (
        "The ranking and the scores of 3 entries are published on the challenge's public page."
        in page_text(response)
    )


def test_move_page_of_a_refused_move_goes_back_with_the_reason(login, convener):
    challenge = make_challenge(status=Status.OPEN)  # deadline a week away

    response = login(convener).get(
        f"/challenges/{challenge.slug}/manage/move/?to=judging", follow=True
    )

    assert response.redirect_chain == [(f"/challenges/{challenge.slug}/manage/", 302)]
    assert (
        "Judging starts after the submission deadline, when no entry can change any more."
        in page_text(response)
    )


def test_move_page_by_a_non_convener_is_403(login):
    challenge = _closed_for_entries()

    response = login(make_user()).get(f"/challenges/{challenge.slug}/manage/move/?to=judging")

    assert response.status_code == 403
