"""Eligibility reasons are shown in the reader's language, not the submitter's (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.network.models import CriterionKind
from datacollab.network.services import applications as services
from tests import factories
from tests.i18n_catalogue import spanish
from tests.network.factories_applications import answer_all, draft

pytestmark = pytest.mark.django_db

BEFORE = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
SPANISH = {"%(country)s is in the Global South": "%(country)s está en el Sur Global"}


def _submitted_in_spanish(tmp_path: Path, call, applicant):
    application = draft(call, applicant)
    answer_all(application)
    with spanish(tmp_path, SPANISH):
        services.submit_application(actor=applicant, application=application, now=BEFORE)
    application.refresh_from_db()
    return application


@pytest.fixture
def call():
    return factories.make_call(
        opens_at=datetime(2026, 1, 1, tzinfo=UTC), deadline=datetime(2026, 3, 1, tzinfo=UTC)
    )


def test_call_applications_shows_reasons_in_the_conveners_language(
    login, convener, applicant, call, tmp_path: Path
):
    factories.add_criterion(call, CriterionKind.GLOBAL_SOUTH, True, "Global South")
    application = _submitted_in_spanish(tmp_path, call, applicant)

    response = login(convener).get(reverse("call-applications", args=[call.slug]))

    assert application.eligibility_reasons == ["Kenia está en el Sur Global"]
    assert [a.shown_reasons for a in response.context["applications"]] == [
        ["Kenya is in the Global South"]
    ]
    assert "<li>Kenya is in the Global South</li>" in response.content.decode()


def test_application_detail_shows_reasons_in_the_readers_language(
    login, convener, applicant, call, tmp_path: Path
):
    factories.add_criterion(call, CriterionKind.GLOBAL_SOUTH, True, "Global South")
    application = _submitted_in_spanish(tmp_path, call, applicant)

    response = login(convener).get(reverse("application-detail", args=[application.pk]))

    assert "<li>Kenya is in the Global South</li>" in response.content.decode()


def test_eligibility_shown_keeps_stored_text_when_criteria_changed(
    login, convener, applicant, call, tmp_path: Path
):
    criterion = factories.add_criterion(call, CriterionKind.GLOBAL_SOUTH, True, "Global South")
    _submitted_in_spanish(tmp_path, call, applicant)
    criterion.delete()
    factories.add_criterion(call, CriterionKind.COUNTRY_IN, ["PE"], "Peru only")

    response = login(convener).get(reverse("call-applications", args=[call.slug]))

    assert [a.shown_reasons for a in response.context["applications"]] == [
        ["Kenia está en el Sur Global"]
    ]


def test_call_applications_queries_do_not_grow_with_reasons(login, convener, call):
    factories.add_criterion(call, CriterionKind.GLOBAL_SOUTH, True, "Global South")
    client = login(convener)
    url = reverse("call-applications", args=[call.slug])
    factories.make_application(call=call, eligible=True, eligibility_reasons=["x"])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _n in range(4):
        factories.make_application(call=call, eligible=True, eligibility_reasons=["x"])

    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many.captured_queries) == len(few.captured_queries)
