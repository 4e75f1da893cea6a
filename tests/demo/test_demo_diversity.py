"""The demo gives organisations countries of operation and some people a residence, so the
dashboard's view beyond head offices shows something."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from datacollab.demo.builder import load_demo
from datacollab.network.models import Cohort
from datacollab.organisations.models import Organisation, User
from datacollab.reports.selectors import diversity

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 12, 6, 9, 0))


def test_demo_dashboard_beyond_head_offices_has_figures():
    load_demo(now=NOW)
    ids = list(Cohort.objects.values_list("pk", flat=True))

    operation = diversity.organisations_by_operation(ids)
    residence = diversity.people_by_residence(ids)

    gbif = Organisation.objects.get(slug="gbif")
    assert (gbif.country, gbif.is_global_south, gbif.is_global_south_by_operation) == (
        "DK",
        False,
        True,
    )
    assert operation.global_south > operation.total // 2
    assert [row.key for row in residence.rows if row.people is not None] != []
    assert User.objects.exclude(working_languages=[]).count() > 5
