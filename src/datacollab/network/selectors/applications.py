"""Reads for applications: who may see which application, lists for applicants and conveners."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core.dates import format_date
from datacollab.core.errors import NotAllowed, NotFound
from datacollab.network.models import Answer, Application, Call, Extension, Question
from datacollab.organisations.models import Organisation
from datacollab.organisations.rules import is_convener


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def format_in_zone(moment: datetime, zone_name: str) -> str:
    """'12 March 2026, 17:00 GMT (Europe/London)': the zone spelled out, never implied."""
    local = timezone.localtime(moment, zone_of(zone_name))
    return f"{format_date(local, 'DATETIME_ZONE_FORMAT')} ({zone_name})"


def extension_for(call: Call, organisation: Organisation) -> Extension | None:
    return Extension.objects.filter(call=call, organisation=organisation).first()


def effective_deadline(call: Call, organisation: Organisation) -> datetime:
    """The call's deadline, or the organisation's named extension when that is later."""
    extension = extension_for(call, organisation)
    if extension is not None and extension.until > call.deadline:
        return extension.until
    return call.deadline


def call_by_slug(slug: str) -> Call:
    call = Call.objects.select_related("cohort").filter(slug=slug).first()
    if call is None:
        raise NotFound(_("There is no open call at this address."))
    return call


def _visible_to_member(actor: Any) -> QuerySet[Application]:
    return Application.objects.filter(organisation__memberships__user=actor)


def _base() -> QuerySet[Application]:
    return Application.objects.select_related("call", "call__cohort", "organisation", "created_by")


def application_for(*, actor: Any, pk: int) -> Application:
    """An application its organisation's members and conveners may see; 404 for anyone else,
    so that a stranger cannot even learn that it exists."""
    application = _base().filter(pk=pk).first()
    if application is None or not getattr(actor, "is_authenticated", False):
        raise NotFound(_("There is no such application, or it is not yours to see."))
    if is_convener(actor) or _visible_to_member(actor).filter(pk=pk).exists():
        return application
    raise NotFound(_("There is no such application, or it is not yours to see."))


def applications_of(user: Any) -> list[Application]:
    """Every application of every organisation the user belongs to, newest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(_base().filter(organisation__memberships__user=user).order_by("-created_at", "-id"))


@dataclass(frozen=True)
class AnswerRow:
    question: Question
    answer: Answer | None

    @property
    def display(self) -> str:
        if self.answer is None:
            return ""
        value = self.answer.value
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, dict):
            return str(value.get("name", ""))
        return "" if value is None else str(value)


def answer_rows(application: Application) -> list[AnswerRow]:
    """The call's questions in order, each with this application's answer (or None)."""
    answers = {a.question_id: a for a in Answer.objects.filter(application=application)}
    # Through the call, so each question knows its call (and language) without a query.
    questions = application.call.questions.order_by("position", "id")
    return [AnswerRow(question=q, answer=answers.get(q.pk)) for q in questions]


def answers_by_question(application: Application) -> dict[int, Any]:
    """{question id: stored value} with files as their stored name, for eligibility checks."""
    result: dict[int, Any] = {}
    for answer in Answer.objects.filter(application=application):
        result[answer.question_id] = answer.value if not answer.file else answer.file.name
    return result


def call_applications(
    *, actor: Any, call: Call, status: str = "", eligible: str = ""
) -> list[Application]:
    """All applications to a call for the convener's table, filtered by status and eligibility.

    `eligible` is "yes", "no" or "unknown" (not checked yet: drafts); anything else: all.
    """
    if not is_convener(actor):
        raise NotAllowed(_("Only conveners can see all the applications to a call."))
    queryset = _base().filter(call=call).order_by("organisation__name", "id")
    if status in Application.Status.values:
        queryset = queryset.filter(status=status)
    if eligible == "yes":
        queryset = queryset.filter(eligible=True)
    elif eligible == "no":
        queryset = queryset.filter(eligible=False)
    elif eligible == "unknown":
        queryset = queryset.filter(eligible__isnull=True)
    return list(queryset)


def extensions_of_call(*, actor: Any, call: Call) -> list[Extension]:
    if not is_convener(actor):
        raise NotAllowed(_("Only conveners can see the extensions granted for a call."))
    return list(
        Extension.objects.filter(call=call)
        .select_related("organisation", "granted_by")
        .order_by("organisation__name")
    )
