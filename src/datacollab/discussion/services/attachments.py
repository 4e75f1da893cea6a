"""Files on posts: the resource library's checks (type by first bytes, size cap), stored where
no URL reaches them; the download view serves them only to the channel's readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.core import audit
from datacollab.core.errors import DomainError, NotAllowed
from datacollab.discussion.models import Post, PostAttachment
from datacollab.network.file_types import DOCUMENT_EXTENSIONS
from datacollab.network.uploads import UploadLike, check_upload, safe_name

MAX_FILES_PER_POST = 5


@dataclass
class _AttachmentRule:
    """What `check_upload` reads: like a resource file, with the discussion's own size cap."""

    label: str = field(default_factory=lambda: str(gettext_lazy("an attachment")))
    max_file_bytes: int = field(default_factory=lambda: settings.DISCUSSION_ATTACHMENT_MAX_BYTES)
    allowed_extensions: tuple[str, ...] = DOCUMENT_EXTENSIONS


def check_attachments(uploads: Sequence[UploadLike]) -> None:
    """Refuse the whole set before anything is written (called before the post is made)."""
    if len(uploads) > MAX_FILES_PER_POST:
        raise DomainError(
            _("Attach at most %(n)d files to one post.") % {"n": MAX_FILES_PER_POST},
            field="attachments",
        )
    rule = _AttachmentRule()
    for upload in uploads:
        try:
            check_upload(question=rule, upload=upload)
        except DomainError as error:
            raise DomainError(error.message, field="attachments") from error


@transaction.atomic
def attach_files(*, actor: Any, post: Post, uploads: Sequence[UploadLike]) -> list[PostAttachment]:
    """Attach checked files to the actor's own post (in the transaction that made it)."""
    if getattr(actor, "pk", None) != post.author_id:
        raise NotAllowed(_("Only its author can attach files to a post."))
    check_attachments(uploads)
    made: list[PostAttachment] = []
    stored: list[str] = []
    try:
        for upload in uploads:
            name = safe_name(upload.name or "file")
            attachment = PostAttachment(post=post, name=name, size=upload.size or 0)
            attachment.file.save(name, upload, save=False)  # type: ignore[arg-type]
            stored.append(attachment.file.name or "")
            attachment.save()
            made.append(attachment)
        audit.record(
            action="discussion.files_attached",
            actor=actor,
            obj=post,
            details={"files": [(a.name, a.size) for a in made]},
        )
    except Exception:
        # No row, no file: a failed save must not leave orphans behind.
        for key in stored:
            PostAttachment.file.field.storage.delete(key)
        raise
    return made
