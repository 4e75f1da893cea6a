"""Factories for the applications tests (the shared ones live in tests/factories.py)."""

from __future__ import annotations

import html
import re
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


def page_errors(response: Any) -> list[str]:
    """The refusal and form-error messages a page shows, unescaped, in page order."""
    text = response.content.decode()
    found: list[tuple[int, str]] = []
    for match in re.finditer(r'<p class="error" role="alert">(.*?)</p>', text, re.S):
        found.append((match.start(), html.unescape(match.group(1)).strip()))
    # The form's own refusals (not tied to a field) are said once, in the error summary on top.
    for block in re.finditer(r'<div class="error-summary".*?<ul>(.*?)</ul>', text, re.S):
        for item in re.finditer(r"<li>(?!<a )(.*?)</li>", block.group(1), re.S):
            found.append((block.start() + item.start(), html.unescape(item.group(1)).strip()))
    for block in re.finditer(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', text, re.S):
        for item in re.finditer(r"<li>(.*?)</li>", block.group(1), re.S):
            found.append((block.start() + item.start(), html.unescape(item.group(1)).strip()))
    return [message for _pos, message in sorted(found)]


def page_text(response: Any) -> str:
    """The page's visible text with tags dropped and whitespace collapsed, for phrases."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(text).split())
