"""`datacollab remind`: reports before and after their due dates, once each; reviews through
the existing reviewer reminders; a registry other apps add their sources to."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from datacollab.network import reminder_sources
from datacollab.network.models import ReportReminder
from datacollab.network.services.grant_reminders import reports_due
from datacollab.network.services.grant_reports import approve_report, submit_report
from tests.factories import make_application, make_call
from tests.network.factories_obligations import make_grantee, make_report
from tests.network.factories_reviews import assign, make_reviewer

pytestmark = pytest.mark.django_db


def _remind(*args: str) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


def _report_due_in(convener, days: int, **fields):
    grantee = make_grantee(convener=convener)
    due_on = timezone.localdate() + timedelta(days=days)
    return grantee, make_report(convener=convener, award=grantee.award, due_on=due_on, **fields)


def test_remind_report_due_within_a_week_mails_members_once(convener):
    grantee, _report = _report_due_in(convener, 3)
    assert _remind("--only", "reports") == "reminders sent: 1, skipped: 0\n"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [grantee.admin.email, grantee.member.email]
    )
    assert mail.outbox[0].subject.startswith("Reminder: “Interim report” is due on ")
    assert _remind("--only", "reports") == "reminders sent: 0, skipped: 0\n"
    assert len(mail.outbox) == 2


def test_remind_report_due_in_a_month_sends_nothing(convener):
    _report_due_in(convener, 30)
    assert _remind("--only", "reports") == "reminders sent: 0, skipped: 0\n"
    assert mail.outbox == []


def test_remind_late_report_sends_late_reminder_once_even_after_before_reminder(convener):
    _grantee, report = _report_due_in(convener, 3)
    _remind("--only", "reports")
    report.due_on = timezone.localdate() - timedelta(days=1)
    report.save(update_fields=["due_on"])
    _remind("--only", "reports")
    _remind("--only", "reports")
    assert list(
        ReportReminder.objects.filter(report=report).order_by("pk").values_list("kind", flat=True)
    ) == ["before", "late"]
    assert [m.subject.split(":")[0] for m in mail.outbox] == [
        "Reminder",
        "Reminder",
        "Late",
        "Late",
    ]


def test_remind_submitted_report_sends_nothing(convener):
    grantee, report = _report_due_in(convener, -2)
    submit_report(actor=grantee.member, report=report, body="Done.")
    assert reports_due(timezone.now()) == []


def test_remind_approved_report_sends_nothing(convener):
    grantee, report = _report_due_in(convener, -2)
    submit_report(actor=grantee.member, report=report, body="Done.")
    approve_report(actor=convener, report=report)
    assert _remind() == "reminders sent: 0, skipped: 0\n"


def test_remind_dry_run_lists_and_sends_nothing(convener):
    grantee, _report = _report_due_in(convener, -2)
    out = _remind("--dry-run", "--only", "reports")
    emails = ", ".join(sorted([grantee.admin.email, grantee.member.email]))
    assert out == (
        f"reports\t{emails}\tData Cargo: “Interim report” late since "
        f"{(timezone.localdate() - timedelta(days=2)).isoformat()}\n"
        "reminders due: 1 (dry run: nothing sent)\n"
    )
    assert (mail.outbox, ReportReminder.objects.count()) == ([], 0)


def test_deliver_report_reminder_run_twice_sends_once(convener):
    _report_due_in(convener, 1)
    [due] = reports_due(timezone.now())
    assert (due.send(), due.send()) == (True, False)
    assert len(mail.outbox) == 2  # the admin and the member, once


def test_remind_reviews_near_deadline_uses_reviewer_reminders(db):
    call = make_call(slug="flood-call", title="Flood call")
    call.review_deadline = timezone.now() + timedelta(days=2)
    call.save(update_fields=["review_deadline"])
    owing = make_reviewer(name="Owen Owing")
    assign(make_application(call=call, title="Flood maps"), owing)
    assert _remind("--only", "reviews") == "reminders sent: 1, skipped: 0\n"
    assert [m.to for m in mail.outbox] == [[owing.email]]
    assert mail.outbox[0].subject == "Reminder: 1 review to finish for Flood call"
    assert _remind("--only", "reviews") == "reminders sent: 0, skipped: 0\n"


def test_remind_reviews_far_from_deadline_sends_nothing(db):
    call = make_call(slug="far-call")
    call.review_deadline = timezone.now() + timedelta(days=30)
    call.save(update_fields=["review_deadline"])
    assign(make_application(call=call), make_reviewer())
    assert _remind("--only", "reviews") == "reminders sent: 0, skipped: 0\n"


def test_reminder_sources_registry_takes_another_apps_source(convener):
    sent: list[str] = []

    def feedback_due(now):
        return [
            reminder_sources.DueReminder(
                source="feedback",
                recipients=("a@example.org",),
                about="Session feedback",
                send=lambda: sent.append("a@example.org") or True,
            )
        ]

    before = reminder_sources.sources()
    reminder_sources.register("feedback", feedback_due)
    try:
        assert list(reminder_sources.sources()) == ["reports", "reviews", "feedback"]
        assert _remind("--only", "feedback") == "reminders sent: 1, skipped: 0\n"
    finally:
        reminder_sources._sources.clear()
        reminder_sources._sources.update(before)
    assert sent == ["a@example.org"]


def test_remind_enqueue_hands_work_to_the_worker(convener):
    _report_due_in(convener, 1)
    out = _remind("--enqueue")
    assert out.startswith("reminder task enqueued: ")
    assert ReportReminder.objects.count() == 1  # the immediate backend ran it
