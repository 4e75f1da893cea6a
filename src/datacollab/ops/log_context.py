"""What a log line is about: the request or the task being handled, kept in context variables
so every record made meanwhile, in any module, carries it (the filter in log_format.py)."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.utils.functional import empty


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    method: str
    path: str
    request: Any  # the HttpRequest, read only for its user once authentication has run


current_request: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "datacollab_request", default=None
)
current_task_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "datacollab_task_id", default=None
)


@contextmanager
def handling_request(context: RequestContext) -> Iterator[None]:
    token = current_request.set(context)
    try:
        yield
    finally:
        current_request.reset(token)


def user_id_of(request: Any) -> int | None:
    """The id of the request's user if authentication has already run; never its e-mail, and
    never a query made from inside a logging call."""
    user = getattr(request, "__dict__", {}).get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return getattr(wrapped, "pk", None)


def _task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    current_task_id.set(str(task_result.id))


def _task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    current_task_id.set(None)


def connect_task_signals() -> None:
    from django_tasks.signals import task_finished, task_started

    task_started.connect(_task_started, dispatch_uid="datacollab.ops.task_started")
    task_finished.connect(_task_finished, dispatch_uid="datacollab.ops.task_finished")
