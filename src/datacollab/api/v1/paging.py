"""Paging shared by the v1 lists: `limit` and `offset` in the query string, a `next` link."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from datacollab.datasets.api import _int_param, _next

LIMIT = 50
MAX_LIMIT = 100
MAX_OFFSET = 2_147_483_647

M = TypeVar("M", bound=Model)


def _whole(low: int, high: int, default: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high, "default": default}


PARAMETERS = [
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": _whole(1, MAX_LIMIT, LIMIT),
        "description": "How many results, at most.",
    },
    {
        "name": "offset",
        "in": "query",
        "required": False,
        "schema": _whole(0, MAX_OFFSET, 0),
        "description": "How many results to skip.",
    },
]


def page(request: HttpRequest, rows: QuerySet[M]) -> tuple[dict[str, Any], list[M]]:
    """The envelope (count, limit, offset, next) and the objects of one page.

    Raises QueryError (400 naming the parameter) for a limit or offset out of range.
    """
    limit = _int_param(request, "limit", LIMIT, 1, MAX_LIMIT)
    offset = _int_param(request, "offset", 0, 0, MAX_OFFSET)
    total = rows.count()
    objects = list(rows[offset : offset + limit])
    envelope = {
        "count": total,
        "limit": limit,
        "offset": offset,
        "next": _next(request, offset, limit, total),
    }
    return envelope, objects
