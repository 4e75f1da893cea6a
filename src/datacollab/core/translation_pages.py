"""The pages that edit a text's version in another language (a call's, a learning's, a
report's) share one shape: GET shows the form; POST checks it, calls the app's service,
and either says "The Spanish version is saved." and goes back, or shows the service's
refusal on the form (400). Each view keeps what differs: who may open it, the form,
the service, where to go next.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.core.content_language import language_codes, language_name
from datacollab.core.errors import DomainError

F = TypeVar("F", bound=forms.Form)

OUTDATED = gettext_lazy("The original changed after this translation was written.")


def require_translatable_into(language: str, *, original: str, refusal: str) -> str:
    """`language` if a version of a text written in `original` can be given in it; else a 404
    saying `refusal` (the page for the original's own language does not exist)."""
    if language == original or language not in language_codes():
        raise Http404(refusal)
    return language


def translation_page(
    request: HttpRequest,
    *,
    form: F,
    save: Callable[[F], object],
    language: str,
    original: str,
    template: str,
    success_url: str,
    context: Mapping[str, Any],
    outdated: Sequence[str] = (),
) -> HttpResponse:
    """Render or handle the form; `save(form)` calls the service with the cleaned form.

    `outdated` names the form's fields whose translation was written before the original
    last changed: each says so, and the page says it once above the form."""
    for name in outdated:
        field = form.fields[name]
        field.help_text = format_html("{} <strong>{}</strong>", field.help_text, OUTDATED)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                save(form)
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(
                    request,
                    _("The %(language)s version is saved.") % {"language": language_name(language)},
                )
                return redirect(success_url)
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "language": language,
            "language_name": language_name(language),
            "original": language_name(original),
            "outdated": bool(outdated),
        },
        status=status,
    )
