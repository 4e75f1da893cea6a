"""Convener set-up: the network's own texts and each cohort's in the site's other languages.

One view serves both addresses: the network and a cohort differ only in which object the
address names (the selector) and its fields (the form and the service read `translatable`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from datacollab.core.translation_pages import translation_page
from datacollab.network.forms.network_translations import TextsTranslationForm
from datacollab.network.selectors import network_translations as selectors
from datacollab.network.services.network_translations import translate_texts


@login_required
@require_GET
def texts_translations(request: HttpRequest) -> HttpResponse:
    network, cohorts = selectors.translation_overview(actor=request.user)
    return render(
        request,
        "network/setup/texts_translations.html",
        {"network": network, "cohorts": cohorts, "no_network_yet": selectors.NO_NETWORK_YET},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def texts_translation(
    request: HttpRequest, language: str, cohort_slug: str | None = None
) -> HttpResponse:
    thing = selectors.texts_for_translation(actor=request.user, cohort_slug=cohort_slug)
    language = selectors.language_for(thing, language)
    form = TextsTranslationForm(
        request.POST if request.method == "POST" else None, original=thing, language=language
    )
    return translation_page(
        request,
        form=form,
        save=lambda form: translate_texts(
            actor=request.user, thing=thing, language=language, texts=form.texts()
        ),
        language=language,
        original=thing.language,
        template="network/setup/texts_translation_form.html",
        success_url=reverse("setup-texts-translations"),
        outdated=form.outdated,
        context={"thing": thing, "title": thing.name},
    )


urlpatterns = [
    path("convener/setup/translations/", texts_translations, name="setup-texts-translations"),
    path(
        "convener/setup/translations/network/<str:language>/",
        texts_translation,
        name="setup-network-translation",
    ),
    path(
        "convener/setup/translations/cohorts/<slug:cohort_slug>/<str:language>/",
        texts_translation,
        name="setup-cohort-translation",
    ),
]
