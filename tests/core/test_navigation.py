"""The main menu offers each person only the pages that answer them (issue 8, problem 7)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import set_script_prefix
from django.utils import timezone

from datacollab.config.navigation import links_for
from datacollab.network.models import CohortMembership
from tests import factories

pytestmark = pytest.mark.django_db

PUBLIC = ["Home", "Datasets", "Collaborations", "Learnings", "Challenges"]
SIGNED_IN = [*PUBLIC, "Sessions", "Discussion", "My applications"]


def _member_of_cohort(*, ended: bool):
    today = timezone.localdate()
    cohort = factories.make_cohort(
        starts_on=today - timedelta(days=400 if ended else 30),
        ends_on=today - timedelta(days=200) if ended else today + timedelta(days=150),
    )
    person = factories.make_user(roles=["participant"])
    org = factories.make_org(members=[person])
    CohortMembership.objects.create(cohort=cohort, organisation=org)
    return person


def _people():
    return {
        "anonymous": None,
        "outsider": factories.make_user(),
        "applicant": factories.make_user(roles=["participant"]),
        "reviewer": factories.make_user(roles=["reviewer"]),
        "expert": factories.make_user(roles=["expert"]),
        "participant": _member_of_cohort(ended=False),
        "alumnus": _member_of_cohort(ended=True),
        "convener": factories.make_user(roles=["convener"]),
    }


EXPECTED = {
    "anonymous": [*PUBLIC, "Public sessions"],
    "outsider": SIGNED_IN,
    "applicant": SIGNED_IN,
    "reviewer": [*SIGNED_IN, "My reviews"],
    "expert": [*PUBLIC, "Sessions", "1:1 support", "Discussion", "Alumni", "My applications"],
    "participant": [
        *PUBLIC,
        "Sessions",
        "1:1 support",
        "Discussion",
        "Peers",
        "Alumni",
        "My applications",
    ],
    "alumnus": [*PUBLIC, "Sessions", "Discussion", "Peers", "Alumni", "My applications"],
    "convener": [
        *PUBLIC,
        "Sessions",
        "1:1 support",
        "Discussion",
        "Peers",
        "Alumni",
        "My applications",
        "Convener",
        "Roles",
        "Dashboard",
    ],
}

_MAIN_NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)
_LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)</a>')


def _client(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def _menu(client: Client) -> list[tuple[str, str]]:
    html = client.get("/").content.decode()
    return _LINK.findall(_MAIN_NAV.search(html).group(1))


@pytest.mark.parametrize("role", list(EXPECTED))
def test_menu_offers_each_role_what_its_rules_allow(role):
    client = _client(_people()[role])

    labels = [label for _url, label in _menu(client)]

    assert labels == EXPECTED[role]


@pytest.mark.parametrize("role", list(EXPECTED))
def test_menu_links_all_answer_200_for_that_person(role):
    client = _client(_people()[role])

    answers = {url: client.get(url).status_code for url, _label in _menu(client)}

    assert answers == {url: 200 for url in answers}


def test_menu_marks_the_current_page_only_once(convener, login):
    html = login(convener).get("/sessions/support/").content.decode()

    assert html.count('aria-current="page"') == 1
    assert '<a href="/sessions/support/" aria-current="page">1:1 support</a>' in html


def test_menu_opens_without_javascript_from_a_labelled_checkbox(db):
    html = Client().get("/").content.decode()

    assert (
        '<input type="checkbox" id="menu-toggle" class="menu-toggle" aria-controls="site-menu">'
        in html
    )
    assert '<label for="menu-toggle" class="menu-toggle-label">Menu</label>' in html
    assert '<div class="site-menu" id="site-menu">' in html


def test_navigation_addresses_follow_the_script_prefix():
    # The menu's addresses are reversed once per URLconf and prefix, not once per page.
    try:
        set_script_prefix("/network/")
        under_prefix = [link.url for link in links_for(None)][:2]
    finally:
        set_script_prefix("/")
    at_root = [link.url for link in links_for(None)][:2]

    assert (under_prefix, at_root) == (["/network/", "/network/datasets/"], ["/", "/datasets/"])


def test_navigation_of_a_participant_reads_roles_and_cohorts_once(django_assert_num_queries):
    # Roles, then the person's cohorts with their awards and end dates; the alumni and the
    # current cohorts (Alumni, 1:1 support) were each one more query.
    person = _member_of_cohort(ended=False)
    ended = _member_of_cohort(ended=True)
    person.memberships.first().organisation.cohort_memberships.create(
        cohort=CohortMembership.objects.get(organisation__memberships__user=ended).cohort
    )
    person = type(person).objects.get(pk=person.pk)

    with django_assert_num_queries(2):
        labels = [link.label for link in links_for(person)]

    assert ("Alumni" in labels, "1:1 support" in labels) == (True, True)
