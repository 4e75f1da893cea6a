"""Convener pages for a cohort's grants: budget, awards, instalments, 360Giving export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from datacollab.core.errors import DomainError
from datacollab.network import giving360
from datacollab.network.forms.grants import AwardForm, PayInstalmentForm
from datacollab.network.models import Instalment
from datacollab.network.selectors import grants as selectors
from datacollab.network.services import grants as services

EXPORT_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


def _grants_page(
    request: HttpRequest, cohort_slug: str, *, status: int = 200, **extra: Any
) -> HttpResponse:
    cohort = selectors.cohort_by_slug(cohort_slug)
    grants = selectors.cohort_grants(actor=request.user, cohort=cohort)
    return render(
        request,
        "network/grants/cohort_grants.html",
        {
            "cohort": cohort,
            "grants": grants,
            "today": timezone.localdate(),
            "can_award": grants.remaining > 0,
            "waiting": list(selectors.members_without_award(actor=request.user, cohort=cohort)),
            **extra,
        },
        status=status,
    )


@login_required
@require_safe
def cohort_grants(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    return _grants_page(request, cohort_slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def award_create(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    cohort = selectors.cohort_by_slug(cohort_slug)
    organisations = selectors.members_without_award(actor=request.user, cohort=cohort)
    status = 200
    if request.method == "POST":
        form = AwardForm(request.POST, organisations=organisations)
        if form.is_valid():
            data = form.cleaned_data
            organisation = data["organisation"]
            application = selectors.application_in_cohort(cohort=cohort, organisation=organisation)
            amount = data["amount"]
            if amount is None and application is not None:
                amount = application.requested_amount
            title = data["title"] or (application.title if application else "")
            arguments = {
                "actor": request.user,
                "cohort": cohort,
                "organisation": organisation,
                "amount": amount,
                "kind": data["kind"],
                "title": title,
                "description": data["description"],
                "instalments": data["instalments"],
                "application": application,
                "awarded_on": data["awarded_on"],
            }
            try:
                if amount is None:
                    raise DomainError(
                        _("%(org)s has no application with a requested amount: give the amount.")
                        % {"org": organisation.name},
                        field="amount",
                    )
                if request.POST.get("confirm") != "1":
                    # An award commits budget and is not undone from the site: the first POST
                    # only checks it and shows what it will do; the confirm button makes it.
                    plan = services.plan_award(**arguments)
                    return render(
                        request,
                        "network/grants/award_confirm.html",
                        {"cohort": cohort, "form": form, "plan": plan},
                    )
                award = services.award_grant(**arguments)
            except DomainError as error:
                status = error.show_on(form)
            else:
                messages.success(
                    request,
                    _("%(org)s was awarded %(title)s.")
                    % {"org": organisation.name, "title": award.title},
                )
                return redirect("cohort-grants", cohort_slug=cohort.slug)
        else:
            status = 400
    else:
        form = AwardForm(organisations=organisations, initial=_initial(request, cohort))
    return render(
        request,
        "network/grants/award_form.html",
        {
            "cohort": cohort,
            "form": form,
            "has_candidates": organisations.exists(),
        },
        status=status,
    )


def _initial(request: HttpRequest, cohort: Any) -> dict[str, Any]:
    """?organisation=<slug> preselects it and proposes its requested amount (no JS needed)."""
    slug = request.GET.get("organisation", "")
    organisation = (
        selectors.members_without_award(actor=request.user, cohort=cohort).filter(slug=slug).first()
        if slug
        else None
    )
    if organisation is None:
        return {}
    initial: dict[str, Any] = {"organisation": organisation}
    application = selectors.application_in_cohort(cohort=cohort, organisation=organisation)
    if application is not None:
        initial["amount"] = min(application.requested_amount, cohort.award_cap)
        initial["title"] = application.title
    return initial


def _instalment(cohort_slug: str, pk: int) -> Instalment:
    return get_object_or_404(
        Instalment.objects.select_related("award"), pk=pk, award__cohort__slug=cohort_slug
    )


@login_required
@require_POST
def instalment_pay(request: HttpRequest, cohort_slug: str, pk: int) -> HttpResponse:
    instalment = _instalment(cohort_slug, pk)
    form = PayInstalmentForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return _grants_page(request, cohort_slug, status=400, pay_error=(instalment.pk, errors))
    try:
        services.mark_instalment_paid(
            actor=request.user,
            instalment=instalment,
            paid_on=form.cleaned_data["paid_on"],
            invoice_reference=form.cleaned_data["invoice_reference"],
        )
    except DomainError as error:
        return _grants_page(
            request, cohort_slug, status=error.status, pay_error=(instalment.pk, error.message)
        )
    messages.success(
        request,
        _("Instalment %(n)d of %(award)s marked paid.")
        % {"n": instalment.position, "award": instalment.award.title},
    )
    return redirect("cohort-grants", cohort_slug=cohort_slug)


@login_required
@require_POST
def instalment_unpay(request: HttpRequest, cohort_slug: str, pk: int) -> HttpResponse:
    instalment = _instalment(cohort_slug, pk)
    try:
        services.mark_instalment_unpaid(actor=request.user, instalment=instalment)
    except DomainError as error:
        return _grants_page(
            request, cohort_slug, status=error.status, pay_error=(instalment.pk, error.message)
        )
    messages.success(
        request,
        _("Instalment %(n)d of %(award)s marked unpaid.")
        % {"n": instalment.position, "award": instalment.award.title},
    )
    return redirect("cohort-grants", cohort_slug=cohort_slug)


@login_required
@require_safe
def cohort_grants_export(request: HttpRequest, cohort_slug: str, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_TYPES:
        raise Http404(_("Export as json or csv."))
    cohort = selectors.cohort_by_slug(cohort_slug)
    awards = selectors.awards_for_export(actor=request.user, cohort=cohort)
    body = giving360.render_export(cohort, awards, fmt=fmt, issued=timezone.localdate())
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{cohort.slug}-360giving.{fmt}"'
    return response


urlpatterns = [
    path("convener/cohorts/<slug:cohort_slug>/grants/", cohort_grants, name="cohort-grants"),
    path("convener/cohorts/<slug:cohort_slug>/grants/new/", award_create, name="award-create"),
    path(
        "convener/cohorts/<slug:cohort_slug>/grants/instalments/<int:pk>/pay/",
        instalment_pay,
        name="instalment-pay",
    ),
    path(
        "convener/cohorts/<slug:cohort_slug>/grants/instalments/<int:pk>/unpay/",
        instalment_unpay,
        name="instalment-unpay",
    ),
    path(
        "convener/cohorts/<slug:cohort_slug>/grants/export.<str:fmt>",
        cohort_grants_export,
        name="cohort-grants-export",
    ),
]
