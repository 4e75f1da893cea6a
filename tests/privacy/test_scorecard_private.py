"""The scorecard's Private indicator counts trusted aggregation as a privacy mechanism."""

from __future__ import annotations

import pytest

from datacollab.reports.scorecard import scorecard
from tests.datasets.factories_access import datasets_storage  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_data import make_collaboration, make_dataset
from tests.privacy.factories import pooled_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]


def _private(collaboration) -> tuple[int, int, list]:
    (row,) = [r for r in scorecard(collaboration) if r.principle == "private"]
    details = [value for _label, value in row.indicator.details]
    return row.indicator.numerator, row.indicator.denominator, details


def test_private_indicator_counts_public_datasets_with_protected_aggregates():
    lead = make_org(members=[make_user()])
    collaboration = make_collaboration(lead=lead)
    with_dp, _owner = pooled_dataset()
    without_dp, _owner = pooled_dataset(dp=False)
    for dataset in (with_dp, without_dp):
        dataset.collaboration = collaboration
        dataset.spectrum = "public"
        dataset.save()
    make_dataset(owner=lead, spectrum="public", collaboration=collaboration)

    assert _private(collaboration) == (2, 3, [0, 0, 2, 1])
