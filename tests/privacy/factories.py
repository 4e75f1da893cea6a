"""A pooled sensor dataset with protections, for the privacy app tests."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from datacollab.datasets.models import Dataset
from datacollab.privacy import services
from tests.datasets.factories_access import make_version
from tests.factories import make_org, make_user
from tests.factories_data import make_dataset

SCHEMA = {
    "fields": [
        {"name": "firm", "type": "string"},
        {"name": "bike_id", "type": "string"},
        {"name": "zone", "type": "string"},
        {"name": "recorded_at", "type": "datetime"},
        {"name": "speed", "type": "number"},
    ]
}


def sensor_columns(rows: int = 600, seed: int = 5) -> dict[str, list[Any]]:
    rng = random.Random(seed)
    start = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    columns: dict[str, list[Any]] = {
        name: [] for name in ("firm", "bike_id", "zone", "recorded_at", "speed")
    }
    for _ in range(rows):
        firm = rng.choice("ABC")
        columns["firm"].append(firm)
        columns["bike_id"].append(f"{firm}-{rng.randrange(30)}")
        columns["zone"].append(f"Z{rng.randrange(3)}")
        columns["recorded_at"].append(start + dt.timedelta(minutes=rng.randrange(60 * 24)))
        columns["speed"].append(round(rng.uniform(0, 25), 2))
    return columns


def pooled_dataset(*, dp: bool = True, **options: Any) -> tuple[Dataset, Any]:
    """A named dataset owned by an organisation; returns it and an owner member."""
    owner_user = make_user()
    owner = make_org(members=[owner_user])
    dataset = make_dataset(owner=owner, spectrum="named", slug=f"pooled-{owner.pk}")
    make_version(dataset, sensor_columns(), SCHEMA)
    settings: dict[str, Any] = {
        "measures": [{"column": "speed", "lower": 0, "upper": 30}],
        "unit": "bike_id" if dp else "",
        "max_cells_per_unit": 3,
    }
    if not dp:
        settings["lattice"] = [{"column": "zone"}, {"column": "recorded_at", "bucket": "hour"}]
    settings.update(options)
    services.set_protection(
        actor=owner_user,
        dataset=dataset,
        contributor="firm",
        dimensions=["zone", "recorded_at"],
        **settings,
    )
    return dataset, owner_user


BY_ZONE = {"dimensions": [{"column": "zone"}], "measures": [{"function": "count"}]}
BY_ZONE_SPEED = {
    "dimensions": [{"column": "zone"}],
    "measures": [{"function": "count"}, {"function": "mean", "column": "speed"}],
}
