"""A grant agreement as a standalone HTML document and as PDF (WeasyPrint), made offline:
the URL fetcher refuses everything but `data:`, so nothing in the text makes the server fetch."""

from __future__ import annotations

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


def agreement_html(text: str) -> str:
    """The agreement's Markdown as sanitised HTML (nh3), safe to put in a page."""
    return mark_safe(render_markdown(text))


def document(*, award: Any, text: str, text_hash: str, signed: Any) -> str:
    return render_to_string(
        "network/grants/agreement_document.html",
        {"award": award, "body": agreement_html(text), "text_hash": text_hash, "signed": signed},
    )


def pdf(*, award: Any, text: str, text_hash: str, signed: Any) -> bytes:
    html = document(award=award, text=text, text_hash=text_hash, signed=signed)
    return HTML(string=html, url_fetcher=OfflineFetcher(), base_url=None).write_pdf()
