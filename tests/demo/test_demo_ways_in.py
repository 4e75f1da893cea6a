"""Both ways into a cohort in the demo: the second cohort's direct approaches and a call with
an expression-of-interest stage, each visible on the convener's pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from datacollab.core.models import AuditEntry
from datacollab.demo import content
from datacollab.demo import stages as demo_stages
from datacollab.demo.builder import load_demo
from datacollab.demo.people import email
from datacollab.network.models import Application, DirectApproach, ExpressionOfInterest
from datacollab.organisations.models import User
from tests.network.factories_applications import page_text

pytestmark = pytest.mark.django_db

SECOND_CALL = content.SECOND.call_slug


@pytest.fixture(autouse=True)
def _datasets_storage(settings, tmp_path) -> None:
    """The demo publishes dataset versions: their files go to a per-test folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "datasets")},
        },
    }


def test_demo_direct_approaches_show_on_the_convener_pages(client) -> None:
    load_demo()
    client.force_login(User.objects.get(email=email("convener")))

    direct_page = page_text(client.get(reverse("setup-direct", args=[SECOND_CALL])))
    approach = DirectApproach.objects.get(application__organisation__slug="wikimedia-foundation")
    interview_page = page_text(
        client.get(reverse("setup-direct-interview", args=[SECOND_CALL, approach.pk]))
    )
    selection = page_text(client.get(reverse("call-selection", args=[SECOND_CALL])))

    rows = [
        "Open Apparel Registry open-apparel-registry@demo.datacollab.org",
        "OpenStreetMap Foundation openstreetmap-foundation@demo.datacollab.org",
        "Wikimedia Foundation wikimedia-foundation@demo.datacollab.org",
    ]
    assert [direct_page.find(row) > 0 for row in rows] == [True, True, True]
    assert direct_page.count("Interviewed Strongly recommend £20,000.00 Interview") == 2
    assert direct_page.count("Interviewed Recommend £20,000.00 Interview") == 1
    # A decided call takes nobody new: the page says so instead of offering the form.
    assert "no new candidate can join it" in direct_page
    assert "Wikimedia Enterprise" not in direct_page  # the notes are on the interview page
    assert "Launched the Enterprise API this year" in interview_page
    assert selection.count("direct approach: merit from the interview") == 3
    # Recorded by the services, as a convener would: audited, and the members were selected.
    assert AuditEntry.objects.filter(action="direct_approach.interviewed").count() == 3
    assert sorted(
        Application.objects.filter(call__slug=SECOND_CALL, source="direct").values_list(
            "decision", flat=True
        )
    ) == ["selected", "selected", "selected"]


def test_demo_expressions_of_interest_list_invited_and_not_invited(
    client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    client.force_login(User.objects.get(email=email("convener")))

    page = client.get(reverse("setup-eois", args=[demo_stages.SLUG]))
    text = page_text(page)

    assert text.count("Invited to a full proposal") == 3
    assert "Open Bus Timetables Accra: Trotro routes mapped by riders" in text
    # Only the one not invited can still be ticked.
    assert page.content.decode().count('type="checkbox" name="application"') == 1
    assert sorted(
        ExpressionOfInterest.objects.filter(application__call__slug=demo_stages.SLUG).values_list(
            "status", flat=True
        )
    ) == ["invited", "invited", "invited", "submitted"]
    # The invitations belong to the demo's past: loading it mails nobody.
    assert mail.outbox == []


def test_demo_expert_shows_languages_so_the_directory_finds_them_by_language(client) -> None:
    load_demo()
    client.force_login(User.objects.get(email=email("participant")))

    french = page_text(client.get(reverse("support-experts"), {"language": "fr"}))
    german = client.get(reverse("support-experts"), {"language": "de"})

    assert "Eli Expert" in french
    assert "Speaks" in french
    assert german.status_code == 400  # nobody in the demo shows German
