"""The Django admin for conveners. Writes that carry rules (awards, decisions) stay in the pages,
which go through services; the admin is for set-up (cohorts, calls, questions, rubrics)."""

from django.contrib import admin

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
from datacollab.organisations.admin_access import ConvenerAdmin, ConvenerInline


@admin.register(Network)
class NetworkAdmin(ConvenerAdmin):
    list_display = ("name", "slug")


class CohortMembershipInline(ConvenerInline, admin.TabularInline):
    model = CohortMembership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Cohort)
class CohortAdmin(ConvenerAdmin):
    list_display = ("name", "slug", "starts_on", "ends_on", "capacity", "budget", "currency")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CohortMembershipInline]


class QuestionInline(ConvenerInline, admin.StackedInline):
    model = Question
    extra = 0


class CriterionInline(ConvenerInline, admin.TabularInline):
    model = EligibilityCriterion
    extra = 0


class RubricInline(ConvenerInline, admin.TabularInline):
    model = RubricCriterion
    extra = 0


class EmailTemplateInline(ConvenerInline, admin.StackedInline):
    model = EmailTemplate
    extra = 0


@admin.register(Call)
class CallAdmin(ConvenerAdmin):
    list_display = ("title", "cohort", "status", "opens_at", "deadline")
    list_filter = ("status",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [QuestionInline, CriterionInline, RubricInline, EmailTemplateInline]


@admin.register(Application)
class ApplicationAdmin(ConvenerAdmin):
    list_display = ("title", "organisation", "call", "status", "eligible", "decision")
    list_filter = ("call", "status", "eligible", "decision")
    search_fields = ("title", "organisation__name")
    # Status and decision change only through services (deadline, audit).
    readonly_fields = ("status", "submitted_at", "eligible", "eligibility_reasons", "decision")


@admin.register(Extension)
class ExtensionAdmin(ConvenerAdmin):
    list_display = ("organisation", "call", "until", "granted_by")


@admin.register(ReviewerConflict)
class ReviewerConflictAdmin(ConvenerAdmin):
    list_display = ("reviewer", "organisation", "call", "reason")


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ConvenerAdmin):
    list_display = ("application", "reviewer", "source")
    list_filter = ("source",)


@admin.register(SelectionProposal)
class SelectionProposalAdmin(ConvenerAdmin):
    list_display = ("call", "status", "created_at", "created_by")
    readonly_fields = ("parameters", "result", "status", "confirmed_at", "confirmed_by")


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ConvenerAdmin):
    list_display = ("subject", "application", "status", "sent_at")
    list_filter = ("status", "kind")


class InstalmentInline(ConvenerInline, admin.TabularInline):
    model = Instalment
    extra = 0


@admin.register(Award)
class AwardAdmin(ConvenerAdmin):
    list_display = ("organisation", "cohort", "kind", "amount", "currency", "awarded_on")
    list_filter = ("cohort", "kind")
    readonly_fields = ("amount", "cohort", "organisation", "application")
    inlines = [InstalmentInline]
