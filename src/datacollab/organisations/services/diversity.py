"""Where organisations work and, privately, where people live and which languages they work in.

A person's countries of residence and working languages are never required, never read by
selection and never shown to anyone else, except the working languages of a person who chose
to show them (`show_working_languages`: profile, expert directory, peer matching). The funnel
dashboard only counts them (with small counts suppressed), whatever that choice.
docs/guide/accounts.md says so to the people who give them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from datacollab.core import audit, countries, working_languages
from datacollab.core.errors import DomainError, NotAllowed
from datacollab.core.text import single_line
from datacollab.organisations import rules
from datacollab.organisations.models import Organisation, OrganisationKind, User


def country_codes(codes: Iterable[str], *, field: str) -> list[str]:
    """ISO 3166-1 alpha-2 codes, sorted and once each; a DomainError names the first unknown."""
    found = set()
    for code in codes:
        country = countries.get(code)
        if country is None:
            raise DomainError(
                _("%(code)s is not an ISO 3166-1 country code (e.g. GB, KE, BR).") % {"code": code},
                field=field,
            )
        found.add(country.alpha2)
    return sorted(found)


def language_codes(codes: Iterable[str], *, field: str) -> list[str]:
    found = set()
    for code in codes:
        language = working_languages.get(code)
        if language is None:
            raise DomainError(
                _("%(code)s is not a language of the list (ISO 639-1, e.g. en, sw, pt).")
                % {"code": code},
                field=field,
            )
        found.add(language.code)
    return sorted(found)


@transaction.atomic
def set_diversity_details(
    *,
    user: User,
    residence_countries: Iterable[str],
    working_languages: Iterable[str],
    languages_note: str = "",
    show_working_languages: bool = False,
) -> User:
    """Save the person's own private diversity details (all optional: empty clears them), and
    whether others may see the working languages (off unless the person says so)."""
    user.residence_countries = country_codes(residence_countries, field="residence_countries")
    user.working_languages = language_codes(working_languages, field="working_languages")
    user.languages_note = single_line(languages_note)[:200]
    user.show_working_languages = bool(show_working_languages)
    user.save(
        update_fields=[
            "residence_countries",
            "working_languages",
            "languages_note",
            "show_working_languages",
        ]
    )
    return user


@transaction.atomic
def update_organisation(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    kind: str,
    country: str,
    operating_countries: Iterable[str],
    website: str = "",
    description: str = "",
    org_id: str = "",
    ror: str = "",
) -> Organisation:
    """An administrator of the organisation edits its profile, countries of operation included."""
    if not rules.can_manage_members(actor, organisation):
        raise NotAllowed(
            _("Only an administrator of %(org)s can edit its profile.") % {"org": organisation}
        )
    if kind not in OrganisationKind.values:
        raise DomainError(_("Unknown organisation kind %(kind)s.") % {"kind": kind}, field="kind")
    (head_office,) = country_codes([country], field="country")
    before = {
        "country": organisation.country,
        "operating_countries": organisation.operating_countries,
    }
    organisation.name = name.strip()
    organisation.kind = kind
    organisation.country = head_office
    organisation.operating_countries = country_codes(
        operating_countries, field="operating_countries"
    )
    organisation.website = website
    organisation.description = description
    organisation.org_id = org_id.strip()
    organisation.ror = ror.strip()
    organisation.save()
    audit.record(
        action="organisation.updated",
        actor=actor,
        obj=organisation,
        details={
            "before": before,
            "after": {
                "country": organisation.country,
                "operating_countries": organisation.operating_countries,
            },
        },
    )
    return organisation
