"""Email settings, and the one-click unsubscribe link (RFC 8058) that works without logging in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from datacollab.core.errors import DomainError
from datacollab.discussion import selectors, services
from datacollab.discussion.forms import EmailPreferenceForm
from datacollab.discussion.models import EmailPreference
from datacollab.discussion.services.email import preference_by_token


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    channels = selectors.readable_channels(request.user).order_by("scope", "name")
    status = 200
    if request.method == "POST":
        form = EmailPreferenceForm(request.POST, channels=channels)
        if form.is_valid():
            try:
                services.set_email_preference(
                    actor=request.user,  # type: ignore[arg-type]
                    mode=form.cleaned_data["mode"],
                    muted_channels=form.cleaned_data["muted_channels"],
                )
            except DomainError as error:
                if error.field is None:
                    raise
                form.add_error(error.field, error.message)
                status = error.status
            else:
                messages.success(request, _("Your email settings are saved."))
                return redirect("discussion-settings")
        else:
            status = 400
    else:
        preference = EmailPreference.objects.filter(user=request.user).first()  # type: ignore[misc]
        form = EmailPreferenceForm(
            channels=channels,
            initial={
                "mode": preference.mode if preference else EmailPreference.Mode.DAILY,
                "muted_channels": list(preference.muted_channels.all()) if preference else [],
            },
        )
    return render(request, "discussion/email_settings.html", {"form": form}, status=status)


def _masked(email: str) -> str:
    """Enough of the address to recognise it, not enough to harvest it from a forwarded link."""
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}…@{domain}"


# Mail clients POST here with no cookie and no CSRF token (RFC 8058); the secret token in the
# URL is what authorises it. A GET only shows a button: link scanners follow GETs.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, unsubscribe_token: str) -> HttpResponse:
    if request.method == "POST":
        preference = services.unsubscribe(token=unsubscribe_token)
        return render(
            request, "discussion/unsubscribed.html", {"email": _masked(preference.user.email)}
        )
    preference = preference_by_token(unsubscribe_token)
    return render(
        request,
        "discussion/unsubscribe.html",
        {
            "email": _masked(preference.user.email),
            "already": preference.mode == EmailPreference.Mode.OFF,
            "token": unsubscribe_token,
        },
    )


urlpatterns = [
    path("settings/", email_settings, name="discussion-settings"),
    path("unsubscribe/<str:unsubscribe_token>/", unsubscribe, name="discussion-unsubscribe"),
]
