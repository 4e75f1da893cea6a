"""A grant agreement as a standalone HTML document and as PDF (WeasyPrint), made offline:
the URL fetcher refuses everything but `data:`, so nothing in the text makes the server fetch."""

from __future__ import annotations

import re
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from datacollab.core.markdown import render_markdown


class OfflineFetcher(URLFetcher):
    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"the agreement renderer fetches nothing ({url} refused)")


_HEADING = re.compile(r"<(/?)h([1-6])>")


def agreement_html(text: str, *, below: int = 0) -> str:
    """The agreement's Markdown as sanitised HTML (nh3), safe to put in a page; `below` moves
    its headings down that many levels, so inside a page they sit under the page's own."""
    html = render_markdown(text)
    if below:
        html = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + below, 6)}>", html)
    return mark_safe(html)  # sanitised by render_markdown (nh3)


def document(*, award: Any, text: str, text_hash: str, signed: Any) -> str:
    return render_to_string(
        "network/grants/agreement_document.html",
        {"award": award, "body": agreement_html(text), "text_hash": text_hash, "signed": signed},
    )


def pdf(*, award: Any, text: str, text_hash: str, signed: Any) -> bytes:
    html = document(award=award, text=text, text_hash=text_hash, signed=signed)
    return HTML(string=html, url_fetcher=OfflineFetcher(), base_url=None).write_pdf()
