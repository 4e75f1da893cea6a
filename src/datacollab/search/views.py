"""The search page: everything this person may see, one box."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from datacollab.search.forms import SearchForm
from datacollab.search.selectors import search as run_search


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    valid = form.is_valid()
    q = form.cleaned_data["q"] if valid else ""
    kind = form.cleaned_data["kind"] if valid else ""
    result = run_search(request.user, q=q, kind=kind, page=request.GET.get("page", 1))
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "result": result,
            "searched": bool(q.strip()),
            "kind_links": [
                {"count": item, "url": "?" + urlencode({"q": q, "kind": item.kind})}
                for item in result.kinds
            ],
            "all_url": "?" + urlencode({"q": q}),
            "page_query": urlencode({"q": q, "kind": kind} if kind else {"q": q}),
        },
        status=200 if valid else 400,
    )


urlpatterns = [path("", search, name="search")]
