"""schema.org/Dataset JSON-LD for the dataset page: what search engines such as Google Dataset
Search read. Built from the same facts as the DCAT feeds (`dcat.py`).

A builder only: the page's view has checked that the viewer may see the dataset, and whoever
sees the page sees its schema too, so `variableMeasured` tells nothing the page does not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from datacollab.datasets.dcat import Absolute, distributions, licence_url, page_url
from datacollab.datasets.models import Dataset, DatasetVersion, Spectrum

# Free of charge and of any step but (for public data) registering or accepting terms. Group,
# named and closed data need someone's permission, which schema.org does not count as free.
FREE_LEVELS = {Spectrum.OPEN, Spectrum.PUBLIC}

# Units named by a field's suffix, as the demo and many publishers name columns
# (`distance_km`, `payload_kg`). A field's own `unit` property wins over this.
_UNIT_SUFFIXES = {
    "km": "km",
    "m": "m",
    "kg": "kg",
    "g": "g",
    "kmh": "km/h",
    "min": "min",
    "s": "s",
    "pct": "%",
    "percent": "%",
    "ars": "ARS",
    "cny": "CNY",
    "eur": "EUR",
    "gbp": "GBP",
    "usd": "USD",
}
_SUFFIX = re.compile(r"_([a-z]+)$")


def unit_of(field: Mapping[str, Any]) -> str | None:
    """The field's unit when it is known: its own `unit`, else its name's unit suffix."""
    unit = field.get("unit")
    if isinstance(unit, str) and unit.strip():
        return unit.strip()
    match = _SUFFIX.search(str(field.get("name", "")).lower())
    return _UNIT_SUFFIXES.get(match.group(1)) if match else None


def variables(schema: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """One schema.org PropertyValue per Table Schema field."""
    found: list[dict[str, Any]] = []
    for field in (schema or {}).get("fields") or []:
        if not isinstance(field, Mapping) or not field.get("name"):
            continue
        variable: dict[str, Any] = {"@type": "PropertyValue", "name": str(field["name"])}
        if field.get("description"):
            variable["description"] = str(field["description"])
        unit = unit_of(field)
        if unit:
            variable["unitText"] = unit
        found.append(variable)
    return found


def _publisher(dataset: Dataset, absolute: Absolute) -> dict[str, Any]:
    org = dataset.owner
    publisher: dict[str, Any] = {"@type": "Organization", "name": org.name}
    publisher["url"] = absolute(reverse("organisation-detail", kwargs={"slug": org.slug}))
    if org.website:
        publisher["sameAs"] = org.website
    return publisher


def schema_org(
    dataset: Dataset, latest: DatasetVersion | None, absolute: Absolute
) -> dict[str, Any]:
    """schema.org/Dataset. `latest` must carry its schema (not deferred) for `variableMeasured`."""
    page = page_url(dataset, absolute)
    publisher = _publisher(dataset, absolute)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": page,
        "url": page,
        "identifier": dataset.slug,
        "name": dataset.title,
        "description": dataset.description or dataset.title,
        "publisher": publisher,
        "creator": publisher,
        "dateCreated": dataset.created_at.isoformat(),
        "dateModified": (latest.created_at if latest else dataset.updated_at).isoformat(),
        # Always a licence: without an SPDX licence or an agreement, the dataset page is what
        # states the terms (its Data Spectrum level and "no licence given").
        "license": licence_url(dataset, absolute) or page,
        "isAccessibleForFree": dataset.spectrum in FREE_LEVELS,
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": _("datacollab data catalog"),
            "url": absolute(reverse("dataset-catalog")),
        },
    }
    if dataset.keywords:
        data["keywords"] = [str(k) for k in dataset.keywords]
    if dataset.spectrum != Spectrum.OPEN:
        data["conditionsOfAccess"] = str(Spectrum(dataset.spectrum).label)
    if dataset.temporal_start or dataset.temporal_end:
        start = dataset.temporal_start.isoformat() if dataset.temporal_start else ".."
        end = dataset.temporal_end.isoformat() if dataset.temporal_end else ".."
        data["temporalCoverage"] = f"{start}/{end}"
    if dataset.spatial:
        data["spatialCoverage"] = {"@type": "Place", "name": dataset.spatial}
    if latest is not None:
        data["version"] = str(latest.number)
        measured = variables(latest.schema)
        if measured:
            data["variableMeasured"] = measured
        data["distribution"] = [
            {
                "@type": "DataDownload",
                "name": found["title"],
                "encodingFormat": found["media_type"],
                "contentUrl": found["url"],
                **({"contentSize": f"{found['byte_size']} B"} if found["byte_size"] else {}),
            }
            for found in distributions(dataset, latest, absolute)
        ]
    return data
