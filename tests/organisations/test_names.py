"""Display names are one clean line, and mail headers are built safely (red team finding 9)."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.core import mail

from datacollab.core.text import single_line
from datacollab.discussion.models import Channel, EmailPreference
from datacollab.discussion.services import ensure_channels, start_thread
from datacollab.organisations import services
from datacollab.organisations.models import User
from datacollab.organisations.names import clean_display_name, mailbox
from tests import factories
from tests.admin_forms import form_data
from tests.factories import PASSWORD, make_user
from tests.factories_discussion import make_participant

pytestmark = pytest.mark.django_db

_migration = importlib.import_module("datacollab.organisations.migrations.0003_clean_display_names")


def test_post_mails_still_go_out_when_the_author_name_held_cr_lf(
    django_capture_on_commit_callbacks,
):
    """Finding 9 replayed: a name with CR/LF, stored before names were cleaned."""
    cohort = factories.make_cohort(name="Cohort A")
    ensure_channels(network=cohort.network)
    channel = Channel.objects.get(cohort=cohort)
    author = make_participant(cohort, display_name="Mallory")
    User.objects.filter(pk=author.pk).update(display_name="Mallory\r\nBcc: victim@example.org")
    author.refresh_from_db()
    reader = make_participant(cohort, email="bob@example.org")
    EmailPreference.objects.create(user=reader, mode="each", unsubscribe_token="t-bob")
    make_participant(cohort, email="carol@example.org", display_name="Carol C")

    with django_capture_on_commit_callbacks(execute=True):
        start_thread(actor=author, channel=channel, title="Data", body="Hi @[Carol C]")

    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("bob@example.org", "[Cohort A] Data"),
        ("carol@example.org", "Mallory Bcc: victim@example.org mentioned you in “Data”"),
    ]
    assert [m.message()["Bcc"] for m in mail.outbox] == [None, None]


def test_single_line_strips_controls_and_collapses_whitespace():
    assert single_line(" Ada\r\n\tLovelace\x00\u202e  \u2028x ") == "Ada Lovelace x"


def test_clean_display_name_keeps_joiners_of_persian_names():
    assert clean_display_name("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") == (
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    )


def test_signup_form_cleans_the_name(client):
    client.post(
        "/accounts/signup/",
        {"email": "eve@example.org", "display_name": "Eve\r\nBcc: x@y", "password": PASSWORD},
    )
    assert User.objects.get(email="eve@example.org").display_name == "Eve Bcc: x@y"


def test_profile_form_cleans_the_name(login):
    user = make_user()
    response = login(user).post(
        "/accounts/profile/", {"display_name": "Ada\nLovelace", "timezone": ""}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Ada Lovelace"


def test_set_profile_service_cleans_the_name():
    user = make_user()
    services.set_profile(user=user, display_name="  Ada\r\n  Lovelace ", timezone="")
    assert User.objects.get(pk=user.pk).display_name == "Ada Lovelace"


def test_set_profile_with_only_control_characters_is_refused():
    user = make_user()
    with pytest.raises(services.people.DomainError, match="Enter your name"):
        services.set_profile(user=user, display_name="\r\n\t", timezone="")


def test_register_person_cleans_the_name():
    user = services.register_person(email="x@example.org", password=PASSWORD, display_name="X\r\nY")
    assert user.display_name == "X Y"


def test_mailbox_quotes_names_with_commas_and_encodes_non_ascii():
    user = make_user(email="a@example.org", display_name="Lovelace, Ada")
    assert mailbox(user) == '"Lovelace, Ada" <a@example.org>'
    user = make_user(email="b@example.org", display_name="Zoë")
    assert mailbox(user) == "=?utf-8?q?Zo=C3=AB?= <b@example.org>"


def test_data_migration_cleans_existing_names():
    dirty = make_user(display_name="placeholder")
    clean = make_user(display_name="Already Clean")
    # ESC rather than NUL: PostgreSQL refuses NUL in text, so no stored name can hold one.
    User.objects.filter(pk=dirty.pk).update(display_name="Mallory\r\nBcc:\x1b v@example.org")

    _migration.clean_names(apps, None)

    assert User.objects.get(pk=dirty.pk).display_name == "Mallory Bcc: v@example.org"
    assert User.objects.get(pk=clean.pk).display_name == "Already Clean"


def test_admin_change_of_a_name_with_cr_lf_stores_one_line(login):
    """Finding 9 replayed through the admin, the one path without a cleaning form."""
    root = make_user(email="root@example.org", is_staff=True, is_superuser=True)
    person = make_user(email="person@example.org", date_joined=datetime(2026, 1, 5, tzinfo=UTC))
    client = login(root)
    url = f"/admin/organisations/user/{person.pk}/change/"
    data = form_data(client, url)
    data["display_name"] = "Mallory\r\nBcc: victim@example.org"

    assert client.post(url, data).status_code == 302

    person.refresh_from_db()
    assert person.display_name == "Mallory Bcc: victim@example.org"


def test_user_saved_with_a_cr_lf_name_keeps_one_line():
    user = make_user()
    user.display_name = "Eve\nSubject: hi"
    user.save(update_fields=["display_name"])
    user.refresh_from_db()
    assert user.display_name == "Eve Subject: hi"
