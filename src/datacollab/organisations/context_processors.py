from typing import Any

from django.http import HttpRequest

from datacollab.organisations import rules


def roles(request: HttpRequest) -> dict[str, Any]:
    """What the navigation offers; the services still check every request."""
    user = getattr(request, "user", None)
    return {"is_convener": rules.is_convener(user), "is_reviewer": rules.is_reviewer(user)}
