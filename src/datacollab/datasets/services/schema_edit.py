"""Editing the Table Schema of a dataset's latest version: check it against the stored data,
then publish the same rows under the new schema as a NEW version (versions never change).

The stored Parquet goes through the ingest worker with the edited schema, as an upload with
a given schema would: validated in the resource-limited process and, when valid, rewritten
with each column typed as the new schema says. Like `process_upload`, this is not one
transaction (the worker may run for minutes); publishing is atomic on its own and refuses
if another version was published since the owner started from the latest one.
"""

from __future__ import annotations

import contextlib
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.datasets.diff import diff_schemas
from datacollab.datasets.ingest.limits import Limits
from datacollab.datasets.ingest.messages import refusal_message
from datacollab.datasets.ingest.runner import Outcome, run_worker
from datacollab.datasets.models import Dataset, DatasetVersion
from datacollab.datasets.reading_messages import schema_problems_text
from datacollab.datasets.rules import is_owner
from datacollab.datasets.schema_limits import SchemaLimits, check_schema_structure
from datacollab.datasets.services.versions import publish_parquet
from datacollab.datasets.storage import local_copy
from datacollab.datasets.tableschema import SchemaError, parse_schema


@dataclass
class SchemaCheck:
    """What checking an edited schema against the stored data found."""

    base: DatasetVersion
    schema: dict[str, Any]
    valid: bool
    report: dict[str, Any] = field(default_factory=dict)
    refusal: str = ""
    changes: dict[str, Any] = field(default_factory=dict)


def latest_version(dataset: Dataset) -> DatasetVersion:
    version = DatasetVersion.objects.filter(dataset=dataset).order_by("-number").first()
    if version is None:
        raise DomainError(_("This dataset has no version yet: upload data first."))
    return version


def _require_owner(actor: Any, dataset: Dataset) -> None:
    if not is_owner(actor, dataset):
        raise NotAllowed(_("Only members of the owning organisation may edit the schema."))


def _field_names(schema: dict[str, Any]) -> list[str]:
    return [str(f.get("name")) for f in schema.get("fields", []) if isinstance(f, dict)]


def _check_usable(schema: dict[str, Any], base: DatasetVersion) -> None:
    check_schema_structure(schema, SchemaLimits.from_settings())
    try:
        parse_schema(schema)
    except SchemaError as exc:
        raise DomainError(
            _("The schema cannot be used: %(problems)s.")
            % {"problems": schema_problems_text(exc.problems)}
        ) from exc
    if _field_names(schema) != _field_names(base.schema):
        raise DomainError(
            _(
                "The fields must stay those of the data, in its order (%(names)s): a schema "
                "edit changes how columns are read, not which columns there are."
            )
            % {"names": ", ".join(_field_names(base.schema))}
        )


def _types(schema: dict[str, Any]) -> list[str]:
    return [str(f.get("type") or "string") for f in schema.get("fields", [])]


def _as_text(column: str, duck_type: str) -> str:
    """A typed column's values written as a file would hold them (ISO dates and times)."""
    text = f"CAST({column} AS VARCHAR)"
    if duck_type.startswith("TIMESTAMP"):
        return f"replace({text}, ' ', 'T')"
    return text


def _text_where_retyped(
    parquet: Path, base: DatasetVersion, schema: dict[str, Any], work: Path
) -> Path:
    """The stored Parquet with the columns whose type the edit changes turned back into text.

    The stored columns are typed by the old schema, and a typed cell only validates as its
    own type (an integer cell is not a string, as in frictionless): to read a column as
    another type, validation must see its values as text, the way they arrived.
    """
    import duckdb

    from datacollab.datasets.validation.sql import ident, lit

    changed = [old != new for old, new in zip(_types(base.schema), _types(schema), strict=True)]
    if not any(changed):
        return parquet
    limits = Limits.from_settings()
    work.mkdir(parents=True, exist_ok=True)
    target = work / f"v{base.number}-text.parquet"
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": f"{limits.duckdb_memory_mb}MB",
        "threads": limits.threads,
        "temp_directory": str(work / "spill"),
    }
    with duckdb.connect(":memory:", config=config) as con:
        scan = f"read_parquet({lit(str(parquet))})"
        described = con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()  # noqa: S608
        columns = [
            _as_text(ident(str(row[0])), str(row[1])) + f" AS {ident(str(row[0]))}"
            if retyped
            else ident(str(row[0]))
            for row, retyped in zip(described, changed, strict=True)
        ]
        select = f"SELECT {', '.join(columns)} FROM {scan}"  # noqa: S608 - names quoted
        con.execute(f"COPY ({select}) TO {lit(str(target))} (FORMAT parquet, COMPRESSION zstd)")
    return target


@contextlib.contextmanager
def _worker_run(base: DatasetVersion, schema: dict[str, Any]) -> Iterator[Outcome]:
    """Validate (and, if valid, retype) the stored data under `schema` in the ingest worker."""
    work = Path(settings.DATASETS_UPLOAD_DIR) / "work" / f"schema-{base.pk}-{uuid.uuid4().hex[:8]}"
    try:
        with local_copy(base) as parquet:
            source = _text_where_retyped(parquet, base, schema, work / "source")
            yield run_worker(
                source=source,
                name=f"v{base.number}.parquet",
                work_dir=work / "worker",
                limits=Limits.from_settings(),
                schema=schema,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_schema_edit(*, actor: Any, dataset: Dataset, schema: dict[str, Any]) -> SchemaCheck:
    """Validate the latest version's stored data against an edited schema; changes nothing."""
    _require_owner(actor, dataset)
    base = latest_version(dataset)
    _check_usable(schema, base)
    with _worker_run(base, schema) as outcome:
        refused = outcome.status == "refused"
        refusal = refusal_message(outcome.refusal or {}) if refused else ""
        return SchemaCheck(
            base=base,
            schema=schema,
            valid=outcome.status == "valid",
            report=outcome.report or {},
            refusal=refusal or "",
            changes=diff_schemas(base.schema, schema),
        )


def publish_schema_edit(
    *, actor: Any, dataset: Dataset, base_number: int, schema: dict[str, Any]
) -> DatasetVersion:
    """Publish the latest version's data under `schema` as the next version.

    `base_number` is the version the owner edited: if a newer one was published since, the
    edit is refused rather than applied to data the owner has not seen.
    """
    _require_owner(actor, dataset)
    base = latest_version(dataset)
    if base.number != base_number:
        raise Conflict(
            _(
                "Version %(new)s was published after you started editing version %(old)s: "
                "open the schema editor again to edit the latest version."
            )
            % {"new": base.number, "old": base_number}
        )
    _check_usable(schema, base)
    if schema == base.schema:
        raise DomainError(_("The schema is unchanged: there is nothing to publish."))
    with _worker_run(base, schema) as outcome:
        if outcome.status == "refused":
            raise DomainError(refusal_message(outcome.refusal or {}))
        if outcome.status != "valid" or outcome.parquet is None:
            errors = (outcome.report or {}).get("stats", {}).get("errors", 0)
            raise DomainError(
                ngettext(
                    "The stored data does not meet the edited schema (%(n)s error): nothing "
                    "was published. Check the schema to see the error, then relax it.",
                    "The stored data does not meet the edited schema (%(n)s errors): nothing "
                    "was published. Check the schema to see the errors, then relax it.",
                    errors,
                )
                % {"n": errors}
            )
        with transaction.atomic():
            # Serialise with publishers of this dataset, then make sure nothing came between.
            Dataset.objects.select_for_update().only("pk").get(pk=dataset.pk)
            if latest_version(dataset).number != base.number:
                raise Conflict(
                    _("Another version was published meanwhile: open the schema editor again.")
                )
            version = publish_parquet(
                actor=actor,
                dataset=dataset,
                parquet=outcome.parquet,
                schema=schema,
                report=outcome.report or {},
                source_name=base.source_name,
                source_format=base.source_format,
                detected={**(base.detected or {}), "schema_edited_from": base.number},
            )
            audit.record(
                action="dataset.schema_edited",
                actor=actor,
                obj=dataset,
                details={
                    "from_version": base.number,
                    "version": version.number,
                    "changes": diff_schemas(base.schema, schema),
                },
            )
    return version
