"""Issue 14: four languages; which one a page is in (profile > cookie > Accept-Language >
default); the chooser on every page; the person's language on their profile and at login."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from datacollab.core.errors import DomainError
from datacollab.organisations import services
from datacollab.organisations.models import User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def _html_lang(response) -> str:
    found = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert found is not None
    return found.group(1)


def test_languages_are_four_each_in_its_own_name():
    assert settings.LANGUAGES == [
        ("en-gb", "English"),
        ("es", "Español"),
        ("fr", "Français"),
        ("pt", "Português"),
    ]


def test_page_language_default_without_cookie_or_accept_language():
    response = Client().get("/")
    assert (_html_lang(response), response.headers["Content-Language"]) == ("en-gb", "en-gb")


def test_page_language_follows_accept_language_for_a_new_visitor():
    response = Client(headers={"accept-language": "pt-BR,pt;q=0.9,en;q=0.5"}).get("/")
    assert _html_lang(response) == "pt"


def test_page_language_cookie_beats_accept_language():
    client = Client(headers={"accept-language": "pt-BR"})
    client.cookies[COOKIE] = "fr"
    assert _html_lang(client.get("/")) == "fr"


def test_page_language_profile_beats_cookie_and_accept_language(login):
    client = login(make_user(language="es"))
    client.cookies[COOKIE] = "fr"
    response = client.get("/", headers={"accept-language": "pt"})
    assert (_html_lang(response), response.headers["Content-Language"]) == ("es", "es")


def test_page_language_person_without_saved_language_follows_cookie(login):
    client = login(make_user())
    client.cookies[COOKIE] = "fr"
    assert _html_lang(client.get("/")) == "fr"


def test_chooser_on_page_for_anonymous_visitor_names_each_language_in_its_own_name():
    html = Client().get("/").content.decode()
    buttons = re.findall(
        r'<button type="submit" class="link" name="language" value="([^"]+)" lang="([^"]+)"'
        r' aria-pressed="(true|false)">([^<]+)</button>',
        html,
    )
    assert buttons == [
        ("en-gb", "en-gb", "true", "English"),
        ("es", "es", "false", "Español"),
        ("fr", "fr", "false", "Français"),
        ("pt", "pt", "false", "Português"),
    ]
    assert 'action="/accounts/language/"' in html


def test_chooser_on_a_spanish_page_still_names_english_in_english():
    # Django's get_available_languages translates the names ("English" became "Inglés").
    client = Client()
    client.cookies[COOKIE] = "es"
    html = client.get("/").content.decode()
    names = re.findall(
        r'name="language" value="[^"]+" lang="[^"]+" aria-pressed="[a-z]+">([^<]+)<', html
    )
    assert names == ["English", "Español", "Français", "Português"]


def test_chooser_on_page_for_signed_in_person_marks_their_language(login):
    html = login(make_user(language="pt")).get("/accounts/profile/").content.decode()
    assert re.findall(r'value="([^"]+)" lang="[^"]+" aria-pressed="true"', html) == ["pt"]


def test_chooser_for_anonymous_visitor_sets_cookie_and_returns_to_the_page():
    client = Client()
    response = client.post("/accounts/language/", {"language": "es", "next": "/calls/"})
    assert (response.status_code, response.headers["Location"]) == (302, "/calls/")
    assert client.cookies[COOKIE].value == "es"
    assert _html_lang(client.get("/")) == "es"


def test_chooser_refuses_to_redirect_off_site():
    response = Client().post(
        "/accounts/language/", {"language": "es", "next": "https://evil.example/"}
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/")


def test_chooser_for_signed_in_person_saves_profile(login):
    user = make_user(language="fr")
    response = login(user).post("/accounts/language/", {"language": "pt", "next": "/"})
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).language == "pt"


def test_chooser_ignores_a_language_not_offered(login):
    user = make_user(language="fr")
    client = login(user)
    client.post("/accounts/language/", {"language": "de", "next": "/"})
    assert (User.objects.get(pk=user.pk).language, COOKIE in client.cookies) == ("fr", False)


def test_chooser_refuses_get():
    assert Client().get("/accounts/language/").status_code == 405


def test_login_saved_language_wins_over_cookie_and_is_remembered_after_logout():
    make_user(email="ana@example.org", language="pt")
    client = Client()
    client.cookies[COOKIE] = "fr"
    response = client.post(
        "/accounts/login/", {"username": "ana@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert (client.cookies[COOKIE].value, _html_lang(client.get("/"))) == ("pt", "pt")
    client.post("/accounts/logout/")
    assert _html_lang(client.get("/")) == "pt"


def test_profile_page_saves_language(login):
    user = make_user()
    client = login(user)
    response = client.post(
        "/accounts/profile/", {"display_name": "Ana", "timezone": "", "language": "es"}
    )
    assert response.status_code == 302
    assert (User.objects.get(pk=user.pk).language, client.cookies[COOKIE].value) == ("es", "es")


def test_profile_page_language_blank_forgets_the_choice(login):
    user = make_user(language="es")
    login(user).post("/accounts/profile/", {"display_name": "Ana", "timezone": "", "language": ""})
    assert User.objects.get(pk=user.pk).language == ""


def test_profile_page_refuses_unknown_language(login):
    user = make_user(language="es")
    response = login(user).post(
        "/accounts/profile/", {"display_name": "Ana", "timezone": "", "language": "de"}
    )
    assert (response.status_code, User.objects.get(pk=user.pk).language) == (400, "es")


def test_set_language_refuses_a_code_not_offered():
    user = make_user()
    with pytest.raises(DomainError) as caught:
        services.set_language(user=user, language="de")
    assert caught.value.field == "language"


def test_set_language_takes_a_regional_code_only_when_it_is_offered_exactly():
    user = make_user()
    assert services.set_language(user=user, language="ES").language == "es"


def test_signup_records_the_language_of_the_page():
    client = Client()
    client.cookies[COOKIE] = "fr"
    client.post(
        "/accounts/signup/",
        {"email": "new@example.org", "display_name": "Awa", "password": PASSWORD},
    )
    assert User.objects.get(email="new@example.org").language == "fr"


def test_accepting_an_invitation_records_the_language_of_the_page(convener):
    _invitation, token = services.invite_to_role(
        actor=convener, email="new@example.org", role="reviewer"
    )
    client = Client(headers={"accept-language": "pt-BR"})
    response = client.post(
        f"/accounts/invitations/{token}/",
        {"display_name": "Rui", "password": PASSWORD, "timezone": ""},
    )
    assert response.status_code == 302
    assert User.objects.get(email="new@example.org").language == "pt"
