# ruff: noqa: E501 - the loops kept exactly as base.html had them, each on its one line
"""The layout's menu and language buttons written in Python are byte for byte what base.html's
loops wrote (kept here as they were)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.utils import translation

from tests.factories import make_user

pytestmark = pytest.mark.django_db

HEAD = "{% load i18n datacollab layout %}{% get_current_language as LANGUAGE_CODE %}"
OLD_MENU = (
    HEAD
    + """{% for link in nav_links %}<li><a href="{{ link.url }}"{% if link.current %} aria-current="page"{% endif %}>{{ link.label }}</a></li>{% endfor %}"""
)
OLD_LANGUAGES = (
    HEAD
    + """{% site_languages as SITE_LANGUAGES %}{% for code, name in SITE_LANGUAGES %}<button type="submit" class="link" name="language" value="{{ code }}" lang="{{ code }}"{% if code == LANGUAGE_CODE %} aria-pressed="true"{% else %} aria-pressed="false"{% endif %}>{{ name }}</button>{% endfor %}"""
)


def _render(source: str, user, path: str) -> str:
    request = RequestFactory().get(path)
    request.user = user
    return Template(source).render(RequestContext(request, {}))


@pytest.mark.parametrize("role", [None, "participant", "convener"])
@pytest.mark.parametrize("path", ["/", "/sessions/support/", "/datasets/x/"])
def test_menu_items_write_what_the_layout_loop_wrote(role, path):
    user = AnonymousUser() if role is None else make_user(roles=[role])
    with translation.override("fr"):
        python = _render(HEAD + "{% menu_items %}", user, path)
        template = _render(OLD_MENU, user, path)

    assert python == template
    assert python.count("<li>") == {None: 6, "participant": 8, "convener": 14}[role]


@pytest.mark.parametrize("language", ["en-gb", "es", "pt"])
def test_language_buttons_write_what_the_layout_loop_wrote(language):
    with translation.override(language):
        python = _render(HEAD + "{% language_buttons %}", AnonymousUser(), "/")
        template = _render(OLD_LANGUAGES, AnonymousUser(), "/")

    assert python == template
    assert python.count('aria-pressed="true"') == 1


def test_layout_renders_the_menu_on_a_page(client):
    html = client.get("/challenges/").content.decode()

    assert html.count('<li><a href="/challenges/" aria-current="page">Challenges</a></li>') == 1
