"""Sessions and the signed-in person are read from the database on every request, by one
statement written once per process (core/sessions.py, organisations/backends.py): whatever
ends a session or an account's access takes effect at once, in every process."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from datacollab.organisations.backends import ThrottledModelBackend
from datacollab.organisations.models import RoleGrant
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PRIVATE = "/accounts/profile/"


def _twin(client: Client) -> Client:
    # Another process, or a stolen cookie: the same session key, nothing else shared.
    other = Client()
    other.cookies = client.cookies.__class__(client.cookies)
    return other


def test_session_ended_by_logout_is_refused_at_once_to_a_copy_of_the_cookie(login):
    first = login(make_user())
    copy = _twin(first)

    before = copy.get(PRIVATE).status_code
    first.post("/accounts/logout/")

    assert (before, copy.get(PRIVATE).status_code) == (200, 302)


def test_session_past_its_expiry_is_refused(login):
    client = login(make_user())
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    assert client.get(PRIVATE).status_code == 302


def test_person_deactivated_is_signed_out_at_once(login):
    person = make_user()
    client = login(person)
    get_user_model().objects.filter(pk=person.pk).update(is_active=False)

    assert client.get(PRIVATE).status_code == 302


def test_person_whose_password_changed_elsewhere_is_signed_out(login):
    person = make_user()
    client = login(person)
    person.set_password("another long passphrase")
    person.save()

    assert client.get(PRIVATE).status_code == 302


def test_role_revoked_takes_effect_at_the_next_request(login):
    convener = make_user(roles=["convener"])
    client = login(convener)

    before = client.get("/convener/").status_code
    RoleGrant.objects.filter(user=convener).delete()

    assert (before, client.get("/convener/").status_code) == (200, 403)


def test_person_read_is_the_row_djangos_backend_reads():
    person = make_user(roles=["reviewer"], timezone="Europe/Lisbon", language="es")
    get_user_model().objects.filter(pk=person.pk).update(last_login=timezone.now())
    fields = [f.attname for f in get_user_model()._meta.concrete_fields]

    ours = ThrottledModelBackend().get_user(person.pk)
    djangos = get_user_model().objects.get(pk=person.pk)

    assert [getattr(ours, f) for f in fields] == [getattr(djangos, f) for f in fields]
    assert ThrottledModelBackend().get_user(person.pk + 1000) is None


def test_session_and_person_are_each_one_statement_without_the_orm(login):
    client = login(make_user())
    columns = ", ".join(f'"{f.column}"' for f in get_user_model()._meta.concrete_fields)

    with CaptureQueriesContext(connection) as queries:
        client.get("/challenges/")
    heads = [q["sql"].split(" WHERE ")[0] for q in queries.captured_queries[:2]]

    # Django's backends compiled an ORM query for each on every request.
    assert heads == [
        'SELECT "session_data" FROM "django_session"',
        f'SELECT {columns} FROM "organisations_user"',
    ]
