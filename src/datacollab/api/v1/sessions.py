"""Sessions over the API: those the caller may see, by the events app's own rule
(`visible_sessions`), so a session the events app opens to anonymous people shows here too."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from datacollab.api.v1 import paging
from datacollab.datasets.api import ErrorOut
from datacollab.events.models import Session
from datacollab.events.selectors.sessions import session_for, visible_sessions

router = Router(tags=["sessions"])


class SessionOut(Schema):
    slug: str
    title: str
    kind: str
    theme: str
    description: str
    audience: str
    cohort: str | None
    starts_at: str
    ends_at: str
    timezone: str
    place: str
    status: str
    url: str
    api_url: str


class SessionListOut(Schema):
    count: int
    limit: int
    offset: int
    next: str | None
    results: list[SessionOut]


def _session(request: HttpRequest, session: Session) -> dict[str, Any]:
    absolute = request.build_absolute_uri
    return {
        "slug": session.slug,
        "title": session.title,
        "kind": session.kind,
        "theme": session.theme,
        "description": session.description,
        "audience": session.audience,
        "cohort": session.cohort.slug if session.cohort else None,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "timezone": session.timezone,
        "place": session.place,
        "status": session.status,
        "url": absolute(reverse("session-detail", args=[session.slug])),
        "api_url": absolute(reverse("api:session_get", args=[session.slug])),
    }


@router.get(
    "/sessions",
    response={200: SessionListOut, 400: ErrorOut},
    summary="Sessions you may see",
    openapi_extra={"parameters": paging.PARAMETERS},
)
def session_list(request: HttpRequest) -> Any:
    """The sessions the caller may see, soonest first: without an account, those open to
    anyone; with one, also those of your cohorts, the network and your invitations."""
    sessions = visible_sessions(request.user).select_related("cohort").order_by("starts_at", "pk")
    envelope, found = paging.page(request, sessions)
    return {**envelope, "results": [_session(request, s) for s in found]}


@router.get(
    "/sessions/{slug}",
    response={200: SessionOut, 400: ErrorOut, 404: ErrorOut},
    summary="One session",
)
def session_get(request: HttpRequest, slug: str) -> Any:
    """A session you may see; any other is 404, as if it did not exist."""
    return _session(request, session_for(request.user, slug))
