"""Issue 14, "Must show": in each of Spanish, French and Portuguese, an applicant, a convener
and a reviewer switch language with the chooser in the page and walk their main pages, and no
English sentence is left on them (a text node or a title/aria-label/placeholder/alt attribute
with two English stop-words, or a short label of English-only words), apart from the
allow-list below and text people wrote in English, which the page marks `lang="en"`.

The data is what people would write: a call written in English with a version in the walk's
language (its texts and questions), an application written in that language by the walking
applicant, and one written in English by another organisation. With
DATACOLLAB_SCREENSHOTS=DIR set, every walked page is saved at its width.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from datacollab.network.models import (
    Answer,
    Application,
    Call,
    Review,
    ReviewAssignment,
    ReviewScore,
    RubricCriterion,
)
from datacollab.network.services.network_translations import translate_texts
from tests import factories, factories_reports
from tests.e2e.walk import choose_language, english_on, no_sideways_scroll, person, shoot

pytestmark = pytest.mark.e2e

# Words and names that are the same in every language, each with why.
ALLOWED = {
    "datacollab": "the software's name",
    "ODI": "the Open Data Institute's initials",
    "Open Data Institute": "an organisation's name",
    "Nairobi Open Transit": "an organisation's name (the walking applicant's)",
    "Lagos Bus Data": "an organisation's name (the English-writing applicant's)",
    "GBP": "a currency code (ISO 4217)",
    "API": "an acronym used as is in every language",
    "CSV": "a file format's name",
    "JSON": "a file format's name",
    "PDF": "a file format's name",
    "Markdown": "a format's name",
    "360Giving": "a data standard's name",
    "iCalendar": "a format's name",
}

LANGUAGE_NAMES = {"es": "Español", "fr": "Français", "pt": "Português"}

# What people write in each language: the call's version, the walking applicant's answers.
WRITTEN = {
    "es": {
        "network": {
            "name": "Red de aprendizaje entre pares",
            "description": "Reunimos **colaboraciones de datos** para que aprendan unas de otras.",
        },
        "cohort_texts": {
            "focus": "colaboraciones de datos en fase inicial",
            "description": "Seis meses de mesas redondas y talleres.",
        },
        "cohort": "Cohorte 2027",
        "call": {
            "title": "Convocatoria de datos abiertos",
            "summary": "Para organizaciones que cuidan datos abiertos",
            "description": "Financiamos **colaboraciones de datos**.",
        },
        "questions": ["¿Qué datos cuida su organización?", "¿Cuántas personas los mantienen?"],
        "criteria": ["Impacto", "Viabilidad"],
        "title": "Rutas abiertas de matatus",
        "summary": "Las rutas y paradas de los matatus de Nairobi, como datos abiertos.",
        "answer": "Rutas, paradas y horarios.",
        "review": "Un plan claro, pensado en los usuarios.",
    },
    "fr": {
        "network": {
            "name": "Réseau d'apprentissage entre pairs",
            "description": (
                "Nous réunissons des **collaborations de données** pour qu'elles apprennent "
                "les unes des autres."
            ),
        },
        "cohort_texts": {
            "focus": "collaborations de données à leurs débuts",
            "description": "Six mois de tables rondes et d'ateliers.",
        },
        "cohort": "Cohorte 2027",
        "call": {
            "title": "Appel pour les données ouvertes",
            "summary": "Pour les organisations qui gèrent des données ouvertes",
            "description": "Nous finançons des **collaborations de données**.",
        },
        "questions": [
            "Quelles données votre organisation gère-t-elle ?",
            "Combien de personnes les maintiennent ?",
        ],
        "criteria": ["Impact", "Faisabilité"],
        "title": "Itinéraires ouverts des matatus",
        "summary": "Les itinéraires et arrêts des matatus de Nairobi, en données ouvertes.",
        "answer": "Itinéraires, arrêts et horaires.",
        "review": "Un plan clair, pensé pour les usagers.",
    },
    "pt": {
        "network": {
            "name": "Rede de aprendizagem entre pares",
            "description": (
                "Reunimos **colaborações de dados** para que aprendam umas com as outras."
            ),
        },
        "cohort_texts": {
            "focus": "colaborações de dados em fase inicial",
            "description": "Seis meses de mesas-redondas e oficinas.",
        },
        "cohort": "Coorte 2027",
        "call": {
            "title": "Chamada para dados abertos",
            "summary": "Para organizações que cuidam de dados abertos",
            "description": "Financiamos **colaborações de dados**.",
        },
        "questions": ["Que dados a sua organização cuida?", "Quantas pessoas os mantêm?"],
        "criteria": ["Impacto", "Viabilidade"],
        "title": "Rotas abertas dos matatus",
        "summary": "As rotas e paragens dos matatus de Nairobi, como dados abertos.",
        "answer": "Rotas, paragens e horários.",
        "review": "Um plano claro, pensado nos passageiros.",
    },
}


def _network(language: str) -> dict[str, Any]:
    """A cohort and its open call (written in English, with a version in `language`), a
    convener, the walking applicant (no application yet), and an application written in
    English by another organisation, reviewed."""
    written = WRITTEN[language]
    convener = factories.make_user(
        email="cora@example.org", display_name="Cora Convener", roles=["convener"]
    )
    applicant = factories.make_user(
        email="amina@example.org", display_name="Amina Applicant", roles=["participant"]
    )
    reviewer = factories.make_user(
        email="rita@example.org", display_name="Rita Reviewer", roles=["reviewer"]
    )
    # The network's and the cohort's texts are written in English, with a version in
    # `language` (network/services/network_translations.py); a cohort's name is written once,
    # by the convener of a network working in `language`.
    network = factories.make_network()
    network.description = "We bring **data collaborations** together to learn from each other."
    network.save()
    translate_texts(actor=convener, thing=network, language=language, texts=written["network"])
    cohort = factories.make_cohort(
        name=written["cohort"],
        focus="early-stage data collaborations",
        description="Six months of roundtables and workshops.",
    )
    cohort = translate_texts(
        actor=convener, thing=cohort, language=language, texts=written["cohort_texts"]
    )
    call = factories.make_call(
        cohort=cohort,
        title="Data for the people who steward it",
        summary="For organisations that steward open data in the Global South",
        translations={language: written["call"]},
        reviews_per_application=1,  # the English application's one review makes it a candidate
    )
    for question, label in zip(
        call.questions.order_by("position"), written["questions"], strict=True
    ):
        question.translations = {language: {"label": label}}
        question.save()
    for criterion, name in zip(
        RubricCriterion.objects.filter(call=call).order_by("position"),
        written["criteria"],
        strict=True,
    ):
        criterion.name = name  # a criterion's name is written once, in the call's language
        criterion.save()
    factories.make_org(name="Nairobi Open Transit", country="KE", admins=[applicant])
    other = factories.make_user(email="lagos@example.org", display_name="Lola Lagos")
    english = factories.make_application(
        call=call,
        user=other,
        organisation=factories.make_org(name="Lagos Bus Data", country="NG", admins=[other]),
        title="Bus stops of Lagos for everyone",
        summary="We open the data of the city's bus stops to the people who ride them.",
        language="en",
    )
    for question, value in zip(
        call.questions.order_by("position"), ("Bus stops and routes.", 6), strict=True
    ):
        Answer.objects.create(application=english, question=question, value=value)
    assignment = ReviewAssignment.objects.create(application=english, reviewer=reviewer)
    review = Review.objects.create(
        assignment=assignment,
        comment=written["review"],  # the reviewer works in the network's language
        submitted_at=timezone.now(),
        weighted_score=Decimal("4.000"),  # what the review service stores (the mean of 4s)
    )
    for criterion in RubricCriterion.objects.filter(call=call):
        ReviewScore.objects.create(review=review, criterion=criterion, score=4)
    factories_reports.make_session(cohort, title="Roundtable on open transit data")
    return {"call": call, "cohort": cohort, "convener": convener, "applicant": applicant}


def _check(page: Any, language: str, viewport: str, name: str, found: dict[str, list[str]]):
    page.wait_for_load_state("load")
    shoot(page, f"walk-{language}-{name}", viewport)
    for text in english_on(page, language, ALLOWED):
        found.setdefault(text, []).append(page.url)


def _walk(
    page: Any, base: str, language: str, viewport: str, paths: list[tuple[str, str]], found: dict
) -> None:
    for name, path in paths:
        response = page.goto(f"{base}{path}")
        assert (path, response.status) == (path, 200)
        _check(page, language, viewport, name, found)


def _apply(page: Any, base: str, language: str, viewport: str, call: Call, found: dict) -> None:
    """Start, fill and submit an application in the walk's language, checking each page."""
    written = WRITTEN[language]
    page.goto(f"{base}/calls/{call.slug}/apply/")
    _check(page, language, viewport, "apply", found)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/edit/")
    _check(page, language, viewport, "application-form", found)
    # A refused value shows the form's errors (Django's own messages among them).
    page.fill("#id_requested_amount", "-5")
    page.locator("main form button[type=submit]").last.click()
    page.locator("main .errorlist").first.wait_for()
    _check(page, language, viewport, "application-form-errors", found)
    page.fill("#id_title", written["title"])
    page.fill("#id_summary", written["summary"])
    page.fill("#id_requested_amount", "18000")
    page.select_option("#id_language", language)
    first, second = call.questions.order_by("position")
    page.fill(f"[name=q_{first.pk}]", written["answer"])
    page.fill(f"[name=q_{second.pk}]", "4")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/applications/*/")
    _check(page, language, viewport, "application-draft", found)
    page.locator("main form[action$='/submit/'] button").click()
    page.wait_for_load_state("load")
    application = Application.objects.get(created_by__email="amina@example.org")
    assert application.status == Application.Status.SUBMITTED
    _check(page, language, viewport, "application-submitted", found)


APPLICANT_PAGES: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
    ("home", lambda d: "/"),
    ("call", lambda d: f"/calls/{d['call'].slug}/"),
    ("my-applications", lambda d: "/applications/"),
    ("profile", lambda d: "/accounts/profile/"),
    ("notifications", lambda d: "/messages/settings/"),
    ("discussion", lambda d: "/discussion/"),
    ("grants", lambda d: "/grants/"),
    ("sessions", lambda d: "/sessions/"),
]


def _convener_pages(d: dict[str, Any], language: str) -> list[tuple[str, str]]:
    call, cohort = d["call"].slug, d["cohort"].slug
    english = Application.objects.get(created_by__email="lagos@example.org").pk
    return [
        ("convener-home", "/convener/"),
        ("setup", "/convener/setup/"),
        ("setup-call", f"/convener/setup/calls/{call}/"),
        ("setup-call-edit", f"/convener/setup/calls/{call}/edit/"),
        ("setup-questions", f"/convener/setup/calls/{call}/questions/"),
        ("setup-eligibility", f"/convener/setup/calls/{call}/eligibility/"),
        ("setup-rubric", f"/convener/setup/calls/{call}/rubric/"),
        ("texts-translations", "/convener/setup/translations/"),
        ("cohort-translation", f"/convener/setup/translations/cohorts/{cohort}/{language}/"),
        ("applications", f"/convener/calls/{call}/applications/"),
        ("application", f"/applications/{english}/"),
        ("application-reviews", f"/convener/calls/{call}/applications/{english}/reviews/"),
        ("assignments", f"/convener/calls/{call}/assignments/"),
        ("scores", f"/convener/calls/{call}/scores/"),
        ("selection", f"/convener/calls/{call}/selection/"),
        ("close-call", f"/convener/calls/{call}/close/"),
        ("messages", "/messages/"),
        ("new-message", "/messages/new/"),
        ("mails", f"/convener/calls/{call}/mails/"),
        ("cohort", f"/cohorts/{cohort}/"),
        ("sessions", "/sessions/"),
        ("grants", f"/convener/cohorts/{cohort}/grants/"),
        ("grants-overview", f"/convener/cohorts/{cohort}/grants/overview/"),
        ("grant-agreement", f"/convener/cohorts/{cohort}/grants/agreement/"),
        ("cohort-dashboard", f"/cohorts/{cohort}/dashboard/"),
        ("cohort-report", f"/cohorts/{cohort}/report/"),
    ]


@pytest.mark.parametrize("language", ["es", "fr", "pt"])
def test_walk_in_language_finds_no_english(live_server, browser, language):
    base = live_server.url
    data = _network(language)
    found: dict[str, list[str]] = {}

    applicant = person(browser, "desktop", base, "amina@example.org")
    choose_language(applicant, LANGUAGE_NAMES[language])
    _walk(applicant, base, language, "desktop", [(n, p(data)) for n, p in APPLICANT_PAGES], found)
    _apply(applicant, base, language, "desktop", data["call"], found)
    applicant.context.close()

    convener = person(browser, "desktop", base, "cora@example.org")
    choose_language(convener, LANGUAGE_NAMES[language])
    _walk(convener, base, language, "desktop", _convener_pages(data, language), found)
    convener.context.close()

    # The reviewer's pages hold the same texts (the call's, the English application's).
    reviewer = person(browser, "desktop", base, "rita@example.org")
    choose_language(reviewer, LANGUAGE_NAMES[language])
    assignment = ReviewAssignment.objects.get(reviewer__email="rita@example.org").pk
    reviewer_pages = [
        ("my-reviews", "/reviews/"),
        ("review", f"/reviews/{assignment}/"),
        ("conflicts", "/reviews/conflicts/"),
    ]
    _walk(reviewer, base, language, "desktop", reviewer_pages, found)
    reviewer.context.close()

    phone = person(browser, "phone", base, "amina@example.org")  # the saved language holds
    for name, path in (("home", "/"), ("call", f"/calls/{data['call'].slug}/")):
        _walk(phone, base, language, "phone", [(name, path)], found)
        no_sideways_scroll(phone, "phone")  # longer words must wrap, not overflow
    phone.context.close()

    report = "\n".join(
        f"{text!r}  on {', '.join(sorted(set(urls)))}" for text, urls in found.items()
    )
    assert found == {}, report
