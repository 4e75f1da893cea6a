"""`datacollab demo --large` at a small size: published once, pattern stored, planner answered."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from rich.console import Console

from datacollab.datasets.models import DatasetVersion
from datacollab.demo import privacy
from datacollab.demo.large import ensure_large_sensors, source_name
from datacollab.organisations.models import User
from datacollab.privacy import services
from datacollab.privacy.models import LatticePattern
from tests.datasets.factories_access import datasets_storage  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]


def test_demo_large_publishes_once_with_its_pattern_and_answers_the_planner():
    out = io.StringIO()
    call_command("demo", "--load-only", "--large", "--large-rows", "3000", stdout=out)
    first = DatasetVersion.objects.get(source_name=source_name(3_000))

    again = ensure_large_sensors(rows=3_000, console=Console(file=io.StringIO()))
    planner = User.objects.get(email=privacy.CITY_PLANNER)
    answer = services.run_aggregate_query(
        actor=planner,
        dataset=first.dataset,
        query=privacy.EXAMPLE_QUERIES["trips and speed by zone"],
    )

    assert "Published 3,000 sensor rows as version 3 of data-cargo-sensors" in out.getvalue()
    assert (again.built, again.version.pk) == (False, first.pk)
    assert (first.number, first.row_count) == (3, 3_000)
    assert LatticePattern.objects.filter(version=first).count() == 1
    released = {cell.key[0] for cell in answer.result.cells if cell.suppressed is None}
    assert ("Camden" in released, "Hackney" in released) == (False, True)
