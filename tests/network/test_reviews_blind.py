"""Blind review: nothing a reviewer receives names the applicant (page, list, mail)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.network.models import Answer, Question, QuestionKind
from datacollab.network.services.reminders import remind_reviewers
from tests.factories import make_application, make_call, make_org, make_user
from tests.network.factories_reviews import assign, make_reviewer

ORG = "Lagos Transit Data"
PERSON = "Adaeze Okafor"


def _application(call):
    applicant = make_user(roles=["participant"], display_name=PERSON, email="adaeze@ltd.example")
    org = make_org(name=ORG, members=[applicant])
    app = make_application(
        call=call,
        organisation=org,
        user=applicant,
        title="Bus data for Lagos Transit Data riders",
        summary=f"{ORG} shares bus positions. Contact {PERSON}.",
    )
    challenge = Question.objects.get(call=call, position=1)
    Answer.objects.create(
        application=app, question=challenge, value=f"lagos transit data and {PERSON} lead it."
    )
    upload = Question.objects.create(
        call=call, position=3, kind=QuestionKind.FILE, label="Budget", required=False
    )
    Answer.objects.create(
        application=app,
        question=upload,
        value={"name": "lagos-transit-data-budget.pdf"},
        file=SimpleUploadedFile("lagos-transit-data-budget.pdf", b"%PDF-1.4"),
    )
    return app


def _reviewer_sees(call, login, django_capture_on_commit_callbacks) -> list[str]:
    app = _application(call)
    person = make_reviewer()
    assignment = assign(app, person)
    client = login(person)
    review_page = client.get(reverse("review-edit", args=[assignment.pk]))
    my_reviews = client.get(reverse("my-reviews"))
    with django_capture_on_commit_callbacks(execute=True):
        remind_reviewers(actor=None, call=call)
    assert (review_page.status_code, my_reviews.status_code, len(mail.outbox)) == (200, 200, 1)
    message = mail.outbox[0]
    return [
        review_page.content.decode(),
        my_reviews.content.decode(),
        message.subject + "\n" + message.body,
    ]


@pytest.mark.parametrize("needle", [ORG, ORG.lower(), PERSON, "adaeze@ltd.example", "budget.pdf"])
def test_blind_call_never_names_the_applicant_to_its_reviewer(
    db, login, django_capture_on_commit_callbacks, needle
):
    call = make_call(blind_review=True)

    seen = _reviewer_sees(call, login, django_capture_on_commit_callbacks)

    assert [needle.lower() in text.lower() for text in seen] == [False, False, False]


def test_blind_call_strikes_names_out_of_the_applicants_text(db, login):
    call = make_call(blind_review=True)
    app = _application(call)
    person = make_reviewer()
    assignment = assign(app, person)

    response = login(person).get(reverse("review-edit", args=[assignment.pk]))

    shown = response.context["shown"]
    assert shown.title == "Bus data for [applicant] riders"
    assert shown.summary == "[applicant] shares bus positions. Contact [applicant]."
    assert shown.organisation == "Applicant (hidden: blind review)"
    assert [(a.value, a.file_name) for a in shown.answers] == [
        ("[applicant] and [applicant] lead it.", ""),
        ("", ""),
        ("", "a file (name hidden: blind review)"),
    ]


def test_open_call_shows_the_applicant_to_its_reviewer(
    db, login, django_capture_on_commit_callbacks
):
    call = make_call(blind_review=False)

    seen = _reviewer_sees(call, login, django_capture_on_commit_callbacks)

    assert [ORG in text for text in seen] == [True, True, True]


def _my_reviews_queries(login, count: int) -> int:
    call = make_call(blind_review=True)
    person = make_reviewer()
    for _ in range(count):
        assign(make_application(call=call), person)
    client = login(person)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("my-reviews")).status_code == 200
    return len(queries)


def test_my_reviews_of_a_blind_call_query_count_does_not_grow(db, login):
    assert _my_reviews_queries(login, 1) == _my_reviews_queries(login, 5)


def test_blind_call_attachment_downloads_without_its_name(db, login):
    call = make_call(blind_review=True)
    app = _application(call)
    person = make_reviewer()
    assign(app, person)
    upload = Question.objects.get(call=call, position=3)

    response = login(person).get(reverse("application-file", args=[app.pk, upload.pk]))

    assert (response.status_code, response["Content-Disposition"]) == (
        200,
        f'attachment; filename="attachment-{app.pk}-{upload.pk}.pdf"',
    )


def test_open_call_attachment_downloads_with_its_name(db, login):
    call = make_call(blind_review=False)
    app = _application(call)
    person = make_reviewer()
    assign(app, person)
    upload = Question.objects.get(call=call, position=3)

    response = login(person).get(reverse("application-file", args=[app.pk, upload.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="lagos-transit-data-budget.pdf"'


def test_conflict_page_does_not_tell_a_blind_reviewer_who_applied(db, login):
    _application(make_call(blind_review=True))
    bystander = make_org(name="Bystander Data Trust")  # applied nowhere
    person = make_reviewer()

    response = login(person).get(reverse("conflict-declare"))

    offered = [str(org) for org in response.context["form"].fields["organisation"].queryset]
    assert offered == [bystander.name, ORG]
