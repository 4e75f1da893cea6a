"""Convener set-up: the network's own texts and each cohort's in the site's other languages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from datacollab.core.translation_pages import translation_page
from datacollab.network.forms.network_translations import TextsTranslationForm
from datacollab.network.selectors import network_translations as selectors
from datacollab.network.selectors.setup import cohort_for_convener
from datacollab.network.services.network_translations import translate_cohort, translate_network


@login_required
@require_GET
def texts_translations(request: HttpRequest) -> HttpResponse:
    network, cohorts = selectors.translation_overview(actor=request.user)
    return render(
        request,
        "network/setup/texts_translations.html",
        {"network": network, "cohorts": cohorts},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def network_translation(request: HttpRequest, language: str) -> HttpResponse:
    network = selectors.network_for_translation(actor=request.user)
    language = selectors.language_for(network, language)
    form = TextsTranslationForm(
        request.POST if request.method == "POST" else None, original=network, language=language
    )
    return translation_page(
        request,
        form=form,
        save=lambda form: translate_network(
            actor=request.user, network=network, language=language, texts=form.texts()
        ),
        language=language,
        original=network.language,
        template="network/setup/texts_translation_form.html",
        success_url=reverse("setup-texts-translations"),
        outdated=form.outdated,
        context={"thing": network, "title": network.name},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cohort_translation(request: HttpRequest, cohort_slug: str, language: str) -> HttpResponse:
    cohort = cohort_for_convener(actor=request.user, slug=cohort_slug)
    language = selectors.language_for(cohort, language)
    form = TextsTranslationForm(
        request.POST if request.method == "POST" else None, original=cohort, language=language
    )
    return translation_page(
        request,
        form=form,
        save=lambda form: translate_cohort(
            actor=request.user, cohort=cohort, language=language, texts=form.texts()
        ),
        language=language,
        original=cohort.language,
        template="network/setup/texts_translation_form.html",
        success_url=reverse("setup-texts-translations"),
        outdated=form.outdated,
        context={"thing": cohort, "title": cohort.name},
    )


urlpatterns = [
    path("convener/setup/translations/", texts_translations, name="setup-texts-translations"),
    path(
        "convener/setup/translations/network/<str:language>/",
        network_translation,
        name="setup-network-translation",
    ),
    path(
        "convener/setup/translations/cohorts/<slug:cohort_slug>/<str:language>/",
        cohort_translation,
        name="setup-cohort-translation",
    ),
]
