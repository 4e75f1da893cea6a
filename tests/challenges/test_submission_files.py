"""A submission's files: a guarded download, never sniffed nor cached, 404 for outsiders."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from datacollab.challenges.models import SubmissionFile
from datacollab.challenges.services import teams
from tests.challenges.factories_challenges import make_challenge, make_team
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 our entry"


def _uploaded():
    team = make_team(make_challenge())
    member = team.members.get()
    submission = teams.save_submission(
        actor=member,
        team=team,
        title="Learning gaps",
        summary="A map of the gaps.",
        link="https://example.org/gaps",
        datasets=list(team.challenge.datasets.all()),
        files=[SimpleUploadedFile("Entrée finale.pdf", PDF, content_type="text/html")],
    )
    stored = SubmissionFile.objects.get()
    url = reverse("challenge-file", args=[team.challenge.slug, submission.pk, stored.pk])
    return member, url


def test_submission_file_is_a_download_for_its_team_never_sniffed_nor_cached(login):
    member, url = _uploaded()

    response = login(member).get(url)

    assert (
        response.status_code,
        response["Content-Type"],
        response["Content-Disposition"],
        response["X-Content-Type-Options"],
        response["Cache-Control"],
        b"".join(response.streaming_content),
    ) == (
        200,
        "application/pdf",
        "attachment; filename*=utf-8''Entr%C3%A9e_finale.pdf",
        "nosniff",
        "private, no-store",
        PDF,
    )


def test_submission_file_is_not_found_for_an_outsider_before_results(login):
    _member, url = _uploaded()

    statuses = [Client().get(url).status_code, login(make_user()).get(url).status_code]

    assert statuses == [404, 404]
