"""Review deadline, progress and reminders: queued by a request or the command, sent by the
task, never twice within the interval, only for unfinished reviews."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from datacollab.core.errors import Conflict, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.network.models import ReviewReminder
from datacollab.network.selectors.review_progress import reviewer_progress
from datacollab.network.services.reminders import deliver_reminder, remind_reviewers
from tests.factories import make_application, make_call
from tests.network.factories_reviews import assign, confirm_selection, make_review, make_reviewer


@pytest.fixture
def call(db):
    return make_call(slug="flood-call", title="Flood call")


def test_remind_reviewers_mails_only_unfinished_reviews(
    call, convener, django_capture_on_commit_callbacks
):
    done, owing = make_reviewer(name="Dana Done"), make_reviewer(name="Owen Owing")
    flood, bus = make_application(call=call, title="Flood maps"), make_application(call=call)
    make_review(assign(flood, done), [4, 4])
    make_review(assign(flood, owing), [4, 4], submitted=False)  # a draft is unfinished
    make_review(assign(bus, owing), [3, 3])
    ineligible = make_application(call=call, title="Out of scope", eligible=False)
    assign(ineligible, done)  # not reviewable: owes nothing

    with django_capture_on_commit_callbacks(execute=True):
        queued = remind_reviewers(actor=convener, call=call)

    assert queued == 1
    assert [m.to for m in mail.outbox] == [[owing.email]]
    assert mail.outbox[0].subject == "Reminder: 1 review to finish for Flood call"
    assert "Flood maps" in mail.outbox[0].body
    assert list(ReviewReminder.objects.values_list("reviewer", "unfinished")) == [(owing.pk, 1)]


def test_remind_reviewers_in_a_request_only_queues_the_task(
    call, convener, login, django_capture_on_commit_callbacks
):
    for _ in range(2):
        assign(make_application(call=call), make_reviewer())

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = login(convener).post(reverse("call-remind", args=[call.slug]))

    assert response.status_code == 302
    assert (len(callbacks), len(mail.outbox)) == (2, 0)


def test_remind_reviewers_twice_within_the_interval_mails_once(
    call, convener, django_capture_on_commit_callbacks
):
    person = make_reviewer()
    assign(make_application(call=call), person)

    with django_capture_on_commit_callbacks(execute=True):
        first = remind_reviewers(actor=convener, call=call)
    with django_capture_on_commit_callbacks(execute=True):
        second = remind_reviewers(actor=convener, call=call)

    assert (first, second, len(mail.outbox)) == (1, 0, 1)


def test_deliver_reminder_run_twice_mails_once(call):
    person = make_reviewer()
    assign(make_application(call=call), person)

    sent = [deliver_reminder(call_id=call.pk, reviewer_id=person.pk) for _ in range(2)]

    assert (sent, len(mail.outbox)) == ([True, False], 1)


def test_remind_reviewers_after_the_interval_mails_again(
    call, convener, settings, django_capture_on_commit_callbacks
):
    settings.REVIEW_REMINDER_INTERVAL_HOURS = 24
    person = make_reviewer()
    assign(make_application(call=call), person)
    ReviewReminder.objects.create(
        call=call, reviewer=person, sent_at=timezone.now() - timedelta(hours=25), unfinished=1
    )

    with django_capture_on_commit_callbacks(execute=True):
        queued = remind_reviewers(actor=convener, call=call)

    assert (queued, len(mail.outbox), ReviewReminder.objects.count()) == (1, 1, 2)


def test_deliver_reminder_skips_a_reviewer_who_finished_meanwhile(call):
    person = make_reviewer()
    make_review(assign(make_application(call=call), person), [4, 4])

    assert deliver_reminder(call_id=call.pk, reviewer_id=person.pk) is False
    assert mail.outbox == []


def test_remind_reviewers_by_a_reviewer_is_refused(call, reviewer):
    with pytest.raises(NotAllowed):
        remind_reviewers(actor=reviewer, call=call)


def test_remind_reviewers_after_confirmation_is_refused(call, convener):
    assign(make_application(call=call), make_reviewer())
    confirm_selection(call, convener)

    with pytest.raises(Conflict):
        remind_reviewers(actor=convener, call=call)


def test_remind_reviewers_is_audited(call, convener, django_capture_on_commit_callbacks):
    person = make_reviewer()
    assign(make_application(call=call), person)

    with django_capture_on_commit_callbacks(execute=True):
        remind_reviewers(actor=convener, call=call)

    assert list(
        AuditEntry.objects.filter(action__startswith="reviews.remind").values_list(
            "action", flat=True
        )
    ) == ["reviews.reminders_queued", "reviews.reminder_sent"]


def test_call_remind_confirmation_states_the_count_and_sends_nothing(
    call, convener, login, django_capture_on_commit_callbacks
):
    for _ in range(2):
        assign(make_application(call=call), make_reviewer())

    with django_capture_on_commit_callbacks(execute=True):
        response = login(convener).get(reverse("call-remind", args=[call.slug]))

    assert response.status_code == 200
    assert "Remind 2 reviewers?" in response.content.decode()
    assert "Send 2 reminders" in response.content.decode()
    assert mail.outbox == []


def test_call_assignments_offers_the_remind_button_with_its_count(call, convener, login):
    for _ in range(3):
        assign(make_application(call=call), make_reviewer())

    html = login(convener).get(reverse("call-assignments", args=[call.slug])).content.decode()

    assert "Remind 3 reviewers" in html


def test_call_remind_by_a_reviewer_is_403(call, reviewer, login):
    response = login(reviewer).post(reverse("call-remind", args=[call.slug]))

    assert response.status_code == 403


def test_remind_reviewers_command_queues_and_reports(call, django_capture_on_commit_callbacks):
    person = make_reviewer()
    assign(make_application(call=call), person)
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind-reviewers", "--call", call.slug, stdout=out)

    assert out.getvalue() == "reminders queued: 1 (at most one per reviewer every 72 hours)\n"
    assert [m.to for m in mail.outbox] == [[person.email]]


def test_remind_reviewers_command_with_an_unknown_call_fails(call):
    with pytest.raises(CommandError, match=r"No call with slug 'nope'\. Known calls: flood-call\."):
        call_command("remind-reviewers", "--call", "nope")


# --- progress against the review deadline ---------------------------------------------------


def test_reviewer_progress_counts_overdue_after_the_review_deadline(call, convener):
    call.review_deadline = timezone.now() - timedelta(hours=1)
    call.save()
    late, done = make_reviewer(name="Lee Late"), make_reviewer(name="Dana Done")
    app = make_application(call=call)
    assign(app, late)
    make_review(assign(app, done), [4, 4])

    rows = reviewer_progress(actor=convener, call=call)

    assert [(r.reviewer, r.assigned, r.submitted, r.unfinished, r.overdue) for r in rows] == [
        (done, 1, 1, 0, 0),
        (late, 1, 0, 1, 1),
    ]


def test_reviewer_progress_before_the_deadline_has_nothing_overdue(call, convener):
    call.review_deadline = timezone.now() + timedelta(days=3)
    call.save()
    person = make_reviewer()
    assign(make_application(call=call), person)

    rows = reviewer_progress(actor=convener, call=call)

    assert [(r.unfinished, r.overdue, r.due_for_reminder) for r in rows] == [(1, 0, True)]


def test_call_assignments_shows_submitted_against_reviews_per_application(call, convener, login):
    app = make_application(call=call)
    make_review(assign(app, make_reviewer()), [4, 4])
    assign(app, make_reviewer())

    response = login(convener).get(reverse("call-assignments", args=[call.slug]))

    assert [(r.submitted, r.missing) for r in response.context["overview"].rows] == [(1, 0)]
    assert "1 of 2" in response.content.decode()


def _remind_page_queries(login, convener, count: int) -> int:
    call = make_call()
    for _ in range(count):
        assign(make_application(call=call), make_reviewer())
    client = login(convener)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("call-remind", args=[call.slug])).status_code == 200
    return len(queries)


def test_call_remind_query_count_does_not_grow_with_reviewers(db, convener, login):
    assert _remind_page_queries(login, convener, 1) == _remind_page_queries(login, convener, 5)
