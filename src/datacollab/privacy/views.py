"""Pages: the query builder (result table, epsilon spent, budget left), the owner's
protections and the owner's ledger. Each calls one service or selector."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.datasets.models import Dataset
from datacollab.datasets.selectors.datasets import dataset_for
from datacollab.privacy import examples, rules, selectors, services
from datacollab.privacy.chart import heat_map, key_text
from datacollab.privacy.forms import ExampleQueryForm, QueryForm
from datacollab.privacy.forms_owner import AggregateGrantForm, ProtectionForm
from datacollab.privacy.labels import column_names
from datacollab.privacy.publishing import publish_preview, publish_release

# Lazy: built at import, shown in each reader's language (gettext here would fix English).
RULE_LABELS = {
    "min_rows": gettext_lazy("too few rows"),
    "threshold": gettext_lazy("too few contributors"),
    "dominance": gettext_lazy("one contributor dominates"),
    "dp_threshold": gettext_lazy("too few after noise"),
    "secondary": gettext_lazy("protects another cell"),
}


@login_required
@require_http_methods(["GET", "POST"])
def query_page(request: HttpRequest, slug: str) -> HttpResponse:
    dataset, queryable = selectors.dataset_for_aggregates(request.user, slug)
    if not queryable:
        raise NotAllowed(_("You may not run aggregate queries on this dataset."))
    settings = selectors.protection_of(dataset)
    assert settings is not None  # queryable implies it
    types = selectors.column_types(dataset)
    groupings = selectors.allowed_groupings(settings)
    # An example query: a link (GET) fills the form, its button (POST) runs it.
    chosen = request.POST.get("example") or request.GET.get("example")
    example = examples.example_of(dataset, chosen) if chosen else None
    bound = request.POST if request.method == "POST" and example is None else None
    form = QueryForm(bound, settings=settings, types=types, groupings=groupings)
    if example is not None:
        form.initial = form.initial_for(example.query)
    answer, status = None, 200
    if request.method == "POST":
        if example is not None or form.is_valid():
            query = example.query if example is not None else form.to_query()
            try:
                answer = services.run_aggregate_query(
                    actor=request.user, dataset=dataset, query=query
                )
            except DomainError as exc:
                status = exc.show_on(form)
        else:
            status = 400
    is_owner = rules.can_manage_protection(request.user, dataset)
    names = column_names(answer.release.query) if answer else {}
    context = {
        "dataset": dataset,
        "settings": settings,
        "form": form,
        "answer": answer,
        "rows": _rows(answer) if answer else [],
        "budget_left": answer.budget_left
        if answer
        else services.budget_left(actor=request.user, dataset=dataset),
        "is_owner": is_owner,
        "headers": _headers(answer, names),
        "heat_map": _heat_map(answer, names),
        "examples": examples.example_queries(dataset),
        "example": example,
        "example_form": ExampleQueryForm() if answer and is_owner else None,
    }
    if answer and is_owner:
        # Utility beside safety, for the owner only: it reads the unprotected answer.
        utility = services.utility(actor=request.user, dataset=dataset, answer=answer)
        context["utility"] = utility
        context["utility_by_measure"] = [
            (names.get(label, label), error) for label, error in utility.by_measure.items()
        ]
    return render(request, "privacy/query.html", context, status=status)


@login_required
@require_POST
def example_save_page(request: HttpRequest, slug: str, release_id: int) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    form = ExampleQueryForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Give the example a title."))
    example = examples.save_example_from_release(
        actor=request.user,
        dataset=dataset,
        release_id=release_id,
        title=form.cleaned_data["title"],
        description=form.cleaned_data["description"] or "",
    )
    messages.success(request, _("Example query saved."))
    return redirect(f"{reverse('privacy-query', args=[dataset.slug])}?example={example.pk}")


@login_required
@require_POST
def example_delete_page(request: HttpRequest, slug: str, example_id: int) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    examples.delete_example_query(actor=request.user, dataset=dataset, example_id=example_id)
    messages.success(request, _("Example query removed."))
    return redirect("privacy-query", slug=dataset.slug)


def _headers(answer: services.Answer | None, names: dict[str, str]) -> list[str]:
    """The table's column headers in the reader's words (exports keep the machine labels)."""
    if answer is None:
        return []
    labels = answer.result.dimensions + answer.result.measures
    return [names.get(label, label) for label in labels]


def _heat_map(answer: services.Answer | None, names: dict[str, str]) -> object:
    if answer is None:
        return None
    measures = [m for m in answer.result.measures if m != "count"] or ["count"]
    labels = {rule: str(label) for rule, label in RULE_LABELS.items()}  # the reader's words
    return heat_map(answer.result, measures[0], labels, names)


def _rows(answer: services.Answer) -> list[dict[str, object]]:
    rows = []
    for cell in answer.result.cells:
        rows.append(
            {
                "key": [None if k is None else key_text(k) for k in cell.to_dict()["key"]],
                "values": [cell.values.get(m) for m in answer.result.measures],
                "suppressed": RULE_LABELS.get(cell.suppressed or "", cell.suppressed),
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def protection_page(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    if not rules.can_manage_protection(request.user, dataset):
        raise NotAllowed(_("Only the dataset's owner sets its protections."))
    form = ProtectionForm(request.POST or None, instance=selectors.protection_of(dataset))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_protection(
                    actor=request.user,
                    dataset=dataset,
                    contributor=form.cleaned_data["contributor"],
                    dimensions=form.cleaned_data["dimensions_text"],
                    **form.options(),
                )
            except DomainError as exc:
                status = exc.show_on(form)
            else:
                messages.success(request, _("Protections saved."))
                return redirect("privacy-protection", slug=dataset.slug)
        else:
            status = 400
    return _protection_page(request, dataset, form, AggregateGrantForm(), status)


def _protection_page(
    request: HttpRequest,
    dataset: Dataset,
    form: ProtectionForm,
    grant_form: AggregateGrantForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "privacy/protection.html",
        {
            "dataset": dataset,
            "form": form,
            "grant_form": grant_form,
            "grants": selectors.aggregate_grants(dataset),
            "columns": selectors.column_types(dataset),
        },
        status=status,
    )


@login_required
@require_POST
def grant_page(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    if not rules.can_manage_protection(request.user, dataset):
        raise NotAllowed(_("Only the dataset's owner grants aggregate access."))
    grant_form = AggregateGrantForm(request.POST)
    form = ProtectionForm(instance=selectors.protection_of(dataset))
    if not grant_form.is_valid():
        return _protection_page(request, dataset, form, grant_form, 400)
    try:
        services.grant_aggregates_to(
            actor=request.user,
            dataset=dataset,
            email=grant_form.cleaned_data["email"] or "",
            organisation_slug=grant_form.cleaned_data["organisation"] or "",
        )
    except DomainError as exc:
        return _protection_page(request, dataset, form, grant_form, exc.show_on(grant_form))
    messages.success(request, _("Aggregates-only access granted."))
    return redirect("privacy-protection", slug=dataset.slug)


@login_required
@require_GET
def ledger_page(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    if not rules.can_manage_protection(request.user, dataset):
        raise NotAllowed(_("Only the dataset's owner sees its privacy ledger."))
    return render(
        request,
        "privacy/ledger.html",
        {
            "dataset": dataset,
            "accounts": selectors.spent_this_period(dataset),
            "entries": selectors.ledger(dataset)[:200],
        },
    )


@login_required
@require_POST
def revoke_page(request: HttpRequest, slug: str, grant_id: int) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    services.revoke_aggregates(actor=request.user, dataset=dataset, grant_id=grant_id)
    messages.success(request, _("Aggregates-only access removed."))
    return redirect("privacy-protection", slug=dataset.slug)


@login_required
@require_POST
def publish_page(request: HttpRequest, slug: str, release_id: int) -> HttpResponse:
    dataset = dataset_for(request.user, slug)
    target = request.POST.get("target_slug", "").strip()
    if not target:
        raise DomainError(_("Give the open dataset's slug."))
    title = request.POST.get("title", "").strip()
    if request.POST.get("confirm") != "1":
        # The query page's form leads here first: open data cannot be taken back.
        preview = publish_preview(
            actor=request.user, dataset=dataset, release_id=release_id, target_slug=target
        )
        context = {"dataset": dataset, "release_id": release_id, "preview": preview, "title": title}
        return render(request, "privacy/publish_confirm.html", context)
    version = publish_release(
        actor=request.user,
        dataset=dataset,
        release_id=release_id,
        target_slug=target,
        title=title,
    )
    messages.success(request, _("Published as an open dataset version."))
    return redirect("dataset-detail", slug=version.dataset.slug)


urlpatterns = [
    path("datasets/<slug:slug>/", query_page, name="privacy-query"),
    path(
        "datasets/<slug:slug>/releases/<int:release_id>/publish/",
        publish_page,
        name="privacy-publish",
    ),
    path(
        "datasets/<slug:slug>/releases/<int:release_id>/example/",
        example_save_page,
        name="privacy-example-save",
    ),
    path(
        "datasets/<slug:slug>/examples/<int:example_id>/remove/",
        example_delete_page,
        name="privacy-example-remove",
    ),
    path("datasets/<slug:slug>/protection/", protection_page, name="privacy-protection"),
    path("datasets/<slug:slug>/ledger/", ledger_page, name="privacy-ledger"),
    path("datasets/<slug:slug>/grants/", grant_page, name="privacy-grant"),
    path(
        "datasets/<slug:slug>/grants/<int:grant_id>/remove/",
        revoke_page,
        name="privacy-grant-remove",
    ),
]
