"""Conveners set up cohorts and calls in the site (no Django admin needed).

Rules (also in docs/guide/setup.md):
- only conveners create or edit cohorts and calls; every write is audited with what changed;
- a cohort's dates are ordered, its award cap is within its budget, and an edit never puts the
  budget below what is already awarded, the capacity below its members, or the cap below an
  award already made;
- a call's times are entered in the call's own time zone; its deadline comes after it opens,
  and a two-stage call's expressions of interest close between the two;
- once a call has left draft, its opening time, time zone and stages are fixed, and its
  deadline may only move later: applicants plan on the dates they were told.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.core import audit
from datacollab.core.content_language import check_language, default_language
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.templatetags.datacollab import money
from datacollab.network.models import Award, Call, Cohort, CohortMembership, Network
from datacollab.network.selectors.applications import format_in_zone
from datacollab.network.services.review_settings import (
    check_review_deadline,
    update_review_settings,
)
from datacollab.organisations.rules import is_convener

CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_REVIEWS_PER_APPLICATION = 10
# The columns' limits (12 digits, 2 after the point): a larger sum would fail in PostgreSQL
# with a 500 rather than a message.
MAX_MONEY = Decimal("9999999999.99")
MAX_CAPACITY = 10_000


def require_convener(actor: Any) -> None:
    if not is_convener(actor):
        raise NotAllowed(_("Only conveners can set up cohorts and calls."))


def _unique_slug(model: type[Cohort] | type[Call] | type[Network], text: str) -> str:
    base = slugify(text)[:70] or "x"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _changes(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the values on `obj`; return {field: [old, new]} for those that differ."""
    changed: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changed[name] = [old, new]
            setattr(obj, name, new)
    return changed


# --- cohorts --------------------------------------------------------------------------------


def _check_cohort(
    *,
    name: str,
    starts_on: date,
    ends_on: date,
    capacity: int,
    budget: Decimal,
    award_cap: Decimal,
    currency: str,
) -> None:
    if not name.strip():
        raise DomainError(_("Give the cohort a name."), field="name")
    if ends_on < starts_on:
        raise DomainError(
            _("The cohort cannot end (%(end)s) before it starts (%(start)s).")
            % {"end": ends_on.isoformat(), "start": starts_on.isoformat()},
            field="ends_on",
        )
    if capacity < 1:
        raise DomainError(_("A cohort has room for at least one organisation."), field="capacity")
    if capacity > MAX_CAPACITY:
        raise DomainError(
            _("A cohort has room for at most %(n)s organisations.") % {"n": f"{MAX_CAPACITY:,}"},
            field="capacity",
        )
    for field, amount in (("budget", budget), ("award_cap", award_cap)):
        if amount < 0:
            raise DomainError(_("An amount of money cannot be negative."), field=field)
        if amount > MAX_MONEY:
            raise DomainError(
                _("Give an amount below ten billion, with at most two decimals."), field=field
            )
    if not CURRENCY.match(currency):
        raise DomainError(
            _("Write the currency as its three-letter ISO 4217 code, such as GBP or USD."),
            field="currency",
        )
    if award_cap > budget:
        raise DomainError(
            _("The cap per award, %(cap)s, is above the cohort's whole budget, %(budget)s.")
            % {"cap": money(award_cap, currency), "budget": money(budget, currency)},
            field="award_cap",
        )


def _network(network: Network | None, new_network_name: str, actor: Any) -> Network:
    if network is not None:
        return network
    name = new_network_name.strip()
    if not name:
        raise DomainError(
            _("There is no network yet: name it, and this cohort will be its first."),
            field="network_name",
        )
    created = Network.objects.create(slug=_unique_slug(Network, name), name=name)
    audit.record(action="network.created", actor=actor, obj=created, details={"name": name})
    return created


@transaction.atomic
def create_cohort(
    *,
    actor: Any,
    network: Network | None,
    name: str,
    focus: str,
    description: str,
    starts_on: date,
    ends_on: date,
    capacity: int,
    budget: Decimal,
    award_cap: Decimal,
    currency: str,
    new_network_name: str = "",
) -> Cohort:
    """A new cohort. With no network yet, `new_network_name` creates the first one."""
    require_convener(actor)
    currency = currency.strip().upper()
    _check_cohort(
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        budget=budget,
        award_cap=award_cap,
        currency=currency,
    )
    cohort = Cohort.objects.create(
        network=_network(network, new_network_name, actor),
        slug=_unique_slug(Cohort, name),
        name=name.strip(),
        focus=focus.strip(),
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        budget=budget,
        award_cap=award_cap,
        currency=currency,
    )
    audit.record(
        action="cohort.created",
        actor=actor,
        obj=cohort,
        details={
            "name": cohort.name,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "capacity": capacity,
            "budget": budget,
            "award_cap": award_cap,
            "currency": currency,
        },
    )
    return cohort


def _check_commitments(cohort: Cohort, capacity: int, budget: Decimal, award_cap: Decimal) -> None:
    members = CohortMembership.objects.filter(cohort=cohort).count()
    if capacity < members:
        raise Conflict(
            ngettext(
                "%(n)d organisation is already a member; the capacity cannot be lower.",
                "%(n)d organisations are already members; the capacity cannot be lower.",
                members,
            )
            % {"n": members},
        )
    awards = Award.objects.filter(cohort=cohort).aggregate(total=Sum("amount"), top=Max("amount"))
    committed = awards["total"] or Decimal(0)
    if budget < committed:
        raise Conflict(
            _("%(committed)s is already awarded; the budget cannot be lower.")
            % {"committed": money(committed, cohort.currency)},
        )
    if awards["top"] is not None and award_cap < awards["top"]:
        raise Conflict(
            _("An award of %(top)s is already made; the cap per award cannot be lower.")
            % {"top": money(awards["top"], cohort.currency)},
        )


@transaction.atomic
def update_cohort(
    *,
    actor: Any,
    cohort: Cohort,
    name: str,
    focus: str,
    description: str,
    starts_on: date,
    ends_on: date,
    capacity: int,
    budget: Decimal,
    award_cap: Decimal,
    currency: str,
) -> Cohort:
    require_convener(actor)
    # Lock the cohort as awards do, so an award and a budget cut cannot cross.
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    currency = currency.strip().upper()
    _check_cohort(
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        budget=budget,
        award_cap=award_cap,
        currency=currency,
    )
    if currency != cohort.currency and Award.objects.filter(cohort=cohort).exists():
        raise Conflict(_("Awards are already made in %(c)s.") % {"c": cohort.currency})
    _check_commitments(cohort, capacity, budget, award_cap)
    changed = _changes(
        cohort,
        {
            "name": name.strip(),
            "focus": focus.strip(),
            "description": description,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "capacity": capacity,
            "budget": budget,
            "award_cap": award_cap,
            "currency": currency,
        },
    )
    if changed:
        cohort.save(update_fields=list(changed))
        audit.record(action="cohort.updated", actor=actor, obj=cohort, details=changed)
    return cohort


# --- calls ----------------------------------------------------------------------------------


def check_zone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise DomainError(
            _("“%(zone)s” is not a time zone name; use one such as Europe/London.")
            % {"zone": name},
            field="timezone",
        )


def _check_call(
    *,
    title: str,
    opens_at: datetime,
    deadline: datetime,
    eoi_deadline: datetime | None,
    zone: str,
    reviews_per_application: int,
) -> None:
    if not title.strip():
        raise DomainError(_("Give the call a title."), field="title")
    check_zone(zone)
    if deadline <= opens_at:
        raise DomainError(
            _("The deadline, %(deadline)s, must come after the call opens, %(opens)s.")
            % {
                "deadline": format_in_zone(deadline, zone),
                "opens": format_in_zone(opens_at, zone),
            },
            field="deadline",
        )
    if eoi_deadline is not None and not opens_at < eoi_deadline < deadline:
        raise DomainError(
            _(
                "Expressions of interest must close after the call opens and before the "
                "deadline for full proposals, %(deadline)s."
            )
            % {"deadline": format_in_zone(deadline, zone)},
            field="eoi_deadline",
        )
    if not 1 <= reviews_per_application <= MAX_REVIEWS_PER_APPLICATION:
        raise DomainError(
            _("Ask for between 1 and %(n)d reviews per application.")
            % {"n": MAX_REVIEWS_PER_APPLICATION},
            field="reviews_per_application",
        )


@transaction.atomic
def create_call(
    *,
    actor: Any,
    cohort: Cohort,
    title: str,
    summary: str,
    description: str,
    opens_at: datetime,
    deadline: datetime,
    timezone: str,
    reviews_per_application: int,
    eoi_deadline: datetime | None = None,
    review_deadline: datetime | None = None,
    blind_review: bool = False,
    language: str | None = None,
) -> Call:
    """A draft call for `cohort`. Questions, eligibility and rubric are added on its pages."""
    require_convener(actor)
    _check_call(
        title=title,
        opens_at=opens_at,
        deadline=deadline,
        eoi_deadline=eoi_deadline,
        zone=timezone,
        reviews_per_application=reviews_per_application,
    )
    check_review_deadline(deadline=deadline, zone=timezone, review_deadline=review_deadline)
    language = check_language(language or default_language())
    call = Call.objects.create(
        language=language,
        cohort=cohort,
        slug=_unique_slug(Call, title),
        title=title.strip(),
        summary=summary.strip(),
        description=description,
        status=Call.Status.DRAFT,
        opens_at=opens_at,
        deadline=deadline,
        eoi_deadline=eoi_deadline,
        timezone=timezone,
        reviews_per_application=reviews_per_application,
        review_deadline=review_deadline,
        blind_review=blind_review,
    )
    audit.record(
        action="call.created",
        actor=actor,
        obj=call,
        details={
            "cohort": cohort.slug,
            "opens_at": opens_at,
            "deadline": deadline,
            "eoi_deadline": eoi_deadline,
            "timezone": timezone,
            "reviews_per_application": reviews_per_application,
            "review_deadline": review_deadline,
            "blind_review": blind_review,
            "language": language,
        },
    )
    return call


def _check_fixed_after_draft(
    call: Call, opens_at: datetime, deadline: datetime, eoi: datetime | None, zone: str
) -> None:
    if call.status == Call.Status.DRAFT:
        return
    if opens_at != call.opens_at or zone != call.timezone or eoi != call.eoi_deadline:
        raise Conflict(
            _(
                "The call is no longer a draft: its opening time, time zone and stages are "
                "what applicants were told, so they stay as they are."
            )
        )
    if deadline < call.deadline:
        raise Conflict(
            _(
                "The call is no longer a draft: its deadline, %(deadline)s, may move later "
                "but never earlier, or applicants would lose time they planned on."
            )
            % {"deadline": format_in_zone(call.deadline, call.timezone)},
        )


@transaction.atomic
def update_call(
    *,
    actor: Any,
    call: Call,
    title: str,
    summary: str,
    description: str,
    opens_at: datetime,
    deadline: datetime,
    timezone: str,
    reviews_per_application: int,
    eoi_deadline: datetime | None = None,
    review_deadline: datetime | None = None,
    blind_review: bool | None = None,
    language: str | None = None,
) -> Call:
    """Edit a call's details. The review settings go through
    review_settings.update_review_settings (its own rules and audit entry); with
    `blind_review=None` (a caller that does not edit them) both stay as they are."""
    require_convener(actor)
    call = Call.objects.select_for_update().select_related("cohort").get(pk=call.pk)
    _check_call(
        title=title,
        opens_at=opens_at,
        deadline=deadline,
        eoi_deadline=eoi_deadline,
        zone=timezone,
        reviews_per_application=reviews_per_application,
    )
    _check_fixed_after_draft(call, opens_at, deadline, eoi_deadline, timezone)
    # A later deadline must not overtake the review deadline kept from before.
    check_review_deadline(
        deadline=deadline,
        zone=timezone,
        review_deadline=call.review_deadline if blind_review is None else review_deadline,
    )
    language = check_language(language) if language else call.language
    if language != call.language and language in (call.translations or {}):
        raise Conflict(
            _(
                "The call has a translation into that language already: remove it on the "
                "Translations page before saying the original is written in it."
            ),
        )
    changed = _changes(
        call,
        {
            "title": title.strip(),
            "summary": summary.strip(),
            "description": description,
            "opens_at": opens_at,
            "deadline": deadline,
            "eoi_deadline": eoi_deadline,
            "timezone": timezone,
            "reviews_per_application": reviews_per_application,
            "language": language,
        },
    )
    if changed:
        call.save(update_fields=list(changed))
        audit.record(action="call.updated", actor=actor, obj=call, details=changed)
    if blind_review is not None and (review_deadline, blind_review) != (
        call.review_deadline,
        call.blind_review,
    ):
        call = update_review_settings(
            actor=actor, call=call, review_deadline=review_deadline, blind_review=blind_review
        )
    return call
