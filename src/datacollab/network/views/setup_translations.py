"""Convener set-up: the call's texts in the site's other languages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from datacollab.core.content_language import language_name
from datacollab.core.errors import DomainError
from datacollab.network.forms.translations import CallTranslationForm
from datacollab.network.selectors import setup as setup_selectors
from datacollab.network.selectors import translations as selectors
from datacollab.network.services.call_translations import translate_call


@login_required
@require_GET
def call_translations(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = setup_selectors.call_for_setup(actor=request.user, slug=call_slug)
    return render(
        request,
        "network/setup/translations.html",
        {
            "call": call,
            "original": language_name(call.language),
            "rows": selectors.translation_rows(call),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_translation_edit(request: HttpRequest, call_slug: str, language: str) -> HttpResponse:
    call = setup_selectors.call_for_setup(actor=request.user, slug=call_slug)
    language = selectors.translation_language(call, language)
    questions, criteria = selectors.call_parts(call)
    form = CallTranslationForm(
        request.POST or None,
        call=call,
        language=language,
        questions=questions,
        criteria=criteria,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                translate_call(
                    actor=request.user, call=call, language=language, **form.service_kwargs()
                )
            except DomainError as exc:
                status = exc.show_on(form)
            else:
                messages.success(
                    request,
                    _("The %(language)s version is saved.") % {"language": language_name(language)},
                )
                return redirect("setup-call-translations", call_slug=call.slug)
    return render(
        request,
        "network/setup/translation_form.html",
        {
            "call": call,
            "form": form,
            "language": language,
            "language_name": language_name(language),
            "original": language_name(call.language),
        },
        status=status,
    )


urlpatterns = [
    path(
        "convener/setup/calls/<slug:call_slug>/translations/",
        call_translations,
        name="setup-call-translations",
    ),
    path(
        "convener/setup/calls/<slug:call_slug>/translations/<str:language>/",
        call_translation_edit,
        name="setup-call-translation",
    ),
]
