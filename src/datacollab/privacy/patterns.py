"""The lattice pattern of a dataset version, shared by every process through the database.

Without noise every query of a dataset reads one suppression pattern (`engine/lattice.py`).
Computing it scans the version's file and runs secondary suppression over the whole
lattice, so it is computed once and stored (`LatticePattern`, keyed by the version and a
hash of the protections it depends on); each process keeps a few in memory in front of the
table. The engine stays pure: it computes a pattern or answers from one handed to it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from datacollab.datasets.models import DatasetVersion
from datacollab.datasets.storage import local_copy
from datacollab.privacy.engine import (
    AggregateQuery,
    AggregateResult,
    Protection,
    TableSpec,
    lattice,
    pattern_json,
)
from datacollab.privacy.models import LatticePattern


def version_key(version: DatasetVersion) -> str:
    return f"{version.pk}:{version.checksum}"


def answer_from_lattice(
    *, version: DatasetVersion, table: TableSpec, protection: Protection, query: AggregateQuery
) -> AggregateResult:
    """Check the query against the lattice, then read its cells off the stored pattern."""
    protection.check(table)
    lattice.validate(table, protection)
    query.validate(table, protection)
    lattice.check_query(query, protection)
    pattern = lattice_pattern(version=version, table=table, protection=protection)
    return lattice.answer(pattern, query, protection)


def lattice_pattern(
    *, version: DatasetVersion, table: TableSpec, protection: Protection
) -> lattice.Pattern:
    """This process's copy, else the stored one, else computed now and stored."""
    key = version_key(version)
    pattern = lattice.cached(key, protection)
    if pattern is not None:
        return pattern
    protection_key = lattice.protection_key(protection)
    row = LatticePattern.objects.filter(version=version, protection_key=protection_key).first()
    pattern = pattern_json.from_data(row.pattern, protection) if row is not None else None
    if pattern is None:
        with local_copy(version) as path:
            pattern = lattice.compute_pattern(path, table, protection)
        store_pattern(version=version, protection_key=protection_key, pattern=pattern)
    lattice.remember(key, protection, pattern)
    return pattern


def store_pattern(
    *, version: DatasetVersion, protection_key: str, pattern: lattice.Pattern
) -> None:
    """Store a computed pattern; if another process stored it first, theirs is the same."""
    data = pattern_json.to_data(pattern)
    try:
        with transaction.atomic():
            LatticePattern.objects.update_or_create(
                version=version, protection_key=protection_key, defaults={"pattern": data}
            )
    except IntegrityError:
        pass  # the same version and settings give the same pattern


def forget_patterns(*, version_ids: list[int]) -> int:
    """Delete stored patterns of these versions (their protections changed)."""
    deleted, _by_model = LatticePattern.objects.filter(version_id__in=version_ids).delete()
    return deleted
