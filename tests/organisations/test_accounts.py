from __future__ import annotations

import pytest

from datacollab.config import settings as configured
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.organisations import rules, services
from datacollab.organisations.models import Membership, Organisation, User
from tests.factories import PASSWORD, make_org, make_user

pytestmark = pytest.mark.django_db


def test_register_person_hashes_password_with_argon2(settings):
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    user = services.register_person(email="Ada@Example.org", password=PASSWORD)
    assert user.email == "ada@example.org"
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD) is True


def test_register_person_twice_refused():
    services.register_person(email="ada@example.org", password=PASSWORD)
    with pytest.raises(Conflict, match="already exists"):
        services.register_person(email="ADA@example.org", password=PASSWORD)


def test_signup_page_creates_unverified_account_and_mails_the_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "grace@example.org",
                "display_name": "Grace",
                "password": PASSWORD,
                "timezone": "Africa/Nairobi",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/check-your-mail/"
    user = User.objects.get(email="grace@example.org")
    assert (user.display_name, user.timezone, user.email_verified_at) == (
        "Grace",
        "Africa/Nairobi",
        None,
    )
    assert [m.to for m in mailoutbox] == [["Grace <grace@example.org>"]]
    assert "/accounts/verify/" in mailoutbox[0].body
    assert (
        client.post(
            "/accounts/login/", {"username": "grace@example.org", "password": PASSWORD}
        ).status_code
        == 302
    )


def test_signup_weak_password_is_400_with_reason(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "grace@example.org",
            "display_name": "Grace",
            "password": "123",
        },
    )
    assert response.status_code == 400
    assert "This password is too short" in response.content.decode()
    assert User.objects.count() == 0


def test_login_with_email_and_password(client):
    make_user(email="lin@example.org")
    response = client.post(
        "/accounts/login/", {"username": "lin@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_create_organisation_makes_creator_admin_and_audits():
    user = make_user()
    org = services.create_organisation(actor=user, name="Data Cargo", kind="company", country="gb")
    assert (org.slug, org.country, org.is_global_south) == ("data-cargo", "GB", False)
    assert rules.is_org_admin(user, org) is True
    assert AuditEntry.objects.get().action == "organisation.created"


def test_create_organisation_global_south_from_country():
    org = services.create_organisation(
        actor=make_user(), name="Open Map Kenya", kind="non_profit", country="KE"
    )
    assert org.is_global_south is True


def test_create_organisation_unknown_country_refused():
    with pytest.raises(DomainError, match="XX is not an ISO 3166-1 country code"):
        services.create_organisation(actor=make_user(), name="N", kind="company", country="XX")


def test_organisation_form_bad_kind_is_400(login):
    client = login(make_user())
    response = client.post(
        "/accounts/organisations/new/",
        {
            "name": "X",
            "kind": "cartel",
            "country": "GB",
        },
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Organisation.objects.count() == 0


def test_organisation_page_is_public(client):
    org = make_org(name="MetaBrainz Foundation", country="US")
    response = client.get(f"/accounts/organisations/{org.slug}/")
    assert response.status_code == 200
    assert "MetaBrainz Foundation" in response.content.decode()


def test_add_member_refused_for_non_admin():
    org = make_org()
    with pytest.raises(NotAllowed):
        services.add_member(actor=make_user(), organisation=org, user=make_user())
    assert Membership.objects.count() == 0


def test_add_member_a_convener_adding_themselves_to_another_organisation_is_refused(convener):
    org = make_org(admins=[make_user()])
    with pytest.raises(NotAllowed):
        services.add_member(actor=convener, organisation=org, user=convener)
    assert rules.is_member(convener, org) is False


def test_grant_role_only_by_convener(convener):
    person = make_user()
    with pytest.raises(NotAllowed):
        services.grant_role(actor=make_user(), user=person, role="reviewer")
    services.grant_role(actor=convener, user=person, role="reviewer")
    assert rules.is_reviewer(User.objects.get(pk=person.pk)) is True


def test_convener_role_does_not_open_the_admin(convener, login):
    # The admin is a superuser's tool (issue 9, finding 1): see tests/test_admin_access.py.
    person = make_user()
    services.grant_role(actor=convener, user=person, role="convener")
    client = login(User.objects.get(pk=person.pk))
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/network/call/add/").status_code == 302


def test_admin_refused_to_people_without_convener_role(login):
    person = make_user(is_staff=True)
    client = login(person)
    assert client.get("/admin/network/cohort/").status_code == 302


def test_set_profile_unknown_time_zone_refused():
    user = make_user()
    with pytest.raises(DomainError, match="Mars/Olympus is not a time zone"):
        services.set_profile(user=user, display_name="Ada", timezone="Mars/Olympus")


def test_profile_page_saves_time_zone(login):
    user = make_user()
    response = login(user).post(
        "/accounts/profile/", {"display_name": "Ada", "timezone": "Asia/Kolkata"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.timezone) == ("Ada", "Asia/Kolkata")
