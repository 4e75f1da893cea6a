"""Links from dataset pages to what a person can do next, including other areas' pages."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from datacollab.datasets.models import Dataset
from datacollab.datasets.rules import DataAccess


def _url(name: str, fallback: str, **kwargs: str) -> str:
    # Pages other areas own (uploads): by name once they exist, by path until then.
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return fallback


def agreement_url(slug: str) -> str:
    return reverse("agreement-detail", kwargs={"agreement_slug": slug})


def upload_url(dataset: Dataset) -> str:
    return _url("dataset-upload", f"/datasets/{dataset.slug}/upload/", slug=dataset.slug)


def action_links(request: HttpRequest, dataset: Dataset, access: DataAccess) -> dict[str, str]:
    """The one link that resolves a refusal: log in, accept the agreement, or ask for access."""
    if access.allowed:
        return {}
    if access.action == "login":
        return {"login": reverse("login") + "?" + urlencode({"next": request.get_full_path()})}
    if access.action == "accept" and dataset.agreement is not None:
        return {"accept": agreement_url(dataset.agreement.slug)}
    if access.action == "request":
        return {"request": reverse("dataset-request", kwargs={"slug": dataset.slug})}
    return {}


def owner_links(dataset: Dataset) -> dict[str, str]:
    return {
        "edit": reverse("dataset-edit", kwargs={"slug": dataset.slug}),
        "upload": upload_url(dataset),
        "access": reverse("dataset-access", kwargs={"slug": dataset.slug}),
        "requests": reverse("dataset-requests", kwargs={"slug": dataset.slug}),
        "access_log": reverse("dataset-access-log", kwargs={"slug": dataset.slug}),
    }
