"""A learning's versions in the network's other languages: its author and conveners write them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from datacollab.core.content_language import outdated_fields, translation_values
from datacollab.core.errors import NotAllowed
from datacollab.core.translation_pages import require_translatable_into, translation_page
from datacollab.learnings import rules, selectors
from datacollab.learnings.forms import LearningTranslationForm
from datacollab.learnings.services.translations import translate_learning


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def learning_translation(request: HttpRequest, learning_slug: str, language: str) -> HttpResponse:
    learning = selectors.learning_for(request.user, learning_slug)
    if not rules.may_edit_learning(request.user, learning):
        raise NotAllowed(_("Only its author and conveners can translate this learning."))
    language = require_translatable_into(
        language,
        original=learning.language,
        refusal=_("This learning cannot be translated into “%(code)s”.") % {"code": language},
    )
    form = LearningTranslationForm(
        request.POST if request.method == "POST" else None,
        original=learning,
        initial=translation_values(learning, language, learning.translatable),
    )
    return translation_page(
        request,
        form=form,
        save=lambda form: translate_learning(
            actor=request.user, learning=learning, language=language, texts=form.cleaned_data
        ),
        language=language,
        original=learning.language,
        template="learnings/learning_translation.html",
        success_url=reverse("learning-detail", kwargs={"learning_slug": learning.slug}),
        outdated=outdated_fields(learning, language),
        context={"learning": learning},
    )


urlpatterns = [
    path(
        "learnings/<slug:learning_slug>/translations/<str:language>/",
        learning_translation,
        name="learning-translation",
    ),
]
