import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from datacollab.challenges.models import Challenge, Judge, JudgeAssignment, Submission, Team
from tests.challenges.factories_challenges import make_challenge, make_submission, make_team
from tests.factories import make_user

pytestmark = pytest.mark.django_db
Status = Challenge.Status


def test_list_hides_drafts_from_the_public():
    make_challenge(title="Broadband usage", status=Status.OPEN)
    make_challenge(title="Secret draft", status=Status.DRAFT)

    response = Client().get("/challenges/")

    assert response.status_code == 200
    assert (b"Broadband usage" in response.content, b"Secret draft" in response.content) == (
        True,
        False,
    )


def test_list_query_count_does_not_grow_with_challenges():
    for _ in range(5):
        make_team(make_challenge())
    client = Client()
    client.get("/challenges/")
    with CaptureQueriesContext(connection) as few:
        client.get("/challenges/")
    for _ in range(5):
        make_team(make_challenge())

    with CaptureQueriesContext(connection) as many:
        client.get("/challenges/")

    assert len(many) == len(few)


def test_draft_page_is_404_to_the_public():
    challenge = make_challenge(status=Status.DRAFT)

    assert Client().get(f"/challenges/{challenge.slug}/").status_code == 404


def test_detail_renders_rules_markdown_sanitised():
    challenge = make_challenge(rules="**Open** data only <script>alert(1)</script>")

    response = Client().get(f"/challenges/{challenge.slug}/")

    assert response.status_code == 200
    assert b"<strong>Open</strong>" in response.content
    assert b"<script>alert(1)" not in response.content


def test_convener_creates_challenge_through_the_page(login, convener):
    challenge = make_challenge()  # only for an open dataset
    dataset = challenge.datasets.get()

    response = login(convener).post(
        "/challenges/new/",
        {
            "title": "Broadband usage",
            "opens_at": "2027-01-01T09:00",
            "deadline": "2027-02-01T09:00",
            "results_at": "2027-03-01T09:00",
            "datasets": [dataset.pk],
            "score_min": 1,
            "score_max": 5,
            "judges_per_submission": 2,
        },
    )

    assert response.status_code == 302
    assert Challenge.objects.get(slug="broadband-usage").status == Status.DRAFT


def test_new_challenge_page_refused_to_participant(login):
    assert login(make_user(roles=["participant"])).get("/challenges/new/").status_code == 403


def test_team_then_entry_through_the_pages(login):
    challenge = make_challenge()
    me = make_user()
    client = login(me)

    client.post(f"/challenges/{challenge.slug}/teams/new/", {"name": "Solo", "members": ""})
    response = client.post(
        f"/challenges/{challenge.slug}/entry/",
        {
            "title": "My map",
            "summary": "A map.",
            "link": "https://example.org/map",
            "datasets": [challenge.datasets.get().pk],
        },
    )

    assert response.status_code == 302
    assert Submission.objects.get().team == Team.objects.get(members=me)


def test_entry_post_after_deadline_is_409_and_changes_nothing(login):
    now = timezone.now()
    challenge = make_challenge(
        opens_at=now - dt.timedelta(days=9),
        deadline=now - dt.timedelta(seconds=1),
        results_at=now + dt.timedelta(days=3),
    )
    team = make_team(challenge)
    make_submission(team, title="Before")

    response = login(team.members.get()).post(
        f"/challenges/{challenge.slug}/entry/",
        {"title": "After", "summary": "x", "datasets": [challenge.datasets.get().pk]},
    )

    assert response.status_code == 409
    assert Submission.objects.get().title == "Before"


def test_submission_hidden_before_results_and_public_after():
    challenge = make_challenge(status=Status.JUDGING)
    submission = make_submission(make_team(challenge))
    url = f"/challenges/{challenge.slug}/submissions/{submission.pk}/"
    before = Client().get(url).status_code
    Challenge.objects.filter(pk=challenge.pk).update(status=Status.RESULTS)

    after = Client().get(url)

    assert (before, after.status_code) == (404, 200)
    assert challenge.datasets.get().title.encode() in after.content


def test_results_page_404_before_publication():
    challenge = make_challenge(status=Status.JUDGING)

    assert Client().get(f"/challenges/{challenge.slug}/results/").status_code == 404


def test_results_page_query_count_does_not_grow_with_submissions():
    challenge = make_challenge(status=Status.RESULTS)
    for _ in range(3):
        make_submission(make_team(challenge))
    client = Client()
    url = f"/challenges/{challenge.slug}/results/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        make_submission(make_team(challenge))

    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)


def test_judge_scores_through_the_page(login):
    challenge = make_challenge(status=Status.JUDGING)
    judge = make_user(roles=["reviewer"])
    Judge.objects.create(challenge=challenge, user=judge)
    assignment = JudgeAssignment.objects.create(
        submission=make_submission(make_team(challenge)), judge=judge
    )
    use, clarity = challenge.criteria.all()

    response = login(judge).post(
        f"/challenges/judging/{assignment.pk}/",
        {f"score_{use.pk}": "4", f"score_{clarity.pk}": "1", "comment": "Good"},
    )

    assignment.refresh_from_db()
    assert (response.status_code, str(assignment.weighted_score)) == (302, "3.000")


def test_score_page_of_someone_else_is_404(login):
    challenge = make_challenge(status=Status.JUDGING)
    assignment = JudgeAssignment.objects.create(
        submission=make_submission(make_team(challenge)), judge=make_user()
    )

    assert login(make_user()).get(f"/challenges/judging/{assignment.pk}/").status_code == 404


def test_manage_shows_only_allowed_moves(login, convener):
    challenge = make_challenge(status=Status.OPEN)

    response = login(convener).get(f"/challenges/{challenge.slug}/manage/")

    assert response.status_code == 200
    assert b'value="judging"' in response.content
    assert b'value="results"' not in response.content


def test_assigned_judge_reads_entry_before_results_and_others_do_not(login):
    challenge = make_challenge(status=Status.JUDGING)
    submission = make_submission(make_team(challenge))
    judge = make_user()
    JudgeAssignment.objects.create(submission=submission, judge=judge)
    url = f"/challenges/{challenge.slug}/submissions/{submission.pk}/"

    assert (login(judge).get(url).status_code, login(make_user()).get(url).status_code) == (
        200,
        404,
    )


def test_entry_page_uploads_a_file_and_the_team_downloads_it(login):
    challenge = make_challenge()
    team = make_team(challenge)
    client = login(team.members.get())
    client.post(
        f"/challenges/{challenge.slug}/entry/",
        {
            "title": "With a file",
            "summary": "See the PDF.",
            "datasets": [challenge.datasets.get().pk],
            "attachments": SimpleUploadedFile("method.pdf", b"%PDF-1.7 method"),
        },
    )
    submission = Submission.objects.get()
    stored = submission.files.get()

    response = client.get(
        f"/challenges/{challenge.slug}/submissions/{submission.pk}/files/{stored.pk}/"
    )

    assert (response.status_code, b"".join(response.streaming_content)) == (200, b"%PDF-1.7 method")
    assert (
        Client()
        .get(f"/challenges/{challenge.slug}/submissions/{submission.pk}/files/{stored.pk}/")
        .status_code
        == 404
    )
