"""The principles scorecard page of a collaboration."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from datacollab.collaborations import rules
from datacollab.collaborations import selectors as collaboration_selectors
from datacollab.collaborations.models import DataCollaboration, Principle
from datacollab.collaborations.services.collaborations import assess_principle
from datacollab.core.errors import DomainError, NotAllowed
from datacollab.reports.forms import AssessmentForm
from datacollab.reports.scorecard import Row, scorecard


def _auto_id(principle: str) -> str:
    # Five forms on one page: keep their input ids apart.
    return f"id_{principle}_%s"


def _assess(request: HttpRequest, collaboration: DataCollaboration) -> tuple[AssessmentForm, int]:
    """Parse and save one principle's assessment; returns the bound form and the status."""
    principle = request.POST.get("principle", "")
    form = AssessmentForm(request.POST, auto_id=_auto_id(principle))
    if not form.is_valid():
        return form, 400
    data = form.cleaned_data
    try:
        assess_principle(
            actor=request.user,
            collaboration=collaboration,
            principle=data["principle"],
            score=data["score"],
            note=data["note"],
        )
    except NotAllowed:
        raise  # the refused page, with its message and 403
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return form, error.status
    return form, 200


def _forms(rows: list[Row], bound: AssessmentForm | None) -> dict[str, AssessmentForm]:
    forms = {}
    for row in rows:
        if bound is not None and bound.data.get("principle") == row.principle:
            forms[row.principle] = bound
            continue
        assessment = row.assessment
        forms[row.principle] = AssessmentForm(
            initial={
                "principle": row.principle,
                "score": assessment.score if assessment else None,
                "note": assessment.note if assessment else "",
            },
            auto_id=_auto_id(row.principle),
        )
    return forms


@require_http_methods(["GET", "HEAD", "POST"])
def collaboration_scorecard(request: HttpRequest, collaboration_slug: str) -> HttpResponse:
    collaboration = collaboration_selectors.collaboration_by_slug(collaboration_slug)
    bound: AssessmentForm | None = None
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise NotAllowed(_("Log in to assess the collaboration."))
        bound, status = _assess(request, collaboration)
        if status == 200:
            messages.success(request, _("Self-assessment saved."))
            return redirect("collaboration-scorecard", collaboration_slug=collaboration.slug)
    can_assess = rules.in_lead(request.user, collaboration)
    rows = scorecard(collaboration)
    forms = _forms(rows, bound) if can_assess else {}
    # A principle outside the five has no form to show its error on.
    stray_error = (
        bound is not None and bound.data.get("principle") not in Principle.values and bound.errors
    )
    return render(
        request,
        "reports/scorecard.html",
        {
            "collaboration": collaboration,
            "rows": [(row, forms.get(row.principle)) for row in rows],
            "can_assess": can_assess,
            "stray_error": stray_error,
        },
        status=status,
    )


urlpatterns = [
    path(
        "<slug:collaboration_slug>/scorecard/",
        collaboration_scorecard,
        name="collaboration-scorecard",
    ),
]
