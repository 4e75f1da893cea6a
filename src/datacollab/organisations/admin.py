"""The admin for people and organisations: superusers only, every change audited (core/admin.py).

A membership gives access to the organisation's group and named data, so the red team's
convener who added themselves to an organisation here read a closed dataset: now only a
superuser reaches this page, and the membership lands in the audit log as
`admin.organisations.membership.created`.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from datacollab.core import audit
from datacollab.core.admin import AuditedModelAdmin, AuditedTabularInline, action_name
from datacollab.organisations import services
from datacollab.organisations.models import Membership, Organisation, RoleGrant, User


class MembershipInline(AuditedTabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class PersonAdmin(AuditedModelAdmin, UserAdmin):  # type: ignore[type-arg]
    list_display = ("email", "display_name", "is_superuser", "is_active")
    search_fields = ("email", "display_name")
    ordering = ("email",)
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("datacollab", {"fields": ("display_name", "timezone")}),
    )
    # People log in with their email: without it here, a person added in the admin had none.
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "username", "usable_password", "password1", "password2"),
            },
        ),
    )

    @transaction.atomic
    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # Django's own view saves the form itself, past save_model: audit it here.
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            audit.record(
                action=action_name(user, "password_set"),
                actor=request.user,
                obj=user,
                details={"via": "admin"},
            )
        return response


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ("name", "kind", "country")
    list_filter = ("kind",)
    search_fields = ("name", "org_id", "ror")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(RoleGrant)
class RoleGrantAdmin(AuditedModelAdmin):
    list_display = ("user", "role", "created_at")
    list_filter = ("role",)
    autocomplete_fields = ["user"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a grant is given or taken away (deleted, audited), never edited

    def save_model(self, request: HttpRequest, obj: RoleGrant, form: Any, change: bool) -> None:
        # Through the service, which checks the role and audits `role.granted`.
        grant = services.grant_role(actor=request.user, user=obj.user, role=obj.role)  # type: ignore[arg-type]
        obj.pk = grant.pk  # the admin's next page links to the saved object
