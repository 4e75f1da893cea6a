"""Application attachments are private (issue 9, finding 2): stored under an unguessable key,
never served at /media/, handed out only by a view that checks who asks, as a download."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import Resolver404, clear_url_caches, resolve, reverse

from datacollab.core.models import AuditEntry
from datacollab.network.models import Answer, ReviewAssignment, ReviewerConflict
from tests import factories
from tests.network.factories_applications import PDF, add_file_question, draft, pdf_upload

pytestmark = pytest.mark.django_db

REPLAY = "/media/applications/2026/12/budget-confidential.pdf"
migration = importlib.import_module(
    "datacollab.network.migrations.0005_call_lifecycle_private_attachments"
)


@pytest.fixture
def uploaded(login, applicant):
    call = factories.make_call(with_questions=False)
    question = add_file_question(call)
    application = draft(call, applicant)
    login(applicant).post(
        reverse("application-edit", args=[application.pk]),
        {
            "title": "Open water",
            "summary": "",
            "requested_amount": "1000",
            f"q_{question.pk}": pdf_upload("budget-confidential.pdf"),
        },
    )
    return application, question


def _url(uploaded) -> str:
    application, question = uploaded
    return reverse("application-file", args=[application.pk, question.pk])


@pytest.fixture
def debug_urls(settings):
    """The URLconf as a development server (DEBUG on) builds it, where /media/ used to be served."""
    settings.DEBUG = True
    urls = importlib.import_module(django_settings.ROOT_URLCONF)
    importlib.reload(urls)
    clear_url_caches()
    yield urls
    settings.DEBUG = False
    importlib.reload(urls)
    clear_url_caches()


def test_media_replay_anonymous_is_not_found_even_with_debug(debug_urls):
    Path(django_settings.MEDIA_ROOT, "applications/2026/12").mkdir(parents=True)
    Path(django_settings.MEDIA_ROOT, "applications/2026/12/budget-confidential.pdf").write_bytes(
        PDF
    )

    response = Client().get(REPLAY)

    assert response.status_code == 404
    with pytest.raises(Resolver404):
        resolve(REPLAY, urlconf=debug_urls)


def test_attachment_is_stored_under_an_unguessable_private_key(uploaded):
    answer = Answer.objects.get()

    assert re.fullmatch(
        r"private/applications/[A-Za-z0-9_-]{43}/budget-confidential\.pdf", answer.file.name
    )
    assert answer.value == {"name": "budget-confidential.pdf", "size": len(PDF)}


def test_attachment_owner_gets_a_download_that_is_never_sniffed(uploaded, login, applicant):
    response = login(applicant).get(_url(uploaded))

    assert (
        response.status_code,
        response["Content-Type"],
        response["Content-Disposition"],
        response["X-Content-Type-Options"],
    ) == (200, "application/pdf", 'attachment; filename="budget-confidential.pdf"', "nosniff")
    assert b"".join(response.streaming_content) == PDF


def test_attachment_anonymous_is_sent_to_log_in(uploaded):
    response = Client().get(_url(uploaded))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_attachment_outsiders_get_not_found(uploaded, login, reviewer):
    outsiders = [factories.make_user(), reviewer, factories.make_user(roles=["participant"])]

    codes = [login(user).get(_url(uploaded)).status_code for user in outsiders]

    assert codes == [404, 404, 404]


def test_attachment_assigned_reviewer_reads_it_and_is_audited(uploaded, login, reviewer):
    application, question = uploaded
    ReviewAssignment.objects.create(application=application, reviewer=reviewer)

    response = login(reviewer).get(_url(uploaded))

    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="application.attachment_read")
    assert (entry.actor_id, entry.details) == (
        reviewer.pk,
        {"question": question.pk, "file": "budget-confidential.pdf", "as": "reviewer"},
    )


def test_attachment_conflicted_reviewer_gets_not_found(uploaded, login, reviewer):
    application, _question = uploaded
    ReviewAssignment.objects.create(application=application, reviewer=reviewer)
    ReviewerConflict.objects.create(reviewer=reviewer, organisation=application.organisation)

    response = login(reviewer).get(_url(uploaded))

    assert response.status_code == 404


def test_attachment_convener_read_is_audited(uploaded, login, convener):
    response = login(convener).get(_url(uploaded))

    assert response.status_code == 200
    assert list(
        AuditEntry.objects.filter(action="application.attachment_read").values_list(
            "actor_id", flat=True
        )
    ) == [convener.pk]


def test_attachment_with_accel_redirect_leaves_the_bytes_to_the_web_server(
    uploaded, login, applicant, settings
):
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/_private/"
    stored = Answer.objects.get().file.name

    response = login(applicant).get(_url(uploaded))

    assert (
        response.status_code,
        response["X-Accel-Redirect"],
        response["Content-Disposition"],
        response["X-Content-Type-Options"],
        response.content,
    ) == (
        200,
        f"/_private/{stored}",
        'attachment; filename="budget-confidential.pdf"',
        "nosniff",
        b"",
    )


def test_migration_moves_old_attachments_to_private_keys(uploaded):
    answer = Answer.objects.get()
    old = default_storage.save(
        "applications/2026/12/budget-confidential.pdf", ContentFile(b"%PDF-old")
    )
    Answer.objects.filter(pk=answer.pk).update(file=old)

    migration.move_attachments(django_apps, None)

    answer.refresh_from_db()
    assert re.fullmatch(
        r"private/applications/[A-Za-z0-9_-]{43}/budget-confidential\.pdf", answer.file.name
    )
    assert (default_storage.exists(old), answer.file.read()) == (False, b"%PDF-old")
