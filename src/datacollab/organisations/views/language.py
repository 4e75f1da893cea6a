"""The language chooser in every page's header: remembered by cookie, and on the profile."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from datacollab.core.languages import codes
from datacollab.organisations import services
from datacollab.organisations.models import User


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """Set the language cookie, so the choice outlives the session (e.g. after logging out)."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        )
    return response


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """Remember the chosen language (cookie; the profile when signed in) and go back.

    Not Django's set_language alone: it accepts any language Django ships (say "de"), where
    only the network's own are offered."""
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    code = request.POST.get("language", "")
    if code not in codes():
        return response
    if request.user.is_authenticated:
        services.set_language(user=cast(User, request.user), language=code)
    return remember_language(response, code)
