"""The lattice pattern is computed once per version and settings and shared through the database."""

from __future__ import annotations

import pytest

from datacollab.privacy import services
from datacollab.privacy.engine import TableSpec, lattice, pattern_json
from datacollab.privacy.models import LatticePattern
from datacollab.privacy.patterns import lattice_pattern, version_key
from tests.datasets.factories_access import datasets_storage  # noqa: F401
from tests.factories import make_user
from tests.privacy.factories import BY_ZONE, BY_ZONE_SPEED, pooled_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]

BY_HOUR = {
    "dimensions": [{"column": "recorded_at", "bucket": "hour"}],
    "measures": [{"function": "count"}],
}


@pytest.fixture(autouse=True)
def _fresh_process():
    lattice.forget_all()
    yield
    lattice.forget_all()


def _planner(dataset, owner_user):
    planner = make_user()
    services.grant_aggregates(actor=owner_user, dataset=dataset, user=planner)
    return planner


def test_stored_pattern_is_read_by_a_second_process_instead_of_recomputed():
    dataset, owner_user = pooled_dataset(dp=False, k=2)
    planner = _planner(dataset, owner_user)
    services.run_aggregate_query(actor=planner, dataset=dataset, query=BY_ZONE)
    stored = LatticePattern.objects.get()
    # Mark the stored copy: a recomputation would give the true speeds, the stored one zeros.
    stored.pattern["sums"] = [[0.0 for _ in row] for row in stored.pattern["sums"]]
    stored.save()
    lattice.forget_all()  # another process, or this one after a restart

    answer = services.run_aggregate_query(actor=planner, dataset=dataset, query=BY_ZONE_SPEED)

    released = [c.values["mean(speed)"] for c in answer.result.cells if c.suppressed is None]
    assert (len(released) > 0, set(released)) == (True, {0.0})
    assert LatticePattern.objects.count() == 1


def test_stored_pattern_equals_the_computed_one_after_a_restart():
    dataset, owner_user = pooled_dataset(dp=False, k=2)
    services.run_aggregate_query(
        actor=_planner(dataset, owner_user), dataset=dataset, query=BY_HOUR
    )
    version = dataset.versions.get()
    protection = services.engine_protection(dataset.protection)
    computed = lattice.cached(version_key(version), protection)
    lattice.forget_all()

    table = TableSpec.from_table_schema(version.schema)
    read_back = lattice_pattern(version=version, table=table, protection=protection)

    assert (computed is not None, read_back == computed) == (True, True)


def test_changed_protections_store_a_new_pattern():
    dataset, owner_user = pooled_dataset(dp=False, k=2)
    planner = _planner(dataset, owner_user)
    services.run_aggregate_query(actor=planner, dataset=dataset, query=BY_ZONE)
    old_key = LatticePattern.objects.get().protection_key

    services.set_protection(
        actor=owner_user,
        dataset=dataset,
        contributor="firm",
        dimensions=["zone", "recorded_at"],
        k=3,
    )
    after_change = LatticePattern.objects.count()
    services.run_aggregate_query(actor=planner, dataset=dataset, query=BY_ZONE)

    keys = list(LatticePattern.objects.values_list("protection_key", flat=True))
    assert (after_change, len(keys), keys[0] != old_key) == (0, 1, True)


def test_pattern_from_an_older_format_is_computed_again():
    dataset, _owner_user = pooled_dataset(dp=False, k=2)
    protection = services.engine_protection(dataset.protection)

    assert pattern_json.from_data({"format": 0}, protection) is None
