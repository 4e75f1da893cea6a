"""Why a query or a protection setting is refused, as a code and parameters (no prose here)."""

from __future__ import annotations

from typing import Any


class QueryProblem(Exception):
    """A refused query. `code` names the problem; `params` fill in its message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params
