"""core/form_views.submit: the POST answer of a form page that calls one service."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from datacollab.core.errors import Conflict
from datacollab.core.form_views import submit


class NameForm(forms.Form):
    name = forms.CharField()


def _request() -> HttpRequest:
    request = RequestFactory().post("/")
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _page(status: int) -> HttpResponse:
    return HttpResponse("page", status=status)


def test_submit_with_an_invalid_form_renders_400_without_acting():
    acted: list[str] = []

    response = submit(
        _request(),
        NameForm({}),
        lambda: acted.append("acted"),
        done="Done.",
        then=lambda _made: HttpResponse(status=302),
        page=_page,
    )

    assert (response.status_code, acted) == (400, [])


def test_submit_with_a_refusal_shows_it_on_the_field_with_its_status():
    form = NameForm({"name": "Ada"})

    def refuse() -> None:
        raise Conflict("Taken.", field="name")

    response = submit(
        _request(), form, refuse, done="Done.", then=lambda _made: HttpResponse(), page=_page
    )

    assert (response.status_code, form.errors) == (409, {"name": ["Taken."]})


def test_submit_when_the_service_succeeds_flashes_and_answers_with_what_it_made():
    request = _request()

    response = submit(
        request,
        NameForm({"name": "Ada"}),
        lambda: "made-slug",
        done="Done.",
        then=lambda made: HttpResponse(made, status=302),
        page=_page,
    )

    assert (response.status_code, response.content) == (302, b"made-slug")
    assert [str(m) for m in get_messages(request)] == ["Done."]
