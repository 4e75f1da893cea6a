"""Background work for the audit log: thin, as every task (STYLE.md)."""

from __future__ import annotations

from django_tasks import task

from datacollab.core import audit


@task()
def write_audit_checkpoint() -> int:
    """Export a signed checkpoint of the head (enqueued every AUDIT_CHECKPOINT_EVERY entries)."""
    return audit.checkpoint().count
