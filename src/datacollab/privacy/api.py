"""Aggregate queries over the JSON API, mounted at /api/v1/privacy/ by api/api.py.

GET describes what may be asked of a dataset (dimensions, measures with bounds, the
protections, the caller's budget left); POST runs a query through `run_aggregate_query`,
the same service as the page and the command. Refusals are the API's usual JSON errors.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from datacollab.datasets.api import ErrorOut
from datacollab.privacy import examples, selectors, services
from datacollab.privacy.messages import QueryRefused

router = Router(tags=["aggregates"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class DimensionIn(Schema):
    column: str
    bucket: str | None = None
    bin: float | None = None


class MeasureIn(Schema):
    function: str  # count, sum, mean or quantile
    column: str | None = None
    q: float | None = None  # quantile only, strictly between 0 and 1: 0.5 the median


class FilterIn(Schema):
    column: str
    op: str
    values: list[str | int | float | bool]


class QueryIn(Schema):
    dimensions: list[DimensionIn]
    measures: list[MeasureIn]
    filters: list[FilterIn] = []


class CellOut(Schema):
    key: list[Any]
    values: dict[str, float | int | None] | None
    suppressed: str | None


class ResultOut(Schema):
    release: int
    dimensions: list[str]
    measures: list[str]
    cells: list[CellOut]
    cells_released: int
    epsilon: float
    delta: float
    epsilon_spent_now: float
    budget_left: float | None
    protections: dict[str, Any]


class InfoOut(Schema):
    dataset: str
    queryable: bool
    dimensions: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    protections: dict[str, Any]
    budget_left: float | None


def _describe(dataset: Any, queryable: bool, user: Any) -> dict[str, Any]:
    settings = selectors.protection_of(dataset)
    if settings is None or not queryable:
        return {
            "dataset": dataset.slug,
            "queryable": False,
            "dimensions": [],
            "measures": [],
            "protections": {},
            "budget_left": None,
        }
    version = dataset.versions.order_by("-number").first()
    types = {
        f["name"]: f.get("type", "string")
        for f in (version.schema if version else {}).get("fields", [])
    }
    return {
        "dataset": dataset.slug,
        "queryable": True,
        "dimensions": [{"column": d, "type": types.get(d, "")} for d in settings.dimensions],
        "measures": list(settings.measures),
        "protections": services.describe_protection(settings),
        "budget_left": services.budget_left(actor=user, dataset=dataset),
    }


@router.get(
    "/datasets/{slug}/aggregate",
    response={200: InfoOut, **ERRORS},
    url_name="aggregate",
    summary="What may be asked of a dataset as aggregates",
)
def aggregate_info(request: HttpRequest, slug: str) -> Any:
    dataset, queryable = selectors.dataset_for_aggregates(request.user, slug)
    return _describe(dataset, queryable, request.user)


@router.post(
    "/datasets/{slug}/aggregate",
    response={200: ResultOut, **ERRORS},
    url_name="aggregate",
    summary="Run a protected aggregate query",
)
def aggregate_run(request: HttpRequest, slug: str, query: QueryIn) -> Any:
    """Cells with values, or suppressed with the rule; epsilon spent and budget left.

    An identical query (same version, query and protections) returns the stored answer and
    spends nothing. An exhausted budget is a 409 that says when it renews; a query the
    protections cannot answer as written (an unknown name, a quantile's q outside (0, 1), a
    quantile of a column without bounds) a 422 that says why.
    """
    if not request.user.is_authenticated:
        raise selectors.LoginRequired(_("Log in or send an API token to run aggregate queries."))
    dataset, _queryable = selectors.dataset_for_aggregates(request.user, slug)
    try:
        answer = services.run_aggregate_query(
            actor=request.user, dataset=dataset, query=query.dict(exclude_none=True)
        )
    except QueryRefused as exc:
        return invalid_query(exc)
    return answer_body(answer)


def invalid_query(exc: QueryRefused) -> HttpResponse:
    """A query the protections cannot answer as written (an unknown name, a q out of
    range): the API's 422 shape for invalid input, with our readable message."""
    body = {
        "error": "invalid_input",
        "message": exc.message,
        "detail": [{"type": "query_refused", "loc": ["body", "query"], "msg": exc.message}],
    }
    return JsonResponse(body, status=422)


class ExampleOut(Schema):
    id: int
    title: str
    description: str
    query: dict[str, Any]


@router.get(
    "/datasets/{slug}/examples",
    response={200: list[ExampleOut], **ERRORS},
    url_name="aggregate-examples",
    summary="The dataset's saved example queries",
)
def aggregate_examples(request: HttpRequest, slug: str) -> Any:
    """Named queries the owner saved; POST one's `query` to the aggregate endpoint to run it.

    Empty for people who may see the dataset but not query it, like `queryable` above.
    """
    dataset, queryable = selectors.dataset_for_aggregates(request.user, slug)
    if not queryable:
        return []
    return [
        {"id": e.pk, "title": e.title, "description": e.description, "query": e.query}
        for e in examples.example_queries(dataset)
    ]


def answer_body(answer: services.Answer) -> dict[str, Any]:
    result = answer.result.to_dict()
    return {
        "release": answer.release.pk,
        **result,
        "cells_released": answer.result.released,
        "epsilon_spent_now": answer.spent,
        "budget_left": answer.budget_left,
    }
