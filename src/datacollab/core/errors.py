"""Domain errors: raised by services with a message a user can read, turned into 4xx by views."""

from __future__ import annotations


class DomainError(Exception):
    """A refused request. `status` is the HTTP status a view should answer with."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409
