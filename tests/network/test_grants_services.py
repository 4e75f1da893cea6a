from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.network.models import Award, Instalment
from datacollab.network.services.grants import (
    award_grant,
    mark_instalment_paid,
    mark_instalment_unpaid,
)
from tests import factories
from tests.network.factories_grants import make_award, make_member

pytestmark = pytest.mark.django_db


def _schedule(award: Award) -> list[tuple[date, Decimal]]:
    return [(part.due_on, part.amount) for part in award.instalments.order_by("position")]


def test_award_grant_default_schedule_is_half_now_half_at_cohort_end(convener):
    cohort = factories.make_cohort(ends_on=date(2027, 6, 30))
    award = make_award(actor=convener, cohort=cohort, amount="15000.01")
    assert _schedule(award) == [
        (date(2027, 1, 5), Decimal("7500.00")),
        (date(2027, 6, 30), Decimal("7500.01")),
    ]
    assert award.kind == Award.Kind.GRANT
    assert award.currency == "GBP"
    assert award.awarded_by == convener


def test_award_grant_identifier_uses_prefix_cohort_and_organisation(convener, settings):
    settings.GIVING360_PREFIX = "360G-example"
    cohort = factories.make_cohort(slug="2027-cohort")
    org = make_member(cohort)
    award = make_award(actor=convener, cohort=cohort, organisation=org)
    assert award.identifier == f"360G-example-2027-cohort-{org.slug}"


def test_award_grant_default_prefix(convener):
    cohort = factories.make_cohort(slug="c-default")
    org = make_member(cohort)
    award = make_award(actor=convener, cohort=cohort, organisation=org)
    assert award.identifier == f"360G-datacollab-c-default-{org.slug}"


def test_award_grant_custom_instalments_stored_in_date_order(convener):
    cohort = factories.make_cohort()
    award = make_award(
        actor=convener,
        cohort=cohort,
        amount="9000.00",
        kind=Award.Kind.CONTRACT,
        instalments=[(date(2027, 3, 1), Decimal("3000")), (date(2027, 2, 1), Decimal("6000"))],
    )
    assert _schedule(award) == [
        (date(2027, 2, 1), Decimal("6000.00")),
        (date(2027, 3, 1), Decimal("3000.00")),
    ]
    assert award.kind == Award.Kind.CONTRACT


def test_award_grant_writes_audit_entry(convener):
    cohort = factories.make_cohort()
    award = make_award(actor=convener, cohort=cohort, amount="12000.00")
    entry = AuditEntry.objects.get(action="grant.awarded")
    assert entry.object_id == str(award.pk)
    assert entry.actor_id == convener.pk
    assert entry.details["amount"] == "12000.00"
    assert entry.details["remaining_after"] == "88000.00"


def test_award_grant_non_convener_refused(applicant):
    cohort = factories.make_cohort()
    with pytest.raises(NotAllowed) as info:
        make_award(actor=applicant, cohort=cohort)
    assert info.value.message == "Only a convener can award grants."
    assert Award.objects.count() == 0


def test_award_grant_non_member_refused(convener):
    cohort = factories.make_cohort(name="Cohort X")
    outsider = factories.make_org(name="Outsider Ltd")
    with pytest.raises(DomainError) as info:
        make_award(actor=convener, cohort=cohort, organisation=outsider)
    assert info.value.message == (
        "Outsider Ltd is not a member of Cohort X: confirm its selection (or add it to the "
        "cohort) before awarding it a grant."
    )
    assert info.value.status == 400


def test_award_grant_above_cap_refused(convener):
    cohort = factories.make_cohort(award_cap=Decimal("20000.00"))
    with pytest.raises(DomainError) as info:
        make_award(actor=convener, cohort=cohort, amount="25000.00")
    assert info.value.message == "£25,000.00 is above the cap of £20,000.00 per award."
    assert Award.objects.count() == 0


def test_award_grant_at_cap_allowed(convener):
    cohort = factories.make_cohort(award_cap=Decimal("20000.00"))
    award = make_award(actor=convener, cohort=cohort, amount="20000.00")
    assert award.amount == Decimal("20000.00")


def test_award_grant_above_remaining_budget_refused(convener):
    cohort = factories.make_cohort(name="Small", budget=Decimal("30000.00"))
    make_award(actor=convener, cohort=cohort, amount="20000.00")
    with pytest.raises(DomainError) as info:
        make_award(actor=convener, cohort=cohort, amount="15000.00")
    assert info.value.message == (
        "£15,000.00 is above the remaining budget of £10,000.00 for Small."
    )
    assert Award.objects.count() == 1


def test_award_grant_exactly_remaining_budget_allowed(convener):
    cohort = factories.make_cohort(budget=Decimal("30000.00"))
    make_award(actor=convener, cohort=cohort, amount="20000.00")
    award = make_award(actor=convener, cohort=cohort, amount="10000.00")
    assert award.amount == Decimal("10000.00")


@pytest.mark.parametrize("amount", ["0", "-5.00"])
def test_award_grant_non_positive_amount_refused(convener, amount):
    cohort = factories.make_cohort()
    with pytest.raises(DomainError) as info:
        make_award(actor=convener, cohort=cohort, amount=amount)
    assert info.value.message == "The amount must be more than zero."


def test_award_grant_fractional_penny_refused(convener):
    cohort = factories.make_cohort()
    with pytest.raises(DomainError) as info:
        make_award(actor=convener, cohort=cohort, amount="100.001")
    assert info.value.message == "Give amounts to the penny at most (two decimal places)."


def test_award_grant_double_award_refused_with_conflict(convener):
    cohort = factories.make_cohort(name="Doubles")
    org = make_member(cohort, name="Twice Org")
    make_award(actor=convener, cohort=cohort, organisation=org, amount="5000.00")
    with pytest.raises(Conflict) as info:
        make_award(actor=convener, cohort=cohort, organisation=org, amount="5000.00")
    assert info.value.status == 409
    assert info.value.message == (
        "Twice Org already has an award in Doubles (£5,000.00): an organisation gets one "
        "award per cohort."
    )


def test_award_grant_instalments_not_summing_refused(convener):
    cohort = factories.make_cohort()
    with pytest.raises(DomainError) as info:
        make_award(
            actor=convener,
            cohort=cohort,
            amount="10000.00",
            instalments=[(date(2027, 1, 1), Decimal("4000")), (date(2027, 6, 1), Decimal("5000"))],
        )
    assert info.value.message == (
        "The instalments add up to £9,000.00 but the award is £10,000.00: make them sum "
        "exactly to the award."
    )
    assert Instalment.objects.count() == 0


def test_award_grant_zero_instalment_refused(convener):
    cohort = factories.make_cohort()
    with pytest.raises(DomainError) as info:
        make_award(
            actor=convener,
            cohort=cohort,
            amount="100.00",
            instalments=[(date(2027, 1, 1), Decimal("100")), (date(2027, 6, 1), Decimal("0"))],
        )
    assert info.value.message == "Each instalment must be more than zero."


def test_award_grant_empty_instalments_refused(convener):
    cohort = factories.make_cohort()
    with pytest.raises(DomainError) as info:
        make_award(actor=convener, cohort=cohort, instalments=[])
    assert info.value.message == "An award needs at least one instalment."


def test_award_grant_blank_title_refused(convener):
    cohort = factories.make_cohort()
    with pytest.raises(DomainError) as info:
        make_award(actor=convener, cohort=cohort, title="  ")
    assert info.value.message == "Give the award a title."


def test_award_grant_unknown_kind_refused(convener):
    cohort = factories.make_cohort()
    with pytest.raises(DomainError) as info:
        make_award(actor=convener, cohort=cohort, kind="loan")
    assert info.value.message == "Choose a grant or a contract."


def test_award_grant_application_of_other_organisation_refused(convener):
    cohort = factories.make_cohort(name="Apps")
    call = factories.make_call(cohort=cohort)
    other = factories.make_application(call=call)
    org = make_member(cohort, name="Member Org")
    with pytest.raises(DomainError) as info:
        make_award(actor=convener, cohort=cohort, organisation=org, application=other)
    assert info.value.message == "That application is not Member Org's application to Apps."


def test_award_grant_links_application(convener):
    cohort = factories.make_cohort()
    call = factories.make_call(cohort=cohort)
    org = make_member(cohort)
    application = factories.make_application(call=call, organisation=org)
    award = make_award(actor=convener, cohort=cohort, organisation=org, application=application)
    assert award.application == application


def _contract_part(convener, kind=Award.Kind.GRANT) -> Instalment:
    award = make_award(actor=convener, cohort=factories.make_cohort(), kind=kind)
    return award.instalments.get(position=1)


def test_mark_instalment_paid_records_date_and_audit(convener):
    part = _contract_part(convener)
    paid_on = timezone.localdate()
    result = mark_instalment_paid(actor=convener, instalment=part, paid_on=paid_on)
    part.refresh_from_db()
    assert (result.paid_on, part.paid_on) == (paid_on, paid_on)
    entry = AuditEntry.objects.get(action="grant.instalment_paid")
    assert entry.details["paid_on"] == paid_on.isoformat()


def test_mark_instalment_paid_contract_needs_invoice(convener):
    part = _contract_part(convener, Award.Kind.CONTRACT)
    with pytest.raises(DomainError) as info:
        mark_instalment_paid(actor=convener, instalment=part, paid_on=timezone.localdate())
    assert info.value.message == (
        "A contract is paid against an invoice: give the invoice reference."
    )
    part.refresh_from_db()
    assert part.paid_on is None


def test_mark_instalment_paid_contract_with_invoice(convener):
    part = _contract_part(convener, Award.Kind.CONTRACT)
    mark_instalment_paid(
        actor=convener, instalment=part, paid_on=timezone.localdate(), invoice_reference=" INV-042 "
    )
    part.refresh_from_db()
    assert part.invoice_reference == "INV-042"


def test_mark_instalment_paid_twice_refused(convener):
    part = _contract_part(convener)
    today = timezone.localdate()
    mark_instalment_paid(actor=convener, instalment=part, paid_on=today)
    with pytest.raises(Conflict) as info:
        mark_instalment_paid(actor=convener, instalment=part, paid_on=today)
    assert info.value.message.startswith("Instalment 1 of Grant to ")
    assert info.value.message.endswith(f"was already marked paid on {today.isoformat()}.")


def test_mark_instalment_paid_future_date_refused(convener):
    part = _contract_part(convener)
    with pytest.raises(DomainError) as info:
        mark_instalment_paid(
            actor=convener, instalment=part, paid_on=timezone.localdate() + timedelta(days=1)
        )
    assert info.value.message == "The payment date cannot be in the future."


def test_mark_instalment_paid_non_convener_refused(convener, reviewer):
    part = _contract_part(convener)
    with pytest.raises(NotAllowed) as info:
        mark_instalment_paid(actor=reviewer, instalment=part, paid_on=timezone.localdate())
    assert info.value.message == "Only a convener can record payments."


def test_mark_instalment_unpaid_clears_date_and_audits(convener):
    part = _contract_part(convener)
    mark_instalment_paid(actor=convener, instalment=part, paid_on=timezone.localdate())
    mark_instalment_unpaid(actor=convener, instalment=part)
    part.refresh_from_db()
    assert part.paid_on is None
    assert AuditEntry.objects.filter(action="grant.instalment_unpaid").count() == 1


def test_mark_instalment_unpaid_when_unpaid_refused(convener):
    part = _contract_part(convener)
    with pytest.raises(Conflict) as info:
        mark_instalment_unpaid(actor=convener, instalment=part)
    assert info.value.message.endswith("is not marked paid.")


def test_mark_instalment_unpaid_non_convener_refused(convener, applicant):
    part = _contract_part(convener)
    with pytest.raises(NotAllowed):
        mark_instalment_unpaid(actor=applicant, instalment=part)


def test_award_grant_uses_today_by_default(convener):
    cohort = factories.make_cohort(ends_on=date(2099, 1, 1))
    org = make_member(cohort)
    award = award_grant(
        actor=convener, cohort=cohort, organisation=org, amount=Decimal("100.00"), title="T"
    )
    assert award.awarded_on == timezone.localdate()
