from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from datacollab.organisations.models import Membership, Organisation, RoleGrant, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class PersonAdmin(UserAdmin):
    list_display = ("email", "display_name", "is_staff", "is_active")
    search_fields = ("email", "display_name")
    ordering = ("email",)
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("datacollab", {"fields": ("display_name", "timezone")}),
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country")
    list_filter = ("kind",)
    search_fields = ("name", "org_id", "ror")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "created_at")
    list_filter = ("role",)
    autocomplete_fields = ["user"]
