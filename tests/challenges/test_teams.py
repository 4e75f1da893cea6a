import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from datacollab.challenges.models import Challenge, Submission, SubmissionFile
from datacollab.challenges.services import teams
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.datasets.models.dataset import Spectrum
from tests.challenges.factories_challenges import make_challenge, make_submission, make_team
from tests.factories import make_user
from tests.factories_data import make_dataset

pytestmark = pytest.mark.django_db


def _past_deadline() -> Challenge:
    now = timezone.now()
    return make_challenge(
        opens_at=now - dt.timedelta(days=9),
        deadline=now - dt.timedelta(seconds=1),
        results_at=now + dt.timedelta(days=3),
    )


def test_register_team_with_existing_accounts():
    challenge = make_challenge()
    me, friend = make_user(), make_user(email="friend@example.org")

    team = teams.register_team(
        actor=me, challenge=challenge, name="Gap finders", member_emails=["Friend@example.org"]
    )

    assert sorted(team.members.values_list("pk", flat=True)) == sorted([me.pk, friend.pk])


def test_register_team_refuses_unknown_email():
    with pytest.raises(DomainError) as exc:
        teams.register_team(
            actor=make_user(),
            challenge=make_challenge(),
            name="T",
            member_emails=["nobody@example.org"],
        )

    assert exc.value.field == "members"


def test_register_team_refuses_someone_already_in_a_team():
    challenge = make_challenge()
    me = make_user()
    make_team(challenge, members=[me])

    with pytest.raises(Conflict):
        teams.register_team(actor=me, challenge=challenge, name="Second")


def test_register_team_refused_after_deadline():
    with pytest.raises(Conflict):
        teams.register_team(actor=make_user(), challenge=_past_deadline(), name="Late")


def test_register_team_refused_on_a_draft():
    challenge = make_challenge(status=Challenge.Status.DRAFT)

    with pytest.raises(Conflict):
        teams.register_team(actor=make_user(), challenge=challenge, name="Early")


def _save(team, actor, **overrides):
    values = {
        "actor": actor,
        "team": team,
        "title": "Learning gaps",
        "summary": "A map of the gaps.",
        "link": "https://example.org/gaps",
        "datasets": list(team.challenge.datasets.all()),
    }
    return teams.save_submission(**{**values, **overrides})


def test_save_submission_then_edit_keeps_one_entry():
    team = make_team(make_challenge())
    member = team.members.get()
    _save(team, member)

    _save(team, member, title="Learning gaps, v2")

    assert list(Submission.objects.values_list("title", flat=True)) == ["Learning gaps, v2"]


def test_save_submission_refuses_non_member():
    team = make_team(make_challenge())

    with pytest.raises(NotAllowed):
        _save(team, make_user())


def test_save_submission_refuses_javascript_link():
    team = make_team(make_challenge())

    with pytest.raises(DomainError) as exc:
        _save(team, team.members.get(), link="javascript:alert(1)")

    assert exc.value.field == "link"


def test_save_submission_refuses_dataset_outside_the_challenge():
    team = make_team(make_challenge())
    other = make_dataset(spectrum=Spectrum.OPEN)

    with pytest.raises(DomainError) as exc:
        _save(team, team.members.get(), datasets=[other])

    assert exc.value.field == "datasets"


def test_save_submission_refused_after_deadline():
    challenge = _past_deadline()
    team = make_team(challenge)
    make_submission(team, title="Before")

    with pytest.raises(Conflict):
        _save(team, team.members.get(), title="After")

    assert Submission.objects.get().title == "Before"


def test_save_submission_stores_a_checked_file():
    team = make_team(make_challenge())
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.7 content", content_type="application/pdf")

    _save(team, team.members.get(), files=[upload])

    stored = SubmissionFile.objects.get()
    assert (stored.name, stored.file.name.startswith("private/challenges/")) == (
        "report.pdf",
        True,
    )


def test_save_submission_refuses_file_whose_bytes_lie():
    team = make_team(make_challenge())
    upload = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf")

    with pytest.raises(DomainError):
        _save(team, team.members.get(), files=[upload])

    assert Submission.objects.count() == 0
