"""Issue 8, set-up without the admin: bad input on every set-up form is refused with a
message under its own field (never a 500), and what was typed is kept."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from datacollab.core.errors import DomainError
from datacollab.network.models import Call, Cohort, Question, QuestionKind, RubricCriterion
from datacollab.network.services import setup_builders as builders
from datacollab.network.services.reminders import remind_reviewers
from tests import factories
from tests.network.factories_applications import draft, page_text
from tests.network.factories_reviews import assign, make_reviewer
from tests.network.test_setup_builders import question_values
from tests.network.test_setup_views import call_form, cohort_form

pytestmark = pytest.mark.django_db

YEAR = timezone.now().year + 1

COHORT_CASES = [
    ("ends_on", "2027-09-01", "The cohort cannot end (2027-09-01) before it starts (2027-10-01)."),
    ("budget", "-1", "Ensure this value is greater than or equal to 0."),
    ("budget", "10000000000", "Give an amount below ten billion, with at most two decimals."),
    (
        "award_cap",
        "150000",
        "The cap per award, £150,000.00, is above the cohort's whole budget, £140,000.00.",
    ),
    ("capacity", "0", "Ensure this value is greater than or equal to 1."),
    ("capacity", "4000000000", "A cohort has room for at most 10,000 organisations."),
    (
        "currency",
        "£",
        "Write the currency as its three-letter ISO 4217 code, such as GBP or USD.",
    ),
]

CALL_CASES = [
    (
        "deadline",
        f"{YEAR}-02-01T09:00",
        f"The deadline, 1 February {YEAR}, 09:00 IST (Asia/Kolkata), must come after the call "
        f"opens, 1 March {YEAR}, 09:00 IST (Asia/Kolkata).",
    ),
    (
        "review_deadline",
        f"{YEAR}-03-31T16:00",
        "The review deadline must come after the call closes to applications, "
        f"31 March {YEAR}, 17:00 IST (Asia/Kolkata).",
    ),
    (
        "eoi_deadline",
        f"{YEAR}-04-02T09:00",
        "Expressions of interest must close after the call opens and before the deadline for "
        f"full proposals, 31 March {YEAR}, 17:00 IST (Asia/Kolkata).",
    ),
    (
        "timezone",
        "Mars/Olympus",
        "Select a valid choice. Mars/Olympus is not one of the available choices.",
    ),
    ("reviews_per_application", "0", "Ensure this value is greater than or equal to 1."),
    ("reviews_per_application", "11", "Ensure this value is less than or equal to 10."),
]

QUESTION_CASES = [
    ({"max_words": "0"}, "max_words", "0", "Ensure this value is greater than or equal to 1."),
    (
        {"max_words": "1000000"},
        "max_words",
        "1000000",
        "A word limit can be at most 100,000 words; leave it empty for no limit.",
    ),
    (
        {"kind": QuestionKind.SINGLE_CHOICE, "choices": "Yes\nYes"},
        "choices",
        "Yes\nYes",
        "A choice question needs at least two different options, one per line.",
    ),
    (
        {"kind": QuestionKind.NUMBER, "min_value": "10", "max_value": "5"},
        "max_value",
        "5",
        "The largest number is below the smallest.",
    ),
    (
        {"kind": QuestionKind.FILE, "max_file_kb": "99999999", "allowed_extensions": "pdf"},
        "max_file_kb",
        "99999999",
        "Ensure this value is less than or equal to 1048576.",
    ),
    ({"label": "  "}, "label", "  ", "This field is required."),
]

RUBRIC_CASES = [
    ("weight", "0", "Ensure this value is greater than or equal to 0.01."),
    ("weight", "-2", "Ensure this value is greater than or equal to 0.01."),
    (
        "weight",
        "5000",
        "A weight is at most 999.99: weights count relative to each other, so 1, 2 and 3 say "
        "the same as 100, 200 and 300.",
    ),
    ("name", "", "This field is required."),
]


def _refused_on(response: Any, field: str, typed: str) -> tuple[int, dict[str, list[str]], Any]:
    form = response.context["form"]
    return response.status_code, dict(form.errors), form[field].value()


@pytest.mark.parametrize(("field", "typed", "message"), COHORT_CASES)
def test_new_cohort_with_bad_input_refuses_it_on_its_field_and_keeps_it(
    convener, login, field, typed, message
):
    factories.make_network()

    response = login(convener).post(reverse("setup-cohort-create"), cohort_form(**{field: typed}))

    assert _refused_on(response, field, typed) == (400, {field: [message]}, typed)
    assert Cohort.objects.count() == 0


@pytest.mark.parametrize(("field", "typed", "message"), CALL_CASES)
def test_new_call_with_bad_input_refuses_it_on_its_field_and_keeps_it(
    convener, login, field, typed, message
):
    cohort = factories.make_cohort()

    response = login(convener).post(
        reverse("setup-call-create"), call_form(cohort, **{field: typed})
    )

    assert _refused_on(response, field, typed) == (400, {field: [message]}, typed)
    assert Call.objects.count() == 0


def _question_form(**overrides: str) -> dict[str, str]:
    data = {"kind": QuestionKind.LONG_TEXT, "label": "What data do you steward?", "required": "on"}
    data.update(overrides)
    return data


@pytest.mark.parametrize(("overrides", "field", "typed", "message"), QUESTION_CASES)
def test_question_builder_with_bad_input_refuses_it_on_its_field_and_keeps_it(
    convener, login, overrides, field, typed, message
):
    call = factories.make_call(status=Call.Status.DRAFT, with_questions=False)

    response = login(convener).post(
        reverse("setup-questions", args=[call.slug]), _question_form(**overrides)
    )

    assert _refused_on(response, field, typed) == (400, {field: [message]}, typed)
    assert Question.objects.filter(call=call).count() == 0


@pytest.mark.parametrize(("field", "typed", "message"), RUBRIC_CASES)
def test_rubric_builder_with_bad_input_refuses_it_on_its_field_and_keeps_it(
    convener, login, field, typed, message
):
    call = factories.make_call(status=Call.Status.DRAFT, with_rubric=False)
    data = {"name": "Fit with the focus", "description": "", "weight": "1"}
    data[field] = typed

    response = login(convener).post(reverse("setup-rubric", args=[call.slug]), data)

    assert _refused_on(response, field, typed) == (400, {field: [message]}, typed)
    assert RubricCriterion.objects.filter(call=call).count() == 0


def test_add_file_question_above_one_gigabyte_is_refused_by_the_service(convener):
    # The form stops this first; the service is the rule for every other caller.
    call = factories.make_call(status=Call.Status.DRAFT, with_questions=False)
    values = question_values(kind=QuestionKind.FILE, max_file_bytes=1024**3 + 1)

    with pytest.raises(DomainError) as refused:
        builders.add_question(actor=convener, call=call, values=values)

    assert (refused.value.field, Question.objects.filter(call=call).count()) == (
        "max_file_bytes",
        0,
    )


def test_eois_page_of_a_one_stage_call_says_it_has_one_stage(convener, login):
    # It said "Expressions of interest close ." with no date (found on the demo's calls).
    call = factories.make_call(status=Call.Status.DRAFT)

    response = login(convener).get(reverse("setup-eois", args=[call.slug]))

    assert "This call has one stage" in page_text(response)
    assert "close ." not in page_text(response)


# --- one zone, shown the same everywhere -------------------------------------------------------


def test_call_dates_read_the_same_in_the_calls_zone_on_every_page_and_mail(
    convener, applicant, login, django_capture_on_commit_callbacks
):
    deadline = datetime(2030, 3, 1, 14, tzinfo=UTC)
    review_deadline = datetime(2030, 3, 20, 6, tzinfo=UTC)
    call = factories.make_call(
        timezone="Africa/Nairobi", deadline=deadline, review_deadline=review_deadline
    )
    reviewer = make_reviewer()
    application = draft(call, applicant)
    reviewed = factories.make_application(call=call)
    assignment = assign(reviewed, reviewer)
    closes, reviews_due = (
        "1 March 2030, 17:00 EAT (Africa/Nairobi)",
        ("20 March 2030, 09:00 EAT (Africa/Nairobi)"),
    )

    deadline_pages = [
        Client().get(reverse("call-detail", args=[call.slug])),
        login(applicant).get(reverse("application-edit", args=[application.pk])),
        login(convener).get(reverse("setup-call", args=[call.slug])),
    ]
    review_pages = [
        login(reviewer).get(reverse("review-edit", args=[assignment.pk])),
        login(reviewer).get(reverse("my-reviews")),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        remind_reviewers(actor=convener, call=call)

    assert [closes in page_text(page) for page in deadline_pages] == [True, True, True]
    assert [reviews_due in page_text(page) for page in review_pages] == [True, True]
    assert reviews_due in mail.outbox[-1].body
