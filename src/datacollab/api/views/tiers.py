"""The steward's pages for a dataset's or a collaboration's API: tiers and enterprise plans,
usage (by day, account and key, endpoint; the revenue of the plans) and its CSV export."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from datacollab.api.forms import PlanForm, TiersForm
from datacollab.api.selectors import plans_of, usage_csv_rows, usage_of
from datacollab.api.services.tiers import (
    Scope,
    default_limits,
    end_enterprise_plan,
    is_steward,
    set_tiers,
    start_enterprise_plan,
    tiers_of,
)
from datacollab.api.throttle import LIMIT_FIELDS
from datacollab.collaborations.models import DataCollaboration
from datacollab.core.errors import DomainError, NotAllowed
from datacollab.datasets.csvsafe import escape_cell
from datacollab.datasets.models import Dataset

KINDS = {"dataset": Dataset, "collaboration": DataCollaboration}
USAGE_DAYS = 90


def _scope(request: HttpRequest, kind: str, slug: str | None) -> Scope:
    model = KINDS.get(kind)
    if model is None:
        raise Http404
    scope = cast(Scope, get_object_or_404(model, slug=slug))
    if not is_steward(request.user, scope):
        raise NotAllowed(
            _("Only the data's steward (an administrator of the owning organisation) may see this.")
        )
    return scope


def _slug(ids: dict[str, str]) -> str:
    return ids.get("slug") or ids.get("collaboration_slug") or ""


def tiers_url(kind: str, slug: str) -> str:
    key = "slug" if kind == "dataset" else "collaboration_slug"
    return reverse(f"api-{kind}-tiers", kwargs={key: slug})


def usage_url(kind: str, slug: str, *, csv: bool = False) -> str:
    key = "slug" if kind == "dataset" else "collaboration_slug"
    name = f"api-{kind}-usage-csv" if csv else f"api-{kind}-usage"
    return reverse(name, kwargs={key: slug})


def _tiers_page(
    request: HttpRequest,
    kind: str,
    scope: Scope,
    form: TiersForm,
    plan_form: PlanForm,
    *,
    status: int = 200,
) -> HttpResponse:
    tiers = tiers_of(scope)
    context = {
        "kind": kind,
        "scope": scope,
        "tiers": tiers,
        "form": form,
        "plan_form": plan_form,
        "plans": plans_of(tiers),
        "urls": _urls(kind, scope.slug),
    }
    return render(request, "api/tiers.html", context, status=status)


def _urls(kind: str, slug: str) -> dict[str, str]:
    key = "slug" if kind == "dataset" else "collaboration_slug"
    return {
        "tiers": tiers_url(kind, slug),
        "usage": usage_url(kind, slug),
        "csv": usage_url(kind, slug, csv=True),
        "plans": reverse(f"api-{kind}-plan-start", kwargs={key: slug}),
        "scope": (
            reverse("dataset-detail", kwargs={"slug": slug})
            if kind == "dataset"
            else reverse("collaboration-detail", kwargs={"collaboration_slug": slug})
        ),
    }


def _initial(scope: Scope) -> dict[str, object]:
    tiers = tiers_of(scope)
    if tiers is None:
        return {**default_limits(), "enterprise_price": "0.00", "currency": "GBP"}
    values: dict[str, object] = {name: getattr(tiers, name) for name in LIMIT_FIELDS}
    return {**values, "enterprise_price": tiers.enterprise_price, "currency": tiers.currency}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def api_tiers(request: HttpRequest, kind: str, **ids: str) -> HttpResponse:
    slug = _slug(ids)
    scope = _scope(request, kind, slug)
    if request.method != "POST":
        return _tiers_page(request, kind, scope, TiersForm(initial=_initial(scope)), PlanForm())
    form = TiersForm(request.POST)
    if not form.is_valid():
        return _tiers_page(request, kind, scope, form, PlanForm(), status=400)
    data = form.cleaned_data
    try:
        set_tiers(
            actor=request.user,
            scope=scope,
            limits={name: data[name] for name in LIMIT_FIELDS},
            enterprise_price=data["enterprise_price"],
            currency=data["currency"],
        )
    except DomainError as exc:
        return _tiers_page(request, kind, scope, form, PlanForm(), status=exc.show_on(form))
    messages.success(request, _("The API tiers are saved: they apply from the next request."))
    return redirect(tiers_url(kind, slug))


@login_required
@require_POST
def api_plan_start(request: HttpRequest, kind: str, **ids: str) -> HttpResponse:
    slug = _slug(ids)
    scope = _scope(request, kind, slug)
    form = PlanForm(request.POST)
    tiers_form = TiersForm(initial=_initial(scope))
    if not form.is_valid():
        return _tiers_page(request, kind, scope, tiers_form, form, status=400)
    try:
        plan = start_enterprise_plan(
            actor=request.user, scope=scope, account=form.cleaned_data["account"]
        )
    except DomainError as exc:
        return _tiers_page(request, kind, scope, tiers_form, form, status=exc.show_on(form))
    messages.success(
        request, _("%(account)s is on the enterprise plan.") % {"account": plan.account_label}
    )
    return redirect(tiers_url(kind, slug))


@login_required
@require_POST
def api_plan_end(request: HttpRequest, kind: str, pk: int, **ids: str) -> HttpResponse:
    slug = _slug(ids)
    scope = _scope(request, kind, slug)
    plan = end_enterprise_plan(actor=request.user, scope=scope, plan_id=pk)
    messages.success(
        request,
        _("The enterprise plan of %(account)s has ended.") % {"account": plan.account_label},
    )
    return redirect(tiers_url(kind, slug))


def _since() -> dt.date:
    return timezone.now().date() - dt.timedelta(days=USAGE_DAYS - 1)


@login_required
@require_http_methods(["GET", "HEAD"])
def api_usage(request: HttpRequest, kind: str, **ids: str) -> HttpResponse:
    slug = _slug(ids)
    scope = _scope(request, kind, slug)
    context = {
        "kind": kind,
        "scope": scope,
        "usage": usage_of(scope, since=_since()),
        "days": USAGE_DAYS,
        "urls": _urls(kind, scope.slug),
    }
    return render(request, "api/usage.html", context)


@login_required
@require_http_methods(["GET", "HEAD"])
def api_usage_csv(request: HttpRequest, kind: str, **ids: str) -> HttpResponse:
    slug = _slug(ids)
    scope = _scope(request, kind, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="api-usage-{kind}-{scope.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(["day", "dataset", "account", "key", "tier", "endpoint", "calls", "refused"])
    for row in usage_csv_rows(scope, since=_since()):
        # Account and key names are typed by users: a formula must open as text.
        writer.writerow([escape_cell(cell) for cell in row])
    return response


def _routes(kind: str, prefix: str, param: str) -> list[Any]:
    extra = {"kind": kind}
    base = f"{prefix}/<slug:{param}>"
    return [
        path(f"tiers/{base}/", api_tiers, extra, name=f"api-{kind}-tiers"),
        path(f"tiers/{base}/plans/", api_plan_start, extra, name=f"api-{kind}-plan-start"),
        path(f"tiers/{base}/plans/<int:pk>/end/", api_plan_end, extra, name=f"api-{kind}-plan-end"),
        path(f"usage/{base}/", api_usage, extra, name=f"api-{kind}-usage"),
        path(f"usage/{base}/usage.csv", api_usage_csv, extra, name=f"api-{kind}-usage-csv"),
    ]


urlpatterns = _routes("dataset", "datasets", "slug") + _routes(
    "collaboration", "collaborations", "collaboration_slug"
)
