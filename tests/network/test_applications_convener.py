"""The convener's applications table and the extension form; query counts for both lists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from datacollab.network.models import Extension
from datacollab.network.selectors.applications import zone_of
from tests import factories
from tests.network.factories_applications import draft, page_errors, page_text

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_call_applications_convener_sees_table_with_reasons(login, convener):
    call = factories.make_call()
    org = factories.make_org(name="Nairobi Data Trust", country="KE", kind="research")
    factories.make_application(
        call=call,
        organisation=org,
        eligible=False,
        eligibility_reasons=["Country Kenya is not one of: Peru"],
    )
    response = login(convener).get(reverse("call-applications", args=[call.slug]))
    text = page_text(response)
    assert response.status_code == 200
    assert "Nairobi Data Trust Kenya Global South Research institution" in text
    assert "not eligible Country Kenya is not one of: Peru" in text


def test_call_applications_filter_by_get_params(login, convener):
    call = factories.make_call()
    good = factories.make_application(call=call, eligible=True)
    factories.make_application(call=call, eligible=False)
    response = login(convener).get(
        reverse("call-applications", args=[call.slug]), {"status": "submitted", "eligible": "yes"}
    )
    assert [a.pk for a in response.context["applications"]] == [good.pk]


def test_call_applications_bad_filter_is_bad_input(login, convener):
    call = factories.make_call()
    response = login(convener).get(
        reverse("call-applications", args=[call.slug]), {"status": "lost"}
    )
    assert response.status_code == 400
    assert page_errors(response) == [
        "Select a valid choice. lost is not one of the available choices."
    ]


def test_call_applications_applicant_forbidden(login, applicant):
    call = factories.make_call()
    response = login(applicant).get(reverse("call-applications", args=[call.slug]))
    assert response.status_code == 403
    assert page_errors(response) == ["Only conveners can see all the applications to a call."]


def test_extension_grant_post_creates_in_call_time_zone(login, convener):
    call = factories.make_call(open=False, timezone="Africa/Nairobi")
    org = factories.make_org()
    until_local = (timezone.now() + timedelta(days=2)).astimezone(zone_of("Africa/Nairobi"))
    response = login(convener).post(
        reverse("extension-grant", args=[call.slug]),
        {
            "organisation": org.pk,
            "until": until_local.strftime("%Y-%m-%dT%H:%M"),
            "reason": "Power cut",
        },
    )
    assert (response.status_code, response.url) == (
        302,
        reverse("call-applications", args=[call.slug]),
    )
    extension = Extension.objects.get()
    assert extension.until == until_local.replace(second=0, microsecond=0)


def test_extension_grant_lets_the_organisation_submit(login, convener, applicant):
    call = factories.make_call(open=False)
    application = draft(call, applicant)
    until = (timezone.now() + timedelta(days=1)).astimezone(zone_of(call.timezone))
    login(convener).post(
        reverse("extension-grant", args=[call.slug]),
        {
            "organisation": application.organisation.pk,
            "until": until.strftime("%Y-%m-%dT%H:%M"),
            "reason": "Power cut",
        },
    )
    response = login(applicant).get(reverse("application-edit", args=[application.pk]))
    assert response.status_code == 200


def test_extension_grant_before_deadline_refused_on_page(login, convener):
    call = factories.make_call()
    response = login(convener).post(
        reverse("extension-grant", args=[call.slug]),
        {
            "organisation": factories.make_org().pk,
            "until": (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "Why not",
        },
    )
    assert response.status_code == 400
    assert page_errors(response)[0].startswith("The extension must end after the call's deadline")


def test_extension_grant_missing_fields_is_bad_input(login, convener):
    call = factories.make_call()
    response = login(convener).post(reverse("extension-grant", args=[call.slug]), {})
    assert response.status_code == 400
    assert page_errors(response) == ["This field is required."] * 3


def test_extension_grant_applicant_forbidden(login, applicant):
    call = factories.make_call(open=False)
    response = login(applicant).post(
        reverse("extension-grant", args=[call.slug]),
        {"organisation": factories.make_org().pk, "until": "2099-01-01T00:00", "reason": "me"},
    )
    assert response.status_code == 403
    assert Extension.objects.count() == 0


# --- query counts --------------------------------------------------------------------------


def _applications_for(user, n):
    for _ in range(n):
        call = factories.make_call(with_rubric=False)
        factories.make_application(
            call=call,
            organisation=factories.make_org(members=[user]),
            user=user,
            eligibility_reasons=["Kenya is fine"],
        )


def test_my_applications_query_count_constant(login, applicant):
    client = login(applicant)
    _applications_for(applicant, 2)
    few = _queries(client, reverse("my-applications"))
    _applications_for(applicant, 4)
    assert len(client.get(reverse("my-applications")).context["applications"]) == 6
    assert _queries(client, reverse("my-applications")) == few


def test_call_applications_query_count_constant(login, convener):
    call = factories.make_call()
    client = login(convener)
    url = reverse("call-applications", args=[call.slug])

    def add(n):
        for _ in range(n):
            org = factories.make_org(country="KE")
            factories.make_application(call=call, organisation=org)
            Extension.objects.create(
                call=call,
                organisation=org,
                granted_by=convener,
                until=call.deadline + timedelta(days=1),
                reason="Flood",
            )

    add(2)
    few = _queries(client, url)
    add(4)
    assert len(client.get(url).context["applications"]) == 6
    assert _queries(client, url) == few
