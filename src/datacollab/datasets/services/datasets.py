"""Create and edit datasets (the catalog entry; data arrives as versions through uploads).

Rules (also in docs/guide/datasets.md):
- members of an organisation create datasets it owns, and edit them; the owner never changes;
- the licence is an SPDX identifier we know (or `LicenseRef-…`); `open` data needs an open
  licence and no agreement (anyone may use it without an account);
- `group` data needs a collaboration the owner belongs to; any collaboration or agreement named
  must be one the owner belongs to;
- the slug is chosen once (from the title when left empty) and never changes, so links last;
- every creation and change is audited, with the fields that changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from datacollab.collaborations.models import Agreement, DataCollaboration
from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.datasets import licences
from datacollab.datasets.models import Dataset, Spectrum
from datacollab.datasets.rules import can_see, is_owner
from datacollab.organisations.models import Organisation
from datacollab.organisations.rules import is_member
from datacollab.search import index

# Paths under /datasets/ that are pages, not datasets.
RESERVED_SLUGS = frozenset(
    {"new", "requests", "catalog", "search", "feeds", "api", "upload", "uploads", "dcat"}
)
EDITABLE = (
    "title",
    "description",
    "keywords",
    "themes",
    "licence",
    "spectrum",
    "listed",
    "collaboration",
    "agreement",
    "temporal_start",
    "temporal_end",
    "spatial",
    "update_frequency",
    "contact_email",
    "max_rows",
)


def clean_terms(values: list[str] | tuple[str, ...] | str) -> list[str]:
    """Keywords or themes: trimmed, no empties, no duplicates (ignoring case), order kept."""
    items = values.split(",") if isinstance(values, str) else list(values)
    seen: set[str] = set()
    terms: list[str] = []
    for item in items:
        term = " ".join(str(item).split())[:60]
        if term and term.lower() not in seen:
            seen.add(term.lower())
            terms.append(term)
    return terms


def _check_licence(licence: str, spectrum: str) -> str:
    canonical = licences.canonical(licence) if licence.strip() else ""
    if canonical is None:
        raise DomainError(
            _(
                "“%(licence)s” is not a licence identifier we know. Choose one from the list, "
                "type an SPDX identifier such as CC-BY-4.0, or LicenseRef-<name> for your own."
            )
            % {"licence": licence.strip()},
            field="licence",
        )
    if spectrum == Spectrum.OPEN and not licences.is_open(canonical):
        raise DomainError(
            _(
                "Open data needs an open licence (for example %(examples)s); “%(licence)s” is "
                "not one. Choose an open licence, or a more closed Data Spectrum level."
            )
            % {
                "examples": ", ".join(licences.open_identifiers()[:5]),
                "licence": canonical or _("no licence"),
            },
            field="licence",
        )
    return canonical


def _check_max_rows(value: int | None) -> int | None:
    """The dataset's row limit: empty for the site's default, else 1 to the site's maximum."""
    if value is None:
        return None
    site_max = int(settings.DATASETS_MAX_ROWS_LIMIT)
    if not 1 <= int(value) <= site_max:
        raise DomainError(
            _("The row limit must be between 1 and %(max)s (the site's maximum).")
            % {"max": site_max},
            field="max_rows",
        )
    return int(value)


def _owner_collaboration_ids(owner: Organisation) -> set[int]:
    return set(owner.collaboration_memberships.values_list("collaboration_id", flat=True))


def _check(owner: Organisation, values: dict[str, Any]) -> dict[str, Any]:
    """Validate a full set of editable values; return them cleaned."""
    spectrum = values["spectrum"]
    if spectrum not in Spectrum.values:
        raise DomainError(_("Choose a Data Spectrum level."), field="spectrum")
    title = " ".join(str(values["title"]).split())
    if not title:
        raise DomainError(_("Give the dataset a title."), field="title")
    values["title"] = title[:200]
    values["licence"] = _check_licence(values["licence"] or "", spectrum)
    values["keywords"] = clean_terms(values["keywords"])
    values["themes"] = clean_terms(values["themes"])
    values["max_rows"] = _check_max_rows(values.get("max_rows"))
    collaboration: DataCollaboration | None = values["collaboration"]
    agreement: Agreement | None = values["agreement"]
    mine = _owner_collaboration_ids(owner)
    if collaboration is not None and collaboration.pk not in mine:
        raise DomainError(
            _("%(owner)s is not a member of the collaboration “%(collab)s”.")
            % {"owner": owner.name, "collab": collaboration.name},
            field="collaboration",
        )
    if spectrum == Spectrum.GROUP and collaboration is None:
        raise DomainError(
            _(
                "Group data is shared with the members of a collaboration: choose the "
                "collaboration, or another Data Spectrum level."
            ),
            field="collaboration",
        )
    if agreement is not None:
        if spectrum == Spectrum.OPEN:
            raise DomainError(
                _(
                    "Open data is for anyone, without an account, so it cannot require an "
                    "agreement. Remove the agreement or choose the public level."
                ),
                field="agreement",
            )
        if agreement.collaboration_id not in mine:
            raise DomainError(
                _("The agreement “%(title)s” belongs to a collaboration %(owner)s is not in.")
                % {"title": agreement.title, "owner": owner.name},
                field="agreement",
            )
    start: dt.date | None = values["temporal_start"]
    end: dt.date | None = values["temporal_end"]
    if start and end and start > end:
        raise DomainError(
            _("The coverage ends before it starts: check the two dates."), field="temporal_end"
        )
    if values["listed"] and spectrum not in (Spectrum.NAMED, Spectrum.GROUP):
        # Only named and group data have anything to list: other levels show to their audience.
        values["listed"] = False
    return values


def _unique_slug(title: str, wanted: str) -> str:
    if wanted:
        slug = slugify(wanted)[:120]
        if not slug or slug in RESERVED_SLUGS:
            raise DomainError(
                _("“%(slug)s” cannot be used as a web address: choose another.") % {"slug": wanted},
                field="slug",
            )
        if Dataset.objects.filter(slug=slug).exists():
            raise Conflict(
                _("The address “%(slug)s” is taken: choose another.") % {"slug": slug},
                field="slug",
            )
        return slug
    base = slugify(title)[:100] or "dataset"
    if base in RESERVED_SLUGS:
        base = f"{base}-data"
    slug, n = base, 2
    while Dataset.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _jsonable(value: Any) -> Any:
    if isinstance(value, DataCollaboration | Agreement):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@transaction.atomic
def create_dataset(
    *,
    actor: Any,
    owner: Organisation,
    title: str,
    slug: str = "",
    description: str = "",
    keywords: list[str] | str = (),  # type: ignore[assignment]
    themes: list[str] | str = (),  # type: ignore[assignment]
    licence: str = "",
    spectrum: str = Spectrum.CLOSED,
    # Named and group data are listed unless the owner says not: findable, so it can be asked
    # for. Other levels ignore it (see _check).
    listed: bool = True,
    collaboration: DataCollaboration | None = None,
    agreement: Agreement | None = None,
    temporal_start: dt.date | None = None,
    temporal_end: dt.date | None = None,
    spatial: str = "",
    update_frequency: str = "",
    contact_email: str = "",
    max_rows: int | None = None,
) -> Dataset:
    """A new catalog entry owned by `owner`, which the actor must belong to."""
    if not is_member(actor, owner):
        raise NotAllowed(
            _("Only members of %(owner)s may create datasets it owns.") % {"owner": owner.name}
        )
    values = _check(
        owner,
        {
            "title": title,
            "description": description,
            "keywords": keywords,
            "themes": themes,
            "licence": licence,
            "spectrum": spectrum,
            "listed": listed,
            "collaboration": collaboration,
            "agreement": agreement,
            "temporal_start": temporal_start,
            "temporal_end": temporal_end,
            "spatial": spatial.strip(),
            "update_frequency": update_frequency.strip(),
            "contact_email": contact_email.strip(),
            "max_rows": max_rows,
        },
    )
    dataset = Dataset.objects.create(
        slug=_unique_slug(values["title"], slug.strip()),
        owner=owner,
        created_by=actor,
        **values,
    )
    audit.record(
        action="dataset.created",
        actor=actor,
        obj=dataset,
        details={"slug": dataset.slug, "owner": owner.pk, "spectrum": dataset.spectrum},
    )
    transaction.on_commit(lambda: index.refresh("dataset", dataset.pk))
    return dataset


@transaction.atomic
def update_dataset(*, actor: Any, dataset: Dataset, **changes: Any) -> Dataset:
    """Change any of the EDITABLE fields; the audit entry lists what changed, old and new."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"update_dataset: not editable: {sorted(unknown)}")
    dataset = (
        Dataset.objects.select_for_update(of=("self",)).select_related("owner").get(pk=dataset.pk)
    )
    if not is_owner(actor, dataset):
        if not can_see(actor, dataset):
            raise NotFound(_("There is no such dataset."))
        raise NotAllowed(_("Only members of the owning organisation may edit this dataset."))
    before = {name: getattr(dataset, name) for name in EDITABLE}
    values = _check(dataset.owner, {**before, **changes})
    changed = {
        name: [_jsonable(before[name]), _jsonable(values[name])]
        for name in EDITABLE
        if values[name] != before[name]
    }
    if not changed:
        return dataset
    for name, value in values.items():
        setattr(dataset, name, value)
    dataset.save()
    audit.record(action="dataset.updated", actor=actor, obj=dataset, details={"changed": changed})
    transaction.on_commit(lambda: index.refresh("dataset", dataset.pk))
    return dataset
