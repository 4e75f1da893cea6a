"""Admin access for conveners: the convener role, not Django's per-model permissions, decides."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from datacollab.organisations import rules


class ConvenerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Conveners (and superusers) may use this part of the admin; nobody else may."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return rules.is_convener(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return rules.is_convener(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return rules.is_convener(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return rules.is_convener(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return rules.is_convener(request.user)


class ConvenerInline:
    """The same rule for inlines (mixed in before the Django inline class)."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return rules.is_convener(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return rules.is_convener(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return rules.is_convener(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return rules.is_convener(request.user)
