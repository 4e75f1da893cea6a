"""Issue 14: a learning's title and body in several languages, read in the reader's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.learnings.models import Visibility
from datacollab.learnings.services.learnings import create_learning
from datacollab.learnings.services.translations import translate_learning
from datacollab.search import index
from tests.factories import make_cohort, make_user
from tests.factories_learnings import make_learning, make_participant
from tests.network.factories_applications import page_text

pytestmark = pytest.mark.django_db

FOUR = [("en-gb", "English"), ("es", "Spanish"), ("fr", "French"), ("pt", "Portuguese")]


@pytest.fixture(autouse=True)
def _four_languages(settings):
    settings.LANGUAGES = FOUR


def _public_learning(**fields):
    return make_learning(
        visibility=Visibility.PUBLIC,
        title="Stewards keep data alive",
        body="Open data needs *stewards*.",
        **fields,
    )


def test_translate_learning_stores_the_version_and_audits_it():
    learning = _public_learning()

    translate_learning(
        actor=learning.author,
        learning=learning,
        language="es",
        texts={"title": "Los administradores mantienen vivos los datos", "body": "Hacen falta."},
    )

    learning.refresh_from_db()
    assert learning.translations == {
        "es": {"title": "Los administradores mantienen vivos los datos", "body": "Hacen falta."}
    }
    assert AuditEntry.objects.get(action="learning.translated").details == {
        "slug": learning.slug,
        "language": "es",
        "changed": ["body", "title"],
    }


def test_translate_learning_by_someone_else_is_refused():
    learning = _public_learning()

    with pytest.raises(NotAllowed):
        translate_learning(
            actor=make_user(), learning=learning, language="es", texts={"title": "Otro"}
        )


def test_translate_learning_into_an_unknown_language_is_refused():
    learning = _public_learning()

    with pytest.raises(DomainError) as refused:
        translate_learning(
            actor=learning.author, learning=learning, language="xx", texts={"title": "?"}
        )

    assert refused.value.field == "language"


def test_translate_learning_without_a_title_is_refused():
    learning = _public_learning()

    with pytest.raises(DomainError) as refused:
        translate_learning(
            actor=learning.author, learning=learning, language="fr", texts={"body": "Texte"}
        )

    assert refused.value.message == "Give the translation a title too."


def test_create_learning_is_written_in_the_chosen_language():
    cohort = make_cohort()
    author, _org = make_participant(cohort)

    learning = create_learning(
        actor=author, cohort=cohort, title="Dados", body="Abertos", language="pt"
    )

    assert learning.language == "pt"


def test_learning_page_in_spanish_shows_the_spanish_version(client):
    learning = _public_learning()
    translate_learning(
        actor=learning.author,
        learning=learning,
        language="es",
        texts={"title": "Los administradores mantienen vivos los datos", "body": "Hacen *falta*."},
    )

    response = client.get(
        reverse("learning-detail", args=[learning.slug]), HTTP_ACCEPT_LANGUAGE="es"
    )

    text = page_text(response)
    assert "Los administradores mantienen vivos los datos" in text
    assert "<div><p>Hacen <em>falta</em>.</p>" in response.content.decode()
    assert "Stewards keep data alive" not in text


def test_learning_page_without_a_spanish_version_shows_the_original_with_a_note(client):
    learning = _public_learning()

    response = client.get(
        reverse("learning-detail", args=[learning.slug]), HTTP_ACCEPT_LANGUAGE="es"
    )

    page = response.content.decode()
    assert '<h1 lang="en-gb">Stewards keep data alive</h1>' in page
    assert '<p class="muted fallback-note">' in page


def test_learning_translation_page_saves_the_version(login):
    learning = _public_learning()

    response = login(learning.author).post(
        reverse("learning-translation", args=[learning.slug, "fr"]),
        {"title": "Les intendants", "body": "Il en faut."},
    )

    assert response.status_code == 302
    learning.refresh_from_db()
    assert learning.translations == {"fr": {"title": "Les intendants", "body": "Il en faut."}}


def test_learning_translation_page_into_the_original_language_is_404(login):
    learning = _public_learning()

    response = login(learning.author).get(
        reverse("learning-translation", args=[learning.slug, "en-gb"])
    )

    assert response.status_code == 404


def test_learning_page_offers_the_other_languages_to_its_author(login):
    learning = _public_learning()

    response = login(learning.author).get(reverse("learning-detail", args=[learning.slug]))

    assert "Add a Spanish version Add a French version Add a Portuguese version" in page_text(
        response
    )


def test_learning_list_query_count_is_unchanged_by_translations(client):
    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(reverse("learning-list"), HTTP_ACCEPT_LANGUAGE="es").status_code == 200
            )
        return len(queries)

    for n in range(2):
        learning = _public_learning()
        translate_learning(
            actor=learning.author, learning=learning, language="es", texts={"title": f"T{n}"}
        )
    few = list_queries()
    for n in range(6):
        learning = _public_learning()
        translate_learning(
            actor=learning.author, learning=learning, language="es", texts={"title": f"U{n}"}
        )

    assert list_queries() == few


def test_search_finds_a_learning_by_its_translation():
    from datacollab.search.selectors import search

    learning = _public_learning()
    translate_learning(
        actor=learning.author,
        learning=learning,
        language="pt",
        texts={"title": "Guardiões", "body": "Os dados abertos precisam de guardiões."},
    )
    index.refresh("learning", learning.pk)

    assert [str(hit.object) for hit in search(None, q="guardiões").page] == [
        "Stewards keep data alive"
    ]


def test_saying_a_learning_is_written_in_a_translated_language_is_refused():
    from datacollab.learnings.services.learnings import update_learning

    learning = _public_learning()
    translate_learning(
        actor=learning.author, learning=learning, language="fr", texts={"title": "Intendants"}
    )
    translate_learning(
        actor=learning.author, learning=learning, language="es", texts={"title": "Datos"}
    )

    with pytest.raises(DomainError) as refused:
        update_learning(
            actor=learning.author,
            learning=learning,
            cohort=learning.cohort,
            title="Les intendants",
            body="Il en faut.",
            visibility=Visibility.PUBLIC,
            language="fr",
        )

    assert (refused.value.status, refused.value.field) == (409, "language")
    learning.refresh_from_db()
    assert (learning.language, learning.title) == ("en-gb", "Stewards keep data alive")
