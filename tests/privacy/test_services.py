from __future__ import annotations

import pytest

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.privacy import services
from datacollab.privacy.models import LedgerEntry, Release
from tests.datasets.factories_access import datasets_storage  # noqa: F401
from tests.factories import make_org, make_user
from tests.privacy.factories import BY_ZONE, BY_ZONE_SPEED, pooled_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]


def _planner(dataset, owner_user, *, organisation=None):
    planner = make_user()
    if organisation is not None:
        organisation.memberships.create(user=planner, role="member")
        services.grant_aggregates(actor=owner_user, dataset=dataset, organisation=organisation)
    else:
        services.grant_aggregates(actor=owner_user, dataset=dataset, user=planner)
    return planner


def test_run_aggregate_query_debits_the_ledger_and_audits_before_answering():
    dataset, owner_user = pooled_dataset()
    planner = _planner(dataset, owner_user)

    answer = services.run_aggregate_query(actor=planner, dataset=dataset, query=BY_ZONE_SPEED)

    assert answer.spent == pytest.approx(1.0)
    assert list(LedgerEntry.objects.values_list("account__user", "epsilon")) == [
        (planner.pk, answer.spent)
    ]
    entry = AuditEntry.objects.filter(action="privacy.query.released").get()
    assert entry.details["epsilon"] == answer.spent
    assert answer.budget_left == pytest.approx(9.0)


def test_repeated_query_returns_the_stored_answer_without_spending():
    dataset, owner_user = pooled_dataset()
    planner = _planner(dataset, owner_user)
    first = services.run_aggregate_query(actor=planner, dataset=dataset, query=BY_ZONE)

    again = services.run_aggregate_query(
        actor=planner, dataset=dataset, query={**BY_ZONE, "filters": []}
    )

    assert again.release.pk == first.release.pk
    assert again.result.to_dict() == first.result.to_dict()
    assert again.spent == 0.0
    assert LedgerEntry.objects.count() == 1
    assert AuditEntry.objects.filter(action="privacy.query.repeated").count() == 1


def test_exhausted_budget_is_refused_with_the_renewal_date():
    dataset, owner_user = pooled_dataset(budget_person=1.5, period_days=30)
    planner = _planner(dataset, owner_user)
    services.run_aggregate_query(actor=planner, dataset=dataset, query=BY_ZONE)

    with pytest.raises(Conflict) as refused:
        services.run_aggregate_query(actor=planner, dataset=dataset, query=BY_ZONE_SPEED)

    start = services.period_start(dataset.protection, _today())
    renews = start.toordinal() + 30
    assert refused.value.message == (
        "Your privacy budget for this dataset is spent (1.00 of 1.50 epsilon); it renews on "
        f"{type(start).fromordinal(renews).isoformat()}."
    )
    assert Release.objects.count() == 1
    assert LedgerEntry.objects.count() == 1


def _today():
    from django.utils import timezone

    return timezone.localdate()


def test_organisation_budget_caps_all_its_members_together():
    dataset, owner_user = pooled_dataset(budget_person=5.0, budget_organisation=1.5)
    city = make_org()
    first = _planner(dataset, owner_user, organisation=city)
    second = make_user()
    city.memberships.create(user=second, role="member")
    services.run_aggregate_query(actor=first, dataset=dataset, query=BY_ZONE)

    with pytest.raises(Conflict) as refused:
        services.run_aggregate_query(actor=second, dataset=dataset, query=BY_ZONE_SPEED)

    assert refused.value.message.startswith("Your organisation’s privacy budget")


def test_without_dp_queries_spend_nothing_and_are_still_audited():
    dataset, owner_user = pooled_dataset(dp=False)
    planner = _planner(dataset, owner_user)

    answer = services.run_aggregate_query(actor=planner, dataset=dataset, query=BY_ZONE)

    assert answer.spent == 0.0
    assert answer.budget_left is None
    assert LedgerEntry.objects.count() == 0
    assert AuditEntry.objects.filter(action="privacy.query.released").count() == 1


def test_person_without_any_access_is_refused():
    dataset, _owner_user = pooled_dataset()

    with pytest.raises(NotAllowed):
        services.run_aggregate_query(actor=make_user(), dataset=dataset, query=BY_ZONE)


def test_invalid_query_is_refused_with_a_readable_message():
    dataset, owner_user = pooled_dataset()
    planner = _planner(dataset, owner_user)

    with pytest.raises(DomainError) as refused:
        services.run_aggregate_query(
            actor=planner, dataset=dataset, query={**BY_ZONE, "dimensions": [{"column": "bike_id"}]}
        )

    assert refused.value.message == "“bike_id” is not one of the dimensions the owner allows."
    assert LedgerEntry.objects.count() == 0


def test_only_the_owner_sets_protections():
    dataset, _owner_user = pooled_dataset()

    with pytest.raises(NotAllowed):
        services.set_protection(
            actor=make_user(), dataset=dataset, contributor="firm", dimensions=["zone"], k=2
        )


def test_set_protection_refuses_unknown_columns_and_weak_settings():
    dataset, owner_user = pooled_dataset()

    with pytest.raises(DomainError) as unknown:
        services.set_protection(
            actor=owner_user, dataset=dataset, contributor="company", dimensions=["zone"]
        )
    with pytest.raises(DomainError) as weak:
        services.set_protection(
            actor=owner_user, dataset=dataset, contributor="firm", dimensions=["zone"], k=1
        )

    assert unknown.value.message == "The protection settings name “company”, which is not a column."
    assert weak.value.message == "The setting “k” must be at least 2."


def test_reconstruction_by_many_subset_queries_runs_out_of_budget_first():
    # Reconstructing n rows from subset sums needs on the order of n queries; a budget of
    # ten queries stops the attacker long before (the rest are refused, nothing released).
    import random

    dataset, owner_user = pooled_dataset(budget_person=10.0, epsilon=1.0, k=2)
    attacker = _planner(dataset, owner_user)
    rng = random.Random(3)
    answered = refused = 0
    for _ in range(14):
        zones = sorted(rng.sample(["Z0", "Z1", "Z2"], 2))
        hours = [int(h) for h in sorted(rng.sample(range(24), 6))]
        query = {
            "dimensions": [{"column": "zone"}],
            "measures": [{"function": "count"}],
            "filters": [
                {"column": "zone", "op": "in", "values": zones},
                {
                    "column": "recorded_at",
                    "op": "between",
                    "values": [
                        f"2024-05-01T{min(hours):02d}:00:00",
                        f"2024-05-01T{max(hours):02d}:30:00",
                    ],
                },
            ],
        }
        try:
            services.run_aggregate_query(actor=attacker, dataset=dataset, query=query)
            answered += 1
        except Conflict:
            refused += 1

    assert answered <= 10
    assert answered + refused == 14
    assert Release.objects.count() == answered


def test_set_protection_without_a_unit_refuses_a_missing_lattice():
    dataset, owner_user = pooled_dataset()

    with pytest.raises(DomainError) as refused:
        services.set_protection(
            actor=owner_user, dataset=dataset, contributor="firm", dimensions=["zone"], unit=""
        )

    assert refused.value.message.startswith("Without a privacy unit, declare the lattice")


def test_without_dp_a_query_outside_the_lattice_is_refused():
    dataset, owner_user = pooled_dataset(dp=False)
    planner = _planner(dataset, owner_user)
    by_day = {
        "dimensions": [{"column": "recorded_at", "bucket": "day"}],
        "measures": [{"function": "count"}],
    }

    with pytest.raises(DomainError) as refused:
        services.run_aggregate_query(actor=planner, dataset=dataset, query=by_day)

    assert refused.value.message.startswith("“recorded_at (day)” is not one of the groupings")


def test_without_dp_answers_come_from_the_lattice_pattern():
    dataset, owner_user = pooled_dataset(dp=False, k=2)
    planner = _planner(dataset, owner_user)

    answer = services.run_aggregate_query(actor=planner, dataset=dataset, query=BY_ZONE)

    assert answer.result.protections["secondary"] == "lattice"
    assert answer.result.protections["lattice"] == [
        {"column": "zone"},
        {"column": "recorded_at", "bucket": "hour"},
    ]
    assert [c.key for c in answer.result.cells] == [("Z0",), ("Z1",), ("Z2",)]
