"""Saved example queries: the owner names queries people with aggregate access start from.

Writes (save, delete) check that the actor owns the dataset and are audited; a query is
saved only if the dataset's protections can answer it (the same checks as running it,
the lattice's included), so every example on the page can be run.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.datasets.models import Dataset
from datacollab.privacy import rules
from datacollab.privacy.engine import AggregateQuery, QueryProblem, TableSpec, lattice
from datacollab.privacy.messages import QueryRefused, problem_text
from datacollab.privacy.models import ExampleQuery, ProtectionSettings, Release


def example_queries(dataset: Dataset) -> QuerySet[ExampleQuery]:
    return ExampleQuery.objects.filter(dataset=dataset).order_by("title", "id")


def answerable(dataset: Dataset, query: dict[str, Any]) -> AggregateQuery:
    """The parsed query if the dataset's protections can answer it; a DomainError if not."""
    from datacollab.privacy.services import engine_protection

    settings = ProtectionSettings.objects.filter(dataset=dataset).first()
    version = dataset.versions.order_by("-number").first()
    if settings is None or version is None:
        raise DomainError(_("Set the dataset's protections before saving example queries."))
    try:
        parsed = AggregateQuery.from_dict(query)
        table = TableSpec.from_table_schema(version.schema)
        protection = engine_protection(settings)
        protection.check(table)
        parsed.validate(table, protection)
        if protection.unit is None:
            lattice.check_query(parsed, protection)
    except QueryProblem as problem:
        raise QueryRefused(problem_text(problem)) from None
    return parsed


@transaction.atomic
def save_example_query(
    *, actor: Any, dataset: Dataset, title: str, description: str = "", query: dict[str, Any]
) -> ExampleQuery:
    if not rules.can_manage_protection(actor, dataset):
        raise NotAllowed(_("Only the dataset's owner saves example queries."))
    title = title.strip()
    if not title:
        raise DomainError(_("Give the example a title."), field="title")
    parsed = answerable(dataset, query)
    try:
        with transaction.atomic():
            example = ExampleQuery.objects.create(
                dataset=dataset,
                title=title[:200],
                description=description.strip(),
                query=parsed.to_dict(),
                created_by=actor,
            )
    except IntegrityError:
        raise Conflict(
            _("This dataset already has an example called “%(title)s”.") % {"title": title},
            field="title",
        ) from None
    audit.record(
        action="privacy.example.saved",
        actor=actor,
        obj=dataset,
        details={"example": example.pk, "title": example.title, "query": example.query},
    )
    return example


def save_example_from_release(
    *, actor: Any, dataset: Dataset, release_id: int, title: str, description: str = ""
) -> ExampleQuery:
    """The page's form under a result: save the query that produced it."""
    release = Release.objects.filter(dataset=dataset, pk=release_id).first()
    if release is None:
        raise NotFound(_("There is no such result on this dataset."))
    return save_example_query(
        actor=actor, dataset=dataset, title=title, description=description, query=release.query
    )


@transaction.atomic
def delete_example_query(*, actor: Any, dataset: Dataset, example_id: int) -> None:
    if not rules.can_manage_protection(actor, dataset):
        raise NotAllowed(_("Only the dataset's owner removes example queries."))
    example = ExampleQuery.objects.filter(dataset=dataset, pk=example_id).first()
    if example is None:
        raise NotFound(_("There is no such example query on this dataset."))
    details = {"example": example.pk, "title": example.title}
    example.delete()
    audit.record(action="privacy.example.deleted", actor=actor, obj=dataset, details=details)


def example_of(dataset: Dataset, example_id: Any) -> ExampleQuery:
    try:
        pk = int(example_id)
    except (TypeError, ValueError):
        raise NotFound(_("There is no such example query on this dataset.")) from None
    example = ExampleQuery.objects.filter(dataset=dataset, pk=pk).first()
    if example is None:
        raise NotFound(_("There is no such example query on this dataset."))
    return example
