"""The Django admin as a superuser's tool, and every change made in it audited.

Conveners and everyone else work through pages, whose services check permission and write
the audit log. The admin bypasses the services, so it is open to superusers only, and every
save or delete of a domain object made in it is recorded here as
`admin.<app>.<model>.<created|changed|deleted>` with the changed fields, in the same
transaction as the change (the admin's views are atomic; bulk delete is made so below).
tests/test_admin_registry.py fails for any registered admin that does not use these bases.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms import BaseModelForm
from django.forms.models import BaseModelFormSet
from django.http import HttpRequest
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from datacollab.core import audit
from datacollab.core.admin_audit import (
    cascade,
    diff,
    m2m_snapshot,
    redact,
    snapshot,
    stored_snapshot,
)
from datacollab.core.admin_site import is_superuser
from datacollab.core.models import AuditEntry


def action_name(model: type[Model] | Model, verb: str) -> str:
    opts = model._meta
    return f"admin.{opts.app_label}.{opts.model_name}.{verb}"


class SuperuserOnlyMixin:
    """Defence in depth: each admin class refuses non-superusers even if the site did not."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request.user) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request.user) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_superuser(request.user) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request.user) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request.user) and super().has_delete_permission(request, obj)  # type: ignore[misc]


def record_deletion(request: HttpRequest, obj: Model, **extra: Any) -> None:
    # Recorded before the delete (which clears obj.pk), in the same transaction.
    audit.record(
        action=action_name(obj, "deleted"),
        actor=request.user,
        obj=obj,
        details={"via": "admin", "values": redact(snapshot(obj)), "cascade": cascade(obj), **extra},
    )


class AuditedModelAdmin(SuperuserOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Base of every ModelAdmin: superusers only, every write audited."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = stored_snapshot(obj) if change else None
        m2m_before = m2m_snapshot(obj) if change else {}
        super().save_model(request, obj, form, change)
        # save_related compares these after the form's many-to-many fields are saved.
        _pending(request)[_key(obj)] = m2m_before
        if before is None:
            audit.record(
                action=action_name(obj, "created"),
                actor=request.user,
                obj=obj,
                details={"via": "admin", "values": redact(snapshot(obj))},
            )
            return
        changed = diff(before, snapshot(obj))
        if changed:
            audit.record(
                action=action_name(obj, "changed"),
                actor=request.user,
                obj=obj,
                details={"via": "admin", "fields": changed},
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        m2m_before = _pending(request).pop(_key(obj), None)
        if m2m_before is None:
            return  # save_model went through a service, which audits for itself
        changed = diff(m2m_before, m2m_snapshot(obj)) if change else {}
        if changed:
            audit.record(
                action=action_name(obj, "changed"),
                actor=request.user,
                obj=obj,
                details={"via": "admin", "fields": changed},
            )

    def save_formset(
        self,
        request: HttpRequest,
        form: BaseModelForm,  # type: ignore[type-arg]
        formset: BaseModelFormSet,  # type: ignore[type-arg]
        change: bool,
    ) -> None:
        parent = form.instance
        where = {"via": "admin", "parent": f"{parent._meta.label_lower}:{parent.pk}"}
        model = cast(type[Model], formset.model)
        existing = [f.instance.pk for f in formset.initial_forms if f.instance.pk is not None]
        before = {o.pk: snapshot(o) for o in model._base_manager.filter(pk__in=existing)}
        for deleted in formset.deleted_forms:
            if deleted in formset.initial_forms and deleted.instance.pk is not None:
                record_deletion(request, deleted.instance, parent=where["parent"])
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit.record(
                action=action_name(obj, "created"),
                actor=request.user,
                obj=obj,
                details={**where, "values": redact(snapshot(obj))},
            )
        for obj, _fields in formset.changed_objects:
            changed = diff(before.get(obj.pk, {}), snapshot(obj))
            if changed:
                audit.record(
                    action=action_name(obj, "changed"),
                    actor=request.user,
                    obj=obj,
                    details={**where, "fields": changed},
                )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record_deletion(request, obj)
        super().delete_model(request, obj)

    @transaction.atomic  # the "delete selected" action runs outside the admin's transaction
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            record_deletion(request, obj)
        super().delete_queryset(request, queryset)


class AuditedInlineMixin(SuperuserOnlyMixin):
    """Inlines are saved by their parent's AuditedModelAdmin.save_formset, which audits them;
    this base keeps them superuser-only and lets the registry test recognise them."""


class AuditedTabularInline(AuditedInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    pass


class AuditedStackedInline(AuditedInlineMixin, admin.StackedInline):  # type: ignore[type-arg]
    pass


class ReadOnlyAuditedAdmin(AuditedModelAdmin):
    """For records that only services write (signatures, logs): look them up, never change."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _pending(request: HttpRequest) -> dict[str, dict[str, Any]]:
    pending = getattr(request, "_audit_m2m_before", None)
    if pending is None:
        pending = {}
        request._audit_m2m_before = pending  # type: ignore[attr-defined]
    return pending


def _key(obj: Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAuditedAdmin):
    list_display = ("seq", "created_at", "actor_label", "action", "object_repr", "key_id")
    list_filter = ("action",)
    search_fields = ("action", "actor_label", "object_repr", "object_id")
    ordering = ("-seq",)


# Admins that Django and django-tasks register themselves: the same rule applies to them.
admin.site.unregister(Group)
admin.site.register(Group, type("AuditedGroupAdmin", (AuditedModelAdmin, GroupAdmin), {}))
admin.site.unregister(DBTaskResult)
admin.site.register(
    DBTaskResult, type("AuditedTaskResultAdmin", (AuditedModelAdmin, DBTaskResultAdmin), {})
)
