"""The resource library: links and files, who may add them, checked uploads, guarded downloads."""

from __future__ import annotations

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.events.models import Session
from datacollab.learnings.models import Resource, Visibility
from datacollab.learnings.services.resources import (
    MAX_FILE_BYTES,
    add_resource,
    remove_resource,
    update_resource,
)
from tests.factories import make_cohort, make_network, make_user
from tests.factories_learnings import make_participant, make_resource, make_tag, theme

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a tiny pdf\n"

resource_migration = importlib.import_module(
    "datacollab.learnings.migrations.0005_resource_files_private"
)


@pytest.fixture
def cohort():
    return make_cohort(name="Open data stewards")


def _pdf(name: str = "workbook.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_add_resource_link_by_convener_to_the_network_library(convener) -> None:
    resource = add_resource(
        actor=convener,
        title="Data Spectrum",
        kind=Resource.Kind.GUIDANCE,
        url="https://theodi.org/insights/tools/the-data-spectrum/",
        themes=[theme("accessibility-to-users")],
        custom_tags=["open data"],
    )

    assert (resource.slug, resource.cohort, resource.visibility) == (
        "data-spectrum",
        None,
        "public",
    )
    assert sorted(resource.tags.values_list("slug", flat=True)) == [
        "accessibility-to-users",
        "open-data",
    ]
    entry = AuditEntry.objects.get(action="resource.added")
    assert entry.details["url"] == "https://theodi.org/insights/tools/the-data-spectrum/"


def test_add_resource_by_participant_without_cohort_is_refused(cohort) -> None:
    participant, _org = make_participant(cohort)

    with pytest.raises(NotAllowed) as refused:
        add_resource(actor=participant, title="T", kind="tool", url="https://example.org/")

    assert refused.value.message == (
        "Only conveners add resources to the whole network's library: choose one of your cohorts."
    )


def test_add_resource_by_participant_to_another_cohort_is_refused(cohort) -> None:
    participant, _org = make_participant(make_cohort())

    with pytest.raises(NotAllowed) as refused:
        add_resource(
            actor=participant, title="T", kind="tool", url="https://example.org/", cohort=cohort
        )

    assert refused.value.message == (
        "Only participants of Open data stewards and conveners can add its resources."
    )


def test_add_resource_session_material_takes_the_sessions_cohort(cohort) -> None:
    participant, _org = make_participant(cohort)
    start = timezone.now() - timedelta(days=1)
    session = Session.objects.create(
        network=make_network(),
        cohort=cohort,
        kind="roundtable",
        slug="rt",
        title="Roundtable",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )

    resource = add_resource(
        actor=participant,
        title="Recording",
        kind=Resource.Kind.VIDEO,
        url="https://video.example.org/rt",
        session=session,
        visibility=Visibility.COHORT,
    )

    assert (resource.cohort, resource.session) == (cohort, session)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "example.org"])
def test_add_resource_with_a_non_web_link_is_refused(convener, url) -> None:
    with pytest.raises(DomainError) as refused:
        add_resource(actor=convener, title="T", kind="tool", url=url)

    assert refused.value.message == (
        "Give the link as a full web address starting with https:// or http://."
    )


def test_add_resource_without_link_or_file_is_refused(convener) -> None:
    with pytest.raises(DomainError) as refused:
        add_resource(actor=convener, title="T", kind="tool")

    assert refused.value.message == "Give a link or upload a file."


def test_add_resource_file_is_stored_under_a_random_folder(convener) -> None:
    resource = add_resource(
        actor=convener, title="Workbook", kind=Resource.Kind.TEMPLATE, upload=_pdf()
    )

    assert re.fullmatch(r"private/learnings/[A-Za-z0-9_-]{43}/workbook\.pdf", resource.file.name)
    assert default_storage.open(resource.file.name).read() == PDF


def test_add_resource_file_whose_content_is_not_its_type_is_refused(convener) -> None:
    with pytest.raises(DomainError) as refused:
        add_resource(
            actor=convener,
            title="Trojan",
            kind="file",
            upload=_pdf("slides.pdf", b"MZ\x90\x00 an executable"),
        )

    assert refused.value.message == (
        "“slides.pdf” is named .pdf but its content is not a .pdf file; export it again and "
        "upload the real file."
    )
    assert Resource.objects.count() == 0


def test_add_resource_file_with_a_refused_extension_is_refused(convener) -> None:
    with pytest.raises(DomainError) as refused:
        add_resource(actor=convener, title="T", kind="file", upload=_pdf("page.html", b"<p>"))

    assert refused.value.message.startswith(
        "“page.html” is not an accepted file for “a resource file”: upload a file ending in .pdf"
    )


def test_add_resource_file_over_the_limit_is_refused(convener) -> None:
    big = _pdf("big.pdf", PDF + b"0" * MAX_FILE_BYTES)

    with pytest.raises(DomainError) as refused:
        add_resource(actor=convener, title="Big", kind="file", upload=big)

    assert refused.value.message == (
        "“big.pdf” is 20.0 MB; the limit for “a resource file” is 20.0 MB."
    )


def test_update_resource_by_someone_else_is_refused(cohort) -> None:
    participant, _org = make_participant(cohort)
    resource = make_resource(cohort=cohort, added_by=make_user())

    with pytest.raises(NotAllowed) as refused:
        update_resource(
            actor=participant, resource=resource, title="Mine", kind="tool", url=resource.url
        )

    assert refused.value.message == "Only whoever added this resource and conveners can edit it."


def test_update_resource_changes_title_and_tags(convener) -> None:
    resource = make_resource(added_by=convener, tags=[make_tag()])

    update_resource(
        actor=convener,
        resource=resource,
        title="Renamed",
        kind="literature",
        url="https://example.org/new",
        custom_tags=["reading"],
    )

    resource.refresh_from_db()
    assert (resource.title, resource.kind, resource.url) == (
        "Renamed",
        "literature",
        "https://example.org/new",
    )
    assert list(resource.tags.values_list("slug", flat=True)) == ["reading"]


def test_remove_resource_deletes_the_row_and_file_and_audits(
    convener, django_capture_on_commit_callbacks
) -> None:
    resource = add_resource(actor=convener, title="W", kind="template", upload=_pdf())
    stored = resource.file.name

    with django_capture_on_commit_callbacks(execute=True):
        remove_resource(actor=convener, resource=resource)

    assert Resource.objects.count() == 0
    assert not default_storage.exists(stored)
    assert AuditEntry.objects.filter(action="resource.removed").count() == 1


# Pages


def test_resource_list_filters_by_kind_theme_and_shows_cohort_material_to_its_cohort(
    login, cohort
) -> None:
    make_resource(title="Guide", tags=[theme("governance-model")])
    make_resource(title="Podcast", kind=Resource.Kind.PODCAST)
    make_resource(title="Slides", cohort=cohort, visibility=Visibility.COHORT)
    participant, _org = make_participant(cohort)
    url = reverse("resource-list")

    def titles(client, **query) -> list[str]:
        return [r.title for r in client.get(url, query).context["resources"]]

    assert titles(Client()) == ["Guide", "Podcast"]
    assert titles(login(participant)) == ["Guide", "Podcast", "Slides"]
    assert titles(Client(), kind="podcast") == ["Podcast"]
    assert titles(Client(), theme="governance-model") == ["Guide"]
    assert titles(login(participant), cohort=cohort.slug) == ["Slides"]


def test_resource_list_query_count_does_not_grow_with_rows(
    login, cohort, django_assert_max_num_queries
) -> None:
    participant, _org = make_participant(cohort)
    for n in range(25):
        make_resource(
            title=f"R{n}",
            cohort=cohort,
            visibility=Visibility.COHORT if n % 2 else Visibility.PUBLIC,
            tags=[theme(), make_tag()],
        )

    client = login(participant)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("resource-list"))

    assert len(response.context["resources"]) == 25


def test_resource_detail_cohort_only_from_outside_is_404_without_title(login, cohort) -> None:
    resource = make_resource(
        title="Our draft budget sheet", cohort=cohort, visibility=Visibility.COHORT
    )

    response = login(make_user()).get(reverse("resource-detail", args=[resource.slug]))

    assert response.status_code == 404
    assertNotContains(response, "draft budget", status_code=404)


def test_resource_file_download_is_an_attachment_with_the_checked_type(login, cohort) -> None:
    participant, _org = make_participant(cohort)
    resource = add_resource(
        actor=participant,
        title="Workbook",
        kind="template",
        upload=_pdf(),
        cohort=cohort,
        visibility=Visibility.COHORT,
    )

    response = login(participant).get(reverse("resource-file", args=[resource.slug]))

    assert (
        response.status_code,
        response["Content-Disposition"],
        response["Content-Type"],
        response["X-Content-Type-Options"],
        response["Cache-Control"],
        b"".join(response.streaming_content),
    ) == (
        200,
        'attachment; filename="workbook.pdf"',
        "application/pdf",
        "nosniff",
        "private, no-store",
        PDF,
    )


def test_migration_moves_old_resource_files_to_private_keys(convener) -> None:
    resource = add_resource(
        actor=convener, title="Workbook", kind=Resource.Kind.TEMPLATE, upload=_pdf()
    )
    old = default_storage.save("resources/2026/abc/workbook.pdf", ContentFile(PDF))
    Resource.objects.filter(pk=resource.pk).update(file=old)

    resource_migration.move_resource_files(django_apps, None)

    resource.refresh_from_db()
    assert re.fullmatch(r"private/learnings/[A-Za-z0-9_-]{43}/workbook\.pdf", resource.file.name)
    assert (default_storage.exists(old), resource.file.read()) == (False, PDF)


def test_resource_file_download_from_outside_the_cohort_is_404(login, cohort) -> None:
    participant, _org = make_participant(cohort)
    resource = add_resource(
        actor=participant,
        title="Workbook",
        kind="template",
        upload=_pdf(),
        cohort=cohort,
        visibility=Visibility.COHORT,
    )

    for client in (Client(), login(make_user())):
        response = client.get(reverse("resource-file", args=[resource.slug]))
        assert response.status_code == 404


def test_resource_file_of_a_link_is_404_with_message(client: Client) -> None:
    resource = make_resource()

    response = client.get(reverse("resource-file", args=[resource.slug]))

    assertContains(
        response, "This resource is a link, not a file: follow its link instead.", status_code=404
    )


def test_resource_create_post_with_file(login, cohort) -> None:
    participant, _org = make_participant(cohort)

    response = login(participant).post(
        reverse("resource-create"),
        {
            "title": "Sustainable Data Access workbook",
            "kind": "template",
            "cohort": cohort.slug,
            "visibility": "cohort",
            "themes": ["sustainable-business-model"],
            "file": _pdf(),
        },
    )

    resource = Resource.objects.get()
    assert response.status_code == 302
    assert resource.file.name.endswith("/workbook.pdf")
    assert resource.added_by == participant


def test_resource_create_post_with_a_disguised_file_shows_the_error(login, convener) -> None:
    response = login(convener).post(
        reverse("resource-create"),
        {
            "title": "T",
            "kind": "file",
            "visibility": "public",
            "file": _pdf("notes.txt", b"\x00\x01binary"),
        },
    )

    assertContains(response, "is named .txt but its content is not a .txt file", status_code=400)
    assert Resource.objects.count() == 0


def test_resource_edit_by_someone_else_is_403(login, cohort) -> None:
    participant, _org = make_participant(cohort)
    resource = make_resource(added_by=make_user())

    response = login(participant).post(
        reverse("resource-edit", args=[resource.slug]),
        {"title": "Mine", "kind": "tool", "url": "https://x.org", "visibility": "public"},
    )

    assertContains(
        response,
        "Only whoever added this resource and conveners can edit it.",
        status_code=403,
    )


def test_resource_remove_by_someone_else_is_403(login, cohort) -> None:
    resource = make_resource(added_by=make_user())

    response = login(make_user()).post(reverse("resource-remove", args=[resource.slug]))

    assertContains(
        response,
        "Only whoever added this resource and conveners can remove it.",
        status_code=403,
    )
    assert Resource.objects.count() == 1
