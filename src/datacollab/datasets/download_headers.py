"""Headers of a dataset version's data downloads (page and API)."""

from __future__ import annotations

from typing import TypeVar

from django.http.response import HttpResponseBase

from datacollab.core.private_files import keep_private
from datacollab.datasets.models import Dataset, Spectrum

R = TypeVar("R", bound=HttpResponseBase)


def download_headers(dataset: Dataset, response: R) -> R:
    """Never sniffed into a page. Data checked per reader is never kept by a shared cache or
    the browser's history; open data may be (a published version never changes, and anyone
    may read it), so a cache or a CDN in front of the site can serve it."""
    if dataset.spectrum == Spectrum.OPEN:
        response["X-Content-Type-Options"] = "nosniff"
        return response
    return keep_private(response)
