"""Access grants with an end date: they count up to and including that day, then on no channel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from datacollab.core.errors import DomainError
from datacollab.core.models import AuditEntry
from datacollab.datasets import rules
from datacollab.datasets.models import AccessGrant
from datacollab.datasets.selectors.access import visible_datasets
from datacollab.datasets.services.access import add_grant
from tests.datasets.factories_access import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_data import grant, make_collaboration, make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

TODAY = timezone.localdate
ONE_DAY = dt.timedelta(days=1)


@pytest.fixture
def owner_user():
    return make_user(email="owner@example.org")


@pytest.fixture
def owner(owner_user):
    return make_org(name="Data Cargo", members=[owner_user])


@pytest.fixture
def fleet(owner):
    dataset = make_dataset(owner=owner, spectrum="named", slug="fleet", title="Fleet")
    make_version(dataset)
    return dataset


def _ends(access_grant: AccessGrant, day: dt.date) -> None:
    access_grant.ends_on = day
    access_grant.save(update_fields=["ends_on"])


def test_grant_ending_today_still_gives_access(fleet):
    person = make_user()
    _ends(grant(fleet, user=person), TODAY())

    assert (rules.can_see(person, fleet), rules.data_access(person, fleet).allowed) == (True, True)


def test_grant_ended_yesterday_gives_no_access_on_any_channel(login, fleet):
    person = make_user()
    _ends(grant(fleet, user=person), TODAY() - ONE_DAY)
    client = login(person)

    assert rules.can_see(person, fleet) is False
    assert rules.data_access(person, fleet).allowed is False
    assert list(visible_datasets(person)) == []
    assert client.get("/datasets/fleet/").status_code == 404
    assert client.get("/datasets/fleet/v1/download.csv").status_code == 404
    assert client.get("/api/v1/datasets/fleet/versions/1/rows").status_code == 404
    assert client.get("/api/v1/datasets/").json()["count"] == 0
    assert client.get("/search/?q=Fleet").content.decode().count("/datasets/fleet/") == 0


def test_grant_to_organisation_ended_gives_its_members_no_access(fleet):
    member = make_user()
    partner = make_org(members=[member])
    _ends(grant(fleet, organisation=partner), TODAY() - ONE_DAY)

    assert rules.data_access(member, fleet).allowed is False


def test_ended_group_grant_leaves_only_members(owner):
    collab = make_collaboration(lead=owner)
    group = make_dataset(owner=owner, spectrum="group", collaboration=collab)
    outsider = make_user()
    _ends(grant(group, user=outsider), TODAY() - ONE_DAY)

    assert rules.data_access(outsider, group).allowed is False


def test_add_grant_records_the_end_date(owner_user, fleet):
    person = make_user(email="grantee@example.org")
    ends = TODAY() + dt.timedelta(days=30)

    created = add_grant(actor=owner_user, dataset=fleet, email="grantee@example.org", ends_on=ends)

    assert (created.user, created.ends_on) == (person, ends)
    entry = AuditEntry.objects.get(action="dataset.access_granted")
    assert entry.details["ends_on"] == ends.isoformat()


def test_add_grant_refuses_an_end_date_in_the_past(owner_user, fleet):
    make_user(email="grantee@example.org")

    with pytest.raises(DomainError) as refused:
        add_grant(
            actor=owner_user,
            dataset=fleet,
            email="grantee@example.org",
            ends_on=TODAY() - ONE_DAY,
        )

    assert refused.value.field == "ends_on"
    assert AccessGrant.objects.count() == 0


def test_add_grant_renews_an_ended_grant(owner_user, fleet):
    person = make_user(email="grantee@example.org")
    old = grant(fleet, user=person)
    _ends(old, TODAY() - ONE_DAY)

    renewed = add_grant(actor=owner_user, dataset=fleet, email="grantee@example.org")

    assert (renewed.pk, renewed.ends_on, AccessGrant.objects.count()) == (old.pk, None, 1)
    assert rules.data_access(person, fleet).allowed is True


def test_grants_page_takes_the_end_date_and_shows_it(login, owner_user, fleet):
    make_user(email="grantee@example.org")
    client = login(owner_user)
    ends = TODAY() + dt.timedelta(days=7)

    response = client.post(
        "/datasets/fleet/access/", {"email": "grantee@example.org", "ends_on": ends.isoformat()}
    )

    assert response.status_code == 302
    assert AccessGrant.objects.get().ends_on == ends
    page = client.get("/datasets/fleet/access/").content.decode()
    assert f'<time datetime="{ends.isoformat()}">' in page


def test_grants_page_refuses_a_past_end_date_on_the_field(login, owner_user, fleet):
    make_user(email="grantee@example.org")
    past = (TODAY() - ONE_DAY).isoformat()

    response = login(owner_user).post(
        "/datasets/fleet/access/", {"email": "grantee@example.org", "ends_on": past}
    )

    assert response.status_code == 400
    assert "The end date has passed" in response.content.decode()


def test_anonymous_client_is_unaffected_by_grants(fleet):
    _ends(grant(fleet, user=make_user()), TODAY())

    assert Client().get("/datasets/fleet/").status_code == 404
