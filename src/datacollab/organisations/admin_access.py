"""The admin is a superuser's tool (core/admin.py): conveners work through pages, whose services
check permission and write the audit log. These names stay for code that still imports them."""

from __future__ import annotations

from datacollab.core.admin import AuditedInlineMixin, AuditedModelAdmin

# Kept as aliases so an import elsewhere does not break; both are superuser-only and audited.
ConvenerAdmin = AuditedModelAdmin
ConvenerInline = AuditedInlineMixin
