"""The network's public face over the API: cohorts, participating organisations and the
published output reports. Anyone may read them, as the public pages (network/views/public.py,
reports/views/cohort_report.py); the selectors hold the rule."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from datacollab.api.v1 import paging
from datacollab.api.v1.content_languages import LANG_PARAMETER, requested_language, texts_in
from datacollab.core.content_language import default_language
from datacollab.core.errors import NotFound
from datacollab.datasets.api import ErrorOut
from datacollab.network.models import Cohort
from datacollab.network.selectors import public
from datacollab.organisations.models import Organisation
from datacollab.reports.models import CohortReport
from datacollab.reports.selectors import report as report_selectors
from datacollab.reports.selectors import revisions

router = Router(tags=["network"])
ERRORS = {400: ErrorOut, 404: ErrorOut}


class OrganisationRef(Schema):
    slug: str
    name: str
    kind: str
    country: str


class CohortOut(Schema):
    slug: str
    name: str
    focus: str
    description: str
    # The language served for the description, the one asked for, those the texts exist in.
    language: str
    requested_language: str
    languages: list[str]
    starts_on: str
    ends_on: str
    organisations: list[OrganisationRef]
    url: str
    api_url: str


class CohortListOut(Schema):
    count: int
    limit: int
    offset: int
    next: str | None
    results: list[CohortOut]


class CohortRef(Schema):
    slug: str
    name: str


class OrganisationOut(OrganisationRef):
    website: str
    cohorts: list[CohortRef]


class OrganisationListOut(Schema):
    count: int
    limit: int
    offset: int
    next: str | None
    results: list[OrganisationOut]


class ReportOut(Schema):
    cohort: CohortRef
    title: str
    language: str
    requested_language: str
    languages: list[str]
    published_at: str | None
    url: str
    markdown_url: str
    pdf_url: str
    api_url: str


class ReportListOut(Schema):
    count: int
    limit: int
    offset: int
    next: str | None
    results: list[ReportOut]


class ReportDetailOut(ReportOut):
    revision: int
    markdown: str


def _organisation_ref(organisation: Organisation) -> dict[str, Any]:
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "kind": organisation.kind,
        "country": organisation.country,
    }


def _cohort(request: HttpRequest, cohort: Cohort, language: str) -> dict[str, Any]:
    absolute = request.build_absolute_uri
    return {
        "slug": cohort.slug,
        "name": cohort.name,
        # The focus and description in the language asked for, where a convener gave one.
        **texts_in(cohort, cohort.translatable, language, main="description"),
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        # Prefetched by the selector, by name.
        "organisations": [_organisation_ref(m.organisation) for m in cohort.memberships.all()],
        "url": absolute(reverse("cohort-detail", args=[cohort.slug])),
        "api_url": absolute(reverse("api:cohort_get", args=[cohort.slug])),
    }


@router.get(
    "/cohorts",
    response={200: CohortListOut, 400: ErrorOut},
    summary="Cohorts and their organisations",
    openapi_extra={"parameters": [*paging.PARAMETERS, LANG_PARAMETER]},
)
def cohort_list(request: HttpRequest) -> Any:
    """Every cohort of the network, newest first, with its participating organisations; their
    focus and description in the language asked for."""
    language = requested_language(request)
    envelope, cohorts = paging.page(request, public.cohorts_with_members(public.current_network()))
    return {**envelope, "results": [_cohort(request, c, language) for c in cohorts]}


@router.get(
    "/cohorts/{slug}",
    response={200: CohortOut, **ERRORS},
    summary="One cohort",
    openapi_extra={"parameters": [LANG_PARAMETER]},
)
def cohort_get(request: HttpRequest, slug: str) -> Any:
    return _cohort(request, public.cohort_by_slug(slug), requested_language(request))


@router.get(
    "/organisations",
    response={200: OrganisationListOut, 400: ErrorOut},
    summary="Organisations taking part in the network",
    openapi_extra={"parameters": paging.PARAMETERS},
)
def organisation_list(request: HttpRequest) -> Any:
    """Organisations that are or were members of a cohort, by name, with their cohorts."""
    envelope, organisations = paging.page(request, public.participating_organisations())
    results = [
        {
            **_organisation_ref(o),
            "website": o.website,
            "cohorts": [
                {"slug": m.cohort.slug, "name": m.cohort.name} for m in o.cohort_memberships.all()
            ],
        }
        for o in organisations
    ]
    return {**envelope, "results": results}


def _report(request: HttpRequest, report: CohortReport, language: str) -> dict[str, Any]:
    absolute = request.build_absolute_uri
    slug = report.cohort.slug
    texts = texts_in(report, report.translatable, language, main="title")
    return {
        "cohort": {"slug": slug, "name": report.cohort.name},
        **texts,
        "title": texts["title"] or str(report.cohort),
        "published_at": report.published_at.isoformat() if report.published_at else None,
        "url": absolute(reverse("cohort-report", args=[slug])),
        "markdown_url": absolute(reverse("cohort-report-markdown", args=[slug])),
        "pdf_url": absolute(reverse("cohort-report-pdf", args=[slug])),
        "api_url": absolute(reverse("api:report_get", args=[slug])),
    }


@router.get(
    "/reports",
    response={200: ReportListOut, 400: ErrorOut},
    summary="Published output reports",
    openapi_extra={"parameters": [*paging.PARAMETERS, LANG_PARAMETER]},
)
def report_list(request: HttpRequest) -> Any:
    """The cohorts' published output reports, newest cohort first; titles in the language
    asked for where the conveners gave one."""
    language = requested_language(request)
    envelope, reports = paging.page(request, revisions.published_reports())
    return {**envelope, "results": [_report(request, r, language) for r in reports]}


@router.get(
    "/reports/{cohort_slug}",
    response={200: ReportDetailOut, **ERRORS},
    summary="A cohort's published output report",
    openapi_extra={"parameters": [LANG_PARAMETER]},
)
def report_get(request: HttpRequest, cohort_slug: str) -> Any:
    """The current revision as Markdown, as it was frozen at publication in the language
    asked for (`language` says which was served: the default one for a revision frozen
    before languages were). A report that is not published is 404, for conveners too
    (their drafts are on the report's page)."""
    language = requested_language(request)
    report = report_selectors.report_for_viewer(viewer=request.user, cohort_slug=cohort_slug)
    revision = revisions.current_revision(report)
    if revision is None:
        raise NotFound(
            _("%(cohort)s has no published output report yet.") % {"cohort": report.cohort.name}
        )
    frozen = revisions.frozen_language(revision, language)
    return {
        **_report(request, report, language),
        "title": revisions.revision_title(revision, language),
        "language": language if frozen else default_language(),
        "revision": revision.number,
        "published_at": revision.published_at.isoformat(),
        "markdown": revisions.revision_markdown(revision, language),
    }
