"""Public pages: home, cohort and call, seen by anyone."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from datacollab.network.models import Award, Call, CohortMembership, Instalment
from tests import factories

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _member(cohort, *, name: str, country: str = "GB"):
    org = factories.make_org(name=name, country=country)
    CohortMembership.objects.create(cohort=cohort, organisation=org)
    return org


def _award(cohort, org, convener, amount: str = "20000.00") -> Award:
    award = Award.objects.create(
        cohort=cohort,
        organisation=org,
        identifier=f"360G-test-{cohort.slug}-{org.slug}",
        title="Grant",
        amount=Decimal(amount),
        currency="GBP",
        awarded_on=cohort.starts_on,
        awarded_by=convener,
    )
    Instalment.objects.create(
        award=award, position=1, due_on=cohort.starts_on, amount=Decimal(amount)
    )
    return award


def test_home_without_network_uses_the_configured_name(client: Client, settings) -> None:
    settings.NETWORK_NAME = "Test Network"

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assertContains(response, "<h1>Test Network</h1>", html=True)
    assertContains(response, "No call is open right now. Come back soon.")
    assertContains(response, "No cohorts yet.")


def test_home_shows_the_network_description_as_markdown(client: Client) -> None:
    network = factories.make_network()
    network.description = "We **learn** from peers.<script>alert(1)</script>"
    network.save()

    response = client.get(reverse("home"))

    assertContains(response, "<strong>learn</strong>", count=1)
    assertNotContains(response, "<script>alert(1)</script>")


def test_home_lists_open_calls_only(client: Client) -> None:
    cohort = factories.make_cohort()
    factories.make_call(cohort=cohort, title="The open one", summary="Apply now")
    factories.make_call(cohort=cohort, title="The past one", open=False)
    factories.make_call(cohort=cohort, title="The draft one", status=Call.Status.DRAFT)

    response = client.get(reverse("home"))

    assert [c.title for c in response.context["open_calls"]] == ["The open one"]
    assertContains(response, "Apply now", count=1)
    assertNotContains(response, "The past one")
    assertNotContains(response, "The draft one")


def test_home_shows_the_deadline_in_the_call_zone_and_the_viewer_zone(login) -> None:
    factories.make_call(
        title="Zoned",
        opens_at=timezone.now() - timedelta(days=1),
        deadline=datetime(2099, 3, 1, 17, 0, tzinfo=LONDON),
        timezone="Europe/London",
    )
    viewer = factories.make_user(timezone="America/New_York")

    response = login(viewer).get(reverse("home"))

    assertContains(response, "1 March 2099, 17:00 GMT (Europe/London)", count=1)
    assertContains(response, "1 March 2099, 12:00 in your time zone (America/New_York)", count=1)


@pytest.mark.parametrize("zone", ["Europe/London", "UTC"])
def test_home_does_not_repeat_the_deadline_when_local_times_agree(login, zone: str) -> None:
    # In March London is on GMT, so UTC shows the same wall-clock time.
    factories.make_call(deadline=datetime(2099, 3, 1, 17, 0, tzinfo=LONDON))
    viewer = factories.make_user(timezone=zone)

    response = login(viewer).get(reverse("home"))

    assertContains(response, "1 March 2099, 17:00 GMT (Europe/London)", count=1)
    assertNotContains(response, "in your time zone")


def test_home_lists_cohort_members_with_links_and_global_south_badges(client: Client) -> None:
    cohort = factories.make_cohort(name="Stewards")
    kenya = _member(cohort, name="Nairobi Data", country="KE")
    _member(cohort, name="London Data", country="GB")

    response = client.get(reverse("home"))

    url = reverse("organisation-detail", args=[kenya.slug])
    assertContains(response, f'<a href="{url}">Nairobi Data</a>', count=1, html=True)
    assertContains(response, '<span class="badge gs">Global South</span>', count=1, html=True)
    assertContains(response, "Kenya", count=1)
    assertContains(response, "United Kingdom", count=1)


def test_home_cohort_without_members_says_so(client: Client) -> None:
    factories.make_cohort(name="Next")

    response = client.get(reverse("home"))

    assertContains(response, "Participants not selected yet.", count=1)


def test_cohort_detail_shows_focus_members_and_award_totals(client: Client, convener) -> None:
    cohort = factories.make_cohort(
        name="First", focus="early-stage data collaborations", description="Six *collaborations*."
    )
    a = _member(cohort, name="Alpha", country="AR")
    b = _member(cohort, name="Beta")
    _member(cohort, name="Gamma")
    _award(cohort, a, convener)
    _award(cohort, b, convener, "15000.00")

    response = client.get(reverse("cohort-detail", args=[cohort.slug]))

    assert response.status_code == 200
    assert response.context["totals"].awards == 2
    assert response.context["totals"].awarded == Decimal("35000.00")
    assert [org.name for org, _award in response.context["members"]] == ["Alpha", "Beta", "Gamma"]
    assertContains(response, "<dd>early-stage data collaborations</dd>", html=True)
    assertContains(response, "<dd>£35,000.00</dd>", html=True)
    assertContains(response, "<em>collaborations</em>", count=1)
    assertContains(response, '<td class="num">£15,000.00</td>', count=1, html=True)


def test_cohort_detail_unknown_slug_is_404(client: Client) -> None:
    response = client.get(reverse("cohort-detail", args=["nope"]))

    assert response.status_code == 404


def test_call_detail_open_call_links_to_apply(client: Client) -> None:
    call = factories.make_call(description="We fund **peers**.")
    factories.add_criterion(call, "amount_at_most", [20000], "At most £20,000")

    response = client.get(reverse("call-detail", args=[call.slug]))

    assert response.status_code == 200
    apply_url = reverse("application-start", kwargs={"call_slug": call.slug})
    assertContains(response, f'<a class="button" href="{apply_url}">Apply</a>', html=True)
    assertContains(response, "<strong>peers</strong>", count=1)
    assertContains(response, "<li>At most £20,000</li>", count=1, html=True)
    assertContains(response, "What challenge does your collaboration address?", count=1)
    assertContains(response, "How many organisations take part?", count=1)


def test_call_detail_closed_call_says_closed_without_apply(client: Client) -> None:
    call = factories.make_call(open=False)

    response = client.get(reverse("call-detail", args=[call.slug]))

    assert response.status_code == 200
    assert response.context["state"] == "closed"
    assertContains(response, "This call is closed.", count=1)
    assertNotContains(response, reverse("application-start", kwargs={"call_slug": call.slug}))


def test_call_detail_before_opening_says_not_open_yet(client: Client) -> None:
    now = timezone.now()
    call = factories.make_call(opens_at=now + timedelta(days=2), deadline=now + timedelta(days=9))

    response = client.get(reverse("call-detail", args=[call.slug]))

    assert response.context["state"] == "upcoming"
    assertContains(response, "Not open yet.", count=1)
    assertNotContains(response, reverse("application-start", kwargs={"call_slug": call.slug}))


def test_call_detail_draft_is_404_for_the_public(client: Client) -> None:
    call = factories.make_call(status=Call.Status.DRAFT)

    response = client.get(reverse("call-detail", args=[call.slug]))

    assert response.status_code == 404


def test_call_detail_draft_is_404_for_an_applicant(login, applicant) -> None:
    call = factories.make_call(status=Call.Status.DRAFT)

    response = login(applicant).get(reverse("call-detail", args=[call.slug]))

    assert response.status_code == 404


def test_call_detail_draft_is_shown_to_a_convener_with_a_warning(login, convener) -> None:
    call = factories.make_call(status=Call.Status.DRAFT, title="Secret plan")

    response = login(convener).get(reverse("call-detail", args=[call.slug]))

    assert response.status_code == 200
    assert response.context["state"] == "draft"
    assertContains(response, "Draft: only conveners can see this call until it is published.")
    assertNotContains(response, reverse("application-start", kwargs={"call_slug": call.slug}))


def test_call_detail_unknown_slug_is_404(client: Client) -> None:
    response = client.get(reverse("call-detail", args=["nope"]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["home", "cohort-detail", "call-detail"])
def test_public_pages_refuse_post(client: Client, name: str) -> None:
    call = factories.make_call()
    args = [] if name == "home" else [call.cohort.slug if name == "cohort-detail" else call.slug]

    response = client.post(reverse(name, args=args))

    assert response.status_code == 405
