"""A cohort report's title and introduction in the network's other languages (conveners)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from datacollab.core.content_language import language_codes, language_name, translation_values
from datacollab.core.errors import DomainError, NotAllowed
from datacollab.reports import rules
from datacollab.reports.selectors import report as selectors
from datacollab.reports.services.report_translations import translate_report


class ReportTranslationForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), required=False, max_length=200)
    introduction = forms.CharField(
        label=gettext_lazy("Introduction"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=gettext_lazy("Markdown. Empty: readers in this language see the original."),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_translation(request: HttpRequest, cohort_slug: str, language: str) -> HttpResponse:
    if not rules.can_edit_report(request.user):
        raise NotAllowed(_("Only a convener can translate a cohort's output report."))
    cohort = selectors.cohort_by_slug(cohort_slug)
    report = selectors.report_of(cohort)
    if language == report.language or language not in language_codes():
        raise Http404(_("The report cannot be translated into “%(code)s”.") % {"code": language})
    form = ReportTranslationForm(
        request.POST if request.method == "POST" else None,
        initial=translation_values(report, language, report.translatable),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                translate_report(
                    actor=request.user, cohort=cohort, language=language, texts=form.cleaned_data
                )
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(
                    request,
                    _("The %(language)s version is saved.") % {"language": language_name(language)},
                )
                return redirect("cohort-report-edit", cohort_slug=cohort.slug)
    return render(
        request,
        "reports/report/translation.html",
        {
            "cohort": cohort,
            "report": report,
            "form": form,
            "language": language,
            "language_name": language_name(language),
            "original": language_name(report.language),
        },
        status=status,
    )


urlpatterns = [
    path(
        "cohorts/<slug:cohort_slug>/report/translations/<str:language>/",
        report_translation,
        name="cohort-report-translation",
    ),
]
