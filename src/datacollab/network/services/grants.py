"""Grants: award a cohort member, schedule its instalments, record payments.

Every award is checked against the cap per award and the cohort's remaining budget while the
cohort row is locked, so concurrent awards can neither double-award an organisation nor
together overspend the budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.templatetags.datacollab import money
from datacollab.network.models import Application, Award, Cohort, CohortMembership, Instalment
from datacollab.network.services.grant_reports import instalment_payable
from datacollab.organisations.models import Organisation
from datacollab.organisations.rules import is_convener

CENT = Decimal("0.01")
MAX_INSTALMENTS = 12


def giving360_prefix() -> str:
    return getattr(settings, "GIVING360_PREFIX", "360G-datacollab")


def award_identifier(cohort: Cohort, organisation: Organisation) -> str:
    """The 360Giving grant id: the publisher's registered prefix, then our own stable key."""
    return f"{giving360_prefix()}-{cohort.slug}-{organisation.slug}"


def _require_convener(actor: Any, refusal: str) -> None:
    """`refusal` is the whole translated sentence, so each language words it freely."""
    if not is_convener(actor):
        raise NotAllowed(refusal)


def _to_money(value: Decimal | int | str, field: str) -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(
            _("%(value)r is not an amount of money.") % {"value": value}, field=field
        ) from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise DomainError(_("Give amounts to the penny at most (two decimal places)."), field=field)
    return amount.quantize(CENT)


def default_instalments(
    *, amount: Decimal, awarded_on: date, cohort: Cohort
) -> list[tuple[date, Decimal]]:
    """Half on award, the rest at the cohort's end (the odd penny goes to the second)."""
    first = (amount / 2).quantize(CENT, rounding=ROUND_DOWN)
    if first <= 0:
        return [(awarded_on, amount)]
    return [(awarded_on, first), (max(cohort.ends_on, awarded_on), amount - first)]


def _check_instalments(
    instalments: Sequence[tuple[date, Decimal]], amount: Decimal, currency: str
) -> list[tuple[date, Decimal]]:
    if not instalments:
        raise DomainError(_("An award needs at least one instalment."), field="instalments")
    if len(instalments) > MAX_INSTALMENTS:
        raise DomainError(
            _("An award has at most %(n)d instalments.") % {"n": MAX_INSTALMENTS},
            field="instalments",
        )
    checked: list[tuple[date, Decimal]] = []
    for due_on, value in instalments:
        part = _to_money(value, "instalments")
        if part <= 0:
            raise DomainError(_("Each instalment must be more than zero."), field="instalments")
        if not isinstance(due_on, date):
            raise DomainError(_("Each instalment needs a due date."), field="instalments")
        checked.append((due_on, part))
    total = sum((part for _due, part in checked), Decimal(0))
    if total != amount:
        raise DomainError(
            _(
                "The instalments add up to %(total)s but the award is %(amount)s: "
                "make them sum exactly to the award."
            )
            % {"total": money(total, currency), "amount": money(amount, currency)},
            field="instalments",
        )
    return sorted(checked, key=lambda item: item[0])


def _check_application(
    application: Application | None, cohort: Cohort, organisation: Organisation
) -> None:
    if application is None:
        return
    if application.organisation_id != organisation.pk or application.call.cohort_id != cohort.pk:
        raise DomainError(
            _("That application is not %(org)s's application to %(cohort)s.")
            % {"org": organisation.name, "cohort": cohort.name},
            field="application",
        )


@dataclass(frozen=True)
class AwardPlan:
    """An award that passed every check, not yet made: what the confirmation page states."""

    cohort: Cohort
    organisation: Organisation
    application: Application | None
    kind: str
    title: str
    description: str
    amount: Decimal
    currency: str
    awarded_on: date
    schedule: list[tuple[date, Decimal]]
    remaining_before: Decimal

    @property
    def remaining_after(self) -> Decimal:
        return self.remaining_before - self.amount


@transaction.atomic
def plan_award(
    *,
    actor: Any,
    cohort: Cohort,
    organisation: Organisation,
    amount: Decimal,
    kind: str = Award.Kind.GRANT,
    title: str,
    description: str = "",
    instalments: Sequence[tuple[date, Decimal]] | None = None,
    application: Application | None = None,
    awarded_on: date | None = None,
) -> AwardPlan:
    """Every check award_grant makes, writing nothing: the confirmation page shows the plan,
    and award_grant makes it under the same lock."""
    _require_convener(actor, _("Only a convener can award grants."))
    amount = _to_money(amount, "amount")
    currency = cohort.currency
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field="amount")
    if kind not in Award.Kind.values:
        raise DomainError(_("Choose a grant or a contract."), field="kind")
    title = title.strip()
    if not title:
        raise DomainError(_("Give the award a title."), field="title")
    if not CohortMembership.objects.filter(cohort=cohort, organisation=organisation).exists():
        raise DomainError(
            _(
                "%(org)s is not a member of %(cohort)s: confirm its selection (or add it to the "
                "cohort) before awarding it a grant."
            )
            % {"org": organisation.name, "cohort": cohort.name},
            field="organisation",
        )
    _check_application(application, cohort, organisation)
    if amount > cohort.award_cap:
        raise DomainError(
            _("%(amount)s is above the cap of %(cap)s per award.")
            % {"amount": money(amount, currency), "cap": money(cohort.award_cap, currency)},
            field="amount",
        )
    awarded_on = awarded_on or timezone.localdate()
    if instalments is None:
        instalments = default_instalments(amount=amount, awarded_on=awarded_on, cohort=cohort)
    schedule = _check_instalments(instalments, amount, currency)

    # The lock makes concurrent awards in one cohort queue here, so each reads the total
    # committed by the ones before it (SQLite's IMMEDIATE transactions queue at BEGIN).
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    existing = Award.objects.filter(cohort=locked, organisation=organisation).first()
    if existing is not None:
        raise Conflict(
            _(
                "%(org)s already has an award in %(cohort)s (%(amount)s): an organisation gets "
                "one award per cohort."
            )
            % {
                "org": organisation.name,
                "cohort": locked.name,
                "amount": money(existing.amount, existing.currency),
            }
        )
    committed = Award.objects.filter(cohort=locked).aggregate(total=Sum("amount"))["total"]
    remaining = locked.budget - (committed or Decimal(0))
    if amount > remaining:
        raise DomainError(
            _("%(amount)s is above the remaining budget of %(remaining)s for %(cohort)s.")
            % {
                "amount": money(amount, currency),
                "remaining": money(remaining, currency),
                "cohort": locked.name,
            },
            field="amount",
        )
    return AwardPlan(
        cohort=locked,
        organisation=organisation,
        application=application,
        kind=kind,
        title=title,
        description=description.strip(),
        amount=amount,
        currency=currency,
        awarded_on=awarded_on,
        schedule=list(schedule),
        remaining_before=remaining,
    )


@transaction.atomic
def award_grant(
    *,
    actor: Any,
    cohort: Cohort,
    organisation: Organisation,
    amount: Decimal,
    kind: str = Award.Kind.GRANT,
    title: str,
    description: str = "",
    instalments: Sequence[tuple[date, Decimal]] | None = None,
    application: Application | None = None,
    awarded_on: date | None = None,
) -> Award:
    """Award `organisation` (a member of `cohort`) a grant or contract with its instalments."""
    plan = plan_award(
        actor=actor,
        cohort=cohort,
        organisation=organisation,
        amount=amount,
        kind=kind,
        title=title,
        description=description,
        instalments=instalments,
        application=application,
        awarded_on=awarded_on,
    )
    locked, amount, currency, schedule = plan.cohort, plan.amount, plan.currency, plan.schedule
    remaining = plan.remaining_before
    try:
        # A savepoint, so a lost race surfaces as a Conflict and not a broken transaction.
        with transaction.atomic():
            award = Award.objects.create(
                cohort=locked,
                organisation=organisation,
                application=application,
                identifier=award_identifier(locked, organisation),
                kind=plan.kind,
                title=plan.title,
                description=plan.description,
                amount=amount,
                currency=currency,
                awarded_on=plan.awarded_on,
                awarded_by=actor,
            )
    except IntegrityError:
        raise Conflict(
            _(
                "%(org)s already has an award in %(cohort)s (or this application was already "
                "awarded): an organisation gets one award per cohort."
            )
            % {"org": organisation.name, "cohort": locked.name}
        ) from None
    Instalment.objects.bulk_create(
        Instalment(award=award, position=position, due_on=due_on, amount=part)
        for position, (due_on, part) in enumerate(schedule, start=1)
    )
    audit.record(
        action="grant.awarded",
        actor=actor,
        obj=award,
        details={
            "cohort": locked.slug,
            "organisation": organisation.slug,
            "kind": plan.kind,
            "amount": str(amount),
            "currency": currency,
            "identifier": award.identifier,
            "instalments": [[due.isoformat(), str(part)] for due, part in schedule],
            "remaining_after": str(remaining - amount),
        },
    )
    return award


@transaction.atomic
def mark_instalment_paid(
    *, actor: Any, instalment: Instalment, paid_on: date, invoice_reference: str = ""
) -> Instalment:
    """Record that an instalment was paid; a contract's needs the invoice it paid."""
    _require_convener(actor, _("Only a convener can record payments."))
    locked = Instalment.objects.select_for_update().select_related("award").get(pk=instalment.pk)
    award = locked.award
    if locked.paid_on is not None:
        raise Conflict(
            _("Instalment %(n)d of %(award)s was already marked paid on %(date)s.")
            % {"n": locked.position, "award": award.title, "date": locked.paid_on.isoformat()}
        )
    if paid_on > timezone.localdate():
        raise DomainError(_("The payment date cannot be in the future."), field="paid_on")
    if locked.report is not None and not instalment_payable(locked):
        raise Conflict(
            _(
                "Instalment %(n)d of %(award)s is payable only once the report “%(report)s” is "
                "approved."
            )
            % {"n": locked.position, "award": award.title, "report": locked.report.title}
        )
    invoice_reference = invoice_reference.strip()
    if award.kind == Award.Kind.CONTRACT and not invoice_reference:
        raise DomainError(
            _("A contract is paid against an invoice: give the invoice reference."),
            field="invoice_reference",
        )
    locked.paid_on = paid_on
    if invoice_reference:
        locked.invoice_reference = invoice_reference
    locked.save(update_fields=["paid_on", "invoice_reference"])
    audit.record(
        action="grant.instalment_paid",
        actor=actor,
        obj=locked,
        details={
            "award": award.identifier,
            "position": locked.position,
            "amount": str(locked.amount),
            "paid_on": paid_on.isoformat(),
            "invoice_reference": locked.invoice_reference,
            "report": locked.report_id,
        },
    )
    return locked


@transaction.atomic
def mark_instalment_unpaid(*, actor: Any, instalment: Instalment) -> Instalment:
    """Undo a payment recorded by mistake; the audit log keeps the earlier record."""
    _require_convener(actor, _("Only a convener can record payments."))
    locked = Instalment.objects.select_for_update().select_related("award").get(pk=instalment.pk)
    if locked.paid_on is None:
        raise Conflict(
            _("Instalment %(n)d of %(award)s is not marked paid.")
            % {"n": locked.position, "award": locked.award.title}
        )
    previous = locked.paid_on
    locked.paid_on = None
    locked.save(update_fields=["paid_on"])
    audit.record(
        action="grant.instalment_unpaid",
        actor=actor,
        obj=locked,
        details={
            "award": locked.award.identifier,
            "position": locked.position,
            "was_paid_on": previous.isoformat(),
        },
    )
    return locked
