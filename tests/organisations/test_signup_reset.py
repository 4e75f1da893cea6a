"""Sign-up and password reset never reveal whether an address has an account (finding 6)."""

from __future__ import annotations

import pytest
from django.test import Client

from datacollab.organisations.models import User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _signup(email: str, name: str = "Someone", password: str = PASSWORD):
    return Client().post(
        "/accounts/signup/", {"email": email, "display_name": name, "password": password}
    )


def test_signup_with_an_existing_address_answers_as_for_a_new_one(
    mailoutbox, django_capture_on_commit_callbacks
):
    owner = make_user(email="taken@example.org", display_name="Owner")
    with django_capture_on_commit_callbacks(execute=True):
        existing = _signup("Taken@Example.org", name="Intruder", password="another long one 99")
        new = _signup("fresh@example.org")
    assert (existing.status_code, existing["Location"]) == (new.status_code, new["Location"])
    assert existing["Location"] == "/accounts/signup/check-your-mail/"
    owner.refresh_from_db()
    assert (owner.display_name, owner.check_password(PASSWORD)) == ("Owner", True)
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (
            ["Owner <taken@example.org>"],
            "Someone tried to sign up with your address at "
            "Peer Learning Network for Data Collaborations",
        ),
        (
            ["Someone <fresh@example.org>"],
            "Verify your email address for Peer Learning Network for Data Collaborations",
        ),
    ]
    assert "/accounts/password-reset/" in mailoutbox[0].body
    assert User.objects.count() == 2


def test_signup_does_not_log_in(client):
    client.post(
        "/accounts/signup/",
        {"email": "a@example.org", "display_name": "A", "password": PASSWORD},
    )
    assert "_auth_user_id" not in client.session


def test_password_reset_same_page_for_unknown_and_known_addresses(client, mailoutbox):
    make_user(email="known@example.org")
    known = client.post("/accounts/password-reset/", {"email": "known@example.org"})
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (302, "/accounts/password-reset/sent/")
    assert (unknown.status_code, unknown["Location"]) == (302, "/accounts/password-reset/sent/")
    assert [m.to for m in mailoutbox] == [["known@example.org"]]
    page = client.get("/accounts/password-reset/sent/").content.decode()
    assert "If the address has an account here" in page


def test_password_reset_link_sets_a_new_password_once(client, mailoutbox):
    user = make_user(email="known@example.org")
    client.post("/accounts/password-reset/", {"email": "known@example.org"})
    link = next(x for x in mailoutbox[0].body.splitlines() if "/password-reset/" in x)
    path = link.replace("http://localhost:8000", "")
    form_page = client.get(path, follow=True)
    set_path = form_page.request["PATH_INFO"]
    new_password = "a brand new long passphrase 7"
    done = client.post(set_path, {"new_password1": new_password, "new_password2": new_password})
    assert done["Location"] == "/accounts/password-reset/done/"
    user.refresh_from_db()
    assert user.check_password(new_password) is True
    again = Client().get(path, follow=True)
    assert "This link is not valid" in again.content.decode()


def test_password_reset_mail_links_to_the_site_url(client, mailoutbox, settings):
    settings.SITE_URL = "https://network.example"
    make_user(email="known@example.org")
    client.post("/accounts/password-reset/", {"email": "known@example.org"})
    assert "https://network.example/accounts/password-reset/" in mailoutbox[0].body


def test_login_page_links_to_password_reset(client):
    assert 'href="/accounts/password-reset/"' in client.get("/accounts/login/").content.decode()


def test_signup_from_one_address_is_throttled_with_a_time_to_wait(settings):
    settings.ACCOUNT_MAIL_LIMIT_PER_ADDRESS = 3
    client = Client()
    statuses = [
        client.post(
            "/accounts/signup/",
            {"email": f"bot{n}@example.org", "display_name": "Bot", "password": PASSWORD},
        ).status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    last = client.post(
        "/accounts/signup/",
        {"email": "bot9@example.org", "display_name": "Bot", "password": PASSWORD},
    )
    assert "Too many attempts. Try again in 60 minutes." in last.content.decode()
    assert User.objects.filter(email__startswith="bot").count() == 3
