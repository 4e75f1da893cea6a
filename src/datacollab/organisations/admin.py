from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from datacollab.organisations import rules, services
from datacollab.organisations.admin_access import ConvenerAdmin, ConvenerInline
from datacollab.organisations.models import Membership, Organisation, RoleGrant, User


class MembershipInline(ConvenerInline, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class PersonAdmin(UserAdmin):  # type: ignore[type-arg]
    # Conveners look people up (roles, memberships); only superusers edit accounts.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return rules.is_convener(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return rules.is_convener(request.user)

    list_display = ("email", "display_name", "is_staff", "is_active")
    search_fields = ("email", "display_name")
    ordering = ("email",)
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("datacollab", {"fields": ("display_name", "timezone")}),
    )


@admin.register(Organisation)
class OrganisationAdmin(ConvenerAdmin):
    list_display = ("name", "kind", "country")
    list_filter = ("kind",)
    search_fields = ("name", "org_id", "ror")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(RoleGrant)
class RoleGrantAdmin(ConvenerAdmin):
    list_display = ("user", "role", "created_at")
    list_filter = ("role",)
    autocomplete_fields = ["user"]

    def save_model(self, request: HttpRequest, obj: RoleGrant, form: Any, change: bool) -> None:
        # Through the service, so the grant is audited and a convener also gets admin access.
        services.grant_role(actor=request.user, user=obj.user, role=obj.role)  # type: ignore[arg-type]
