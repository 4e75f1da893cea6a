"""Convener set-up: the call's texts in the site's other languages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from datacollab.core.content_language import language_name
from datacollab.core.translation_pages import translation_page
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
    return translation_page(
        request,
        form=form,
        save=lambda form: translate_call(
            actor=request.user, call=call, language=language, **form.service_kwargs()
        ),
        language=language,
        original=call.language,
        template="network/setup/translation_form.html",
        success_url=reverse("setup-call-translations", kwargs={"call_slug": call.slug}),
        outdated=form.outdated,
        context={"call": call},
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
