"""Who may read an application's attachment, and the audit entry when someone else's is read.

Attachments are stored under an unguessable private key (network/uploads.py) that no URL
serves; this check, called by the download view, is the only way to them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from datacollab.core import audit
from datacollab.core.errors import NotFound
from datacollab.network.models import Answer, Application, ReviewAssignment
from datacollab.network.selectors.reviews import is_conflicted
from datacollab.organisations.rules import is_convener, is_member, is_reviewer


@dataclass(frozen=True)
class Attachment:
    answer: Answer
    name: str  # the name the applicant gave it, for the download


def _reader_role(actor: Any, application: Application) -> str | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    if is_member(actor, application.organisation):
        return "member"
    if is_convener(actor):
        return "convener"
    assigned = ReviewAssignment.objects.filter(application=application, reviewer=actor).exists()
    # Only while the reviewer role is held: revoking it closes the files at once.
    if assigned and is_reviewer(actor) and not is_conflicted(actor, application):
        return "reviewer"
    return None


@transaction.atomic
def open_attachment(*, actor: Any, application_id: int, question_id: int) -> Attachment:
    """The answer holding the file, for its organisation's members, conveners and assigned
    reviewers without a conflict; 404 for anyone else, so its existence does not leak."""
    application = (
        Application.objects.select_related("organisation", "call").filter(pk=application_id).first()
    )
    role = _reader_role(actor, application) if application is not None else None
    if application is None or role is None:
        raise NotFound(_("There is no such file, or it is not yours to see."))
    answer = Answer.objects.filter(application=application, question_id=question_id).first()
    if answer is None or not answer.file:
        raise NotFound(_("No file was uploaded for this question."))
    name = str((answer.value or {}).get("name") or (answer.file.name or "").rsplit("/", 1)[-1])
    if role != "member":
        # Reading another organisation's unpublished file is access to non-open data.
        audit.record(
            action="application.attachment_read",
            actor=actor,
            obj=application,
            details={"question": question_id, "file": name, "as": role},
        )
    if role == "reviewer" and application.call.blind_review:
        # File names often carry the organisation's; a blind reviewer's download keeps only
        # the type (the same rule as selectors/blind.py for the page).
        extension = PurePosixPath(name).suffix.lower()
        name = f"attachment-{application.pk}-{question_id}{extension}"
    return Attachment(answer=answer, name=name)
