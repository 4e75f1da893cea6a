"""Admin (superusers only, core/admin.py): look collaborations and agreements up. Changes go
through the pages, whose services check permission and write the audit log; versions and
acceptances are signatures and never change, so the admin shows them read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from datacollab.collaborations.models import (
    Acceptance,
    Agreement,
    AgreementVersion,
    CollaborationMember,
    DataCollaboration,
    SelfAssessment,
)
from datacollab.core.admin import AuditedTabularInline, ReadOnlyAuditedAdmin

ReadOnlyAdmin = ReadOnlyAuditedAdmin


class ReadOnlyInline(AuditedTabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MemberInline(ReadOnlyInline):
    model = CollaborationMember
    fields = ("organisation", "role", "joined_at")
    readonly_fields = fields


class AssessmentInline(ReadOnlyInline):
    model = SelfAssessment
    fields = ("principle", "score", "note", "assessed_by", "assessed_at")
    readonly_fields = fields


@admin.register(DataCollaboration)
class DataCollaborationAdmin(ReadOnlyAdmin):
    list_display = ("name", "lead", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "slug", "lead__name")
    list_select_related = ("lead",)
    inlines = [MemberInline, AssessmentInline]


class VersionInline(ReadOnlyInline):
    model = AgreementVersion
    fields = ("number", "text_hash", "created_by", "created_at")
    readonly_fields = fields


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("title", "collaboration", "licence", "created_at")
    list_filter = ("licence",)
    search_fields = ("title", "slug", "collaboration__name")
    list_select_related = ("collaboration",)
    inlines = [VersionInline]


@admin.register(Acceptance)
class AcceptanceAdmin(ReadOnlyAdmin):
    list_display = ("version", "organisation", "accepted_by", "accepted_at", "text_hash")
    search_fields = ("version__agreement__title", "organisation__name", "accepted_by__email")
    list_select_related = ("version__agreement", "organisation", "accepted_by")
