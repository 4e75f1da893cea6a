"""Issue 14: "Answered in …" is shown only when the answer is in another language than the
reader's: a reviewer cares when they must read a language not their own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_application, make_call
from tests.network.factories_applications import page_text
from tests.network.factories_reviews import assign, make_reviewer

pytestmark = pytest.mark.django_db

FOUR = [("en-gb", "English"), ("es", "Spanish"), ("fr", "French"), ("pt", "Portuguese")]
BADGE = 'class="badge language"'


@pytest.fixture(autouse=True)
def _four_languages(settings):
    settings.LANGUAGES = FOUR


def test_my_reviews_has_no_badge_for_an_answer_in_the_readers_language(login):
    person = make_reviewer()
    assign(make_application(call=make_call(), language="en-gb", title="Air sensors"), person)

    response = login(person).get(reverse("my-reviews"), HTTP_ACCEPT_LANGUAGE="en-gb")

    assert response.content.decode().count(BADGE) == 0


def test_my_reviews_badges_an_answer_in_another_language_than_the_readers(login):
    person = make_reviewer()
    assign(make_application(call=make_call(), language="en-gb", title="Air sensors"), person)
    assign(make_application(call=make_call(), language="es", title="Sensores"), person)
    client = login(person)
    client.cookies["datacollab_language"] = "es"

    response = client.get(reverse("my-reviews"))

    assert response.content.decode().count(BADGE) == 1


def test_convener_table_badges_only_the_other_language(convener, login):
    call = make_call()
    make_application(call=call, language="en-gb", title="Air sensors")
    make_application(call=call, language="pt", title="Dados abertos")

    response = login(convener).get(reverse("call-applications", args=[call.slug]))

    assert response.content.decode().count(BADGE) == 1


def test_application_page_names_the_readers_own_language_plainly(convener, login):
    application = make_application(call=make_call(), language="en-gb", title="Air sensors")

    response = login(convener).get(reverse("application-detail", args=[application.pk]))

    assert ("Language English" in page_text(response), response.content.decode().count(BADGE)) == (
        True,
        0,
    )
