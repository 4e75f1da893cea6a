"""The site's own 400, 403, 404 and 500 pages, in its design (issue 8, problem 7)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_mistyped_address_shows_the_site_s_404_page(settings):
    settings.DEBUG = False  # as `make demo` runs

    response = Client().get("/calls/no-such-call/typo")

    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>There is no page at this address</h1>" in html
    assert "Nothing here answers to <code>/calls/no-such-call/typo</code>." in html
    assert '<nav aria-label="Main">' in html
    assert "Resolver404" not in html
    assert '<form class="actions" method="get" action="/search/" role="search">' in html


def test_404_page_keeps_a_readable_reason_and_the_menu_of_the_person(convener, login):
    request = RequestFactory().get("/gone/")
    request.user = convener

    response = defaults.page_not_found(request, Exception("No session matches the given query."))

    html = response.content.decode()
    assert response.status_code == 404
    assert '<p class="muted">No session matches the given query.</p>' in html
    assert '<a href="/convener/">Convener</a>' in html


def test_403_page_invites_a_visitor_to_log_in(db):
    request = RequestFactory().get("/convener/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()

    response = defaults.permission_denied(request, PermissionDenied())

    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>This page is not open to you</h1>" in html
    assert '<a href="/accounts/login/?next=/convener/">Log in</a>' in html


def test_403_page_shows_the_reason_to_a_signed_in_person(applicant):
    request = RequestFactory().get("/convener/")
    request.user = applicant

    response = defaults.permission_denied(request, PermissionDenied("Conveners only."))

    html = response.content.decode()
    assert '<p class="error" role="alert">Conveners only.</p>' in html
    assert "ask a convener of the network" in html


def test_400_page_is_in_the_site_s_design(db):
    response = defaults.bad_request(RequestFactory().get("/"), Exception("bad"))

    html = response.content.decode()
    assert response.status_code == 400
    assert "<h1>The request could not be understood</h1>" in html
    assert '<link rel="stylesheet" href="/static/datacollab/site.css">' in html


def test_500_page_renders_without_a_request_context_or_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = defaults.server_error(RequestFactory().get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong on our side</h1>" in html
    assert '<link rel="stylesheet" href="/static/datacollab/site.css">' in html
    assert '<header class="site"><a class="brand" href="/">datacollab</a></header>' in html
