"""Issue 14: the network's own texts (its name, the home page's introduction) and each
cohort's focus and description in several languages, as calls have them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.network.services.network_translations import translate_texts
from tests.factories import make_cohort, make_network
from tests.network.factories_applications import page_errors, page_text

pytestmark = pytest.mark.django_db

FOUR = [("en-gb", "English"), ("es", "Spanish"), ("fr", "French"), ("pt", "Portuguese")]


@pytest.fixture(autouse=True)
def _four_languages(settings):
    settings.LANGUAGES = FOUR


def _network():
    network = make_network()
    network.description = "We help **data collaborations** learn from each other."
    network.save()
    return network


def _cohort():
    return make_cohort(
        slug="cities", focus="open data for cities", description="Six months of *peer learning*."
    )


# --- the services ---------------------------------------------------------------------------


def test_translate_network_stores_the_texts_and_audits_what_changed(convener):
    network = _network()

    translate_texts(
        actor=convener,
        thing=network,
        language="es",
        texts={"name": "Red de aprendizaje", "description": "Ayudamos a las colaboraciones."},
    )

    network.refresh_from_db()
    entry = AuditEntry.objects.get(action="network.translated")
    assert (network.translations, entry.details) == (
        {"es": {"name": "Red de aprendizaje", "description": "Ayudamos a las colaboraciones."}},
        {"language": "es", "changed": ["description", "name"]},
    )


def test_translate_network_by_a_non_convener_is_refused(applicant):
    network = _network()

    with pytest.raises(NotAllowed):
        translate_texts(actor=applicant, thing=network, language="es", texts={"name": "Red"})

    network.refresh_from_db()
    assert network.translations == {}


def test_translate_network_into_its_own_language_is_refused(convener):
    network = _network()

    with pytest.raises(DomainError) as refused:
        translate_texts(actor=convener, thing=network, language="en-gb", texts={"name": "N"})

    assert refused.value.field == "language"


def test_translate_network_with_a_field_that_is_not_translatable_is_refused(convener):
    network = _network()

    with pytest.raises(DomainError) as refused:
        translate_texts(actor=convener, thing=network, language="fr", texts={"slug": "x"})

    assert str(refused.value) == "“slug” cannot be translated."


def test_translate_cohort_stores_focus_and_description_and_audits(convener):
    cohort = _cohort()

    translate_texts(
        actor=convener,
        thing=cohort,
        language="pt",
        texts={"focus": "dados abertos para cidades", "description": "Seis meses."},
    )

    cohort.refresh_from_db()
    entry = AuditEntry.objects.get(action="cohort.translated")
    assert (cohort.translations, entry.details) == (
        {"pt": {"focus": "dados abertos para cidades", "description": "Seis meses."}},
        {"slug": "cities", "language": "pt", "changed": ["description", "focus"]},
    )


def test_translate_cohort_name_is_refused_as_a_proper_name(convener):
    cohort = _cohort()

    with pytest.raises(DomainError) as refused:
        translate_texts(actor=convener, thing=cohort, language="fr", texts={"name": "Cohorte"})

    assert str(refused.value) == "“name” cannot be translated."


def test_translate_cohort_by_a_non_convener_is_refused(applicant):
    cohort = _cohort()

    with pytest.raises(NotAllowed):
        translate_texts(actor=applicant, thing=cohort, language="fr", texts={"focus": "x"})


def test_translate_cohort_with_empty_texts_removes_the_language(convener):
    cohort = _cohort()
    translate_texts(actor=convener, thing=cohort, language="fr", texts={"focus": "villes"})

    translate_texts(actor=convener, thing=cohort, language="fr", texts={"focus": ""})

    cohort.refresh_from_db()
    assert (cohort.translations, cohort.translated_from) == ({}, {})


def test_translate_cohort_unchanged_records_no_audit_entry(convener):
    cohort = _cohort()
    translate_texts(actor=convener, thing=cohort, language="fr", texts={"focus": "villes"})

    translate_texts(actor=convener, thing=cohort, language="fr", texts={"focus": "villes"})

    assert AuditEntry.objects.filter(action="cohort.translated").count() == 1


# --- the set-up pages -----------------------------------------------------------------------


def test_texts_translations_page_lists_network_and_cohorts_by_language(convener, login):
    network = _network()
    _cohort()
    translate_texts(actor=convener, thing=network, language="es", texts={"name": "Red"})

    response = login(convener).get(reverse("setup-texts-translations"))

    text = page_text(response)
    assert response.status_code == 200
    assert "Spanish 1 of 2 Edit the Spanish version" in text
    assert "French 0 of 2 Edit the French version" in text
    assert reverse("setup-cohort-translation", args=["cities", "pt"]) in response.content.decode()


def test_texts_translations_page_is_refused_to_a_participant(applicant, login):
    _network()

    response = login(applicant).get(reverse("setup-texts-translations"))

    assert response.status_code == 403


def test_setup_home_links_to_the_texts_translations(convener, login):
    _cohort()

    response = login(convener).get(reverse("setup-home"))

    assert reverse("setup-texts-translations") in response.content.decode()


def test_network_translation_form_saves_the_language_version(convener, login):
    network = _network()

    response = login(convener).post(
        reverse("setup-network-translation", args=["fr"]),
        {"name": "Réseau d'apprentissage", "description": "Nous aidons les collaborations."},
    )

    assert response.status_code == 302
    network.refresh_from_db()
    assert network.translations == {
        "fr": {"name": "Réseau d'apprentissage", "description": "Nous aidons les collaborations."}
    }


def test_cohort_translation_form_shows_the_refusal_of_a_too_long_focus(convener, login):
    _cohort()

    response = login(convener).post(
        reverse("setup-cohort-translation", args=["cities", "es"]), {"focus": "x" * 201}
    )

    assert response.status_code == 400
    assert page_errors(response) == ["Ensure this value has at most 200 characters (it has 201)."]


def test_cohort_translation_form_for_the_original_language_is_404(convener, login):
    _cohort()

    response = login(convener).get(reverse("setup-cohort-translation", args=["cities", "en-gb"]))

    assert response.status_code == 404


def test_cohort_translation_form_marks_a_translation_older_than_its_original(convener, login):
    cohort = _cohort()
    cohort = translate_texts(
        actor=convener, thing=cohort, language="es", texts={"focus": "ciudades"}
    )
    cohort.focus = "open data for cities and regions"
    cohort.save()

    response = login(convener).get(reverse("setup-cohort-translation", args=["cities", "es"]))

    assert response.context["outdated"] is True
    assert response.context["form"].outdated == ["focus"]


# --- what readers see -----------------------------------------------------------------------


def test_home_page_in_spanish_shows_the_networks_spanish_texts(convener, client):
    network = _network()
    translate_texts(
        actor=convener,
        thing=network,
        language="es",
        texts={"name": "Red de aprendizaje", "description": "Ayudamos a las *colaboraciones*."},
    )

    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es")

    html = response.content.decode()
    assert "<h1>Red de aprendizaje</h1>" in html
    assert '<div class="intro"><p>Ayudamos a las <em>colaboraciones</em>.</p>' in html


def test_home_page_without_a_translation_shows_the_english_marked_as_such(client):
    _network()

    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr")

    html = response.content.decode()
    assert '<h1 lang="en-gb">Peer Learning Network for Data Collaborations</h1>' in html
    assert '<div class="intro" lang="en-gb"><p>We help <strong>data' in html


def test_home_page_notes_a_translation_older_than_its_english(convener, client):
    network = _network()
    network = translate_texts(
        actor=convener, thing=network, language="pt", texts={"description": "Ok"}
    )
    network.description = "We help data collaborations and their stewards."
    network.save()

    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="pt")

    assert '<p class="muted outdated-note">' in response.content.decode()


def test_home_page_shows_each_cohorts_focus_in_the_readers_language(convener, client):
    cohort = _cohort()
    translate_texts(actor=convener, thing=cohort, language="es", texts={"focus": "ciudades"})

    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es")

    assert '<p class="muted"><span>ciudades</span> · ' in response.content.decode()


def test_home_page_query_count_is_unchanged_by_cohort_translations(convener, client):
    _network()
    for n in range(2):
        cohort = make_cohort(slug=f"c{n}")
        translate_texts(actor=convener, thing=cohort, language="es", texts={"focus": "datos"})
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es")
    for n in range(2, 6):
        cohort = make_cohort(slug=f"c{n}")
        translate_texts(actor=convener, thing=cohort, language="es", texts={"focus": "datos"})
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es")

    assert len(few) == len(many)


def test_cohort_page_in_portuguese_shows_the_portuguese_focus_and_description(convener, client):
    cohort = _cohort()
    translate_texts(
        actor=convener,
        thing=cohort,
        language="pt",
        texts={"focus": "dados abertos para cidades", "description": "Seis meses de *pares*."},
    )

    response = client.get(reverse("cohort-detail", args=["cities"]), HTTP_ACCEPT_LANGUAGE="pt")

    html = response.content.decode()
    assert "<dd>dados abertos para cidades</dd>" in html
    assert "<div><p>Seis meses de <em>pares</em>.</p>" in html


def test_cohort_page_falls_back_to_english_with_its_lang(client):
    _cohort()

    response = client.get(reverse("cohort-detail", args=["cities"]), HTTP_ACCEPT_LANGUAGE="fr")

    html = response.content.decode()
    assert '<dd lang="en-gb">open data for cities</dd>' in html
    assert '<div lang="en-gb"><p>Six months of <em>peer learning</em>.</p>' in html


def test_texts_translations_page_query_count_does_not_grow_with_cohorts(convener, login):
    _network()
    client = login(convener)
    make_cohort(slug="c0")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("setup-texts-translations"))
    for n in range(1, 5):
        cohort = make_cohort(slug=f"c{n}")
        translate_texts(actor=convener, thing=cohort, language="fr", texts={"focus": "villes"})
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("setup-texts-translations"))

    assert (response.status_code, len(many)) == (200, len(few))


# --- over the API ---------------------------------------------------------------------------


def test_api_cohort_in_french_gives_the_french_focus_and_its_languages(convener, client):
    cohort = _cohort()
    translate_texts(
        actor=convener,
        thing=cohort,
        language="fr",
        texts={"focus": "données ouvertes des villes", "description": "Six mois."},
    )

    body = client.get("/api/v1/cohorts/cities?lang=fr").json()

    assert {k: body[k] for k in ("focus", "description", "language", "languages")} == {
        "focus": "données ouvertes des villes",
        "description": "Six mois.",
        "language": "fr",
        "languages": ["en-gb", "fr"],
    }


def test_api_cohorts_without_a_version_fall_back_to_the_english(client):
    _cohort()

    body = client.get("/api/v1/cohorts?lang=pt").json()

    cohort = body["results"][0]
    assert (cohort["focus"], cohort["language"], cohort["requested_language"]) == (
        "open data for cities",
        "en-gb",
        "pt",
    )


def test_cohort_translation_form_marks_the_english_original_with_its_language(convener, login):
    make_cohort(slug="tags", focus="data <for> cities")

    response = login(convener).get(
        reverse("setup-cohort-translation", args=["tags", "es"]), HTTP_ACCEPT_LANGUAGE="es"
    )

    assert '<span lang="en-gb">data &lt;for&gt; cities</span>' in response.content.decode()
