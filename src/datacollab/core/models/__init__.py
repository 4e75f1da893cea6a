from datacollab.core.models.audit import AuditEntry, AuditHead

__all__ = ["AuditEntry", "AuditHead"]
