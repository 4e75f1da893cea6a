"""Open calls over the API, in the language asked for: the same calls as the home page
(`public.open_calls`), and one call as its public page shows it (`call_for_viewer`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from datacollab.api.v1 import paging
from datacollab.api.v1.content_languages import LANG_PARAMETER, requested_language, texts_in
from datacollab.core.content_language import localize
from datacollab.datasets.api import ErrorOut
from datacollab.network.models import Call, Question
from datacollab.network.selectors import public

router = Router(tags=["calls"])


class QuestionOut(Schema):
    label: str
    help_text: str
    required: bool
    language: str


class CallOut(Schema):
    slug: str
    title: str
    summary: str
    description: str
    language: str
    requested_language: str
    languages: list[str]
    cohort: str
    opens_at: str
    deadline: str
    timezone: str
    url: str
    api_url: str


class CallDetailOut(CallOut):
    questions: list[QuestionOut]


class CallListOut(Schema):
    count: int
    limit: int
    offset: int
    next: str | None
    results: list[CallOut]


def _call(request: HttpRequest, call: Call, language: str) -> dict[str, Any]:
    absolute = request.build_absolute_uri
    return {
        "slug": call.slug,
        **texts_in(call, call.translatable, language, main="description"),
        "cohort": call.cohort.slug,
        "opens_at": call.opens_at.isoformat(),
        "deadline": call.deadline.isoformat(),
        "timezone": call.timezone,
        "url": absolute(reverse("call-detail", args=[call.slug])),
        "api_url": absolute(reverse("api:call_get", args=[call.slug])),
    }


def _question(question: Question, call: Call, language: str) -> dict[str, Any]:
    label = localize(question, "label", language, original=call.language)
    help_text = localize(question, "help_text", language, original=call.language)
    return {
        "label": label.text,
        "help_text": help_text.text,
        "required": question.required,
        "language": label.language,
    }


@router.get(
    "/calls",
    response={200: CallListOut, 400: ErrorOut},
    summary="Open calls",
    openapi_extra={"parameters": [*paging.PARAMETERS, LANG_PARAMETER]},
)
def call_list(request: HttpRequest) -> Any:
    """Calls open now, the soonest deadline first; their texts in the language asked for,
    where the conveners gave one."""
    language = requested_language(request)
    envelope, calls = paging.page(request, public.open_calls())
    return {**envelope, "results": [_call(request, c, language) for c in calls]}


@router.get(
    "/calls/{slug}",
    response={200: CallDetailOut, 400: ErrorOut, 404: ErrorOut},
    summary="One call and its questions",
    openapi_extra={"parameters": [LANG_PARAMETER]},
)
def call_get(request: HttpRequest, slug: str) -> Any:
    """A call that has opened (a draft is 404 but for conveners), with the questions an
    applicant answers, in the language asked for."""
    language = requested_language(request)
    call = public.call_for_viewer(slug, request.user)
    questions = [_question(q, call, language) for q in call.questions.all()]
    return {**_call(request, call, language), "questions": questions}
