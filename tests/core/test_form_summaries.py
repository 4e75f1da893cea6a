"""The set-up, application and upload forms show the same error layout as every rendered
form: a summary on top linking to the fields, each error under its own input and named by
its `aria-describedby` (issue 8, problem 7; these three laid their fields out by hand, and the
upload form put its error above the label, where it read as the previous text's)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests import factories
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
)

pytestmark = pytest.mark.django_db


def _squash(html: str) -> str:
    return re.sub(r">\s+<", "><", " ".join(html.split()))


def _summary_links(html: str) -> list[str]:
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    return re.findall(r'<a href="(#[^"]+)">', summary.group(0)) if summary else []


def _error_follows_its_input(html: str, name: str) -> bool:
    described = re.search(rf'<[^>]+name="{name}"[^>]*aria-describedby="([^"]*)"', html)
    error_id = f"id_{name}_error"
    return (
        described is not None
        and error_id in described.group(1).split()
        and html.index(f'id="{error_id}"') > described.start()
    )


def test_setup_call_form_errors_have_a_summary_linking_to_each_field(login):
    convener = factories.make_user(roles=["convener"])
    cohort = factories.make_cohort()

    response = login(convener).post(
        reverse("setup-call-create"),
        {
            "cohort": cohort.slug,
            "summary": "Kept summary",
            "timezone": "Africa/Nairobi",
            "reviews_per_application": "2",
            "language": "en-gb",
        },
    )

    html = _squash(response.content.decode())
    assert response.status_code == 400
    assert _summary_links(html) == ["#id_title", "#id_opens_at", "#id_deadline"]
    assert _error_follows_its_input(html, "title") is True
    assert 'value="Kept summary"' in html


def test_application_form_errors_have_a_summary_linking_to_the_field(login, applicant):
    call = factories.make_call()
    org = factories.make_org(members=[applicant])
    application = factories.make_application(
        call=call, organisation=org, user=applicant, submitted=False
    )

    response = login(applicant).post(
        reverse("application-edit", args=[application.pk]),
        {"title": "River sensors", "summary": "", "requested_amount": "lots"},
    )

    html = _squash(response.content.decode())
    assert response.status_code == 400
    assert _summary_links(html) == ["#id_requested_amount"]
    assert _error_follows_its_input(html, "requested_amount") is True
    assert 'value="River sensors"' in html


def test_upload_form_error_follows_the_file_input_and_is_summarised(ingest_dirs, login):
    owner, dataset = owner_and_dataset()

    response = login(owner).post(reverse("dataset-upload", kwargs={"slug": dataset.slug}), {})

    html = _squash(response.content.decode())
    assert response.status_code == 400
    assert _summary_links(html) == ["#id_file"]
    assert _error_follows_its_input(html, "file") is True
    assert 'aria-describedby="id_file_helptext id_file_error"' in html
