"""The admin site: superusers only. Kept apart from core/admin.py, which registers models,
because Django imports the site class while other apps' admin modules are still loading."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
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
