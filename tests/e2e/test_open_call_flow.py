"""The whole open-call flow in a real browser: apply, review, close, select, confirm, award."""

from __future__ import annotations

from decimal import Decimal

import pytest

from datacollab.core import audit
from datacollab.core.models import AuditEntry
from datacollab.network.models import Application, Award, CohortMembership
from tests import factories

pytestmark = pytest.mark.e2e


def _log_in(browser, base: str, email: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    return page


def test_open_call_flow_from_application_to_award(live_server, browser):
    base = live_server.url
    convener = factories.make_user(email="convener@example.org", roles=["convener"])
    factories.make_user(email="reviewer@example.org", roles=["reviewer"], display_name="Rita")
    applicant = factories.make_user(email="amina@example.org", roles=["participant"])
    org = factories.make_org(name="Nairobi Mobility Data Trust", country="KE", admins=[applicant])
    cohort = factories.make_cohort(slug="cohort-e2e", capacity=2, budget=Decimal("40000"))
    call = factories.make_call(cohort=cohort, slug="call-e2e", reviews_per_application=1)

    # The applicant finds the call, drafts and submits.
    page = _log_in(browser, base, applicant.email)
    page.goto(f"{base}/calls/{call.slug}/")
    page.get_by_role("link", name="Apply").click()
    page.get_by_role("button", name="Start a draft").click()
    page.get_by_label("Project title").fill("Shared matatu routes")
    page.get_by_label("Summary").fill("Pooling **route data** from three operators.")
    page.get_by_label("Amount requested").fill("18000")
    page.get_by_label("What challenge does your collaboration address?").fill("Congestion.")
    page.get_by_label("How many organisations take part?").fill("3")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Submit").click()
    page.get_by_text("Submitted", exact=False).first.wait_for()
    application = Application.objects.get(call=call, organisation=org)
    assert (application.status, application.eligible) == ("submitted", True)

    # The convener assigns reviewers with the optimiser.
    convener_page = _log_in(browser, base, convener.email)
    convener_page.goto(f"{base}/convener/calls/{call.slug}/assignments/")
    convener_page.get_by_role("button", name="Run the optimiser").click()
    assert application.assignments.get().reviewer.email == "reviewer@example.org"

    # The reviewer scores it.
    reviewer_page = _log_in(browser, base, "reviewer@example.org")
    reviewer_page.goto(f"{base}/reviews/")
    reviewer_page.get_by_role("link", name="Shared matatu routes").click()
    fieldsets = reviewer_page.locator("main fieldset")
    fieldsets.nth(0).get_by_label("5", exact=True).check()
    fieldsets.nth(1).get_by_label("4", exact=True).check()
    reviewer_page.get_by_role("button", name="Submit review").click()
    reviewer_page.get_by_text("Submitted", exact=False).first.wait_for()
    review = application.assignments.get().review
    assert review.weighted_score == Decimal("4.667")

    # The convener runs the selection; confirming is refused while the call is open.
    convener_page.goto(f"{base}/convener/calls/{call.slug}/selection/")
    convener_page.get_by_role("button", name="Run the optimiser").click()
    convener_page.get_by_text("is open until", exact=False).first.wait_for()
    proposal = call.proposals.get()
    convener_page.goto(f"{base}/convener/calls/{call.slug}/selection/{proposal.pk}/confirm/")
    convener_page.get_by_role("alert").get_by_text("is open until", exact=False).wait_for()
    application.refresh_from_db()
    assert application.decision == "pending"

    # So the convener closes it early, with a reason, then confirms on the confirmation page.
    convener_page.get_by_role("link", name="Close the call").click()
    convener_page.get_by_text("0 applications are still drafts", exact=False).wait_for()
    convener_page.get_by_label("Why close early?").fill("Every review is in.")
    convener_page.get_by_role("button", name="Close the call").click()
    convener_page.get_by_text("The call is closed", exact=False).first.wait_for()
    convener_page.goto(f"{base}/convener/calls/{call.slug}/selection/")
    convener_page.get_by_role("link", name="Confirm this selection…").click()
    convener_page.get_by_text("1 application is selected", exact=False).wait_for()
    convener_page.get_by_role("button", name="Confirm this selection").click()
    convener_page.get_by_text("Selection confirmed.", exact=False).wait_for()
    application.refresh_from_db()
    assert application.decision == "selected"
    assert CohortMembership.objects.filter(cohort=cohort, organisation=org).count() == 1

    convener_page.goto(f"{base}/convener/cohorts/{cohort.slug}/grants/")
    convener_page.get_by_role("link", name="Award a grant or contract").click()
    convener_page.get_by_label("Organisation:").select_option(label=org.name)
    convener_page.get_by_label("Amount:", exact=True).fill("18000")
    convener_page.get_by_label("Title:", exact=True).fill("Shared matatu routes")
    convener_page.get_by_role("button", name="Continue to confirm").click()
    convener_page.get_by_text("is awarded £18,000.00", exact=False).wait_for()
    assert Award.objects.count() == 0
    convener_page.get_by_role("button", name="Award").click()
    convener_page.get_by_text("£18,000.00").first.wait_for()

    award = Award.objects.get(cohort=cohort, organisation=org)
    assert (award.amount, award.kind, award.instalments.count()) == (
        Decimal("18000.00"),
        "grant",
        2,
    )
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("selection.confirmed") == 1
    assert actions.count("grant.awarded") == 1
    assert audit.verify().ok is True
