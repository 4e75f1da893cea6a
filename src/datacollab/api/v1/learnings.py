"""Learnings over the API: those the caller may read, by the learnings app's own rule
(`visible_learnings`: published public ones for anyone, more for a cohort's members)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from datacollab.api.v1 import paging
from datacollab.api.v1.content_languages import LANG_PARAMETER, requested_language, texts_in
from datacollab.datasets.api import ErrorOut
from datacollab.learnings.models import Learning
from datacollab.learnings.selectors import learning_for, visible_learnings

router = Router(tags=["learnings"])


class CreditOut(Schema):
    slug: str
    name: str


class LearningOut(Schema):
    slug: str
    title: str
    body: str
    language: str
    requested_language: str
    languages: list[str]
    status: str
    visibility: str
    cohort: str
    session: str | None
    tags: list[str]
    credited_to: list[CreditOut]
    published_at: str | None
    url: str
    api_url: str


class LearningListOut(Schema):
    count: int
    limit: int
    offset: int
    next: str | None
    results: list[LearningOut]


def _learning(request: HttpRequest, learning: Learning, language: str) -> dict[str, Any]:
    absolute = request.build_absolute_uri
    return {
        "slug": learning.slug,
        **texts_in(learning, learning.translatable, language, main="body"),
        "status": learning.status,
        "visibility": learning.visibility,
        "cohort": learning.cohort.slug,
        "session": learning.session.slug if learning.session else None,
        "tags": [t.name for t in learning.tags.all()],
        "credited_to": [{"slug": o.slug, "name": o.name} for o in learning.contributors.all()],
        "published_at": learning.published_at.isoformat() if learning.published_at else None,
        "url": absolute(reverse("learning-detail", args=[learning.slug])),
        "api_url": absolute(reverse("api:learning_get", args=[learning.slug])),
    }


@router.get(
    "/learnings",
    response={200: LearningListOut, 400: ErrorOut},
    summary="Learnings you may read",
    openapi_extra={"parameters": [*paging.PARAMETERS, LANG_PARAMETER]},
)
def learning_list(request: HttpRequest) -> Any:
    """Newest first. Without an account: the published public ones; with one, also those
    of your cohorts and your own drafts (`status` says which). Title and body in the
    language asked for, where the author gave one."""
    language = requested_language(request)
    learnings = (
        visible_learnings(request.user)
        .select_related("cohort", "session")
        .prefetch_related("tags", "contributors")
        .order_by("-published_at", "-created_at", "pk")
    )
    envelope, found = paging.page(request, learnings)
    return {**envelope, "results": [_learning(request, item, language) for item in found]}


@router.get(
    "/learnings/{slug}",
    response={200: LearningOut, 400: ErrorOut, 404: ErrorOut},
    summary="One learning",
    openapi_extra={"parameters": [LANG_PARAMETER]},
)
def learning_get(request: HttpRequest, slug: str) -> Any:
    language = requested_language(request)
    return _learning(request, learning_for(request.user, slug), language)
