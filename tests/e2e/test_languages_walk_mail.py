"""Issue 14, "Must show": a decision mail in Spanish. The convener works in English and sends
the decisions in the browser; the applicant who chose Español with the chooser (which saves
it on their profile) receives the decision in Spanish, subject and body, with no English
sentence left by the language walk's check; the applicant working in English gets English.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from datacollab.network.models import (
    Application,
    Call,
    Review,
    ReviewAssignment,
    ReviewScore,
    RubricCriterion,
)
from datacollab.organisations.models import User
from tests import factories
from tests.e2e.test_languages_walk import ALLOWED
from tests.e2e.walk import choose_language, english_left, person

pytestmark = pytest.mark.e2e


def _english_lines(text: str, language: str) -> list[str]:
    return [line for line in text.splitlines() if english_left(line, language, ALLOWED)]


def _reviewed(call: Call, user: User, org_name: str, country: str, **written: str) -> None:
    application = factories.make_application(
        call=call,
        user=user,
        organisation=factories.make_org(name=org_name, country=country, admins=[user]),
        amount="15000.00",
        **written,
    )
    reviewer = factories.make_user(roles=["reviewer"])
    assignment = ReviewAssignment.objects.create(application=application, reviewer=reviewer)
    review = Review.objects.create(assignment=assignment, submitted_at=application.submitted_at)
    for criterion in RubricCriterion.objects.filter(call=call):
        ReviewScore.objects.create(review=review, criterion=criterion, score=4)


def _mail_to(address: str) -> Any:
    sent = [m for m in mail.outbox if m.to == [address]]
    assert len(sent) == 1, [(m.to, m.subject) for m in mail.outbox]
    return sent[0]


def test_decision_mail_reaches_the_spanish_applicant_in_spanish(live_server, browser):
    base = live_server.url
    factories.make_user(email="cora@example.org", display_name="Cora Convener", roles=["convener"])
    amina = factories.make_user(email="amina@example.org", display_name="Amina Applicant")
    lola = factories.make_user(email="lola@example.org", display_name="Lola Lagos")
    call = factories.make_call(
        cohort=factories.make_cohort(name="PLN 2027"),
        open=False,  # its deadline has passed: the convener may select
        title="Data for the people who steward it",
        translations={"es": {"title": "Datos para quienes los cuidan"}},
        reviews_per_application=1,
    )
    _reviewed(
        call,
        amina,
        "Nairobi Open Transit",
        "KE",
        title="Rutas abiertas de matatus",
        summary="Las rutas de los matatus, como datos abiertos.",
        language="es",
    )
    _reviewed(call, lola, "Lagos Bus Data", "NG", title="Bus stops of Lagos", language="en")

    # Amina chooses Español with the chooser; it is saved on her profile.
    applicant = person(browser, "desktop", base, "amina@example.org")
    choose_language(applicant, "Español")
    applicant.context.close()
    amina.refresh_from_db()
    assert amina.language == "es"

    # The convener, in English, selects, confirms and sends the decisions.
    page = person(browser, "desktop", base, "cora@example.org")
    page.goto(f"{base}/convener/calls/{call.slug}/selection/")
    page.get_by_role("button", name="Run the optimiser").click()
    page.get_by_text("The optimiser proposed a cohort").wait_for()
    page.get_by_role("link", name="Confirm this selection…").click()
    page.get_by_role("button", name="Confirm this selection").click()
    page.get_by_text("Selection confirmed. Review the decision mails, then send them.").wait_for()
    page.goto(f"{base}/convener/calls/{call.slug}/mails/")
    page.get_by_role("link", name="Send all drafts…").click()
    page.get_by_role("button", name="Send 2 mails").click()
    page.get_by_text("2 mails are being sent.").wait_for()
    page.context.close()

    # The optimiser decides who is selected; each outcome has its own subject.
    outcome = {
        app.created_by.email: app.decision
        for app in Application.objects.filter(call=call).select_related("created_by")
    }
    subjects = {
        ("es", "selected"): "Datos para quienes los cuidan: su solicitud ha sido seleccionada",
        ("es", "not_selected"): "Datos para quienes los cuidan: el resultado de su solicitud",
        (
            "en",
            "selected",
        ): "Data for the people who steward it: your application has been selected",
        (
            "en",
            "not_selected",
        ): "Data for the people who steward it: the outcome of your application",
    }
    spanish = _mail_to("amina@example.org")
    assert spanish.subject == subjects[("es", outcome["amina@example.org"])]
    assert spanish.body.startswith("Estimado equipo de Nairobi Open Transit:")
    assert "“Rutas abiertas de matatus”" in spanish.body
    assert (_english_lines(spanish.subject, "es"), _english_lines(spanish.body, "es")) == ([], [])
    english = _mail_to("lola@example.org")
    assert english.subject == subjects[("en", outcome["lola@example.org"])]
    assert english.body.startswith("Dear Lagos Bus Data team,")
