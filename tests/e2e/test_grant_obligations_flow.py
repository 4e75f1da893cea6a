"""Grantee obligations in a real browser, on a desktop and a phone: the grantee's admin signs
the grant agreement, a member submits a report with a file, the convener approves it, and the
instalment tied to it becomes payable."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from datacollab.network.models import CohortMembership, GrantAgreement, ProgressReport
from datacollab.network.services.grant_reports import set_report, tie_instalment
from datacollab.network.services.grants import award_grant
from tests import factories
from tests.e2e.walk import menu, no_sideways_scroll, person, shoot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_grantee_signs_submits_and_convener_approval_makes_instalment_payable(
    live_server, browser, viewport, tmp_path
):
    base = live_server.url
    convener = factories.make_user(email="convener@example.org", roles=["convener"])
    admin = factories.make_user(email="ada@example.org", display_name="Ada Admin")
    cohort = factories.make_cohort(slug="stewards", name="Open data stewards")
    org = factories.make_org(name="Data Cargo", admins=[admin])
    CohortMembership.objects.create(cohort=cohort, organisation=org)
    award = award_grant(
        actor=convener,
        cohort=cohort,
        organisation=org,
        amount=Decimal("10000.00"),
        title="Cargo bike data commons",
        awarded_on=date(2027, 1, 5),
    )
    report = set_report(
        actor=convener, award=award, title="Interim report", due_on=date(2027, 3, 31)
    )
    second = award.instalments.get(position=2)
    tie_instalment(actor=convener, instalment=second, report=report)

    # The grantee's administrator finds the grant in the menu and signs the agreement.
    page = person(browser, viewport, base, admin.email)
    menu(page, "My grants")
    page.get_by_role("link", name="Cargo bike data commons").click()
    page.get_by_role("heading", name="Grant agreement", level=2).wait_for()
    no_sideways_scroll(page, viewport)
    shoot(page, "grants-agreement", viewport)
    page.get_by_label("I am entitled to sign").check()
    page.get_by_role("button", name="Sign the agreement").click()
    page.get_by_text("You signed the grant agreement for Data Cargo.").wait_for()
    assert GrantAgreement.objects.get(award=award).signed_by == admin

    # ... and submits the report with a file.
    page.get_by_role("link", name="Interim report").click()
    page.get_by_label("Report").fill("We opened **three** datasets.")
    upload = tmp_path / "interim.pdf"
    upload.write_bytes(b"%PDF-1.4\n% interim report\n")
    page.get_by_label("Files").set_input_files(str(upload))
    page.get_by_role("button", name="Submit").click()
    page.get_by_text("Your report was sent to the convener.").wait_for()
    no_sideways_scroll(page, viewport)
    shoot(page, "grants-report-submitted", viewport)

    # The convener sees it waiting in the overview, approves it; the instalment is payable.
    desk = person(browser, viewport, base, convener.email)
    desk.goto(f"{base}/convener/cohorts/{cohort.slug}/grants/overview/")
    no_sideways_scroll(desk, viewport)
    shoot(desk, "grants-overview-before", viewport)
    desk.get_by_role("link", name="Interim report").click()
    desk.get_by_role("link", name="interim.pdf").wait_for()
    desk.get_by_role("button", name="Approve").click()
    desk.get_by_text("Report approved.").wait_for()
    assert ProgressReport.objects.get(pk=report.pk).state == "approved"

    desk.goto(f"{base}/convener/cohorts/{cohort.slug}/grants/")
    row = desk.locator(f"#instalment-{second.pk}")
    row.get_by_role("button", name="Mark paid").wait_for()
    no_sideways_scroll(desk, viewport)
    shoot(desk, "grants-grants-payable", viewport)
    desk.goto(f"{base}/convener/cohorts/{cohort.slug}/grants/overview/")
    assert desk.locator(f"#instalment-{second.pk} .badge").inner_text() == "Payable"
    shoot(desk, "grants-overview-after", viewport)
