"""Deliverables and progress reports: the one place their life is decided.

    due ──submit──▶ submitted ──approve──▶ approved
                      │   ▲
        request_changes   submit
                      ▼   │
                changes_requested

The convener sets reports (per award, or for every award of a cohort) and ties instalments
to them; an instalment tied to a report is payable only once it is approved
(services/grants.py asks `instalment_payable`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.mail_language import in_language_of
from datacollab.network.file_types import DOCUMENT_EXTENSIONS
from datacollab.network.models import Award, Cohort, Instalment, ProgressReport, ReportFile
from datacollab.network.uploads import UploadLike, check_upload, safe_name
from datacollab.organisations.models import Membership
from datacollab.organisations.rules import is_convener, is_member

State = ProgressReport.State
MAX_FILES = 5
FILE_MAX_BYTES = 20 * 1024 * 1024
BODY_MAX = 50_000

# Every move: (from, to) -> who makes it. Nothing else is allowed.
SUBMIT, APPROVE, REQUEST_CHANGES = "submit", "approve", "request_changes"
MOVES: dict[str, tuple[frozenset[str], str]] = {
    SUBMIT: (frozenset({State.DUE, State.CHANGES_REQUESTED}), State.SUBMITTED),
    APPROVE: (frozenset({State.SUBMITTED}), State.APPROVED),
    REQUEST_CHANGES: (frozenset({State.SUBMITTED}), State.CHANGES_REQUESTED),
}


def is_grantee(actor: Any, award: Award) -> bool:
    return is_member(actor, award.organisation)


def allowed_moves(actor: Any, report: ProgressReport) -> set[str]:
    """The moves this person may make now: what the pages offer."""
    moves = {name for name, (sources, _to) in MOVES.items() if report.state in sources}
    if not is_grantee(actor, report.award):
        moves.discard(SUBMIT)
    if not is_convener(actor):
        moves -= {APPROVE, REQUEST_CHANGES}
    return moves


def _move(report: ProgressReport, name: str) -> str:
    sources, target = MOVES[name]
    if report.state not in sources:
        raise Conflict(_refusal(name) % {"state": report.get_state_display()})
    return target


def _refusal(name: str) -> str:
    """One whole sentence per move (the state is a quoted label), so each language words
    it freely; a past participle such as "submitted" alone could not agree in gender."""
    return {
        SUBMIT: _("This report cannot be submitted now: it is “%(state)s”."),
        APPROVE: _("This report cannot be approved now: it is “%(state)s”."),
        REQUEST_CHANGES: _("This report cannot be sent back for changes now: it is “%(state)s”."),
    }[name]


def _require_convener(actor: Any) -> None:
    if not is_convener(actor):
        raise NotAllowed(_("Only a convener can set, approve or send back reports."))


def _check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise DomainError(_("Give the report a title."), field="title")
    return title[:200]


@transaction.atomic
def set_report(
    *, actor: Any, award: Award, title: str, due_on: date, expected: str = ""
) -> ProgressReport:
    """A deliverable or progress report the award owes by `due_on`."""
    _require_convener(actor)
    report = ProgressReport.objects.create(
        award=award, title=_check_title(title), due_on=due_on, expected=expected.strip()
    )
    audit.record(
        action="grant.report_set",
        actor=actor,
        obj=report,
        details={"award": award.identifier, "title": report.title, "due_on": due_on.isoformat()},
    )
    return report


@transaction.atomic
def set_cohort_report(
    *, actor: Any, cohort: Cohort, title: str, due_on: date, expected: str = ""
) -> list[ProgressReport]:
    """The same report for every award of the cohort."""
    _require_convener(actor)
    awards = list(Award.objects.filter(cohort=cohort).order_by("pk"))
    if not awards:
        raise DomainError(_("This cohort has no awards yet: award grants first."))
    return [
        set_report(actor=actor, award=award, title=title, due_on=due_on, expected=expected)
        for award in awards
    ]


@dataclass
class _FileRule:
    """What `check_upload` reads: the documents the resource library and discussion accept."""

    label: str = field(default_factory=lambda: str(gettext_lazy("a report file")))
    max_file_bytes: int = FILE_MAX_BYTES
    allowed_extensions: tuple[str, ...] = DOCUMENT_EXTENSIONS


def check_files(uploads: Sequence[UploadLike]) -> None:
    if len(uploads) > MAX_FILES:
        raise DomainError(
            _("Attach at most %(n)d files to a report.") % {"n": MAX_FILES}, field="attachments"
        )
    rule = _FileRule()
    for upload in uploads:
        try:
            check_upload(question=rule, upload=upload)
        except DomainError as error:
            raise DomainError(error.message, field="attachments") from error


def _locked(report: ProgressReport) -> ProgressReport:
    return (
        ProgressReport.objects.select_for_update()
        .select_related("award__organisation")
        .get(pk=report.pk)
    )


@transaction.atomic
def submit_report(
    *, actor: Any, report: ProgressReport, body: str, uploads: Sequence[UploadLike] = ()
) -> ProgressReport:
    """A grantee sends (or sends again) the report, with text and files."""
    locked = _locked(report)
    if not is_grantee(actor, locked.award):
        raise NotAllowed(
            _("Only members of %(org)s can submit its reports.")
            % {"org": locked.award.organisation.name}
        )
    target = _move(locked, SUBMIT)
    body = body.replace("\r\n", "\n").strip()
    if len(body) > BODY_MAX:
        raise DomainError(
            _("A report is at most %(n)d characters.") % {"n": BODY_MAX}, field="body"
        )
    if not body and not uploads and not locked.files.exists():
        raise DomainError(_("Write the report or attach a file."), field="body")
    check_files(uploads)
    stored: list[str] = []
    try:
        for upload in uploads:
            name = safe_name(upload.name or "file")
            attached = ReportFile(
                report=locked, name=name, size=upload.size or 0, uploaded_by=actor
            )
            attached.file.save(name, upload, save=False)  # type: ignore[arg-type]
            stored.append(attached.file.name or "")
            attached.save()
        previous = locked.state
        locked.state = target
        locked.body = body
        locked.submitted_at = timezone.now()
        locked.submitted_by = actor
        locked.save(update_fields=["state", "body", "submitted_at", "submitted_by"])
        audit.record(
            action="grant.report_submitted",
            actor=actor,
            obj=locked,
            details={
                "award": locked.award.identifier,
                "from": previous,
                "files": [safe_name(u.name or "file") for u in uploads],
            },
        )
    except Exception:
        # No row, no file: a refused or failed submission leaves nothing behind.
        for key in stored:
            ReportFile.file.field.storage.delete(key)
        raise
    return locked


@transaction.atomic
def approve_report(*, actor: Any, report: ProgressReport, note: str = "") -> ProgressReport:
    _require_convener(actor)
    locked = _locked(report)
    return _decide(actor, locked, APPROVE, note.strip())


@transaction.atomic
def request_changes(*, actor: Any, report: ProgressReport, note: str) -> ProgressReport:
    _require_convener(actor)
    locked = _locked(report)
    note = note.strip()
    if not note:
        raise DomainError(_("Say what should change."), field="note")
    return _decide(actor, locked, REQUEST_CHANGES, note)


def _decide(actor: Any, locked: ProgressReport, move: str, note: str) -> ProgressReport:
    target = _move(locked, move)
    locked.state = target
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.convener_note = note
    locked.save(update_fields=["state", "decided_at", "decided_by", "convener_note"])
    audit.record(
        action="grant.report_approved" if move == APPROVE else "grant.report_changes_requested",
        actor=actor,
        obj=locked,
        details={"award": locked.award.identifier, "note": note},
    )
    transaction.on_commit(partial(_enqueue_decision_mail, locked.pk))
    return locked


def _enqueue_decision_mail(report_id: int) -> None:
    from datacollab.network.tasks import send_report_decision

    send_report_decision.enqueue(report_id)


def deliver_decision_mail(*, report_id: int) -> int:
    """Tell the grantee's members that their report was approved or sent back (with the
    note); returns how many were mailed."""
    report = (
        ProgressReport.objects.select_related("award__organisation").filter(pk=report_id).first()
    )
    if report is None or report.state not in (State.APPROVED, State.CHANGES_REQUESTED):
        return 0
    addresses = list(
        Membership.objects.filter(
            organisation_id=report.award.organisation_id, user__is_active=True
        )
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    for address in addresses:
        with in_language_of(address):
            subject, body = _decision_mail(report)
        EmailMessage(subject=subject, body=body, to=[address]).send()
    return len(addresses)


def _decision_mail(report: ProgressReport) -> tuple[str, str]:
    link = settings.SITE_URL + reverse("grant-report", args=[report.pk])
    if report.state == State.APPROVED:
        subject = _("Approved: “%(title)s”") % {"title": report.title}
        lines = [_("The convener approved “%(title)s”.") % {"title": report.title}]
    else:
        subject = _("Changes requested: “%(title)s”") % {"title": report.title}
        lines = [_("The convener asked for changes to “%(title)s”.") % {"title": report.title}]
    if report.convener_note:
        lines += ["", report.convener_note]
    lines += ["", link, ""]
    return subject, "\n".join(lines)


@transaction.atomic
def tie_instalment(
    *, actor: Any, instalment: Instalment, report: ProgressReport | None
) -> Instalment:
    """Make an instalment payable only once `report` is approved (None unties it)."""
    _require_convener(actor)
    locked = Instalment.objects.select_for_update().select_related("award").get(pk=instalment.pk)
    if locked.paid_on is not None:
        raise Conflict(_("This instalment is already paid: its condition can no longer change."))
    if report is not None and report.award_id != locked.award_id:
        raise DomainError(_("That report belongs to another award."), field="report")
    locked.report = report
    locked.save(update_fields=["report"])
    audit.record(
        action="grant.instalment_tied" if report is not None else "grant.instalment_untied",
        actor=actor,
        obj=locked,
        details={
            "award": locked.award.identifier,
            "position": locked.position,
            "report": report.pk if report is not None else None,
        },
    )
    return locked


def instalment_payable(instalment: Instalment) -> bool:
    """Untied instalments are payable; a tied one once its report is approved."""
    if instalment.report_id is None:
        return True
    return ProgressReport.objects.filter(pk=instalment.report_id, state=State.APPROVED).exists()


@transaction.atomic
def open_report_file(*, actor: Any, file_id: int) -> ReportFile:
    """A report's file for the grantee's members and conveners; a convener's read of the
    grantee's unpublished file is access to non-open data, so it is audited."""
    from datacollab.network.selectors.grant_obligations import report_file_for

    attached, member = report_file_for(actor, file_id)
    if not member:
        audit.record(
            action="grant.report_file_read",
            actor=actor,
            obj=attached.report,
            details={"file": attached.name},
        )
    return attached
