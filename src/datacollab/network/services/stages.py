"""The optional first stage of a call: a short expression of interest (EOI).

A call with `eoi_deadline` set has two stages. Until the convener invites it, an application
only sees and answers the questions marked as EOI-stage, and is submitted as an expression of
interest (it stays a draft application, so it never enters review or selection). The convener
invites chosen EOIs to a full proposal by mail; an invited application then shows every
question and is submitted, by the deadline, like any one-stage application.

Word limits are checked here too, for either stage: services/applications.py calls
`check_word_limits` whenever it stores answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotFound
from datacollab.core.mail_language import by_language
from datacollab.network.models import (
    Application,
    Call,
    ExpressionOfInterest,
    Question,
    QuestionKind,
    QuestionStage,
)
from datacollab.network.selectors.applications import answers_by_question, format_in_zone
from datacollab.network.services.setup import require_convener
from datacollab.organisations.models import User
from datacollab.organisations.rules import is_member, require_verified_email


@dataclass(frozen=True)
class StageInfo:
    """Where an application stands in a two-stage call, for its pages."""

    two_stage: bool
    in_eoi: bool
    eoi: ExpressionOfInterest | None
    eoi_deadline: str


def stage_info(application: Application) -> StageInfo:
    call = application.call
    if call.eoi_deadline is None:
        return StageInfo(two_stage=False, in_eoi=False, eoi=None, eoi_deadline="")
    eoi = eoi_of(application)
    return StageInfo(
        two_stage=True,
        in_eoi=eoi is None or eoi.status != ExpressionOfInterest.Status.INVITED,
        eoi=eoi,
        eoi_deadline=format_in_zone(call.eoi_deadline, call.timezone),
    )


def has_eoi_stage(call: Call) -> bool:
    return call.eoi_deadline is not None


def eoi_of(application: Application) -> ExpressionOfInterest | None:
    return ExpressionOfInterest.objects.filter(application=application).first()


def in_eoi_stage(application: Application) -> bool:
    """True while a two-stage application has not been invited to a full proposal."""
    if not has_eoi_stage(application.call):
        return False
    eoi = eoi_of(application)
    return eoi is None or eoi.status != ExpressionOfInterest.Status.INVITED


def questions_for(application: Application) -> list[Question]:
    """The questions this application answers now: EOI ones in stage one, else all."""
    # Through the call, so each question knows its call (and language) without a query.
    questions = application.call.questions.order_by("position", "id")
    if in_eoi_stage(application):
        questions = questions.filter(stage=QuestionStage.EOI)
    return list(questions)


def word_count(text: str) -> int:
    return len(text.split())


def check_word_limits(questions: Iterable[Question], answers: dict[int, Any]) -> None:
    """Refuse an answer longer than its question's word limit, on that question's field."""
    for question in questions:
        value = answers.get(question.pk)
        if question.max_words is None or question.kind == QuestionKind.FILE:
            continue
        if isinstance(value, str) and (n := word_count(value)) > question.max_words:
            raise DomainError(
                _("“%(question)s” takes at most %(limit)d words; this answer has %(n)d.")
                % {"question": question.label, "limit": question.max_words, "n": n},
                field=f"q_{question.pk}",
            )


def require_full_stage(application: Application) -> None:
    """Refuse a full submission while the application is still in the EOI stage."""
    require_applicant_source(application)
    if in_eoi_stage(application):
        raise Conflict(
            _(
                "This call starts with an expression of interest. Submit that first; the full "
                "proposal opens if the convener invites you to it."
            )
        )


def require_eoi_open(call: Call, now: datetime) -> None:
    """After expressions of interest close, nobody new may start a two-stage application."""
    if call.eoi_deadline is not None and now >= call.eoi_deadline:
        raise Conflict(
            _(
                "Expressions of interest for “%(call)s” closed on %(closed)s; only invited "
                "organisations now send full proposals."
            )
            % {"call": call.title, "closed": format_in_zone(call.eoi_deadline, call.timezone)}
        )


def require_editable_in_stage(application: Application, now: datetime) -> None:
    """An EOI-stage application is edited only until expressions of interest close, and a
    direct approach's application is written by the convener, not the applicant."""
    require_applicant_source(application)
    if in_eoi_stage(application):
        require_eoi_open(application.call, now)


def require_applicant_source(application: Application) -> None:
    # The convener records a direct candidate from the interview (services/direct.py); an
    # applicant's edit would overwrite the amount and title the convener agreed.
    if application.source == Application.Source.DIRECT:
        raise Conflict(
            _(
                "The convener approached your organisation directly and records this "
                "candidacy from your interview; write to the convener to change it."
            )
        )


@transaction.atomic
def submit_expression_of_interest(
    *, actor: Any, application: Application, now: datetime | None = None
) -> ExpressionOfInterest:
    now = now or timezone.now()
    if not is_member(actor, application.organisation):
        raise NotFound(_("There is no such application, or it is not yours to change."))
    # An expression of interest is the first half of applying: the same proof of address
    # as a full submission (issue 8), or an unverified sign-up could enter the shortlist.
    require_verified_email(actor)
    application = Application.objects.select_for_update().get(pk=application.pk)
    call = application.call
    if not has_eoi_stage(call):
        raise Conflict(_("This call has no expression-of-interest stage."))
    if application.status != Application.Status.DRAFT:
        raise Conflict(_("This application can no longer be changed."))
    if eoi_of(application) is not None:
        raise Conflict(_("Your expression of interest is already submitted."))
    if now < call.opens_at:
        raise Conflict(_("The call is not open yet."))
    require_eoi_open(call, now)
    questions = questions_for(application)
    answers = answers_by_question(application)
    missing = [] if application.title.strip() else [_("Project title")]
    missing += [
        q.label for q in questions if q.required and answers.get(q.pk) in (None, "", [], {})
    ]
    if missing:
        raise DomainError(
            _("Answer every required question first. Missing: %(missing)s.")
            % {"missing": "; ".join(missing)}
        )
    check_word_limits(questions, answers)
    eoi = ExpressionOfInterest.objects.create(application=application, submitted_at=now)
    audit.record(
        action="application.eoi_submitted",
        actor=actor,
        obj=application,
        details={"call": call.slug, "organisation": application.organisation.slug},
    )
    return eoi


def _members_of(application: Application) -> list[str]:
    return list(
        User.objects.filter(memberships__organisation=application.organisation)
        .order_by("email")
        .values_list("email", flat=True)
    )


def deliver_eoi_invitation(*, application_id: int) -> int:
    """Mail the invitation to a full proposal to the organisation's members (task work)."""
    application = Application.objects.select_related("call", "organisation").get(pk=application_id)
    sent = 0
    # One copy per language among the members, each written in it.
    for language, addresses in by_language(_members_of(application)).items():
        with translation.override(language):
            subject, body = _invitation_mail(application)
        sent += send_mail(subject, body, None, addresses)
    return sent


def _invitation_mail(application: Application) -> tuple[str, str]:
    call = application.call
    link = settings.SITE_URL + reverse("application-edit", kwargs={"pk": application.pk})
    subject = _("%(call)s: you are invited to send a full proposal") % {"call": call.title}
    body = _(
        "Dear %(org)s team,\n\n"
        "Thank you for your expression of interest in %(call)s. We would like to read a full "
        "proposal from you. It asks a few more questions; your earlier answers are kept.\n\n"
        "Write it here: %(link)s\n"
        "The deadline is %(deadline)s.\n"
    ) % {
        "org": application.organisation.name,
        "call": call.title,
        "link": link,
        "deadline": format_in_zone(call.deadline, call.timezone),
    }
    return subject, body


@transaction.atomic
def invite_to_full_proposal(
    *, actor: Any, call: Call, application_ids: list[int], now: datetime | None = None
) -> int:
    """Invite the chosen expressions of interest; each organisation's members get a mail."""
    from datacollab.network.tasks import send_eoi_invitation

    now = now or timezone.now()
    require_convener(actor)
    if not application_ids:
        raise DomainError(_("Choose at least one expression of interest to invite."))
    if now >= call.deadline:
        raise Conflict(_("The deadline for full proposals has passed; nobody can be invited."))
    eois = list(
        ExpressionOfInterest.objects.select_for_update()
        .filter(application__call=call, application_id__in=application_ids)
        .select_related("application__organisation", "application__call")
    )
    if len(eois) != len(set(application_ids)):
        raise NotFound(_("Some of the chosen applications sent no expression of interest."))
    withdrawn = [e for e in eois if e.application.status == Application.Status.WITHDRAWN]
    if withdrawn:
        raise Conflict(
            _("%(org)s has withdrawn; it cannot be invited.")
            % {"org": withdrawn[0].application.organisation.name}
        )
    already = [e for e in eois if e.status == ExpressionOfInterest.Status.INVITED]
    if already:
        raise Conflict(
            ngettext(
                "%(n)d of them is already invited.",
                "%(n)d of them are already invited.",
                len(already),
            )
            % {"n": len(already)}
        )
    for eoi in eois:
        eoi.status = ExpressionOfInterest.Status.INVITED
        eoi.invited_at = now
        eoi.invited_by = actor
        eoi.save(update_fields=["status", "invited_at", "invited_by"])
        to = _members_of(eoi.application)
        # A worker sends it once this commits: a mail server that is down fails the task,
        # not the convener's request, and the task can be retried.
        transaction.on_commit(partial(send_eoi_invitation.enqueue, eoi.application_id))
        audit.record(
            action="application.eoi_invited",
            actor=actor,
            obj=eoi.application,
            details={"call": call.slug, "to": to},
        )
    return len(eois)
