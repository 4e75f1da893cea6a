"""Issue 14: a call's texts, questions and rules in several languages, shown in the reader's
language with a fallback, and the language an applicant answers in, shown to reviewers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.network.models import Answer, Application, Question
from datacollab.network.services.applications import save_draft, start_application
from datacollab.network.services.call_translations import translate_call
from tests.factories import add_criterion, make_application, make_call, make_org, make_user
from tests.network.factories_applications import page_errors, page_text
from tests.network.factories_reviews import assign, make_reviewer

pytestmark = pytest.mark.django_db

FOUR = [("en-gb", "English"), ("es", "Spanish"), ("fr", "French"), ("pt", "Portuguese")]


@pytest.fixture(autouse=True)
def _four_languages(settings):
    settings.LANGUAGES = FOUR


def _translated_call():
    call = make_call(title="Data for cities", summary="Grants for city data")
    add_criterion(call, "global_south", [], "Your organisation works in the Global South")
    return call


def _spanish(call, convener, **texts):
    question = call.questions.order_by("position").first()
    criterion = call.criteria.get()
    return translate_call(
        actor=convener,
        call=call,
        language="es",
        texts=texts or {"title": "Datos para ciudades", "summary": "Becas para datos urbanos"},
        questions={question.pk: {"label": "¿Qué reto aborda su colaboración?"}},
        criteria={criterion.pk: {"description": "Su organización trabaja en el Sur Global"}},
    )


# --- the service ----------------------------------------------------------------------------


def test_translate_call_stores_each_text_and_audits_what_changed(convener):
    call = _translated_call()

    _spanish(call, convener)

    call.refresh_from_db()
    question = call.questions.order_by("position").first()
    assert call.translations == {
        "es": {"title": "Datos para ciudades", "summary": "Becas para datos urbanos"}
    }
    assert question.translations == {"es": {"label": "¿Qué reto aborda su colaboración?"}}
    entry = AuditEntry.objects.get(action="call.translated")
    assert entry.details == {
        "language": "es",
        "changed": {
            "call": ["summary", "title"],
            f"question:{question.pk}": ["label"],
            f"criterion:{call.criteria.get().pk}": ["description"],
        },
    }


def test_translate_call_into_a_language_the_site_does_not_offer_is_refused(convener):
    call = _translated_call()

    with pytest.raises(DomainError) as refused:
        translate_call(actor=convener, call=call, language="de", texts={"title": "Daten"})

    assert refused.value.message == (
        "“de” is not one of this network's languages: choose among English (en-gb), "
        "Spanish (es), French (fr), Portuguese (pt)."
    )
    call.refresh_from_db()
    assert (call.translations, AuditEntry.objects.filter(action="call.translated").count()) == (
        {},
        0,
    )


def test_translate_call_into_its_own_language_is_refused(convener):
    call = _translated_call()

    with pytest.raises(DomainError) as refused:
        translate_call(actor=convener, call=call, language="en-gb", texts={"title": "Other"})

    assert refused.value.message == (
        "This is written in British English already: change the original text itself rather "
        "than adding a translation into the same language."
    )


def test_translate_call_by_a_non_convener_is_refused(applicant):
    call = _translated_call()

    with pytest.raises(NotAllowed):
        translate_call(actor=applicant, call=call, language="es", texts={"title": "Datos"})


def test_translate_call_longer_than_the_field_is_refused(convener):
    call = _translated_call()

    with pytest.raises(DomainError) as refused:
        translate_call(actor=convener, call=call, language="es", texts={"title": "x" * 201})

    assert (refused.value.field, refused.value.message) == (
        "title",
        "Keep the Spanish text to 200 characters or fewer (it has 201).",
    )


def test_translate_call_with_a_question_of_another_call_is_refused(convener):
    call, other = _translated_call(), make_call()
    stranger = other.questions.first()

    with pytest.raises(DomainError) as refused:
        translate_call(
            actor=convener,
            call=call,
            language="es",
            texts={},
            questions={stranger.pk: {"label": "¿Otra?"}},
        )

    assert refused.value.message == f"Question {stranger.pk} does not belong to this call."


def test_translate_call_with_two_rules_of_another_call_is_refused_in_the_plural(convener):
    call, other = _translated_call(), make_call()
    strangers = [add_criterion(other, "global_south", [], f"Rule {n}") for n in (1, 2)]

    with pytest.raises(DomainError) as refused:
        translate_call(
            actor=convener,
            call=call,
            language="es",
            texts={},
            criteria={rule.pk: {"description": "Otra"} for rule in strangers},
        )

    ids = f"{strangers[0].pk}, {strangers[1].pk}"
    assert refused.value.message == f"Eligibility rules {ids} do not belong to this call."


def test_translate_call_with_empty_texts_removes_the_language(convener):
    call = _translated_call()
    _spanish(call, convener)

    translate_call(actor=convener, call=call, language="es", texts={"title": "", "summary": ""})

    call.refresh_from_db()
    assert call.translations == {}


# --- the set-up pages -----------------------------------------------------------------------


def test_translations_page_lists_the_other_languages_with_their_progress(convener, login):
    call = _translated_call()
    _spanish(call, convener)

    response = login(convener).get(reverse("setup-call-translations", args=[call.slug]))

    assert response.status_code == 200
    # title, summary, description, 2 question labels, 1 criterion: 6 texts.
    assert "Spanish 4 of 6 Edit the Spanish version" in page_text(response)
    assert "French 0 of 6 Edit the French version" in page_text(response)


def test_translation_form_saves_the_language_version(convener, login):
    call = _translated_call()
    question = call.questions.order_by("position").first()
    url = reverse("setup-call-translation", args=[call.slug, "fr"])

    response = login(convener).post(
        url, {"call_title": "Données pour les villes", f"q_{question.pk}_label": "Quel défi ?"}
    )

    assert response.status_code == 302
    call.refresh_from_db()
    question.refresh_from_db()
    assert (call.translations, question.translations) == (
        {"fr": {"title": "Données pour les villes"}},
        {"fr": {"label": "Quel défi ?"}},
    )


def test_translation_form_shows_the_service_refusal(convener, login):
    call = _translated_call()
    url = reverse("setup-call-translation", args=[call.slug, "fr"])

    response = login(convener).post(url, {"call_title": "x" * 201})

    assert response.status_code == 400
    assert page_errors(response) == ["Ensure this value has at most 200 characters (it has 201)."]


def test_translation_form_for_an_unknown_language_is_404(convener, login):
    call = _translated_call()

    response = login(convener).get(reverse("setup-call-translation", args=[call.slug, "de"]))

    assert response.status_code == 404


def test_call_form_records_the_language_the_call_is_written_in(convener, login):
    call = make_call(status="draft")
    client = login(convener)
    form = client.get(reverse("setup-call-edit", args=[call.slug])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        opens_at=form["opens_at"].value().strftime("%Y-%m-%dT%H:%M"),
        deadline=form["deadline"].value().strftime("%Y-%m-%dT%H:%M"),
        language="pt",
    )
    data.pop("review_deadline", None)
    data.pop("eoi_deadline", None)
    data["blind_review"] = ""

    response = client.post(reverse("setup-call-edit", args=[call.slug]), data)

    assert response.status_code == 302
    call.refresh_from_db()
    assert call.language == "pt"


# --- what applicants read -------------------------------------------------------------------


def test_call_page_in_spanish_shows_the_spanish_texts(convener, client):
    call = _translated_call()
    _spanish(call, convener)

    response = client.get(reverse("call-detail", args=[call.slug]), HTTP_ACCEPT_LANGUAGE="es")

    text = page_text(response)
    assert "Datos para ciudades" in text
    assert "¿Qué reto aborda su colaboración?" in text
    assert "Su organización trabaja en el Sur Global" in text
    # The second question and the description have no Spanish version: English, said so.
    assert "How many organisations take part?" in text
    assert '<div lang="en-gb"><p>We fund <strong>data collaborations</strong>.</p>' in (
        response.content.decode()
    )
    # The note's wording is the catalogue's; that it is there is this page's job.
    assert '<p class="muted fallback-note">' in response.content.decode()


def test_call_page_in_english_shows_the_original_and_no_note(convener, client):
    call = _translated_call()
    _spanish(call, convener)

    response = client.get(reverse("call-detail", args=[call.slug]), HTTP_ACCEPT_LANGUAGE="en-gb")

    assert "Data for cities" in page_text(response)
    assert (response.context["fallback_note"], "fallback-note" in response.content.decode()) == (
        "",
        False,
    )


def test_home_page_lists_open_calls_in_the_readers_language(convener, client):
    call = _translated_call()
    _spanish(call, convener)

    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es")

    assert "Datos para ciudades" in page_text(response)
    assert "Becas para datos urbanos" in page_text(response)


def test_home_page_query_count_is_unchanged_by_translations(convener, client):
    for _ in range(2):
        _spanish(_translated_call(), convener)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es")
    for _ in range(4):
        _spanish(_translated_call(), convener)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es")

    assert len(few) == len(many)


def test_call_page_query_count_does_not_grow_with_translated_questions(convener, client):
    call = _translated_call()
    _spanish(call, convener)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("call-detail", args=[call.slug]), HTTP_ACCEPT_LANGUAGE="es")
    for n in range(5):
        question = Question.objects.create(
            call=call, position=10 + n, kind="short_text", label=f"Extra {n}"
        )
        translate_call(
            actor=convener,
            call=call,
            language="es",
            texts={},
            questions={question.pk: {"label": f"Otra {n}"}},
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("call-detail", args=[call.slug]), HTTP_ACCEPT_LANGUAGE="es")

    assert len(few) == len(many)


def test_apply_form_labels_follow_the_readers_language(convener, login):
    call = _translated_call()
    _spanish(call, convener)
    person = make_user(roles=["participant"])
    application = make_application(call=call, user=person, submitted=False)

    response = login(person).get(
        reverse("application-edit", args=[application.pk]), HTTP_ACCEPT_LANGUAGE="es"
    )

    assert response.status_code == 200
    labels = [field.label for field, _stored in response.context["form"].question_fields()]
    assert labels == ["¿Qué reto aborda su colaboración? *", "How many organisations take part? *"]


# --- the language an applicant answers in ---------------------------------------------------


def test_start_application_records_the_readers_language(applicant):
    from django.utils import translation

    call = make_call()
    organisation = make_org(members=[applicant])

    with translation.override("fr"):
        application = start_application(actor=applicant, call=call, organisation=organisation)

    assert application.language == "fr"


def test_save_draft_records_the_chosen_language(applicant):
    call = make_call()
    application = make_application(call=call, user=applicant, submitted=False)

    save_draft(
        actor=applicant,
        application=application,
        title="Datos abiertos",
        summary="",
        requested_amount=application.requested_amount,
        answers={},
        language="es",
    )

    application.refresh_from_db()
    assert application.language == "es"


def test_save_draft_in_a_language_of_no_network_is_refused(applicant):
    call = make_call()
    application = make_application(call=call, user=applicant, submitted=False)

    with pytest.raises(DomainError) as refused:
        save_draft(
            actor=applicant,
            application=application,
            title="Offene Daten",
            summary="",
            requested_amount=application.requested_amount,
            answers={},
            language="de",
        )

    assert refused.value.message == (
        "“de” is not one of this network's languages: choose among English (en-gb), "
        "Spanish (es), French (fr), Portuguese (pt)."
    )
    application.refresh_from_db()
    assert (application.language, application.title) == (
        "en-gb",
        f"Project of {application.organisation.name}",
    )


def test_apply_form_posts_the_chosen_language(login):
    person = make_user(roles=["participant"])
    call = make_call()
    application = make_application(call=call, user=person, submitted=False)

    response = login(person).post(
        reverse("application-edit", args=[application.pk]),
        {"title": "Dados abertos", "requested_amount": "1000", "language": "pt"},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.language == "pt"


def test_apply_form_with_a_language_of_no_network_is_400(login):
    person = make_user(roles=["participant"])
    application = make_application(call=make_call(), user=person, submitted=False)

    response = login(person).post(
        reverse("application-edit", args=[application.pk]),
        {"title": "Offene Daten", "requested_amount": "1000", "language": "de"},
    )

    assert response.status_code == 400
    assert page_errors(response) == [
        "Select a valid choice. de is not one of the available choices."
    ]


def test_reviewer_sees_the_language_the_application_is_answered_in(login):
    call = make_call()
    application = make_application(call=call, language="es", title="Sensores de aire")
    Answer.objects.create(
        application=application, question=call.questions.first(), value="Asma en escuelas"
    )
    person = make_reviewer()
    assignment = assign(application, person)

    response = login(person).get(reverse("review-edit", args=[assignment.pk]))

    assert response.status_code == 200
    assert "Language Answered in Spanish" in page_text(response)
    assert '<dd lang="es">Asma en escuelas</dd>' in response.content.decode()


def test_convener_sees_the_language_on_the_applications_table_and_page(convener, login):
    call = make_call()
    application = make_application(call=call, language="pt", title="Dados abertos")
    client = login(convener)

    table = client.get(reverse("call-applications", args=[call.slug]))
    page = client.get(reverse("application-detail", args=[application.pk]))

    assert "Dados abertos Answered in Portuguese" in page_text(table)
    assert "Language Answered in Portuguese" in page_text(page)
    assert Application.objects.get().language == "pt"


def test_my_reviews_lists_the_language_of_each_application(login):
    person = make_reviewer()
    assign(make_application(call=make_call(), language="fr", title="Capteurs"), person)

    response = login(person).get(reverse("my-reviews"))

    assert "Capteurs Answered in French" in page_text(response)


def test_update_call_to_a_language_it_is_translated_into_is_refused(convener):
    from datacollab.network.services.setup import update_call

    call = make_call(status="draft")
    translate_call(actor=convener, call=call, language="fr", texts={"title": "Données"})

    with pytest.raises(DomainError) as refused:
        update_call(
            actor=convener,
            call=call,
            title=call.title,
            summary=call.summary,
            description=call.description,
            opens_at=call.opens_at,
            deadline=call.deadline,
            timezone=call.timezone,
            reviews_per_application=call.reviews_per_application,
            language="fr",
        )

    assert refused.value.status == 409
    call.refresh_from_db()
    assert call.language == "en-gb"
