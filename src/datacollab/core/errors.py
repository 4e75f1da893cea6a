"""Domain errors: raised by services with a message a user can read, turned into 4xx by views."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused request. `status` is the HTTP status a view should answer with."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def show_on(self, form: Any) -> int:
        """Put the message on the form (on its field when the form has one); give the status."""
        form.add_error(self.field if self.field in form.fields else None, self.message)
        return self.status


class NotAllowed(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409
