"""Issue 14: calls, learnings and reports over the API in the language asked for
(`?lang=` or Accept-Language), saying which language was served and which exist."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from datacollab.learnings.models import Visibility
from datacollab.learnings.services.translations import translate_learning
from datacollab.network.services.call_translations import translate_call
from datacollab.reports.services.cohort_reports import publish_report
from datacollab.reports.services.report_translations import translate_report
from tests import factories
from tests.factories_learnings import make_learning

pytestmark = pytest.mark.django_db

FOUR = [("en-gb", "English"), ("es", "Spanish"), ("fr", "French"), ("pt", "Portuguese")]


@pytest.fixture(autouse=True)
def _four_languages(settings):
    settings.LANGUAGES = FOUR


def _spanish_learning():
    learning = make_learning(
        slug="stewards", visibility=Visibility.PUBLIC, title="Stewards", body="Open data."
    )
    translate_learning(
        actor=learning.author,
        learning=learning,
        language="es",
        texts={"title": "Administradores", "body": "Datos abiertos."},
    )
    return learning


def _languages(item):
    return {k: item[k] for k in ("title", "language", "requested_language", "languages")}


def test_learning_in_the_language_asked_by_lang():
    _spanish_learning()

    body = Client().get("/api/v1/learnings/stewards?lang=es").json()

    assert (_languages(body), body["body"]) == (
        {
            "title": "Administradores",
            "language": "es",
            "requested_language": "es",
            "languages": ["en-gb", "es"],
        },
        "Datos abiertos.",
    )


def test_learning_in_the_language_of_accept_language():
    _spanish_learning()

    body = Client(headers={"accept-language": "es"}).get("/api/v1/learnings").json()

    assert [_languages(item) for item in body["results"]] == [
        {
            "title": "Administradores",
            "language": "es",
            "requested_language": "es",
            "languages": ["en-gb", "es"],
        }
    ]


def test_learning_without_the_language_asked_falls_back_to_its_original():
    _spanish_learning()

    body = Client().get("/api/v1/learnings/stewards?lang=fr").json()

    assert _languages(body) == {
        "title": "Stewards",
        "language": "en-gb",
        "requested_language": "fr",
        "languages": ["en-gb", "es"],
    }


def test_lang_the_network_does_not_offer_falls_back_to_the_original():
    _spanish_learning()

    body = Client().get("/api/v1/learnings/stewards?lang=de-AT").json()

    assert _languages(body) == {
        "title": "Stewards",
        "language": "en-gb",
        "requested_language": "de-at",
        "languages": ["en-gb", "es"],
    }


def test_lang_that_is_no_language_tag_is_a_400_naming_it():
    _spanish_learning()

    response = Client().get("/api/v1/learnings?lang=not+a+tag")

    assert (response.status_code, response.json()["parameter"]) == (400, "lang")


def test_lang_refusal_gives_the_known_tags_as_examples_of_an_open_list(settings):
    """Any well-formed tag is accepted (it falls back to the original), so the refusal's
    list reads as examples, not as every choice."""
    settings.LANGUAGES = [("en-gb", "English"), ("es", "Spanish")]

    response = Client().get("/api/v1/learnings?lang=not+a+tag")

    assert response.json()["message"] == (
        "“not a tag” is not a language tag: give one, for example one of en-gb, es."
    )


def test_call_and_its_questions_in_spanish(convener):
    call = factories.make_call(slug="cities", title="Data for cities", summary="Grants")
    question = call.questions.order_by("position").first()
    translate_call(
        actor=convener,
        call=call,
        language="es",
        texts={"title": "Datos para ciudades", "summary": "Becas"},
        questions={question.pk: {"label": "¿Qué reto?"}},
        criteria={},
    )

    body = Client().get("/api/v1/calls/cities?lang=es").json()

    assert (body["title"], body["summary"], body["languages"]) == (
        "Datos para ciudades",
        "Becas",
        ["en-gb", "es"],
    )
    assert (body["questions"][0]["label"], body["questions"][0]["language"]) == ("¿Qué reto?", "es")


def test_open_calls_list_in_the_language_asked(convener):
    call = factories.make_call(slug="cities", title="Data for cities")
    translate_call(
        actor=convener,
        call=call,
        language="fr",
        texts={"title": "Données pour les villes"},
        questions={},
        criteria={},
    )

    body = Client().get("/api/v1/calls?lang=fr").json()

    assert [(c["slug"], c["title"], c["requested_language"]) for c in body["results"]] == [
        ("cities", "Données pour les villes", "fr")
    ]


def test_draft_call_is_a_404_for_anyone():
    factories.make_call(slug="draft", status="draft")

    assert Client().get("/api/v1/calls/draft").status_code == 404


def test_calls_list_takes_a_fixed_number_of_queries():
    for _ in range(3):
        factories.make_call()

    with CaptureQueriesContext(connection) as few:
        Client().get("/api/v1/calls?limit=1&lang=es")
    with CaptureQueriesContext(connection) as many:
        Client().get("/api/v1/calls?lang=es")

    assert len(few) == len(many)


def test_report_frozen_in_spanish_is_served_in_spanish(convener):
    cohort = factories.make_cohort(slug="first", name="First cohort")
    translate_report(
        actor=convener, cohort=cohort, language="es", texts={"title": "Lo que aprendimos"}
    )
    publish_report(actor=convener, cohort=cohort)

    one = Client().get("/api/v1/reports/first?lang=es").json()
    listed = Client().get("/api/v1/reports?lang=es").json()

    assert (one["title"], one["language"], one["markdown"].startswith("# Lo que aprendimos")) == (
        "Lo que aprendimos",
        "es",
        True,
    )
    assert [_languages(r)["title"] for r in listed["results"]] == ["Lo que aprendimos"]
