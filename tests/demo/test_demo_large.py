"""`datacollab demo --large` at a small size: published once, pattern stored, planner answered."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from datacollab.demo import privacy
from datacollab.demo.builder import load_demo
from datacollab.demo.large import ensure_large_sensors
from datacollab.organisations.models import User
from datacollab.privacy import services
from datacollab.privacy.models import LatticePattern
from tests.datasets.factories_access import datasets_storage  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]


def test_demo_large_publishes_once_with_its_pattern_and_answers_the_planner():
    load_demo()
    console = Console(file=io.StringIO())

    first = ensure_large_sensors(rows=3_000, console=console)
    again = ensure_large_sensors(rows=3_000, console=console)
    planner = User.objects.get(email=privacy.CITY_PLANNER)
    answer = services.run_aggregate_query(
        actor=planner,
        dataset=first.version.dataset,
        query=privacy.EXAMPLE_QUERIES["trips and speed by zone"],
    )

    assert (first.built, again.built, again.version.pk) == (True, False, first.version.pk)
    assert (first.version.number, first.version.row_count) == (3, 3_000)
    assert LatticePattern.objects.filter(version=first.version).count() == 1
    released = {cell.key[0] for cell in answer.result.cells if cell.suppressed is None}
    assert ("Camden" in released, "Hackney" in released) == (False, True)
