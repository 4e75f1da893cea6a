"""A refusal raised inside the worker: a code plus parameters, worded by `messages` in the parent.

The child process does not load translations; the parent words the refusal in the language of
whoever reads it.
"""

from __future__ import annotations

from typing import Any


class Refusal(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params}
