"""`{% dataset_jsonld dataset %}`: schema.org Dataset JSON-LD for the dataset page.

The JSON sits in a `<script type="application/ld+json">` element, which browsers treat as data
(CSP's script-src does not apply). It is escaped as Django's `json_script` escapes: `<`, `>`
and `&` become \\u escapes, so no text in the metadata can close the element early.
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from datacollab.datasets import dcat
from datacollab.datasets.models import Dataset

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
    latest = dcat.latest_versions([dataset.pk]).get(dataset.pk)
    return json_ld_script(dcat.schema_org(dataset, latest, absolute))
