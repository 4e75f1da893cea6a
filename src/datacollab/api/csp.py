"""django-csp's middleware, which skips its work for a response exempt from both headers.

django-csp 4.0 builds both policies (the enforced one and the report-only one) for every
response and only then looks at the exemption: about a twentieth of the rows API's time, for
headers it then leaves off (the rows API's JSON is exempt, datasets/api.py `rows_response`).
Every other response is handled by django-csp as before.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware
from django.http import HttpRequest
from django.http.response import HttpResponseBase


class ExemptAwareCSPMiddleware(CSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(response, "_csp_exempt", False) and getattr(response, "_csp_exempt_ro", False):
            return response
        return super().process_response(request, response)
