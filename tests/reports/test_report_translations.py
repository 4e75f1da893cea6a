"""Issue 14: the cohort's output report in the reader's language, frozen in every language."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.learnings.services.translations import translate_learning
from datacollab.network.services.network_translations import translate_texts
from datacollab.reports.models import ReportRevision
from datacollab.reports.services.cohort_reports import edit_report, publish_report
from datacollab.reports.services.report_translations import translate_report
from tests.factories import make_user
from tests.network.factories_applications import page_text

pytestmark = pytest.mark.django_db

FOUR = [("en-gb", "English"), ("es", "Spanish"), ("fr", "French"), ("pt", "Portuguese")]
SPANISH_TITLE = "Cuenta las reutilizaciones, no las descargas"


@pytest.fixture(autouse=True)
def _four_languages(settings):
    settings.LANGUAGES = FOUR


def _url(name: str, output) -> str:
    return reverse(name, kwargs={"cohort_slug": output.cohort.slug})


def _in(language: str, url: str):
    return Client().get(url, HTTP_ACCEPT_LANGUAGE=language)


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _spanish_learning(output, title: str = SPANISH_TITLE) -> None:
    translate_learning(
        actor=output.public.author,
        learning=output.public,
        language="es",
        texts={"title": title, "body": "Las descargas dicen poco del *valor*."},
    )


def test_report_in_spanish_shows_translated_learnings_and_the_rest_in_the_original(
    output, convener
):
    _spanish_learning(output)
    publish_report(actor=convener, cohort=output.cohort)

    spanish = page_text(_in("es", _url("cohort-report", output)))
    english = page_text(_in("en-gb", _url("cohort-report", output)))

    assert (SPANISH_TITLE in spanish, "Count reuses, not downloads" in spanish) == (True, False)
    # No Spanish version of this one: the original, in English.
    assert "Write the data-sharing agreement first" in spanish
    assert ("Count reuses, not downloads" in english, SPANISH_TITLE in english) == (True, False)


def test_published_revision_keeps_the_translations_it_was_published_with(output, convener):
    _spanish_learning(output)
    publish_report(actor=convener, cohort=output.cohort)

    _spanish_learning(output, title="Un título cambiado después")
    page = page_text(_in("es", _url("cohort-report", output)))
    markdown = _in("es", _url("cohort-report-markdown", output)).content.decode()

    assert (SPANISH_TITLE in page, "Un título cambiado después" in page) == (True, False)
    assert f"#### {SPANISH_TITLE}" in markdown
    revision = ReportRevision.objects.get()
    assert sorted(revision.translations) == ["es", "fr", "pt"]


def test_next_revision_takes_in_the_new_translation(output, convener):
    _spanish_learning(output)
    publish_report(actor=convener, cohort=output.cohort)
    _spanish_learning(output, title="Un título cambiado después")

    publish_report(actor=convener, cohort=output.cohort)

    assert "Un título cambiado después" in page_text(_in("es", _url("cohort-report", output)))


def test_report_pdf_in_spanish_is_the_one_stored_at_publication(output, convener):
    _spanish_learning(output)
    publish_report(actor=convener, cohort=output.cohort)
    _spanish_learning(output, title="Un título cambiado después")

    spanish = _pdf_text(_in("es", _url("cohort-report-pdf", output)).content)
    english = _pdf_text(_in("en-gb", _url("cohort-report-pdf", output)).content)

    assert (SPANISH_TITLE in spanish, "Un título cambiado después" in spanish) == (True, False)
    assert ("Count reuses, not downloads" in english, SPANISH_TITLE in english) == (True, False)
    stored = ReportRevision.objects.get().translations["es"]
    audited = AuditEntry.objects.get(action="report.published").details["languages"]
    assert (stored["pdf"], audited["es"]) == (
        f"reports/{output.cohort.slug}/revision-1.es.pdf",
        stored["pdf_sha256"],
    )


def test_report_title_and_introduction_in_the_readers_language(output, convener):
    edit_report(
        actor=convener,
        cohort=output.cohort,
        title="Rivers, shared",
        introduction="What the cohort *did*.",
        sections=["learnings"],
    )
    translate_report(
        actor=convener,
        cohort=output.cohort,
        language="fr",
        texts={"title": "Des rivières partagées", "introduction": "Ce que la cohorte a *fait*."},
    )
    publish_report(actor=convener, cohort=output.cohort)

    french = _in("fr", _url("cohort-report", output)).content.decode()
    portuguese = _in("pt", _url("cohort-report", output)).content.decode()

    assert '<h1 id="report-title">Des rivières partagées</h1>' in french
    assert "<p>Ce que la cohorte a <em>fait</em>.</p>" in french
    # No Portuguese version: the original, marked as English.
    assert '<h1 id="report-title">Rivers, shared</h1>' in portuguese
    assert 'lang="en-gb"><p>What the cohort <em>did</em>.</p>' in portuguese


def test_translate_report_is_audited(output, convener):
    translate_report(
        actor=convener, cohort=output.cohort, language="pt", texts={"title": "Rios partilhados"}
    )

    assert AuditEntry.objects.get(action="report.translated").details == {
        "cohort": output.cohort.slug,
        "language": "pt",
        "changed": ["title"],
    }


def test_translate_report_into_an_unknown_language_is_refused(output, convener):
    with pytest.raises(DomainError) as refused:
        translate_report(actor=convener, cohort=output.cohort, language="it", texts={"title": "?"})

    assert refused.value.field == "language"


def test_translate_report_by_a_participant_is_refused(output):
    with pytest.raises(NotAllowed):
        translate_report(
            actor=make_user(roles=["participant"]),
            cohort=output.cohort,
            language="es",
            texts={"title": "Ríos"},
        )


def test_report_translation_page_saves_and_returns_to_the_edit_page(output, convener, login):
    url = reverse(
        "cohort-report-translation", kwargs={"cohort_slug": output.cohort.slug, "language": "es"}
    )

    response = login(convener).post(url, {"title": "Ríos compartidos", "introduction": ""})

    assert (response.status_code, response["Location"]) == (302, _url("cohort-report-edit", output))
    assert output.cohort.report.translations == {"es": {"title": "Ríos compartidos"}}


def test_freezing_a_carried_over_revision_freezes_every_language(output, convener):
    from datacollab.reports.services.cohort_reports import freeze_carried_over

    _spanish_learning(output)
    publish_report(actor=convener, cohort=output.cohort)
    revision = ReportRevision.objects.get()
    # As the migration leaves a revision from before snapshots: unrendered, nothing stored.
    ReportRevision.objects.filter(pk=revision.pk).update(
        rendered_at=None, html="", markdown="", translations={}
    )

    frozen = freeze_carried_over(revision_id=revision.pk)

    assert sorted(frozen.translations) == ["es", "fr", "pt"]
    assert SPANISH_TITLE in frozen.translations["es"]["html"]


def test_report_pdf_gives_the_cohorts_focus_in_the_readers_language(output, convener):
    cohort = translate_texts(
        actor=convener,
        thing=output.cohort,
        language="es",
        texts={"focus": "colaboraciones de datos en sus inicios"},
    )
    publish_report(actor=convener, cohort=cohort)

    spanish = _pdf_text(_in("es", _url("cohort-report-pdf", output)).content)
    english = _pdf_text(_in("en-gb", _url("cohort-report-pdf", output)).content)

    markdown = ReportRevision.objects.get().translations["es"]["markdown"]
    assert (
        "colaboraciones de datos en sus inicios" in spanish,
        "colaboraciones de datos en sus inicios" in markdown,
        cohort.focus in english,
    ) == (True, True, True)
