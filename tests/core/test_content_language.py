"""core/content_language.py: the fallback order, the note, and what a translation may hold."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from datacollab.core.content_language import (
    Localized,
    apply_translation,
    clean_translation,
    fallback_note,
    fallbacks,
    localize,
)
from datacollab.core.errors import DomainError
from datacollab.network.models import Call

FOUR = [("en-gb", "English"), ("es", "Spanish"), ("fr", "French"), ("pt", "Portuguese")]


@pytest.fixture(autouse=True)
def _four_languages(settings):
    settings.LANGUAGES = FOUR


def _text(**translations: dict[str, str]) -> SimpleNamespace:
    return SimpleNamespace(
        title="Data for cities", summary="", language="en-gb", translations=translations
    )


def test_localize_gives_the_readers_language_when_translated():
    obj = _text(es={"title": "Datos para ciudades"})

    assert localize(obj, "title", "es") == Localized("Datos para ciudades", "es", False)


def test_localize_falls_back_to_the_original_when_not_translated():
    obj = _text(es={"title": "Datos para ciudades"})

    shown = localize(obj, "title", "fr")

    assert (shown.text, shown.language, shown.fell_back) == ("Data for cities", "en-gb", True)


def test_localize_falls_back_to_any_translation_when_the_original_is_empty():
    obj = _text(pt={"summary": "Bolsas"}, fr={"summary": "Bourses"})

    shown = localize(obj, "summary", "es")

    # In settings.LANGUAGES order: French before Portuguese.
    assert (shown.text, shown.language, shown.fell_back) == ("Bourses", "fr", True)


def test_localize_matches_a_regional_variant_by_its_base_language():
    obj = _text(es={"title": "Datos para ciudades"})

    assert localize(obj, "title", "es-ar").text == "Datos para ciudades"


def test_localize_reads_the_active_language_by_default():
    obj = _text(pt={"title": "Dados para cidades"})

    with translation.override("pt"):
        shown = localize(obj, "title")

    assert shown.text == "Dados para cidades"


def test_localize_of_an_object_without_translations_gives_its_field():
    obj = SimpleNamespace(label="How many?")

    assert localize(obj, "label", "es").text == "How many?"


def test_fallback_note_names_the_shown_and_the_wanted_language():
    obj = _text(es={"summary": "Becas"})

    with translation.override("en-gb"):
        note = fallback_note(
            fallbacks([(obj, "title"), (obj, "summary")], language="es"), language="es"
        )

    assert note == "Shown in British English: no Spanish version yet."


def test_fallback_note_is_empty_when_nothing_fell_back():
    obj = _text(es={"title": "Datos"})

    assert fallback_note(fallbacks([(obj, "title")], language="es")) == ""


def test_clean_translation_refuses_a_field_that_is_not_translatable():
    call = Call(title="Data", language="en-gb")

    with pytest.raises(DomainError) as refused:
        clean_translation(call, language="es", values={"slug": "datos"}, fields=call.translatable)

    assert refused.value.message == "“slug” cannot be translated."


def test_apply_translation_reports_changed_fields_and_drops_empty_languages():
    call = Call(title="Data", language="en-gb", translations={"es": {"title": "Datos"}})

    first = apply_translation(call, language="es", values={"title": "Los datos", "summary": "B"})
    second = apply_translation(call, language="es", values={})

    assert (first, second, call.translations) == (["summary", "title"], ["summary", "title"], {})


def test_template_filters_give_the_text_and_a_lang_attribute_only_when_it_differs():
    obj = _text(es={"summary": "Becas"})
    template = Template(
        '{% load content_language %}<h1{{ obj|lang_attr:"title" }}>{{ obj|localized:"title" }}</h1>'
        '<p{{ obj|lang_attr:"summary" }}>{{ obj|localized:"summary" }}</p>'
    )

    with translation.override("es"):
        html = template.render(Context({"obj": obj}))

    assert html == '<h1 lang="en-gb">Data for cities</h1><p>Becas</p>'


def test_language_name_is_lower_case_where_the_reader_writes_it_so():
    from datacollab.core.content_language import language_name

    with translation.override("fr"):
        french = language_name("es")
    with translation.override("en-gb"):
        english = language_name("es")

    assert (french, english) == ("espagnol", "Spanish")
