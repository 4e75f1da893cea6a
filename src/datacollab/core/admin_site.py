"""The admin site: superusers only. Kept apart from core/admin.py, which registers models,
because Django imports the site class while other apps' admin modules are still loading."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


class SuperuserAuthenticationForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Enter the email and password of a superuser account. The admin is for "
            "superusers only: conveners and members use the site's own pages."
        ),
    }

    def clean(self) -> dict[str, Any]:
        # As the site's login form (organisations/forms.py): once the throttles refuse, say
        # when to try again, not that the password was wrong (it may be right).
        from datacollab.organisations.backends import client_address
        from datacollab.organisations.services import throttle

        email = str(self.cleaned_data.get("username") or "").strip().lower()
        address = client_address(self.request) if self.request is not None else ""
        now = timezone.now()
        until = throttle.login_retry_at(email=email, address=address, now=now)
        if until is not None:
            raise ValidationError(throttle.throttled_login_error(until, now), code="throttled")
        return super().clean()

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not is_superuser(user):
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class SuperuserAdminSite(admin.AdminSite):
    """Only an active superuser gets past the login; staff status alone opens nothing."""

    site_header = _("datacollab administration (superusers)")
    login_form = SuperuserAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request.user)
