"""Impact pages of a dataset, an organisation and a collaboration, and their CSV exports.

The people behind a subject see everything (trends, readers, countries, a CSV); anyone else
sees the headline totals of its open datasets only (rules.py).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from datacollab.collaborations.models import DataCollaboration
from datacollab.core.errors import NotFound
from datacollab.datasets.models import Dataset, Spectrum
from datacollab.datasets.selectors.access import visible_datasets
from datacollab.datasets.selectors.datasets import dataset_for
from datacollab.impact import charts, rules
from datacollab.impact.forms import PeriodForm
from datacollab.impact.models import Kind
from datacollab.impact.selectors import usage as selectors
from datacollab.impact.selectors.periods import Period, period_of
from datacollab.impact.selectors.stories import published_stories
from datacollab.organisations.models import Organisation


@dataclass(frozen=True)
class Subject:
    kind: str  # "dataset", "organisation", "collaboration"
    name: str
    slug: str
    url: str  # its own page on the site
    datasets: QuerySet[Dataset]
    full: bool
    dataset: Dataset | None = None


def _dataset(request: HttpRequest, slug: str) -> Subject:
    dataset = dataset_for(request.user, slug)
    full = rules.sees_dataset_in_full(request.user, dataset)
    if not full and dataset.spectrum != Spectrum.OPEN:
        raise NotFound(_("The impact of this dataset is shown to its owner only."))
    return Subject(
        "dataset",
        dataset.title,
        dataset.slug,
        reverse("dataset-detail", args=[dataset.slug]),
        Dataset.objects.filter(pk=dataset.pk),
        full,
        dataset,
    )


def _organisation(request: HttpRequest, slug: str) -> Subject:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise NotFound(_("There is no such organisation."))
    full = rules.sees_organisation_in_full(request.user, organisation)
    datasets = visible_datasets(request.user).filter(owner=organisation)
    return Subject(
        "organisation",
        organisation.name,
        organisation.slug,
        reverse("organisation-detail", args=[organisation.slug]),
        datasets if full else datasets.filter(spectrum=Spectrum.OPEN),
        full,
    )


def _collaboration(request: HttpRequest, slug: str) -> Subject:
    collaboration = DataCollaboration.objects.filter(slug=slug).first()
    if collaboration is None:
        raise NotFound(_("There is no such collaboration."))
    full = rules.sees_collaboration_in_full(request.user, collaboration)
    datasets = visible_datasets(request.user).filter(collaboration=collaboration)
    return Subject(
        "collaboration",
        collaboration.name,
        collaboration.slug,
        reverse("collaboration-detail", args=[collaboration.slug]),
        datasets if full else datasets.filter(spectrum=Spectrum.OPEN),
        full,
    )


FINDERS = {"dataset": _dataset, "organisation": _organisation, "collaboration": _collaboration}


def _period(request: HttpRequest) -> tuple[PeriodForm, Period]:
    form = PeriodForm(request.GET or None)
    key = form.cleaned_data.get("period") if form.is_valid() else None
    return form, period_of(key)


def _page(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    subject = FINDERS[kind](request, slug)
    form, period = _period(request)
    figures = selectors.usage(subject.datasets, period, headline_only=not subject.full)
    context: dict[str, Any] = {
        "subject": subject,
        "form": form,
        "period": period,
        "usage": figures,
        "kinds": [
            (kind_value, label, figures.totals[kind_value]) for kind_value, label in Kind.choices
        ],
        "csv_url": reverse(f"impact-{kind}-csv", args=[slug]) + f"?period={period.key}",
    }
    if subject.full:
        context["charts"] = [
            charts.trend_chart(figures),
            charts.readers_chart(figures),
            charts.countries_chart(figures),
        ]
        if kind != "dataset":
            context["per_dataset"] = selectors.per_dataset(subject.datasets, period)
    if subject.dataset is not None:
        context["stories"] = list(published_stories(subject.dataset))
        context["moderates"] = rules.can_moderate_stories(request.user, subject.dataset)
    return render(request, "impact/usage.html", context)


def _export_refusal(kind: str) -> str:
    """A whole sentence per kind: `kind` is a URL word, never shown to a reader as is."""
    return {
        "dataset": _("The usage export is for the people behind this dataset."),
        "organisation": _("The usage export is for the people behind this organisation."),
        "collaboration": _("The usage export is for the people behind this collaboration."),
    }[kind]


def _csv(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    subject = FINDERS[kind](request, slug)
    if not subject.full:
        raise NotFound(_export_refusal(kind))
    _form, period = _period(request)
    figures = selectors.usage(subject.datasets, period)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["period_start", *Kind.values, "signed_in_readers"])
    for bucket in figures.buckets:
        writer.writerow(
            [bucket.start.isoformat(), *(bucket.counts[k] for k in Kind.values), bucket.readers]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().date().isoformat()
    # Slugs and period keys only: nothing a person typed reaches the header or the cells.
    name = f"impact-{kind}-{subject.slug}-{period.key}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def dataset_impact(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, "dataset", slug)


@require_GET
def dataset_csv(request: HttpRequest, slug: str) -> HttpResponse:
    return _csv(request, "dataset", slug)


@require_GET
def organisation_impact(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, "organisation", slug)


@require_GET
def organisation_csv(request: HttpRequest, slug: str) -> HttpResponse:
    return _csv(request, "organisation", slug)


@require_GET
def collaboration_impact(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, "collaboration", slug)


@require_GET
def collaboration_csv(request: HttpRequest, slug: str) -> HttpResponse:
    return _csv(request, "collaboration", slug)


urlpatterns = [
    path("datasets/<slug:slug>/", dataset_impact, name="impact-dataset"),
    path("datasets/<slug:slug>/usage.csv", dataset_csv, name="impact-dataset-csv"),
    path("organisations/<slug:slug>/", organisation_impact, name="impact-organisation"),
    path("organisations/<slug:slug>/usage.csv", organisation_csv, name="impact-organisation-csv"),
    path("collaborations/<slug:slug>/", collaboration_impact, name="impact-collaboration"),
    path(
        "collaborations/<slug:slug>/usage.csv",
        collaboration_csv,
        name="impact-collaboration-csv",
    ),
]
