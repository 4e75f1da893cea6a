"""The POST answer that form pages calling one service share.

A valid form runs the service; a refusal (`DomainError`) is shown on the form with its 4xx,
an invalid form is a 400, and success flashes a message and redirects. Views keep their GET
half and their page: this only stops the same dozen lines being written again (and drifting
apart) in every view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from datacollab.core.errors import DomainError

T = TypeVar("T")


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    act: Callable[[], T],
    *,
    done: str | None,
    then: Callable[[T], HttpResponse],
    page: Callable[[int], HttpResponse],
) -> HttpResponse:
    """Run `act` (the service call) once `form` is valid, then flash `done` (unless None: the
    page it leads to says it) and answer `then(what act returned)` (a redirect); otherwise
    `page(status)`, the form with its errors."""
    if not form.is_valid():
        return page(400)
    try:
        made = act()
    except DomainError as error:
        return page(error.show_on(form))
    if done is not None:
        messages.success(request, done)
    return then(made)
