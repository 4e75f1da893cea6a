"""The languages a person works in, shown only by their own choice (issue 8, after issue 14):
on their profile, in the expert directory (with a language filter) and in peer matching."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.matching.people import suggestions_for_person
from datacollab.organisations import services
from datacollab.organisations.models import User
from tests.factories import make_user
from tests.factories_events import at, current_cohort, make_expert, make_participant, make_slot
from tests.factories_matching import cohort_org, ended_cohort

pytestmark = pytest.mark.django_db


def _post(client, **fields):
    data = {"working_languages": ["fr", "sw"], "residence_countries": ["TZ"], **fields}
    return client.post(reverse("profile-diversity"), {**data, "languages_note": "Sheng"})


# The choice itself.


def _checkbox(client) -> str:
    page = client.get(reverse("profile-diversity")).content.decode()
    (tag,) = re.findall(r'<input type="checkbox" name="show_working_languages"[^>]*>', page)
    return tag


def test_show_working_languages_is_off_by_default_and_on_the_private_form(login):
    person = make_user()
    client = login(person)

    unticked = _checkbox(client)
    _post(client)
    person.refresh_from_db()

    assert "checked" not in unticked
    assert (person.working_languages, person.show_working_languages) == (["fr", "sw"], False)


def test_show_working_languages_on_then_off_saves_the_choice(login):
    person = make_user()
    client = login(person)

    _post(client, show_working_languages="on")
    person.refresh_from_db()
    turned_on = (person.show_working_languages, "checked" in _checkbox(client))
    _post(client)
    person.refresh_from_db()

    assert (turned_on, person.show_working_languages) == ((True, True), False)


def test_shown_working_languages_is_empty_unless_the_person_chose_to_show():
    hidden = make_user(working_languages=["fr"])
    shown = make_user(working_languages=["fr"], show_working_languages=True)

    assert (hidden.shown_working_languages, shown.shown_working_languages) == ([], ["fr"])


# The person's page as others see it.


def test_person_page_shows_only_the_languages_when_on_and_hides_them_when_off(login):
    person = make_user(display_name="Wanjiru K", expertise="GIS")
    services.set_diversity_details(
        user=person,
        residence_countries=["TZ"],
        working_languages=["sw"],
        languages_note="Sheng",
        show_working_languages=True,
    )
    client = login(make_user())
    url = reverse("person-detail", args=[person.pk])

    shown = client.get(url).content.decode()
    services.set_diversity_details(
        user=person, residence_countries=["TZ"], working_languages=["sw"], languages_note="Sheng"
    )
    hidden = client.get(url).content.decode()

    assert ("Swahili (Kiswahili)" in shown, "Tanzania" in shown, "Sheng" in shown) == (
        True,
        False,
        False,
    )
    assert "Kiswahili" not in hidden


# The expert directory.


@pytest.fixture
def experts():
    esi = make_expert(
        display_name="Esi Mensah",
        expertise="data trusts",
        working_languages=["en", "tw"],
        show_working_languages=True,
    )
    juan = make_expert(
        display_name="Juan Pérez",
        expertise="GIS",
        working_languages=["es", "fr"],
        show_working_languages=True,
    )
    # Amina keeps hers private: Swahili is no one else's, French is Juan's too.
    amina = make_expert(
        display_name="Amina Yusuf", expertise="privacy", working_languages=["fr", "sw"]
    )
    return {"esi": esi, "juan": juan, "amina": amina}


def _names(response) -> list[str]:
    return [str(entry.person) for entry in response.context["entries"]]


def test_expert_directory_shows_languages_and_offers_only_shown_ones(login, experts):
    response = login(make_participant(current_cohort())).get(reverse("support-experts"))

    page = response.content.decode()
    offered = [code for code, _label in response.context["form"].fields["language"].choices]
    assert offered == ["", "en", "fr", "es", "tw"]
    assert "Speaks English, Twi" in page
    assert "Speaks Spanish (español), French (français)" in page
    assert page.count("Speaks ") == 2  # Amina did not choose to show hers


def test_expert_directory_filters_by_a_shown_language_only(login, experts):
    client = login(make_participant(current_cohort()))

    french = client.get(reverse("support-experts"), {"language": "fr"})
    twi = client.get(reverse("support-experts"), {"language": "tw"})
    hidden_only = client.get(reverse("support-experts"), {"language": "sw"})

    assert (french.status_code, _names(french)) == (200, ["Juan Pérez"])
    assert _names(twi) == ["Esi Mensah"]
    # Nobody shows Swahili, so it is not offered: an old link says so and shows everyone.
    assert (hidden_only.status_code, len(_names(hidden_only))) == (400, 3)


def test_expert_directory_forgets_languages_turned_off(login, experts):
    client = login(make_participant(current_cohort()))
    User.objects.filter(pk=experts["juan"].pk).update(show_working_languages=False)

    response = client.get(reverse("support-experts"), {"language": "fr"})

    assert response.status_code == 400
    assert "Spanish (español)" not in response.content.decode()


def test_expert_directory_language_filter_query_count_does_not_grow(login):
    client = login(make_participant(current_cohort()))
    make_expert(expertise="a", working_languages=["fr"], show_working_languages=True)
    client.get(reverse("support-experts"), {"language": "fr"})  # warm the session and caches

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("support-experts"), {"language": "fr"})
    for n in range(8):
        expert = make_expert(
            expertise=f"topic {n}", working_languages=["fr", "pt"], show_working_languages=True
        )
        make_slot(expert=expert, starts_at=at(1 + n))
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("support-experts"), {"language": "fr"})

    assert (len(response.context["entries"]), len(large)) == (9, len(small))


# Peer matching.


@pytest.fixture
def viewer_and_peer():
    _org, (viewer,) = cohort_org(current_cohort(name="Now"), name="GBIF", country="DK")
    _museum, (curator,) = cohort_org(ended_cohort(name="Before"), name="Museum", country="KE")
    User.objects.filter(pk=viewer.pk).update(
        expertise="biodiversity, species occurrence records", working_languages=["fr", "da"]
    )
    User.objects.filter(pk=curator.pk).update(
        display_name="Kamau",
        expertise="museum specimens, species occurrence records of biodiversity",
        working_languages=["sw", "fr"],
    )
    viewer.refresh_from_db()
    curator.refresh_from_db()
    return viewer, curator


def test_peer_suggestion_hides_languages_and_shared_line_when_off(login, viewer_and_peer):
    viewer, _curator = viewer_and_peer

    response = login(viewer).get(reverse("peer-suggestions"))

    page = response.content.decode()
    assert [str(s.person) for s in response.context["people"]] == ["Kamau"]
    assert response.context["people"][0].shared_languages == ()
    assert ("Kiswahili" in page, "Speaks a language you speak" in page) == (False, False)


def test_peer_suggestion_shows_languages_and_a_shared_one_when_on(login, viewer_and_peer):
    viewer, curator = viewer_and_peer
    User.objects.filter(pk=curator.pk).update(show_working_languages=True)

    response = login(viewer).get(reverse("peer-suggestions"))

    page = response.content.decode()
    assert "Speaks Swahili (Kiswahili), French (français)" in page
    assert "Speaks a language you speak: French (français)" in page


def test_peer_suggestion_uses_the_viewers_private_languages_but_not_the_peers_hidden_ones(
    viewer_and_peer,
):
    viewer, curator = viewer_and_peer
    # The viewer keeps theirs private: they still see what they share with a peer who shows.
    User.objects.filter(pk=curator.pk).update(show_working_languages=True)
    shared_when_shown = suggestions_for_person(viewer=viewer)[0].shared_languages
    User.objects.filter(pk=curator.pk).update(show_working_languages=False)
    shared_when_hidden = suggestions_for_person(viewer=viewer)[0].shared_languages

    assert (viewer.show_working_languages, shared_when_shown, shared_when_hidden) == (
        False,
        ("fr",),
        (),
    )
