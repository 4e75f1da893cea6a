"""Every write to the resource library: add a link or a file, edit, remove."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from datacollab.core import audit
from datacollab.core.errors import DomainError, NotAllowed
from datacollab.events.models import Session
from datacollab.learnings import rules
from datacollab.learnings.models import Resource, Tag, Visibility
from datacollab.learnings.services.learnings import unique_slug
from datacollab.learnings.services.tags import resolve_tags
from datacollab.network.file_types import (
    DOCUMENT_CONTENT_TYPES,
    DOCUMENT_EXTENSIONS,
)
from datacollab.network.file_types import (
    content_type_of as content_type_of,  # re-exported: views serve files with it
)
from datacollab.network.models import Cohort
from datacollab.network.uploads import UploadLike, check_upload
from datacollab.organisations.rules import is_convener
from datacollab.search import index

MAX_FILE_BYTES = 20 * 1024 * 1024
# Resource files are the shared document types (network/file_types.py), as attachments are.
FILE_EXTENSIONS = DOCUMENT_EXTENSIONS
CONTENT_TYPES = DOCUMENT_CONTENT_TYPES
MAX_DESCRIPTION = 10_000


@dataclass
class _FileRule:
    """The limits `check_upload` applies (it reads them like an application's file question)."""

    label: str = field(default_factory=lambda: str(gettext_lazy("a resource file")))
    max_file_bytes: int = MAX_FILE_BYTES
    allowed_extensions: tuple[str, ...] = FILE_EXTENSIONS


def _checked_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DomainError(
            _("Give the link as a full web address starting with https:// or http://."),
            field="url",
        )
    if len(url) > 500:
        raise DomainError(_("Keep the link under 500 characters."), field="url")
    return url


def _checked_fields(*, title: str, kind: str, description: str, visibility: str) -> tuple[str, str]:
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the resource a title."), field="title")
    if len(title) > 200:
        raise DomainError(_("Keep the title under 200 characters."), field="title")
    if kind not in Resource.Kind.values:
        raise DomainError(
            _("Choose what kind of resource it is (guidance, a tool, a template...)."),
            field="kind",
        )
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise DomainError(
            _("Keep the description under %(n)d characters.") % {"n": MAX_DESCRIPTION},
            field="description",
        )
    if visibility not in Visibility.values:
        raise DomainError(
            _("Choose who may see it: the cohort only, or anyone."), field="visibility"
        )
    return title, description


def _scope(
    *, actor: Any, session: Session | None, cohort: Cohort | None, visibility: str
) -> Cohort | None:
    """The cohort the resource belongs to, checked against the session and the actor."""
    if session is not None and session.cohort_id is not None:
        if cohort is None:
            cohort = session.cohort
        elif cohort.pk != session.cohort_id:
            raise DomainError(
                _("“%(session)s” is a session of another cohort: choose its cohort or none.")
                % {"session": session.title},
                field="session",
            )
    if visibility == Visibility.COHORT and cohort is None:
        raise DomainError(
            _("Choose the cohort that may see it, or make it visible to anyone."), field="cohort"
        )
    if cohort is None:
        if not is_convener(actor):
            raise NotAllowed(
                _(
                    "Only conveners add resources to the whole network's library: choose one "
                    "of your cohorts."
                )
            )
    elif not rules.writes_for(actor, cohort):
        raise NotAllowed(
            _("Only participants of %(cohort)s and conveners can add its resources.")
            % {"cohort": cohort.name}
        )
    return cohort


@transaction.atomic
def add_resource(
    *,
    actor: Any,
    title: str,
    kind: str,
    description: str = "",
    url: str = "",
    upload: UploadLike | None = None,
    session: Session | None = None,
    cohort: Cohort | None = None,
    visibility: str = Visibility.PUBLIC,
    themes: Sequence[Tag] = (),
    custom_tags: Sequence[str] = (),
) -> Resource:
    """A link or an uploaded file for the library, or material of a session."""
    title, description = _checked_fields(
        title=title, kind=kind, description=description, visibility=visibility
    )
    cohort = _scope(actor=actor, session=session, cohort=cohort, visibility=visibility)
    url = _checked_url(url)
    if not url and upload is None:
        raise DomainError(_("Give a link or upload a file."), field="url")
    if upload is not None:
        check_upload(question=_FileRule(), upload=upload)
    tags = resolve_tags(themes=themes, custom=custom_tags)
    resource = Resource(
        slug=unique_slug(Resource, title, "resource"),
        title=title,
        kind=kind,
        description=description,
        url=url,
        session=session,
        cohort=cohort,
        visibility=visibility,
        added_by=actor,
    )
    stored = ""
    if upload is not None:
        name = (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1]
        # The field's upload_to puts it under private/, in a random 32-byte folder.
        resource.file.save(name, upload, save=False)  # type: ignore[arg-type]
        stored = resource.file.name or ""
    try:
        resource.save()
        resource.tags.set(tags)
        audit.record(
            action="resource.added",
            actor=actor,
            obj=resource,
            details={
                "slug": resource.slug,
                "kind": kind,
                "cohort": cohort.slug if cohort else None,
                "visibility": visibility,
                "file": stored or None,
                "url": url or None,
            },
        )
    except Exception:
        # No row, no file: a failed save must not leave an orphan behind.
        if stored:
            resource.file.storage.delete(stored)
        raise
    _refresh_search(resource)
    return resource


@transaction.atomic
def update_resource(
    *,
    actor: Any,
    resource: Resource,
    title: str,
    kind: str,
    description: str = "",
    url: str = "",
    session: Session | None = None,
    cohort: Cohort | None = None,
    visibility: str = Visibility.PUBLIC,
    themes: Sequence[Tag] = (),
    custom_tags: Sequence[str] = (),
) -> Resource:
    """Change what is said about a resource and its link; a file is replaced by adding anew."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if not rules.may_edit_resource(actor, resource):
        raise NotAllowed(_("Only whoever added this resource and conveners can edit it."))
    title, description = _checked_fields(
        title=title, kind=kind, description=description, visibility=visibility
    )
    cohort = _scope(actor=actor, session=session, cohort=cohort, visibility=visibility)
    url = _checked_url(url)
    if not url and not resource.file:
        raise DomainError(_("Give a link: this resource has no file."), field="url")
    tags = resolve_tags(themes=themes, custom=custom_tags)
    resource.title = title
    resource.kind = kind
    resource.description = description
    resource.url = url
    resource.session = session
    resource.cohort = cohort
    resource.visibility = visibility
    resource.save()
    resource.tags.set(tags)
    _refresh_search(resource)
    return resource


@transaction.atomic
def remove_resource(*, actor: Any, resource: Resource) -> None:
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if not rules.may_edit_resource(actor, resource):
        raise NotAllowed(_("Only whoever added this resource and conveners can remove it."))
    pk, stored, storage = resource.pk, resource.file.name, resource.file.storage
    audit.record(
        action="resource.removed",
        actor=actor,
        obj=resource,
        details={"slug": resource.slug, "title": resource.title, "file": stored or None},
    )
    resource.delete()
    if stored:
        # The file goes only once the row is gone for good.
        transaction.on_commit(lambda: storage.delete(stored))
    _refresh_search_pk(pk)


def _refresh_search(resource: Resource) -> None:
    _refresh_search_pk(resource.pk)


def _refresh_search_pk(pk: int) -> None:
    """Keep the search entry in step, once the change is committed."""
    transaction.on_commit(lambda: index.refresh("resource", pk))
