"""Writes for applications: start, save, submit, withdraw, and late extensions.

Rules (also in docs/guide/applications.md):
- only members of the organisation write its application; conveners read it;
- nothing is started, saved or submitted unless the call is open, from its opening until its
  deadline, or the organisation holds a named extension that has not yet run out and no
  selection is confirmed (services/call_lifecycle.py holds the rule);
- a submitted application may still be edited until the deadline and stays submitted; every
  edit re-checks required answers and eligibility;
- an ineligible application is still submitted, marked ineligible with its reasons, and never
  enters review or selection;
- a withdrawn application is final.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import partial
from types import EllipsisType
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.collaborations.models import CollaborationMember, DataCollaboration
from datacollab.core import audit
from datacollab.core.content_language import check_language, localized, reader_language
from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.core.templatetags.datacollab import money
from datacollab.network import eligibility
from datacollab.network.models import Answer, Application, Call, Question, QuestionKind
from datacollab.network.selectors.applications import (
    answers_by_question,
    extension_for,
)
from datacollab.network.services import call_lifecycle, stages
from datacollab.network.uploads import check_upload, safe_name
from datacollab.organisations.models import Organisation
from datacollab.organisations.rules import is_member, require_verified_email

# Re-exported so callers that only know this module find the file check here too.
__all__ = [
    "check_eligibility",
    "check_upload",
    "ensure_accepting",
    "ensure_editable",
    "save_draft",
    "start_application",
    "submit_application",
    "withdraw_application",
]


def _require_member(actor: Any, organisation: Organisation) -> None:
    if not is_member(actor, organisation):
        # 404, not 403: a stranger must not learn that the application exists.
        raise NotFound(_("There is no such application, or it is not yours to change."))


def _require_accepting(call: Call, organisation: Organisation | None, now: datetime) -> None:
    # The rule belongs to the call's life: one place decides when a call takes applications.
    call_lifecycle.require_accepting(call, organisation, now)


def _require_changeable(application: Application) -> None:
    if application.status == Application.Status.WITHDRAWN:
        raise Conflict(
            _(
                "This application was withdrawn; it can no longer be changed or "
                "submitted. Ask the convener if this was a mistake."
            )
        )
    if application.decision != Application.Decision.PENDING:
        raise Conflict(
            _("A decision has been made on this application; it can no longer be changed.")
        )


def _require_within_cap(application: Application, amount: Decimal) -> None:
    cohort = application.call.cohort
    if amount > cohort.award_cap:
        raise DomainError(
            _(
                "The amount requested, %(amount)s, is above the cap of %(cap)s per award in "
                "%(cohort)s; ask for %(cap)s or less."
            )
            % {
                "amount": money(amount, cohort.currency),
                "cap": money(cohort.award_cap, cohort.currency),
                "cohort": cohort.name,
            },
            field="requested_amount",
        )


def _locked(application: Application) -> Application:
    # Re-read under a row lock so two tabs (or a tab and a withdrawal) cannot interleave.
    return (
        Application.objects.select_for_update()
        .select_related("call", "call__cohort", "organisation")
        .get(pk=application.pk)
    )


def ensure_editable(*, actor: Any, application: Application, now: datetime | None = None) -> None:
    """Raise the refusal that saving or submitting would raise now; return if allowed.

    Pages call this to show the reason up front instead of after the applicant types."""
    _require_member(actor, application.organisation)
    _require_changeable(application)
    _require_accepting(application.call, application.organisation, now or timezone.now())
    stages.require_editable_in_stage(application, now or timezone.now())


def ensure_accepting(
    *, call: Call, organisations: list[Organisation], now: datetime | None = None
) -> None:
    """Raise unless at least one of these organisations could apply to `call` now."""
    now = now or timezone.now()
    if not organisations:
        _require_accepting(call, None, now)
        return
    refusal: DomainError | None = None
    for organisation in organisations:
        try:
            _require_accepting(call, organisation, now)
        except DomainError as exc:
            refusal = refusal or exc
        else:
            return
    assert refusal is not None
    raise refusal


@transaction.atomic
def start_application(
    *, actor: Any, call: Call, organisation: Organisation, now: datetime | None = None
) -> Application:
    """Create a draft of `organisation`'s application to `call`; one per organisation."""
    now = now or timezone.now()
    if not is_member(actor, organisation):
        raise NotAllowed(
            _("You are not a member of %(org)s, so you cannot apply for it.")
            % {
                "org": organisation.name,
            }
        )
    # The call as stored now, under its lock: a page's copy may predate the call's closing.
    call = Call.objects.select_for_update().select_related("cohort").get(pk=call.pk)
    _require_accepting(call, organisation, now)
    stages.require_eoi_open(call, now)
    if Application.objects.filter(call=call, organisation=organisation).exists():
        raise Conflict(
            _(
                "%(org)s already has an application to “%(call)s”; open it from My "
                "applications instead of starting another."
            )
            % {
                "org": organisation.name,
                "call": call.title,
            }
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                call=call,
                organisation=organisation,
                created_by=actor,
                title="",
                requested_amount=Decimal("0.00"),
                # The language they are reading in; they may choose another on the form.
                language=reader_language(),
            )
    except IntegrityError as exc:  # a concurrent start won the race
        raise Conflict(
            _("%(org)s already has an application to “%(call)s”.")
            % {
                "org": organisation.name,
                "call": call.title,
            }
        ) from exc
    audit.record(
        action="application.started",
        actor=actor,
        obj=application,
        details={"call": call.slug, "organisation": organisation.slug},
    )
    return application


def _missing_required(
    application: Application, questions: list[Question], answers: dict[int, Any]
) -> list[str]:
    missing = [] if application.title.strip() else [_("Project title")]
    if application.requested_amount <= 0:
        missing.append(_("Amount requested"))
    for question in questions:
        value = answers.get(question.pk)
        if question.required and (value is None or value in ("", [], {})):
            missing.append(localized(question, "label"))
    return missing


def _store_answers(
    application: Application,
    questions: dict[int, Question],
    answers: dict[int, Any],
    files: dict[int, UploadedFile],
) -> None:
    for qid, value in answers.items():
        question = questions.get(qid)
        if question is None or question.kind == QuestionKind.FILE:
            continue
        if value is None or value in ("", []):
            Answer.objects.filter(application=application, question=question).delete()
            continue
        Answer.objects.update_or_create(
            application=application, question=question, defaults={"value": value}
        )
    for qid, upload in files.items():
        question = questions.get(qid)
        if question is None or question.kind != QuestionKind.FILE:
            continue
        check_upload(question=question, upload=upload)
        answer, _created = Answer.objects.get_or_create(application=application, question=question)
        if answer.file:
            # Remove the replaced file only once the new answer is committed; a rollback
            # must not leave the stored answer pointing at nothing.
            transaction.on_commit(partial(answer.file.storage.delete, str(answer.file.name)))
        original = safe_name(upload.name or "upload")
        # upload_to puts it under an unguessable private key; the name is kept for downloads.
        answer.file.save(original, upload, save=False)
        answer.value = {"name": original, "size": upload.size}
        answer.save()


@transaction.atomic
def save_draft(
    *,
    actor: Any,
    application: Application,
    title: str,
    summary: str,
    requested_amount: Decimal,
    answers: dict[int, Any],
    files: dict[int, UploadedFile] | None = None,
    now: datetime | None = None,
    collaboration: DataCollaboration | EllipsisType | None = ...,
    language: str | None = None,
) -> Application:
    """Save what the applicant has so far. A draft may be partial; a submitted application
    stays submitted, so it must stay complete, and its eligibility is checked again.
    `collaboration` links a data collaboration the organisation belongs to (None unlinks;
    leave it out to keep the link as it is). `language` is the one the answers are in: any of
    the network's languages (None keeps it as it is)."""
    now = now or timezone.now()
    _require_member(actor, application.organisation)
    application = _locked(application)
    _require_changeable(application)
    _require_accepting(application.call, application.organisation, now)
    _require_within_cap(application, requested_amount)
    stages.require_editable_in_stage(application, now)
    # In a two-stage call's first stage, only the expression-of-interest questions are open.
    questions = {q.pk: q for q in stages.questions_for(application)}
    stages.check_word_limits(questions.values(), answers)
    if language is not None:
        application.language = check_language(language)
    application.title = title.strip()
    application.summary = summary
    application.requested_amount = requested_amount
    fields = ["title", "summary", "requested_amount", "language", "updated_at"]
    if not isinstance(collaboration, EllipsisType):
        _require_collaboration_member(collaboration, application.organisation)
        application.collaboration = collaboration
        fields.append("collaboration")
    application.save(update_fields=fields)
    _store_answers(application, questions, answers, files or {})
    if application.status == Application.Status.SUBMITTED:
        missing = _missing_required(
            application, list(questions.values()), answers_by_question(application)
        )
        if missing:
            raise DomainError(
                _(
                    "This application is submitted, so every required answer must "
                    "stay filled in. Missing: %(missing)s."
                )
                % {
                    "missing": "; ".join(missing),
                }
            )
        _store_eligibility(application)
        audit.record(
            action="application.edited_after_submission",
            actor=actor,
            obj=application,
            details={"eligible": application.eligible},
        )
    return application


def _require_collaboration_member(
    collaboration: DataCollaboration | None, organisation: Organisation
) -> None:
    if collaboration is None:
        return
    if not CollaborationMember.objects.filter(
        collaboration=collaboration, organisation=organisation
    ).exists():
        raise DomainError(
            _(
                "%(org)s is not a member of the data collaboration %(name)s: "
                "choose one it belongs to."
            )
            % {"org": organisation.name, "name": collaboration.name},
            field="collaboration",
        )


def check_eligibility(*, application: Application) -> tuple[bool, list[str]]:
    """Evaluate the call's criteria against the application as it is stored now."""
    call = application.call
    questions = Question.objects.filter(call_id=call.pk).values_list("id", "label")
    return eligibility.evaluate(
        criteria=list(call.criteria.all()),
        organisation_kind=application.organisation.kind,
        country=application.organisation.country,
        answers=answers_by_question(application),
        requested_amount=application.requested_amount,
        question_labels=dict(questions),
        currency=call.cohort.currency,
    )


def _store_eligibility(application: Application) -> None:
    eligible, reasons = check_eligibility(application=application)
    application.eligible = eligible
    application.eligibility_reasons = reasons
    application.save(update_fields=["eligible", "eligibility_reasons", "updated_at"])


@transaction.atomic
def submit_application(
    *, actor: Any, application: Application, now: datetime | None = None
) -> Application:
    """Submit: complete answers required, before the deadline (or a live extension).

    The eligibility check runs here and its verdict is stored with its reasons. An ineligible
    application is submitted all the same, so the applicant sees why; it never enters review.
    """
    now = now or timezone.now()
    _require_member(actor, application.organisation)
    require_verified_email(actor)
    application = _locked(application)
    _require_changeable(application)
    if application.status == Application.Status.SUBMITTED:
        raise Conflict(
            _("This application is already submitted. You can still edit it until the deadline.")
        )
    _require_accepting(application.call, application.organisation, now)
    stages.require_full_stage(application)
    _require_within_cap(application, application.requested_amount)
    questions = list(Question.objects.filter(call_id=application.call_id))
    stages.check_word_limits(questions, answers_by_question(application))
    missing = _missing_required(application, questions, answers_by_question(application))
    if missing:
        raise DomainError(
            _("Answer every required question before submitting. Missing: %(missing)s.")
            % {"missing": "; ".join(missing)}
        )
    application.status = Application.Status.SUBMITTED
    application.submitted_at = now
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    _store_eligibility(application)
    extension = extension_for(application.call, application.organisation)
    late = now >= application.call.deadline
    audit.record(
        action="application.submitted",
        actor=actor,
        obj=application,
        details={
            "call": application.call.slug,
            "organisation": application.organisation.slug,
            "eligible": application.eligible,
            "reasons": application.eligibility_reasons,
            "late_under_extension": late and extension is not None,
            "language": application.language,
        },
    )
    return application


def withdraw_refusal(application: Application) -> str:
    """Why the application cannot be withdrawn now ("" when it can): for pages and the service."""
    if application.status == Application.Status.WITHDRAWN:
        return _("This application is already withdrawn.")
    if application.decision != Application.Decision.PENDING:
        return _(
            "A decision has been made on this application, so it cannot be "
            "withdrawn; write to the convener instead."
        )
    return ""


@transaction.atomic
def withdraw_application(*, actor: Any, application: Application) -> Application:
    """Withdraw for good. Allowed at any time until a decision is made."""
    _require_member(actor, application.organisation)
    application = _locked(application)
    if refusal := withdraw_refusal(application):
        raise Conflict(refusal)
    previous = application.status
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    audit.record(
        action="application.withdrawn",
        actor=actor,
        obj=application,
        details={"previous_status": previous, "call": application.call.slug},
    )
    return application
