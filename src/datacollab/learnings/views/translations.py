"""A learning's versions in the network's other languages: its author and conveners write them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from datacollab.core.content_language import language_codes, language_name, translation_values
from datacollab.core.errors import DomainError, NotAllowed
from datacollab.learnings import rules, selectors
from datacollab.learnings.forms import LearningTranslationForm
from datacollab.learnings.services.translations import translate_learning


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def learning_translation(request: HttpRequest, learning_slug: str, language: str) -> HttpResponse:
    learning = selectors.learning_for(request.user, learning_slug)
    if not rules.may_edit_learning(request.user, learning):
        raise NotAllowed(_("Only its author and conveners can translate this learning."))
    if language == learning.language or language not in language_codes():
        raise Http404(_("This learning cannot be translated into “%(code)s”.") % {"code": language})
    form = LearningTranslationForm(
        request.POST if request.method == "POST" else None,
        original=learning,
        initial=translation_values(learning, language, learning.translatable),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                translate_learning(
                    actor=request.user,
                    learning=learning,
                    language=language,
                    texts=form.cleaned_data,
                )
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(
                    request,
                    _("The %(language)s version is saved.") % {"language": language_name(language)},
                )
                return redirect("learning-detail", learning_slug=learning.slug)
    return render(
        request,
        "learnings/learning_translation.html",
        {
            "learning": learning,
            "form": form,
            "language": language,
            "language_name": language_name(language),
            "original": language_name(learning.language),
        },
        status=status,
    )


urlpatterns = [
    path(
        "learnings/<slug:learning_slug>/translations/<str:language>/",
        learning_translation,
        name="learning-translation",
    ),
]
