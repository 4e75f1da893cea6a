"""Tags typed by people: checked, matched to an existing tag (a theme included) by slug, or
created on the fly."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.utils.text import slugify
from django.utils.translation import gettext as _

from datacollab.core.errors import DomainError
from datacollab.learnings.models import Tag

MAX_TAGS = 10
MIN_TAG_LENGTH = 2
MAX_TAG_LENGTH = 60
# Letters and digits of any script, spaces, and the few marks names of topics use.
_TAG_NAME = re.compile(r"^[\w .&+'/-]+$")


def clean_tag_name(raw: str, *, field: str = "custom_tags") -> str:
    name = " ".join(str(raw).split())
    if len(name) < MIN_TAG_LENGTH or len(name) > MAX_TAG_LENGTH:
        raise DomainError(
            _("“%(name)s” is not a usable tag: give it %(min)d to %(max)d characters.")
            % {"name": name[:80], "min": MIN_TAG_LENGTH, "max": MAX_TAG_LENGTH},
            field=field,
        )
    if not _TAG_NAME.match(name) or "_" in name or not slugify(name, allow_unicode=True):
        raise DomainError(
            _(
                "“%(name)s” is not a usable tag: use letters, digits, spaces and hyphens "
                "(e.g. “open licences”)."
            )
            % {"name": name[:80]},
            field=field,
        )
    return name


def resolve_tags(
    *, themes: Sequence[Tag], custom: Iterable[str], field: str = "custom_tags"
) -> list[Tag]:
    """The tags to set: the chosen themes, then each custom name as an existing tag or a new
    one. Call inside the caller's transaction."""
    for tag in themes:
        if not tag.is_theme:
            raise DomainError(
                _("“%(name)s” is not one of the programme's themes.") % {"name": tag.name},
                field="themes",
            )
    chosen: dict[str, Tag] = {tag.slug: tag for tag in themes}
    wanted: dict[str, str] = {}
    for raw in custom:
        if not str(raw).strip():
            continue
        name = clean_tag_name(raw, field=field)
        slug = slugify(name, allow_unicode=True)[:80]
        if slug not in chosen:
            wanted.setdefault(slug, name)
    if len(chosen) + len(wanted) > MAX_TAGS:
        raise DomainError(
            _("Choose at most %(n)d themes and tags in all.") % {"n": MAX_TAGS}, field=field
        )
    existing = Tag.objects.in_bulk(list(wanted), field_name="slug")
    for slug, name in wanted.items():
        found = existing.get(slug)
        if found is None:
            # get_or_create survives a colleague creating the same tag at the same moment.
            found, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        chosen[slug] = found
    return list(chosen.values())
