from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from datacollab.network.models import Award, Instalment
from datacollab.network.services.grants import mark_instalment_paid
from tests import factories
from tests.network.factories_grants import make_award, make_member

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def _grants_url(cohort) -> str:
    return reverse("cohort-grants", args=[cohort.slug])


def _new_url(cohort) -> str:
    return reverse("award-create", args=[cohort.slug])


def _post_award(client, cohort, org, **fields):
    """The POST of the confirmation page's button (confirm=1), unless told otherwise."""
    data = {
        "organisation": org.slug,
        "amount": "10000.00",
        "kind": "grant",
        "title": "A grant",
        "confirm": "1",
        **fields,
    }
    return client.post(_new_url(cohort), {k: v for k, v in data.items() if v is not None})


def test_cohort_grants_page_shows_budget_committed_paid_remaining(convener, login):
    cohort = factories.make_cohort(budget=Decimal("100000.00"))
    award = make_award(actor=convener, cohort=cohort, amount="20000.00")
    mark_instalment_paid(
        actor=convener, instalment=award.instalments.get(position=1), paid_on=timezone.localdate()
    )
    response = login(convener).get(_grants_url(cohort))
    assert response.status_code == 200
    facts = response.context["grants"]
    assert (facts.budget, facts.committed, facts.paid, facts.remaining) == (
        Decimal("100000.00"),
        Decimal("20000.00"),
        Decimal("10000.00"),
        Decimal("80000.00"),
    )
    text = _text(response)
    for shown in ["£100,000.00", "£20,000.00", "£10,000.00", "£80,000.00", award.identifier]:
        assert shown in text
    assert reverse("cohort-grants-export", args=[cohort.slug, "json"]) in text
    assert reverse("cohort-grants-export", args=[cohort.slug, "csv"]) in text


def test_cohort_grants_page_contract_says_excluding_vat(convener, login):
    cohort = factories.make_cohort()
    make_award(actor=convener, cohort=cohort, kind=Award.Kind.CONTRACT)
    text = _text(login(convener).get(_grants_url(cohort)))
    assert "excluding VAT" in text
    assert 'name="invoice_reference"' in text


def test_cohort_grants_page_non_convener_forbidden(applicant, login):
    cohort = factories.make_cohort()
    response = login(applicant).get(_grants_url(cohort))
    assert response.status_code == 403
    assert "Only a convener can see a cohort&#x27;s grants." in _text(response)


def test_cohort_grants_page_anonymous_redirected_to_login(client):
    cohort = factories.make_cohort()
    response = client.get(_grants_url(cohort))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_cohort_grants_page_unknown_cohort_not_found(convener, login):
    response = login(convener).get(reverse("cohort-grants", args=["nope"]))
    assert response.status_code == 404
    assert "There is no cohort &#x27;nope&#x27;." in _text(response)


def test_cohort_grants_page_links_members_without_award(convener, login):
    cohort = factories.make_cohort()
    waiting = make_member(cohort, name="Waiting Org")
    make_award(actor=convener, cohort=cohort)
    response = login(convener).get(_grants_url(cohort))
    assert [org.name for org in response.context["waiting"]] == ["Waiting Org"]
    assert f"{_new_url(cohort)}?organisation={waiting.slug}" in _text(response)


def _populate(convener, cohort, n: int) -> None:
    for _ in range(n):
        award = make_award(
            actor=convener, cohort=cohort, amount="1000.00", kind=Award.Kind.CONTRACT
        )
        mark_instalment_paid(
            actor=convener,
            instalment=award.instalments.get(position=1),
            paid_on=timezone.localdate(),
            invoice_reference="INV",
        )


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_cohort_grants_page_query_count_constant(convener, login):
    small = factories.make_cohort(budget=Decimal("1000000"))
    large = factories.make_cohort(budget=Decimal("1000000"))
    _populate(convener, small, 3)
    _populate(convener, large, 9)
    for cohort, waiting in ((small, 1), (large, 3)):
        for _ in range(waiting):
            make_member(cohort)
    client = login(convener)
    assert _count_queries(client, _grants_url(small)) == _count_queries(client, _grants_url(large))


def test_award_create_form_lists_members_without_award(convener, login):
    cohort = factories.make_cohort()
    waiting = make_member(cohort, name="Waiting Org")
    awarded = make_member(cohort, name="Awarded Org")
    make_award(actor=convener, cohort=cohort, organisation=awarded)
    factories.make_org(name="Outsider Org")
    response = login(convener).get(_new_url(cohort))
    assert response.status_code == 200
    choices = [
        label for _value, label in response.context["form"]["organisation"].field.widget.choices
    ]
    assert choices == ["---------", "Waiting Org"]
    assert waiting.slug in _text(response)


def test_award_create_prefills_requested_amount(convener, login):
    cohort = factories.make_cohort()
    call = factories.make_call(cohort=cohort)
    org = make_member(cohort)
    factories.make_application(
        call=call, organisation=org, amount="17500.00", title="Open transport data"
    )
    response = login(convener).get(_new_url(cohort) + f"?organisation={org.slug}")
    form = response.context["form"]
    assert (form.initial["organisation"], form.initial["amount"], form.initial["title"]) == (
        org,
        Decimal("17500.00"),
        "Open transport data",
    )


def test_award_create_blank_amount_uses_application(convener, login):
    cohort = factories.make_cohort()
    call = factories.make_call(cohort=cohort)
    org = make_member(cohort)
    application = factories.make_application(
        call=call, organisation=org, amount="12000.00", title="Shared water data"
    )
    response = _post_award(login(convener), cohort, org, amount="", title="")
    assert response.status_code == 302
    assert response["Location"] == _grants_url(cohort)
    award = Award.objects.get(cohort=cohort, organisation=org)
    assert (award.amount, award.title, award.application) == (
        Decimal("12000.00"),
        "Shared water data",
        application,
    )


def test_award_create_with_instalment_rows(convener, login):
    cohort = factories.make_cohort()
    org = make_member(cohort)
    response = _post_award(
        login(convener),
        cohort,
        org,
        amount="9000.00",
        kind="contract",
        instalment_1_due="2027-02-01",
        instalment_1_amount="3000",
        instalment_2_due="2027-04-01",
        instalment_2_amount="3000",
        instalment_3_due="2027-06-01",
        instalment_3_amount="3000",
    )
    assert response.status_code == 302
    parts = list(
        Instalment.objects.filter(award__organisation=org)
        .order_by("position")
        .values_list("due_on", "amount")
    )
    assert parts == [
        (date(2027, 2, 1), Decimal("3000.00")),
        (date(2027, 4, 1), Decimal("3000.00")),
        (date(2027, 6, 1), Decimal("3000.00")),
    ]


def test_award_create_above_cap_refused_with_message(convener, login):
    cohort = factories.make_cohort()
    org = make_member(cohort)
    response = _post_award(login(convener), cohort, org, amount="25000.00")
    assert response.status_code == 400
    assert "£25,000.00 is above the cap of £20,000.00 per award." in _text(response)
    assert Award.objects.count() == 0


def test_award_create_above_remaining_budget_refused_with_message(convener, login):
    cohort = factories.make_cohort(name="Tight", budget=Decimal("25000.00"))
    make_award(actor=convener, cohort=cohort, amount="20000.00")
    org = make_member(cohort)
    response = _post_award(login(convener), cohort, org, amount="6000.00")
    assert response.status_code == 400
    assert "£6,000.00 is above the remaining budget of £5,000.00 for Tight." in _text(response)


def test_award_create_instalments_not_summing_refused(convener, login):
    cohort = factories.make_cohort()
    org = make_member(cohort)
    response = _post_award(
        login(convener),
        cohort,
        org,
        amount="9000.00",
        instalment_1_due="2027-02-01",
        instalment_1_amount="3000",
    )
    assert response.status_code == 400
    assert (
        "The instalments add up to £3,000.00 but the award is £9,000.00: make them sum "
        "exactly to the award."
    ) in _text(response)


def test_award_create_half_instalment_row_refused(convener, login):
    cohort = factories.make_cohort()
    org = make_member(cohort)
    response = _post_award(login(convener), cohort, org, instalment_1_due="2027-02-01")
    assert response.status_code == 400
    assert "Instalment 1 needs both a due date and an amount." in _text(response)


def test_award_create_double_award_refused(convener, login):
    cohort = factories.make_cohort()
    org = make_member(cohort, name="Twice Org")
    make_award(actor=convener, cohort=cohort, organisation=org)
    response = _post_award(login(convener), cohort, org)
    assert response.status_code == 409
    assert "Twice Org already has an award in" in _text(response)
    assert Award.objects.count() == 1


def test_award_create_non_member_refused(convener, login):
    cohort = factories.make_cohort()
    cohort.name = "Cohort Z"
    cohort.save()
    outsider = factories.make_org(name="Outsider Ltd")
    response = _post_award(login(convener), cohort, outsider)
    assert response.status_code == 400
    assert (
        "Outsider Ltd is not a member of Cohort Z: confirm its selection (or add it to "
        "the cohort) before awarding it a grant."
    ) in _text(response)
    assert Award.objects.count() == 0


def test_award_create_no_amount_no_application_refused(convener, login):
    cohort = factories.make_cohort()
    org = make_member(cohort, name="No App Org")
    response = _post_award(login(convener), cohort, org, amount="")
    assert response.status_code == 400
    assert "No App Org has no application with a requested amount: give the amount." in (
        _text(response)
    )


def test_award_create_non_convener_forbidden(reviewer, login):
    cohort = factories.make_cohort()
    org = make_member(cohort)
    client = login(reviewer)
    assert client.get(_new_url(cohort)).status_code == 403
    response = _post_award(client, cohort, org)
    assert response.status_code == 403
    assert Award.objects.count() == 0


def _unpaid(convener, kind=Award.Kind.GRANT):
    cohort = factories.make_cohort()
    award = make_award(actor=convener, cohort=cohort, kind=kind)
    return cohort, award.instalments.get(position=1)


def test_instalment_pay_marks_paid_and_redirects(convener, login):
    cohort, part = _unpaid(convener)
    today = timezone.localdate()
    response = login(convener).post(
        reverse("instalment-pay", args=[cohort.slug, part.pk]), {"paid_on": today.isoformat()}
    )
    assert response.status_code == 302
    part.refresh_from_db()
    assert part.paid_on == today


def test_instalment_pay_contract_without_invoice_refused(convener, login):
    cohort, part = _unpaid(convener, Award.Kind.CONTRACT)
    response = login(convener).post(
        reverse("instalment-pay", args=[cohort.slug, part.pk]),
        {"paid_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert "A contract is paid against an invoice: give the invoice reference." in (_text(response))
    part.refresh_from_db()
    assert part.paid_on is None


def test_instalment_pay_bad_date_refused(convener, login):
    cohort, part = _unpaid(convener)
    response = login(convener).post(
        reverse("instalment-pay", args=[cohort.slug, part.pk]), {"paid_on": "not a date"}
    )
    assert response.status_code == 400
    assert "Enter a valid date." in _text(response)


def test_instalment_pay_twice_conflict(convener, login):
    cohort, part = _unpaid(convener)
    client = login(convener)
    url = reverse("instalment-pay", args=[cohort.slug, part.pk])
    client.post(url, {"paid_on": timezone.localdate().isoformat()})
    response = client.post(url, {"paid_on": timezone.localdate().isoformat()})
    assert response.status_code == 409
    assert "was already marked paid on" in _text(response)


def test_instalment_pay_wrong_cohort_not_found(convener, login):
    _cohort, part = _unpaid(convener)
    other = factories.make_cohort()
    response = login(convener).post(
        reverse("instalment-pay", args=[other.slug, part.pk]),
        {"paid_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 404


def test_instalment_pay_non_convener_forbidden(convener, applicant, login):
    cohort, part = _unpaid(convener)
    response = login(applicant).post(
        reverse("instalment-pay", args=[cohort.slug, part.pk]),
        {"paid_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403
    part.refresh_from_db()
    assert part.paid_on is None


def test_instalment_pay_get_not_allowed(convener, login):
    cohort, part = _unpaid(convener)
    response = login(convener).get(reverse("instalment-pay", args=[cohort.slug, part.pk]))
    assert response.status_code == 405


def test_instalment_unpay_clears_payment(convener, login):
    cohort, part = _unpaid(convener)
    mark_instalment_paid(actor=convener, instalment=part, paid_on=timezone.localdate())
    response = login(convener).post(reverse("instalment-unpay", args=[cohort.slug, part.pk]))
    assert response.status_code == 302
    part.refresh_from_db()
    assert part.paid_on is None


def test_instalment_unpay_unpaid_conflict(convener, login):
    cohort, part = _unpaid(convener)
    response = login(convener).post(reverse("instalment-unpay", args=[cohort.slug, part.pk]))
    assert response.status_code == 409
    assert "is not marked paid." in _text(response)


def test_export_json_download(convener, login):
    cohort = factories.make_cohort(slug="exp")
    award = make_award(actor=convener, cohort=cohort)
    response = login(convener).get(reverse("cohort-grants-export", args=["exp", "json"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="exp-360giving.json"'
    assert [g["id"] for g in json.loads(response.content)["grants"]] == [award.identifier]


def test_export_csv_download(convener, login):
    cohort = factories.make_cohort(slug="exp")
    award = make_award(actor=convener, cohort=cohort)
    response = login(convener).get(reverse("cohort-grants-export", args=["exp", "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Identifier,Title,Description,Currency,")
    assert lines[1].startswith(f"{award.identifier},")


def test_export_unknown_format_not_found(convener, login):
    cohort = factories.make_cohort(slug="exp")
    make_award(actor=convener, cohort=cohort)
    response = login(convener).get(reverse("cohort-grants-export", args=["exp", "xml"]))
    assert response.status_code == 404


def test_export_empty_cohort_refused(convener, login):
    cohort = factories.make_cohort(slug="exp", name="Empty")
    response = login(convener).get(reverse("cohort-grants-export", args=[cohort.slug, "json"]))
    assert response.status_code == 400
    assert "Empty has no awards yet: a 360Giving package needs at least one grant." in (
        _text(response)
    )


def test_export_non_convener_forbidden(convener, applicant, login):
    cohort = factories.make_cohort(slug="exp")
    make_award(actor=convener, cohort=cohort)
    response = login(applicant).get(reverse("cohort-grants-export", args=["exp", "json"]))
    assert response.status_code == 403


def test_award_create_first_post_shows_the_consequences_and_awards_nothing(convener, login):
    cohort = factories.make_cohort(name="Tight", budget=Decimal("25000.00"))
    org = make_member(cohort, name="Water Org")

    response = _post_award(login(convener), cohort, org, amount="9000.00", confirm=None)

    text = " ".join(_text(response).split())
    assert response.status_code == 200
    assert "Water Org is awarded £9,000.00 for “A grant”." in text
    assert "The cohort's remaining budget goes from £25,000.00 to £16,000.00." in text
    assert "2 instalments are scheduled:" in text
    assert 'name="confirm" value="1"' in text
    assert Award.objects.count() == 0


def test_award_create_confirmation_page_posts_back_the_same_award(convener, login):
    cohort = factories.make_cohort()
    org = make_member(cohort)
    client = login(convener)
    page = _post_award(client, cohort, org, amount="9000.00", confirm=None)
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', _text(page)))

    response = client.post(_new_url(cohort), {**hidden, "confirm": "1"})

    assert response.status_code == 302
    assert Award.objects.get().amount == Decimal("9000.00")


def test_award_create_first_post_refuses_at_once_what_the_award_would_refuse(convener, login):
    cohort = factories.make_cohort()
    org = make_member(cohort)

    response = _post_award(login(convener), cohort, org, amount="25000.00", confirm=None)

    assert response.status_code == 400
    assert "£25,000.00 is above the cap of £20,000.00 per award." in _text(response)
