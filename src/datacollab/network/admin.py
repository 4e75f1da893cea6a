"""The Django admin (superusers only, every change audited: core/admin.py). Writes that carry
rules (awards, payments, decisions) stay in the pages, which go through services; conveners
set cohorts and calls up on their own pages."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from datacollab.core.admin import AuditedModelAdmin, AuditedStackedInline, AuditedTabularInline
from datacollab.network.models import (
    Application,
    Award,
    Call,
    Cohort,
    CohortMembership,
    EligibilityCriterion,
    EmailTemplate,
    Extension,
    Instalment,
    Network,
    OutgoingMail,
    Question,
    ReviewAssignment,
    ReviewerConflict,
    RubricCriterion,
    SelectionProposal,
)


@admin.register(Network)
class NetworkAdmin(AuditedModelAdmin):
    list_display = ("name", "slug")


class CohortMembershipInline(AuditedTabularInline):
    model = CohortMembership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Cohort)
class CohortAdmin(AuditedModelAdmin):
    list_display = ("name", "slug", "starts_on", "ends_on", "capacity", "budget", "currency")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CohortMembershipInline]


class QuestionInline(AuditedStackedInline):
    model = Question
    extra = 0


class CriterionInline(AuditedTabularInline):
    model = EligibilityCriterion
    extra = 0


class RubricInline(AuditedTabularInline):
    model = RubricCriterion
    extra = 0


class EmailTemplateInline(AuditedStackedInline):
    model = EmailTemplate
    extra = 0


@admin.register(Call)
class CallAdmin(AuditedModelAdmin):
    list_display = ("title", "cohort", "status", "opens_at", "deadline")
    list_filter = ("status",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [QuestionInline, CriterionInline, RubricInline, EmailTemplateInline]


@admin.register(Application)
class ApplicationAdmin(AuditedModelAdmin):
    list_display = ("title", "organisation", "call", "status", "eligible", "decision")
    list_filter = ("call", "status", "eligible", "decision")
    search_fields = ("title", "organisation__name")
    # Status and decision change only through services (deadline, audit).
    readonly_fields = ("status", "submitted_at", "eligible", "eligibility_reasons", "decision")


@admin.register(Extension)
class ExtensionAdmin(AuditedModelAdmin):
    list_display = ("organisation", "call", "until", "granted_by")


@admin.register(ReviewerConflict)
class ReviewerConflictAdmin(AuditedModelAdmin):
    list_display = ("reviewer", "organisation", "call", "reason")


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(AuditedModelAdmin):
    list_display = ("application", "reviewer", "source")
    list_filter = ("source",)


@admin.register(SelectionProposal)
class SelectionProposalAdmin(AuditedModelAdmin):
    list_display = ("call", "status", "created_at", "created_by")
    readonly_fields = ("parameters", "result", "status", "confirmed_at", "confirmed_by")


@admin.register(OutgoingMail)
class OutgoingMailAdmin(AuditedModelAdmin):
    list_display = ("subject", "application", "status", "sent_at")
    list_filter = ("status", "kind")


class InstalmentInline(AuditedTabularInline):
    """Read-only: payments are recorded on the cohort's grants page (mark_instalment_paid checks
    the date and a contract's invoice, and audits `grant.instalment_paid`); the schedule is set
    when the award is made."""

    model = Instalment
    extra = 0
    can_delete = False
    fields = ("position", "due_on", "amount", "invoice_reference", "paid_on")
    readonly_fields = fields
    verbose_name_plural = _("instalments (record payments on the cohort's grants page)")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Award)
class AwardAdmin(AuditedModelAdmin):
    list_display = ("organisation", "cohort", "kind", "amount", "currency", "awarded_on")
    list_filter = ("cohort", "kind")
    readonly_fields = ("amount", "cohort", "organisation", "application")
    inlines = [InstalmentInline]
