"""Publishing a protected result as a version of an open dataset (like the zone summaries).

Only released cells are written: a suppressed cell is left out, never shown as a gap that a
margin could fill. The protections that made the result go into the version's Table Schema
(its description and every field's), so a reader of the open data knows what was withheld.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import DomainError, NotAllowed, NotFound
from datacollab.datasets.models import Dataset, DatasetVersion, Spectrum
from datacollab.datasets.services.datasets import create_dataset
from datacollab.datasets.services.versions import publish_parquet
from datacollab.datasets.validation import connect, infer_schema, typed_select, validate
from datacollab.datasets.validation.sql import lit
from datacollab.privacy import rules
from datacollab.privacy.engine import AggregateResult
from datacollab.privacy.models import Release


def column_name(label: str) -> str:
    """`recorded_at (hour)` -> `recorded_at_hour`, `mean(speed)` -> `mean_speed`."""
    return re.sub(r"[^0-9a-zA-Z]+", "_", label).strip("_").lower() or "value"


def protections_text(protections: dict[str, Any]) -> str:
    parts = [
        _("at least %(k)s contributors and %(rows)s rows per cell")
        % {"k": protections.get("k"), "rows": protections.get("min_rows")},
        _("the %(n)s largest hold at most %(share)s of a cell")
        % {
            "n": (protections.get("dominance") or [1, 0.5])[0],
            "share": (protections.get("dominance") or [1, 0.5])[1],
        },
        _("secondary suppression over %(how)s") % {"how": protections.get("secondary")},
    ]
    dp = protections.get("dp")
    if dp:
        parts.append(
            _("differential privacy per %(unit)s (OpenDP, exact discrete Laplace)")
            % {"unit": dp.get("unit")}
        )
    return _("Protected aggregate: %(rules)s; suppressed cells are left out.") % {
        "rules": "; ".join(parts)
    }


def _table(result: AggregateResult) -> pa.Table:
    released = [cell for cell in result.cells if cell.suppressed is None]
    columns: dict[str, list[Any]] = {}
    for d, label in enumerate(result.dimensions):
        columns[column_name(label)] = [cell.key[d] for cell in released]
    for label in result.measures:
        columns[column_name(label)] = [cell.values.get(label) for cell in released]
    return pa.table(columns)


def _checked(
    *, actor: Any, dataset: Dataset, release_id: int, target_slug: str
) -> tuple[Release, AggregateResult, Dataset | None]:
    """The release, its result and the existing target (None: a new one), or the refusal."""
    if not rules.can_manage_protection(actor, dataset):
        raise NotAllowed(_("Only the dataset's owner publishes its protected results."))
    release = Release.objects.filter(dataset=dataset, pk=release_id).first()
    if release is None:
        raise NotFound(_("There is no such released answer on this dataset."))
    result = AggregateResult.from_dict(release.result)
    if result.released == 0:
        raise DomainError(_("Every cell of this answer is suppressed: nothing to publish."))
    target = Dataset.objects.filter(slug=target_slug).first()
    if target is not None and (
        target.owner_id != dataset.owner_id or target.spectrum != Spectrum.OPEN
    ):
        raise DomainError(_("Publish into an open dataset of the same owner."), field="target_slug")
    return release, result, target


@dataclass(frozen=True)
class PublishPreview:
    """What publishing would do: the confirmation page states these."""

    released: int
    suppressed: int
    target_slug: str
    new_dataset: bool
    version: int  # the number the published version gets


def publish_preview(
    *, actor: Any, dataset: Dataset, release_id: int, target_slug: str
) -> PublishPreview:
    """Raise the refusal publishing would meet, or say what it would do; writes nothing.
    Published open data cannot be taken back, so the page asks before `publish_release`."""
    _release, result, target = _checked(
        actor=actor, dataset=dataset, release_id=release_id, target_slug=target_slug
    )
    last = target.versions.aggregate(last=Max("number"))["last"] if target else None
    return PublishPreview(
        released=result.released,
        suppressed=len(result.cells) - result.released,
        target_slug=target_slug,
        new_dataset=target is None,
        version=(last or 0) + 1,
    )


@transaction.atomic
def publish_release(
    *, actor: Any, dataset: Dataset, release_id: int, target_slug: str, title: str = ""
) -> DatasetVersion:
    """Publish a released answer as the next version of an open dataset of the same owner."""
    release, result, target = _checked(
        actor=actor, dataset=dataset, release_id=release_id, target_slug=target_slug
    )
    if target is None:
        target = create_dataset(
            actor=actor,
            owner=dataset.owner,
            title=title or _("Protected aggregates of %(title)s") % {"title": dataset.title},
            slug=target_slug,
            description=protections_text(result.protections),
            licence="CC-BY-4.0",
            spectrum=Spectrum.OPEN,
            collaboration=dataset.collaboration,
        )
    note = protections_text(result.protections)
    with tempfile.TemporaryDirectory(prefix="datacollab-release-") as folder:
        raw = Path(folder) / "release.parquet"
        pq.write_table(_table(result), raw)
        con = connect()
        try:
            schema = infer_schema(raw, fmt="parquet", con=con)
            schema["description"] = note
            for field in schema["fields"]:
                field["description"] = note
            report = validate(raw, schema, fmt="parquet", con=con)
            types = [str(t) for t in con.read_parquet(str(raw)).dtypes]
            typed = Path(folder) / "typed.parquet"
            select = typed_select(raw, schema, fmt="parquet", column_types=types)
            con.execute(f"COPY ({select}) TO {lit(str(typed))} (FORMAT parquet)")
        finally:
            con.close()
        version = publish_parquet(
            actor=actor,
            dataset=target,
            parquet=typed,
            schema=schema,
            report=report,
            source_name=f"release-{release.pk}.parquet",
            source_format="parquet",
            detected={"format": "parquet"},
        )
    audit.record(
        action="privacy.release.published",
        actor=actor,
        obj=dataset,
        details={
            "release": release.pk,
            "dataset": target.slug,
            "version": version.number,
            "cells": result.released,
            "protections": result.protections,
        },
    )
    return version
