"""Writes on a call that conveners make while it runs: named late extensions.

The call's moves (open, close, review, decide) are in call_lifecycle.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.network.models import Call, Extension
from datacollab.network.selectors.applications import format_in_zone
from datacollab.network.services import call_lifecycle
from datacollab.organisations.models import Organisation
from datacollab.organisations.rules import is_convener


@transaction.atomic
def grant_extension(
    *,
    actor: Any,
    call: Call,
    organisation: Organisation,
    until: datetime,
    reason: str,
    now: datetime | None = None,
) -> Extension:
    """Let one named organisation edit and submit until `until`. Granting again replaces the
    earlier extension (one per organisation and call); both grants stay in the audit log."""
    now = now or timezone.now()
    if not is_convener(actor):
        raise NotAllowed(_("Only conveners can grant extensions."))
    if call.status not in call_lifecycle.TAKES_EXTENSIONS:
        raise Conflict(
            _(
                "“%(call)s” is “%(status)s”: extensions are granted only while a call is open "
                "or closed, before a selection is confirmed."
            )
            % {"call": call.title, "status": call.get_status_display()}
        )
    if not reason.strip():
        raise DomainError(
            _("Give a reason for the extension; it is kept in the audit log."), field="reason"
        )
    if until <= now:
        raise DomainError(
            _("The extension must end in the future; %(until)s has passed.")
            % {"until": format_in_zone(until, call.timezone)},
            field="until",
        )
    if until <= call.deadline:
        raise DomainError(
            _("The extension must end after the call's deadline, %(deadline)s.")
            % {"deadline": format_in_zone(call.deadline, call.timezone)},
            field="until",
        )
    extension, created = Extension.objects.update_or_create(
        call=call,
        organisation=organisation,
        defaults={"until": until, "reason": reason.strip(), "granted_by": actor},
    )
    audit.record(
        action="call.extension_granted",
        actor=actor,
        obj=extension,
        details={
            "call": call.slug,
            "organisation": organisation.slug,
            "until": until,
            "reason": extension.reason,
            "replaced_earlier": not created,
        },
    )
    return extension
