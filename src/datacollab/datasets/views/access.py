"""The access workflow's pages: the owner's grants and requests, asking, and one's own requests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from datacollab.core.errors import DomainError, NotFound
from datacollab.datasets.forms.access import AccessRequestForm, DecisionForm, GrantForm
from datacollab.datasets.models import AccessGrant, AccessRequest, Dataset
from datacollab.datasets.selectors import access as selectors
from datacollab.datasets.selectors.datasets import dataset_for
from datacollab.datasets.services import access as services
from datacollab.organisations.selectors import organisations_of


def _grants_page(
    request: HttpRequest, dataset: Dataset, form: GrantForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "datasets/access_grants.html",
        {
            "dataset": dataset,
            "grants": selectors.grants_of(request.user, dataset),
            "form": form,
            "grantable": dataset.spectrum in services.GRANTABLE,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def access_grants(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    selectors.require_owner(request.user, dataset)
    form = GrantForm(request.POST or None)
    if request.method == "GET":
        return _grants_page(request, dataset, form)
    if not form.is_valid():
        return _grants_page(request, dataset, form, status=400)
    try:
        services.add_grant(
            actor=request.user,
            dataset=dataset,
            email=form.cleaned_data.get("email") or "",
            organisation=form.cleaned_data.get("organisation"),
            ends_on=form.cleaned_data.get("ends_on"),
        )
    except DomainError as exc:
        form.add_error(exc.field if exc.field in ("email", "ends_on") else None, exc.message)
        return _grants_page(request, dataset, form, status=exc.status)
    messages.success(request, _("Access granted."))
    return redirect("dataset-access", slug=dataset.slug)


@login_required
@require_POST
def access_grant_remove(request: HttpRequest, slug: str, grant_id: int) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    selectors.require_owner(request.user, dataset)
    found = AccessGrant.objects.filter(dataset=dataset, pk=grant_id).first()
    if found is None:
        raise NotFound(_("There is no such grant."))
    services.remove_grant(actor=request.user, grant=found)
    messages.success(request, _("Access removed."))
    return redirect("dataset-access", slug=dataset.slug)


@login_required
@require_http_methods(["GET", "POST"])
def access_request_new(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    # Say "you already have access" or "nothing to ask" before the person writes a purpose.
    services.check_can_request(request.user, dataset)
    form = AccessRequestForm(request.POST or None, organisations=organisations_of(request.user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.request_access(
                    actor=request.user,
                    dataset=dataset,
                    purpose=form.cleaned_data["purpose"],
                    organisation=form.cleaned_data.get("organisation"),
                )
            except DomainError as exc:
                form.add_error("purpose" if exc.field == "purpose" else None, exc.message)
                status = exc.status
            else:
                messages.success(
                    request, _("Request sent. The owner is told by email; you will be too.")
                )
                return redirect("my-access-requests")
        else:
            status = 400
    return render(
        request, "datasets/access_request.html", {"dataset": dataset, "form": form}, status=status
    )


@login_required
@require_GET
def access_requests(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    found = list(selectors.requests_for(request.user, dataset))
    return render(
        request,
        "datasets/access_requests.html",
        {
            "dataset": dataset,
            "requests": [
                (item, DecisionForm(prefix=f"r{item.pk}") if item.status == "pending" else None)
                for item in found
            ],
        },
    )


@login_required
@require_POST
def access_request_decide(request: HttpRequest, slug: str, request_id: int) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    selectors.require_owner(request.user, dataset)
    found = AccessRequest.objects.filter(dataset=dataset, pk=request_id).first()
    if found is None:
        raise NotFound(_("There is no such request."))
    form = DecisionForm(request.POST, prefix=f"r{found.pk}")
    if not form.is_valid():
        items: list[tuple[AccessRequest, DecisionForm | None]] = []
        for item in selectors.requests_for(request.user, dataset):
            if item.status != AccessRequest.Status.PENDING:
                items.append((item, None))
            else:
                items.append(
                    (item, form if item.pk == found.pk else DecisionForm(prefix=f"r{item.pk}"))
                )
        return render(
            request,
            "datasets/access_requests.html",
            {"dataset": dataset, "requests": items},
            status=400,
        )
    approve = form.cleaned_data["decision"] == "approve"
    if approve and request.POST.get("confirm") != "1":
        # Approving hands out non-open data: say to whom before doing it.
        people = found.organisation.memberships.count() if found.organisation else 1
        return render(
            request,
            "datasets/access_request_confirm.html",
            {"dataset": dataset, "item": found, "form": form, "people": people},
        )
    services.decide_access_request(
        actor=request.user, access_request=found, approve=approve, note=form.cleaned_data["note"]
    )
    messages.success(request, _("Request approved.") if approve else _("Request declined."))
    return redirect("dataset-requests", slug=dataset.slug)


@login_required
@require_GET
def my_access_requests(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "datasets/my_access_requests.html",
        {"requests": list(selectors.requests_of(request.user))},
    )


urlpatterns = [
    path("requests/mine/", my_access_requests, name="my-access-requests"),
    path("<slug:slug>/access/", access_grants, name="dataset-access"),
    path(
        "<slug:slug>/access/<int:grant_id>/remove/",
        access_grant_remove,
        name="dataset-access-remove",
    ),
    path("<slug:slug>/request/", access_request_new, name="dataset-request"),
    path("<slug:slug>/requests/", access_requests, name="dataset-requests"),
    path(
        "<slug:slug>/requests/<int:request_id>/decide/",
        access_request_decide,
        name="dataset-request-decide",
    ),
]
