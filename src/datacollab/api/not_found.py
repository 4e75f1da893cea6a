"""Any address under /api/ that no operation serves: a JSON 404, never the HTML page.

django-ninja answers only its own routes; a path parameter holding a slash (or any other
address under /api/) would otherwise fall through to the site's HTML "Page not found".
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # it changes nothing; a POST must get the same JSON 404, not the CSRF page
def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse(
        {"error": "not_found", "message": _("There is no such API address: see /api/docs.")},
        status=404,
        content_type="application/json; charset=utf-8",  # as django-ninja's answers
    )
