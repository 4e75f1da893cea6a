"""Issue 14: a translation written before its original last changed is marked possibly
outdated, to the editor on the translation page and to readers as a small note."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from datacollab.core.content_language import (
    apply_translation,
    localize,
    outdated_fields,
    source_hash,
)
from datacollab.learnings.models import Visibility
from datacollab.learnings.services.translations import translate_learning
from datacollab.network.models import Call
from datacollab.network.services.call_translations import translate_call
from tests.factories import make_call
from tests.factories_learnings import make_learning
from tests.network.factories_applications import page_text

FOUR = [("en-gb", "English"), ("es", "Spanish"), ("fr", "French"), ("pt", "Portuguese")]
READER_NOTE = (
    "The original changed after this translation was written: it may not say everything "
    "the original says now."
)
EDITOR_NOTE = (
    "The original changed after this translation was written: check the marked fields "
    "against it, then save (saving says the translation is up to date)."
)
FIELD_NOTE = "The original changed after this translation was written."


def spanish_reader_note() -> str:
    """The note as a Spanish reader sees it (English where the catalogue is not compiled)."""
    with translation.override("es"):
        return translation.gettext(READER_NOTE)


@pytest.fixture(autouse=True)
def _four_languages(settings):
    settings.LANGUAGES = FOUR


# --- core --------------------------------------------------------------------------------


def test_apply_translation_remembers_the_original_it_translates():
    call = Call(title="Data for cities", language="en-gb")

    apply_translation(call, language="es", values={"title": "Datos para ciudades"})

    assert call.translated_from == {"es": {"title": source_hash("Data for cities")}}


def test_translation_is_outdated_once_its_original_changes():
    call = Call(title="Data for cities", language="en-gb")
    apply_translation(call, language="es", values={"title": "Datos para ciudades"})

    call.title = "Data for cities and regions"

    assert (outdated_fields(call, "es"), localize(call, "title", "es").outdated) == (
        ["title"],
        True,
    )


def test_translation_saved_again_after_the_change_is_up_to_date():
    call = Call(title="Data for cities", language="en-gb")
    apply_translation(call, language="es", values={"title": "Datos para ciudades"})
    call.title = "Data for cities and regions"

    changed = apply_translation(call, language="es", values={"title": "Datos para ciudades"})

    assert (changed, outdated_fields(call, "es")) == (["title"], [])


def test_translation_written_before_originals_were_remembered_is_not_outdated():
    call = Call(title="Data", language="en-gb", translations={"es": {"title": "Datos"}})

    assert (outdated_fields(call, "es"), localize(call, "title", "es").outdated) == ([], False)


def test_original_itself_is_never_outdated():
    call = Call(title="Data for cities", language="en-gb")
    apply_translation(call, language="es", values={"title": "Datos para ciudades"})
    call.title = "Data for regions"

    assert localize(call, "title", "en-gb").outdated is False


# --- learnings ---------------------------------------------------------------------------


def _learning_translated_then_changed():
    learning = make_learning(
        visibility=Visibility.PUBLIC, title="Stewards keep data alive", body="Open data needs."
    )
    translate_learning(
        actor=learning.author,
        learning=learning,
        language="es",
        texts={"title": "Los administradores mantienen vivos los datos", "body": "Hacen falta."},
    )
    learning.refresh_from_db()
    # Arrange: the author rewrites the original after the translation.
    learning.body = "Open data needs stewards, and money."
    learning.save(update_fields=["body"])
    return learning


@pytest.mark.django_db
def test_learning_translation_page_marks_the_fields_whose_original_changed(login):
    learning = _learning_translated_then_changed()
    url = reverse("learning-translation", args=[learning.slug, "es"])

    response = login(learning.author).get(url)

    form = response.context["form"]
    marked = [name for name, field in form.fields.items() if FIELD_NOTE in str(field.help_text)]
    assert (EDITOR_NOTE in page_text(response), marked) == (True, ["body"])
    assert response.context["outdated"] is True


@pytest.mark.django_db
def test_learning_page_tells_spanish_readers_the_translation_may_be_outdated(client):
    learning = _learning_translated_then_changed()

    response = client.get(
        reverse("learning-detail", args=[learning.slug]), HTTP_ACCEPT_LANGUAGE="es"
    )

    assert page_text(response).count(spanish_reader_note()) == 1


@pytest.mark.django_db
def test_learning_page_without_a_change_has_no_outdated_note(client):
    learning = make_learning(visibility=Visibility.PUBLIC, title="Stewards", body="Open data.")
    translate_learning(
        actor=learning.author,
        learning=learning,
        language="es",
        texts={"title": "Administradores", "body": "Datos abiertos."},
    )

    response = client.get(
        reverse("learning-detail", args=[learning.slug]), HTTP_ACCEPT_LANGUAGE="es"
    )

    assert page_text(response).count(spanish_reader_note()) == 0


@pytest.mark.django_db
def test_learning_translation_saved_again_clears_the_mark(login):
    learning = _learning_translated_then_changed()
    url = reverse("learning-translation", args=[learning.slug, "es"])
    client = login(learning.author)

    client.post(
        url, {"title": "Los administradores mantienen vivos los datos", "body": "Y dinero."}
    )

    learning.refresh_from_db()
    assert outdated_fields(learning, "es") == []


# --- calls -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_call_translation_page_marks_the_changed_title(convener, login):
    call = make_call(title="Data for cities", summary="Grants for city data")
    translate_call(
        actor=convener,
        call=call,
        language="es",
        texts={"title": "Datos para ciudades", "summary": "Becas para datos urbanos"},
        questions={},
        criteria={},
    )
    Call.objects.filter(pk=call.pk).update(title="Data for cities and regions")

    response = login(convener).get(reverse("setup-call-translation", args=[call.slug, "es"]))

    assert response.context["form"].outdated == ["call_title"]
    assert EDITOR_NOTE in page_text(response)


@pytest.mark.django_db
def test_call_page_tells_spanish_readers_the_translation_may_be_outdated(convener, client):
    call = make_call(title="Data for cities", summary="Grants for city data")
    translate_call(
        actor=convener,
        call=call,
        language="es",
        texts={"title": "Datos para ciudades"},
        questions={},
        criteria={},
    )
    Call.objects.filter(pk=call.pk).update(title="Data for cities and regions")

    response = client.get(reverse("call-detail", args=[call.slug]), HTTP_ACCEPT_LANGUAGE="es")

    assert page_text(response).count(spanish_reader_note()) == 1
