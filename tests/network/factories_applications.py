"""Factories for the applications tests (the shared ones live in tests/factories.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from datacollab.network.models import Answer, Application, Call, Extension, Question, QuestionKind
from datacollab.organisations.models import Organisation, User
from tests import factories

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"


def pdf_upload(
    name: str = "plan.pdf", content: bytes = PDF, content_type: str = "application/pdf"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def questions_of(call: Call) -> list[Question]:
    return list(Question.objects.filter(call=call).order_by("position", "id"))


def add_question(call: Call, kind: str, label: str, **fields: Any) -> Question:
    position = Question.objects.filter(call=call).count() + 1
    return Question.objects.create(call=call, position=position, kind=kind, label=label, **fields)


def add_file_question(call: Call, **fields: Any) -> Question:
    fields.setdefault("max_file_bytes", 1024)
    return add_question(call, QuestionKind.FILE, "Budget (PDF)", **fields)


def draft(call: Call, user: User, org: Organisation | None = None, **fields: Any) -> Application:
    org = org or factories.make_org(members=[user], country="KE")
    return factories.make_application(
        call=call, organisation=org, user=user, submitted=False, **fields
    )


def answer_all(application: Application, value: Any = 3) -> None:
    """A valid answer to every question of the call (long text gets words, numbers get 3)."""
    for question in questions_of(application.call):
        stored = value if question.kind == QuestionKind.NUMBER else "We share health data."
        Answer.objects.create(application=application, question=question, value=stored)


def extend(call: Call, org: Organisation, by: User, until: datetime | None = None) -> Extension:
    return Extension.objects.create(
        call=call,
        organisation=org,
        until=until or timezone.now() + timedelta(days=2),
        reason="Power cut",
        granted_by=by,
    )
