"""The owner's schema editor: edit the latest version's Table Schema, check it against the
stored data, and publish the same data under it as a new version."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.datasets.forms.schema import FieldFormSet, SchemaForm, build_schema, field_initial
from datacollab.datasets.models import Dataset, DatasetVersion
from datacollab.datasets.rules import is_owner
from datacollab.datasets.selectors.datasets import dataset_for
from datacollab.datasets.selectors.uploads import error_count, shown_errors
from datacollab.datasets.services.schema_edit import (
    SchemaCheck,
    check_schema_edit,
    latest_version,
    publish_schema_edit,
)

SHOWN_ERRORS = 50


def _field_names(version: DatasetVersion) -> list[str]:
    return [str(f.get("name")) for f in version.schema.get("fields", []) if isinstance(f, dict)]


def _page(
    request: HttpRequest,
    dataset: Dataset,
    base: DatasetVersion,
    schema_form: SchemaForm,
    field_forms: Any,
    *,
    check: SchemaCheck | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "dataset": dataset,
        "base": base,
        "schema_form": schema_form,
        "field_forms": field_forms,
        "check": check,
        "check_errors": shown_errors(check.report, limit=SHOWN_ERRORS) if check else [],
        "check_error_count": error_count(check.report) if check else 0,
        "unchanged": check is not None and check.schema == base.schema,
        "error": error,
    }
    return render(request, "datasets/schema_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dataset_schema_edit(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    if not is_owner(request.user, dataset):
        raise NotAllowed(_("Only members of the owning organisation may edit the schema."))
    base = latest_version(dataset)
    names = _field_names(base)
    originals = [f for f in base.schema.get("fields", []) if isinstance(f, dict)]
    if request.method != "POST":
        schema_form = SchemaForm(
            initial=SchemaForm.initial_for(base.schema, base.number), field_names=names
        )
        field_forms = FieldFormSet(initial=[field_initial(f) for f in originals], prefix="f")
        return _page(request, dataset, base, schema_form, field_forms)
    schema_form = SchemaForm(request.POST, field_names=names)
    field_forms = FieldFormSet(request.POST, prefix="f")
    valid = schema_form.is_valid() & field_forms.is_valid()
    if valid and [form.cleaned_data["name"] for form in field_forms.forms] != names:
        # Not something the page lets anyone do: the rows were tampered with, or a new
        # version with other columns arrived meanwhile.
        return _page(
            request,
            dataset,
            base,
            schema_form,
            field_forms,
            error=_("The fields on the form are not those of the latest version: start again."),
            status=409,
        )
    if not valid:
        error = _("Some entries need fixing: see the messages beside them.")
        return _page(request, dataset, base, schema_form, field_forms, error=error, status=400)
    schema = build_schema(base.schema, schema_form, field_forms)
    try:
        if request.POST.get("action") == "publish":
            version = publish_schema_edit(
                actor=request.user,
                dataset=dataset,
                base_number=schema_form.cleaned_data["base_version"],
                schema=schema,
            )
            messages.success(
                request,
                _("Version %(n)s published: the data of version %(old)s under the edited schema.")
                % {"n": version.number, "old": base.number},
            )
            return redirect("dataset-detail", slug=dataset.slug)
        check = check_schema_edit(actor=request.user, dataset=dataset, schema=schema)
    except DomainError as exc:
        return _page(
            request, dataset, base, schema_form, field_forms, error=exc.message, status=exc.status
        )
    return _page(request, dataset, base, schema_form, field_forms, check=check)


urlpatterns = [
    path("<slug:slug>/schema/", dataset_schema_edit, name="dataset-schema-edit"),
]
