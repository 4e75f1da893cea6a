"""Reminders about progress reports, and the network's sources for `datacollab remind`.

A report owed (due, or sent back for changes) gets one reminder in the week before its due
date and one once it is late. Each is recorded under a unique (report, kind) constraint in the
transaction that sends it, so a command run twice, from cron and the worker at once, mails
each reminder once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.core import audit, dates
from datacollab.core.mail_language import in_language_of
from datacollab.network.models import (
    Call,
    ProgressReport,
    ReportReminder,
    ReviewAssignment,
    SelectionProposal,
)
from datacollab.network.reminder_sources import DueReminder
from datacollab.network.selectors.review_progress import reviewers_to_remind, unfinished_assignments
from datacollab.network.services.reminders import deliver_reminder
from datacollab.organisations.models import Membership

REMIND_BEFORE_DAYS = 7
# Reviewers are reminded automatically only as their call's review deadline nears.
REVIEW_WINDOW_DAYS = 7
OWED = (ProgressReport.State.DUE, ProgressReport.State.CHANGES_REQUESTED)


def report_kind_due(report: ProgressReport, today: date) -> str | None:
    """Which reminder the report is due today, if any (before it is sent)."""
    if report.state not in OWED:
        return None
    if today > report.due_on:
        return ReportReminder.Kind.LATE
    if today >= report.due_on - timedelta(days=REMIND_BEFORE_DAYS):
        return ReportReminder.Kind.BEFORE
    return None


def _recipients(report: ProgressReport) -> list[str]:
    return list(
        Membership.objects.filter(
            organisation_id=report.award.organisation_id, user__is_active=True
        )
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


def reports_due(now: datetime) -> list[DueReminder]:
    today = timezone.localdate(now)
    sent = ReportReminder.objects.filter(report=OuterRef("pk"))
    owed = (
        ProgressReport.objects.filter(
            state__in=OWED, due_on__lte=today + timedelta(days=REMIND_BEFORE_DAYS)
        )
        .annotate(
            before_sent=Exists(sent.filter(kind=ReportReminder.Kind.BEFORE)),
            late_sent=Exists(sent.filter(kind=ReportReminder.Kind.LATE)),
        )
        .select_related("award__organisation")
        .order_by("due_on", "pk")
    )
    found = []
    for report in owed:
        kind = report_kind_due(report, today)
        if kind is None or (report.before_sent if kind == "before" else report.late_sent):  # type: ignore[attr-defined]
            continue
        about = (
            _("%(org)s: “%(title)s” due on %(date)s")
            if kind == ReportReminder.Kind.BEFORE
            else _("%(org)s: “%(title)s” late since %(date)s")
        ) % {
            "org": report.award.organisation.name,
            "title": report.title,
            "date": report.due_on.isoformat(),
        }
        found.append(
            DueReminder(
                source="reports",
                recipients=tuple(_recipients(report)),
                about=about,
                send=partial(deliver_report_reminder, report_id=report.pk, kind=kind, now=now),
            )
        )
    return found


def _body(report: ProgressReport, kind: str) -> str:
    link = settings.SITE_URL + reverse("grant-report", args=[report.pk])
    when = dates.date_format(report.due_on, "DATE_FORMAT")
    if kind == ReportReminder.Kind.BEFORE:
        opening = _("“%(title)s” for %(award)s is due on %(date)s.")
    else:
        opening = _("“%(title)s” for %(award)s was due on %(date)s and has not been approved yet.")
    lines = [
        opening % {"title": report.title, "award": report.award.title, "date": when},
        "",
    ]
    if report.state == ProgressReport.State.CHANGES_REQUESTED and report.convener_note:
        lines += [_("The convener asked for changes:"), report.convener_note, ""]
    lines += [_("Submit it here: %(link)s") % {"link": link}, ""]
    return "\n".join(lines)


@transaction.atomic
def deliver_report_reminder(*, report_id: int, kind: str, now: datetime | None = None) -> bool:
    """Mail the grantee's members one reminder; False when already sent or no longer due."""
    now = now or timezone.now()
    report = (
        ProgressReport.objects.select_for_update()
        .select_related("award__organisation")
        .filter(pk=report_id)
        .first()
    )
    if report is None or report_kind_due(report, timezone.localdate(now)) != kind:
        return False
    if ReportReminder.objects.filter(report=report, kind=kind).exists():
        return False
    recipients = _recipients(report)
    try:
        with transaction.atomic():
            reminder = ReportReminder.objects.create(
                report=report, kind=kind, sent_at=now, recipients=len(recipients)
            )
    except IntegrityError:
        return False  # another run recorded it first
    # One mail per person: members of one organisation need not see each other's address.
    for address in recipients:
        with in_language_of(address):
            subject = (
                _("Reminder: “%(title)s” is due on %(date)s")
                if kind == ReportReminder.Kind.BEFORE
                else _("Late: “%(title)s” was due on %(date)s")
            ) % {"title": report.title, "date": dates.date_format(report.due_on, "DATE_FORMAT")}
            body = _body(report, kind)
        EmailMessage(subject=subject, body=body, to=[address]).send()
    audit.record(
        action="grant.report_reminder_sent",
        actor=None,
        obj=reminder,
        details={"report": report.pk, "kind": kind, "recipients": len(recipients)},
    )
    return True


def reviews_due(now: datetime) -> list[DueReminder]:
    """Reviewers owing reviews in calls whose review deadline is near or past, not reminded
    within REVIEW_REMINDER_INTERVAL_HOURS (the rule of `remind-reviewers`)."""
    confirmed = SelectionProposal.objects.filter(
        call=OuterRef("pk"), status=SelectionProposal.Status.CONFIRMED
    )
    owing = ReviewAssignment.objects.filter(
        Q(review__isnull=True) | Q(review__submitted_at__isnull=True),
        application__call=OuterRef("pk"),
    )
    calls = (
        Call.objects.filter(
            review_deadline__isnull=False,
            review_deadline__lte=now + timedelta(days=REVIEW_WINDOW_DAYS),
        )
        .exclude(Exists(confirmed))
        .filter(Exists(owing))
        .order_by("review_deadline", "pk")
    )
    found = []
    for call in calls:
        for reviewer in reviewers_to_remind(call, now=now):
            unfinished = ReviewAssignment.objects.filter(
                unfinished_assignments(call), reviewer=reviewer
            ).count()
            found.append(
                DueReminder(
                    source="reviews",
                    recipients=(reviewer.email,),
                    about=ngettext(
                        "%(n)d unfinished review in “%(call)s”",
                        "%(n)d unfinished reviews in “%(call)s”",
                        unfinished,
                    )
                    % {"n": unfinished, "call": call.title},
                    send=partial(deliver_reminder, call_id=call.pk, reviewer_id=reviewer.pk),
                )
            )
    return found
