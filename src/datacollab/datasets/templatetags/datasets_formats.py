"""Formats on the dataset page: `{% dataset_jsonld dataset %}` (schema.org Dataset JSON-LD),
`{% version_format_links dataset version %}` and `{% dataset_metadata_links dataset %}`.

The JSON sits in a `<script type="application/ld+json">` element, which browsers treat as data
(CSP's script-src does not apply). It is escaped as Django's `json_script` escapes: `<`, `>`
and `&` become \\u escapes, so no text in the metadata can close the element early.
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from datacollab.datasets.dcat_schemaorg import schema_org
from datacollab.datasets.models import Dataset, DatasetVersion

register = template.Library()

# The same table as django.utils.html._json_script_escapes (private there).
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data: Any) -> SafeString:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag(takes_context=True)
def dataset_jsonld(context: template.Context, dataset: Dataset) -> SafeString:
    """Only on pages of datasets the viewer may see: the page's own view has checked."""
    request = context.get("request")
    absolute = request.build_absolute_uri if request is not None else str
    # With its schema (`variableMeasured` lists the fields), without the bulky report.
    latest = dataset.versions.defer("report", "detected").order_by("-number").first()
    return json_ld_script(schema_org(dataset, latest, absolute))


@register.simple_tag
def version_format_links(dataset: Dataset, version: DatasetVersion) -> SafeString:
    """For the versions table's data cell (only where the viewer may read the data):
    ` · Data Package · Changes` (the diff from the previous version)."""
    package = reverse(
        "dataset-datapackage", kwargs={"slug": dataset.slug, "version": version.number}
    )
    links = format_html(' · <a href="{}">{}</a>', package, _("Data Package"))
    if version.number > 1:
        diff = reverse(
            "dataset-diff",
            kwargs={
                "slug": dataset.slug,
                "from_version": version.number - 1,
                "to_version": version.number,
            },
        )
        links += format_html(' · <a href="{}">{}</a>', diff, _("Changes"))
    return links


@register.simple_tag
def dataset_metadata_links(dataset: Dataset) -> SafeString:
    """`Metadata: DCAT (JSON-LD) · DCAT (Turtle) · JSON API` for the dataset page."""
    return format_html(
        '{}: <a href="{}" type="application/ld+json">{}</a> · '
        '<a href="{}" type="text/turtle">{}</a> · <a href="{}">{}</a>',
        _("Metadata"),
        reverse("dataset-dcat-jsonld", kwargs={"slug": dataset.slug}),
        _("DCAT (JSON-LD)"),
        reverse("dataset-dcat-ttl", kwargs={"slug": dataset.slug}),
        _("DCAT (Turtle)"),
        reverse("api:dataset_get", kwargs={"slug": dataset.slug}),
        _("JSON API"),
    )
