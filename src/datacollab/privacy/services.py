"""Every write of the privacy app: protection settings, grants, and running a query.

`run_aggregate_query` is the one way an aggregate answer leaves the system: permission,
validation, the engine, then, in one transaction, the budget accounts locked, the debit
appended to the ledger and the audit entry, before the answer is returned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.dataplane import location
from datacollab.dataplane.engine import SPARK, engine_for
from datacollab.datasets.models import Dataset, DatasetVersion
from datacollab.datasets.storage import local_copy
from datacollab.impact.services import counters
from datacollab.organisations.models import Membership, Organisation
from datacollab.privacy import patterns, rules
from datacollab.privacy.engine import (
    AggregateQuery,
    AggregateResult,
    MeasureBounds,
    Protection,
    QueryProblem,
    TableSpec,
    lattice,
    quantile,
    run_query,
)
from datacollab.privacy.engine import utility as utility_engine
from datacollab.privacy.engine.utility import Utility
from datacollab.privacy.messages import QueryRefused, problem_text
from datacollab.privacy.models import (
    AggregateGrant,
    BudgetAccount,
    LedgerEntry,
    ProtectionSettings,
    Release,
)

EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class Answer:
    release: Release
    result: AggregateResult
    spent: float  # epsilon debited by this call: 0 for a repeated query
    budget_left: float | None  # the person's, after this call; None without DP


def engine_protection(settings: ProtectionSettings) -> Protection:
    return Protection(
        contributor=settings.contributor,
        dimensions=tuple(settings.dimensions),
        measures=tuple(
            MeasureBounds(str(m["column"]), float(m["lower"]), float(m["upper"]))
            for m in settings.measures
        ),
        k=settings.k,
        dominance_n=settings.dominance_n,
        dominance_share=settings.dominance_share,
        min_rows=settings.min_rows,
        rounding=settings.rounding,
        unit=settings.unit or None,
        epsilon=settings.epsilon,
        delta=settings.delta,
        max_cells_per_unit=settings.max_cells_per_unit,
        max_rows_per_cell=settings.max_rows_per_cell,
        public_dimensions=settings.public_dimensions,
        lattice=tuple(
            (str(d["column"]), d.get("bucket") or None, _bin(d.get("bin")))
            for d in settings.lattice or []
        ),
    )


def _bin(value: Any) -> float | None:
    return None if value is None else float(value)


def _latest_version(dataset: Dataset) -> DatasetVersion:
    version = dataset.versions.order_by("-number").first()
    if version is None:
        raise NotFound(_("This dataset has no published version to query yet."))
    return version


def describe_protection(settings: ProtectionSettings) -> dict[str, Any]:
    protection = engine_protection(settings)
    return {
        "contributor": protection.contributor,
        "unit": protection.unit,
        "dimensions": list(protection.dimensions),
        "measures": [[m.column, m.lower, m.upper] for m in protection.measures],
        "k": protection.k,
        "dominance": [protection.dominance_n, protection.dominance_share],
        "min_rows": protection.min_rows,
        "rounding": protection.rounding,
        "epsilon": protection.epsilon if protection.unit else 0.0,
        "delta": protection.delta if protection.unit else 0.0,
        "bounds": [protection.max_cells_per_unit, protection.max_rows_per_cell],
        "public_dimensions": protection.public_dimensions,
        "lattice": [list(d) for d in protection.lattice],
    }


@transaction.atomic
def set_protection(
    *, actor: Any, dataset: Dataset, contributor: str, dimensions: list[str], **options: Any
) -> ProtectionSettings:
    """Create or change a dataset's protections; refused if they name unknown columns."""
    if not rules.can_manage_protection(actor, dataset):
        raise NotAllowed(_("Only the dataset's owner sets its protections."))
    settings, _created = ProtectionSettings.objects.get_or_create(
        dataset=dataset,
        defaults={"contributor": contributor, "dimensions": dimensions, "updated_by": actor},
    )
    settings.contributor = contributor
    settings.dimensions = list(dimensions)
    for name, value in options.items():
        if not hasattr(settings, name) or name in {"id", "dataset", "updated_by"}:
            raise DomainError(_("Unknown protection setting “%(name)s”.") % {"name": name})
        setattr(settings, name, value)
    settings.updated_by = actor
    version = dataset.versions.order_by("-number").first()
    if version is not None:
        try:
            protection = engine_protection(settings)
            table = TableSpec.from_table_schema(version.schema)
            protection.check(table)
            if protection.unit is None:
                lattice.validate(table, protection)
        except QueryProblem as problem:
            raise DomainError(problem_text(problem)) from None
    settings.save()
    # Patterns computed under the old settings are never read again (their key differs).
    patterns.forget_patterns(version_ids=list(dataset.versions.values_list("pk", flat=True)))
    audit.record(
        action="privacy.protection.set",
        actor=actor,
        obj=dataset,
        details=describe_protection(settings),
    )
    return settings


@transaction.atomic
def grant_aggregates(
    *, actor: Any, dataset: Dataset, user: Any = None, organisation: Organisation | None = None
) -> AggregateGrant:
    if not rules.can_manage_protection(actor, dataset):
        raise NotAllowed(_("Only the dataset's owner grants aggregate access."))
    if (user is None) == (organisation is None):
        raise DomainError(_("Grant to a person or to an organisation."))
    grant, _created = AggregateGrant.objects.get_or_create(
        dataset=dataset, user=user, organisation=organisation, defaults={"granted_by": actor}
    )
    audit.record(
        action="privacy.grant.aggregates",
        actor=actor,
        obj=dataset,
        details={
            "user": getattr(user, "pk", None),
            "organisation": getattr(organisation, "pk", None),
        },
    )
    return grant


@transaction.atomic
def revoke_aggregates(*, actor: Any, dataset: Dataset, grant_id: int) -> None:
    """Remove an aggregates-only grant; what it already released stays released (and spent)."""
    if not rules.can_manage_protection(actor, dataset):
        raise NotAllowed(_("Only the dataset's owner removes aggregate access."))
    grant = AggregateGrant.objects.filter(dataset=dataset, pk=grant_id).first()
    if grant is None:
        raise NotFound(_("There is no such grant on this dataset."))
    details = {"user": grant.user_id, "organisation": grant.organisation_id}
    grant.delete()
    audit.record(action="privacy.grant.revoked", actor=actor, obj=dataset, details=details)


def grant_aggregates_to(
    *, actor: Any, dataset: Dataset, email: str = "", organisation_slug: str = ""
) -> AggregateGrant:
    """The page's form: a person by email or an organisation by its slug."""
    from datacollab.organisations.models import User

    if bool(email.strip()) == bool(organisation_slug.strip()):
        raise DomainError(_("Give a person's email or an organisation, not both."))
    if email.strip():
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise DomainError(_("No one is registered with that email."), field="email")
        return grant_aggregates(actor=actor, dataset=dataset, user=user)
    organisation = Organisation.objects.filter(slug=organisation_slug.strip()).first()
    if organisation is None:
        raise DomainError(_("There is no organisation with that slug."), field="organisation")
    return grant_aggregates(actor=actor, dataset=dataset, organisation=organisation)


def period_start(settings: ProtectionSettings, today: dt.date) -> dt.date:
    days = max(1, settings.period_days)
    return EPOCH + dt.timedelta(days=((today - EPOCH).days // days) * days)


def _primary_organisation(actor: Any) -> Organisation | None:
    membership = Membership.objects.filter(user=actor).order_by("id").first()
    return membership.organisation if membership else None


def _account(
    dataset: Dataset, start: dt.date, *, user: Any = None, organisation: Any = None
) -> BudgetAccount:
    account, _created = BudgetAccount.objects.get_or_create(
        dataset=dataset, user=user, organisation=organisation, period_start=start
    )
    # The lock that makes check-then-debit safe when many requests arrive at once.
    return BudgetAccount.objects.select_for_update().get(pk=account.pk)


def spent(account: BudgetAccount) -> float:
    return float(sum(account.entries.values_list("epsilon", flat=True)))


def budget_left(*, actor: Any, dataset: Dataset) -> float | None:
    settings = ProtectionSettings.objects.filter(dataset=dataset).first()
    if settings is None or not settings.unit:
        return None
    start = period_start(settings, timezone.localdate())
    account = BudgetAccount.objects.filter(dataset=dataset, user=actor, period_start=start).first()
    used = spent(account) if account else 0.0
    return max(0.0, settings.budget_person - used)


def run_aggregate_query(
    *, actor: Any, dataset: Dataset, query: dict[str, Any] | AggregateQuery
) -> Answer:
    """Answer a protected aggregate query, debiting the budget before the answer leaves."""
    if not rules.can_query_aggregates(actor, dataset):
        raise NotAllowed(_("You may not run aggregate queries on this dataset."))
    settings = ProtectionSettings.objects.get(dataset=dataset)
    version = _latest_version(dataset)
    try:
        parsed = query if isinstance(query, AggregateQuery) else AggregateQuery.from_dict(query)
        table = TableSpec.from_table_schema(version.schema)
        protection = engine_protection(settings)
        protection.check(table)
        parsed.validate(table, protection)
    except QueryProblem as problem:
        raise QueryRefused(problem_text(problem)) from None
    payload = json.dumps(
        {
            "version": version.pk,
            "query": parsed.canonical(),
            "protection": describe_protection(settings),
        },
        sort_keys=True,
    )
    key = hashlib.sha256(payload.encode()).hexdigest()
    counters.record(dataset=dataset, kind=counters.Kind.QUERY, user=actor)
    existing = Release.objects.filter(key=key).first()
    if existing is not None:
        return _repeat(actor, dataset, settings, existing)
    # The engine answers the query without its quantiles (with its share of epsilon);
    # quantile.complete adds them to the cells it released (engine/quantile.py).
    asked, full_protection = parsed, protection
    parsed, protection = quantile.split(asked, full_protection)
    # The engine runs outside the transaction: nothing is released until the debit commits.
    on_spark = engine_for(version) == SPARK
    try:
        if protection.unit is None:
            # Without noise every query reads the dataset's one (stored) suppression pattern;
            # only quantiles need the file itself (their histograms).
            result = patterns.answer_from_lattice(
                version=version, table=table, protection=protection, query=parsed
            )
            if quantile.quantile_measures(asked) and on_spark:
                result = quantile.complete(
                    result, location.of(version), table, full_protection, asked, engine=SPARK
                )
            elif quantile.quantile_measures(asked):
                with local_copy(version) as path:
                    result = quantile.complete(result, path, table, full_protection, asked)
        elif on_spark:
            # Spark reads the stored file where it is, for the quantiles' histograms too.
            where = location.of(version)
            result = run_query(where, table, protection, parsed, engine=SPARK)
            result = quantile.complete(result, where, table, full_protection, asked, engine=SPARK)
        else:
            with local_copy(version) as path:
                result = run_query(path, table, protection, parsed)
                result = quantile.complete(result, path, table, full_protection, asked)
    except QueryProblem as problem:
        raise QueryRefused(problem_text(problem)) from None
    return _debit_and_release(actor, dataset, version, settings, asked, key, result)


@transaction.atomic
def _repeat(actor: Any, dataset: Dataset, settings: ProtectionSettings, release: Release) -> Answer:
    audit.record(
        action="privacy.query.repeated",
        actor=actor,
        obj=dataset,
        details={"release": release.pk, "key": release.key},
    )
    return Answer(
        release,
        AggregateResult.from_dict(release.result),
        0.0,
        budget_left(actor=actor, dataset=dataset),
    )


@transaction.atomic
def _debit_and_release(
    actor: Any,
    dataset: Dataset,
    version: DatasetVersion,
    settings: ProtectionSettings,
    query: AggregateQuery,
    key: str,
    result: AggregateResult,
) -> Answer:
    today = timezone.localdate()
    start = period_start(settings, today)
    renews = start + dt.timedelta(days=max(1, settings.period_days))
    cost = result.epsilon
    person = _account(dataset, start, user=actor)
    organisation = _primary_organisation(actor)
    org_account = _account(dataset, start, organisation=organisation) if organisation else None
    # Another request may have released the same answer while the engine ran.
    existing = Release.objects.filter(key=key).first()
    if existing is not None:
        return _repeat(actor, dataset, settings, existing)
    if cost > 0:
        used = spent(person)
        if used + cost > settings.budget_person + 1e-9:
            _refuse(actor, dataset, renews, used, settings.budget_person)
        if org_account is not None:
            used_org = spent(org_account)
            if used_org + cost > settings.budget_organisation + 1e-9:
                _refuse(
                    actor, dataset, renews, used_org, settings.budget_organisation, organisation
                )
    try:
        with transaction.atomic():
            release = Release.objects.create(
                dataset=dataset,
                version=version,
                key=key,
                query=query.to_dict(),
                result=result.to_dict(),
                epsilon=cost,
                delta=result.delta,
                requested_by=actor,
            )
    except IntegrityError:
        # Someone else's identical query committed first: theirs is the released answer.
        return _repeat(actor, dataset, settings, Release.objects.get(key=key))
    if cost > 0:
        LedgerEntry.objects.create(account=person, release=release, epsilon=cost, actor=actor)
        if org_account is not None:
            LedgerEntry.objects.create(
                account=org_account, release=release, epsilon=cost, actor=actor
            )
    audit.record(
        action="privacy.query.released",
        actor=actor,
        obj=dataset,
        details={
            "release": release.pk,
            "version": version.number,
            "query": query.to_dict(),
            "epsilon": cost,
            "delta": result.delta,
            "cells": len(result.cells),
            "released": result.released,
        },
    )
    left = max(0.0, settings.budget_person - spent(person)) if settings.unit else None
    return Answer(release, result, cost, left)


def _refuse(
    actor: Any,
    dataset: Dataset,
    renews: dt.date,
    used: float,
    cap: float,
    organisation: Organisation | None = None,
) -> None:
    # Two whole sentences: "spent" agrees with the subject in many languages.
    if organisation:
        sentence = _(
            "Your organisation’s privacy budget for this dataset is spent (%(used).2f of "
            "%(cap).2f epsilon); it renews on %(renews)s."
        )
    else:
        sentence = _(
            "Your privacy budget for this dataset is spent (%(used).2f of %(cap).2f epsilon); "
            "it renews on %(renews)s."
        )
    raise Conflict(sentence % {"used": used, "cap": cap, "renews": renews.isoformat()})


def utility(*, actor: Any, dataset: Dataset, answer: Answer) -> Utility:
    """The owner's view of what protection cost an answer: cells released, median error."""
    if not rules.can_manage_protection(actor, dataset):
        raise NotAllowed(_("Only the dataset's owner compares with the unprotected answer."))
    settings = ProtectionSettings.objects.get(dataset=dataset)
    version = answer.release.version
    query = AggregateQuery.from_dict(answer.release.query)
    table = TableSpec.from_table_schema(version.schema)
    with local_copy(version) as path:
        truth = utility_engine.unprotected(path, table, engine_protection(settings), query)
        _exact_quantiles(truth, path, table, engine_protection(settings), query)
    audit.record(
        action="privacy.utility.read",
        actor=actor,
        obj=dataset,
        details={"release": answer.release.pk},
    )
    return utility_engine.compare(answer.result, truth)


def _exact_quantiles(
    truth: dict[Any, dict[str, Any]],
    path: Any,
    table: TableSpec,
    protection: Protection,
    query: AggregateQuery,
) -> None:
    """The unprotected quantiles (exact, from the clamped values) beside the other measures."""
    for key, values in quantile.unprotected(path, table, protection, query).items():
        truth.setdefault(utility_engine._key(key), {}).update(values)
