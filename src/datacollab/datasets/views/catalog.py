"""The catalog, the dataset page, and creating and editing datasets."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import include, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from datacollab.collaborations.selectors import has_accepted_current
from datacollab.core.errors import DomainError, NotFound
from datacollab.datasets import licences
from datacollab.datasets.forms.datasets import CatalogSearchForm, DatasetForm
from datacollab.datasets.models import Dataset, Spectrum
from datacollab.datasets.rules import data_access, is_owner
from datacollab.datasets.selectors import catalog as catalog_selectors
from datacollab.datasets.selectors import datasets as selectors
from datacollab.datasets.selectors.access import require_owner
from datacollab.datasets.services import datasets as services
from datacollab.datasets.views.links import action_links, agreement_url, owner_links
from datacollab.impact.services import counters
from datacollab.organisations.models import Organisation
from datacollab.organisations.selectors import organisations_of


def _toggle(request: HttpRequest, name: str, value: str) -> str:
    """The catalog query string with one facet value switched on or off (back to page 1)."""
    params = [(k, v) for k, vs in request.GET.lists() for v in vs if k != "page"]
    if (name, value) in params:
        params.remove((name, value))
    else:
        params.append((name, value))
    return "?" + urlencode(params)


@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    form = CatalogSearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    filters = {name: request.GET.getlist(name) for name in catalog_selectors.FACETS}
    result = catalog_selectors.search_catalog(
        request.user, q=q, filters=filters, page=request.GET.get("page", 1)
    )
    facets = [
        {
            "name": facet.name,
            "label": facet.label,
            "values": [
                {"value": v, "url": _toggle(request, facet.name, v.value)} for v in facet.values
            ],
        }
        for facet in result.facets
    ]
    base = [(k, v) for k, vs in request.GET.lists() for v in vs if k != "page"]
    return render(
        request,
        "datasets/catalog.html",
        {
            "form": form,
            "result": result,
            "facets": facets,
            "page_query": urlencode(base),
            "can_create": request.user.is_authenticated and organisations_of(request.user).exists(),
        },
        status=200 if form.is_valid() else 400,
    )


def _dataset_form_page(
    request: HttpRequest, form: DatasetForm, dataset: Dataset | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "datasets/dataset_form.html",
        {
            "form": form,
            "dataset": dataset,
            "open_licences": licences.open_identifiers(),
            "spectrum_levels": Spectrum.choices,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dataset_new(request: HttpRequest) -> HttpResponse:
    organisations = organisations_of(request.user)
    if not organisations.exists():
        raise DomainError(
            _("Datasets belong to an organisation: join or add your organisation first.")
        )
    form = DatasetForm(request.POST or None, organisations=organisations)
    if request.method == "GET":
        return _dataset_form_page(request, form, None)
    if not form.is_valid():
        return _dataset_form_page(request, form, None, status=400)
    owner: Organisation = form.cleaned_data["owner"]
    try:
        dataset = services.create_dataset(
            actor=request.user,
            owner=owner,
            slug=form.cleaned_data.get("slug") or "",
            **form.service_values(),
        )
    except DomainError as exc:
        form.add_error(_form_field(form, exc), exc.message)
        return _dataset_form_page(request, form, None, status=exc.status)
    messages.success(request, _("Dataset created. Upload its first version when ready."))
    return redirect("dataset-detail", slug=dataset.slug)


def _form_field(form: DatasetForm, exc: DomainError) -> str | None:
    field = "licence_choice" if exc.field == "licence" else exc.field
    return field if field in form.fields else None


@login_required
@require_http_methods(["GET", "POST"])
def dataset_edit(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = selectors.dataset_for(request.user, slug)
    require_owner(request.user, dataset)
    organisations = Organisation.objects.filter(pk=dataset.owner_id)
    form = DatasetForm(request.POST or None, organisations=organisations, dataset=dataset)
    if request.method == "GET":
        return _dataset_form_page(request, form, dataset)
    if not form.is_valid():
        return _dataset_form_page(request, form, dataset, status=400)
    try:
        services.update_dataset(actor=request.user, dataset=dataset, **form.service_values())
    except DomainError as exc:
        form.add_error(_form_field(form, exc), exc.message)
        return _dataset_form_page(request, form, dataset, status=exc.status)
    messages.success(request, _("Changes saved."))
    return redirect("dataset-detail", slug=dataset.slug)


def _detail_context(request: HttpRequest, dataset: Dataset) -> dict[str, Any]:
    versions = selectors.versions_of(dataset)
    current = versions[0] if versions else None
    access = data_access(request.user, dataset)
    preview, preview_error = None, ""
    if current is not None and access.allowed:
        selectors.require_data_access(request.user, dataset, current, channel="page.preview")
        try:
            preview = selectors.preview(current)
        except NotFound as exc:  # a lost file spoils the preview, not the whole page
            preview_error = exc.message
    owner = is_owner(request.user, dataset)
    return {
        "dataset": dataset,
        "licence": licences.get(dataset.licence),
        "licence_url": licences.url(dataset.licence),
        "spectrum_levels": Spectrum.choices,
        "versions": versions,
        "current": current,
        "schema_fields": (current.schema or {}).get("fields", []) if current else [],
        "report": selectors.report_summary(current) if current else None,
        "access": access,
        "preview": preview,
        "preview_error": preview_error,
        "is_owner": owner,
        "agreement_accepted": dataset.agreement is not None
        and has_accepted_current(request.user, dataset.agreement),
        "actions": action_links(request, dataset, access),
        "owner_links": owner_links(dataset) if owner else {},
        "agreement_url": agreement_url(dataset.agreement.slug) if dataset.agreement else "",
        "pending_requests": selectors.pending_requests_of(dataset).count() if owner else 0,
    }


@require_GET
def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = selectors.dataset_for(request.user, slug)
    counters.record(dataset=dataset, kind=counters.Kind.VIEW, user=request.user)
    return render(request, "datasets/dataset_detail.html", _detail_context(request, dataset))


urlpatterns = [
    path("", catalog, name="dataset-catalog"),
    path("new/", dataset_new, name="dataset-new"),
    path("<slug:slug>/", dataset_detail, name="dataset-detail"),
    path("<slug:slug>/edit/", dataset_edit, name="dataset-edit"),
    path("", include("datacollab.datasets.views.data")),
]
