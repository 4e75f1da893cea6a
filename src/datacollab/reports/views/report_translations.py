"""A cohort report's title and introduction in the network's other languages (conveners)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from datacollab.core.content_language import outdated_fields, translation_values
from datacollab.core.errors import NotAllowed
from datacollab.core.translation_pages import require_translatable_into, translation_page
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
    language = require_translatable_into(
        language,
        original=report.language,
        refusal=_("The report cannot be translated into “%(code)s”.") % {"code": language},
    )
    form = ReportTranslationForm(
        request.POST if request.method == "POST" else None,
        initial=translation_values(report, language, report.translatable),
    )
    return translation_page(
        request,
        form=form,
        save=lambda form: translate_report(
            actor=request.user, cohort=cohort, language=language, texts=form.cleaned_data
        ),
        language=language,
        original=report.language,
        template="reports/report/translation.html",
        success_url=reverse("cohort-report-edit", kwargs={"cohort_slug": cohort.slug}),
        outdated=outdated_fields(report, language),
        context={"cohort": cohort, "report": report},
    )


urlpatterns = [
    path(
        "cohorts/<slug:cohort_slug>/report/translations/<str:language>/",
        report_translation,
        name="cohort-report-translation",
    ),
]
