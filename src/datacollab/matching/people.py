"""People who share my expertise: peer matching of person profiles across cohorts.

The pool is every active person with something on their profile (expertise or *about you*)
who belongs to an organisation of any cohort, current or ended, or holds the expert role.
Profiles are seen by everyone logged in (accounts/profile), so every shared word may be shown.
The languages a person works in are private unless they chose to show them: a suggestion
carries only the shown ones, and the languages among them the viewer also works in (the
viewer's own are theirs to use, private or not). They never weigh in the similarity.
A person's contexts are their organisations' cohorts, as for organisations, so wording that a
whole cohort shares does not pull everyone towards their own cohort.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from datacollab.core import countries, working_languages
from datacollab.matching import engine
from datacollab.network.models import CohortMembership
from datacollab.organisations.models import Membership, Role, User

TOP_K = 3


@dataclass(frozen=True)
class PersonSuggestion:
    person: User
    similarity: float
    shared_terms: tuple[str, ...]
    cross_region: bool
    # Shown languages of the person that the viewer works in too (codes).
    shared_languages: tuple[str, ...] = ()

    @property
    def shared_language_names(self) -> list[str]:
        return [working_languages.label_of(code) for code in self.shared_languages]

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def _region(person: User, organisation_country: str) -> str:
    for code in person.countries or []:
        region = countries.region_of(code)
        if region:
            return region
    return countries.region_of(organisation_country) if organisation_country else ""


def people_pool() -> tuple[list[User], dict[int, set[int]], dict[int, set[int]], dict[int, str]]:
    """The people of the pool, and per person: organisation ids, cohort ids, and the country
    of their first organisation (for a region when their profile names no country)."""
    org_cohorts: dict[int, set[int]] = defaultdict(set)
    for organisation_id, cohort_id in CohortMembership.objects.values_list(
        "organisation_id", "cohort_id"
    ):
        org_cohorts[organisation_id].add(cohort_id)
    people = list(
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__organisation_id__in=list(org_cohorts)) | Q(role_grants__role=Role.EXPERT)
        )
        .exclude(expertise="", bio="")
        .distinct()
        .order_by("pk")
    )
    organisations: dict[int, set[int]] = defaultdict(set)
    cohorts: dict[int, set[int]] = defaultdict(set)
    country: dict[int, str] = {}
    for user_id, organisation_id, organisation_country in (
        Membership.objects.filter(user_id__in=[p.pk for p in people])
        .order_by("pk")
        .values_list("user_id", "organisation_id", "organisation__country")
    ):
        organisations[user_id].add(organisation_id)
        cohorts[user_id] |= org_cohorts.get(organisation_id, set())
        country.setdefault(user_id, organisation_country)
    return people, organisations, cohorts, country


def suggestions_for_person(
    *, viewer: Any, favour_other_regions: bool = False
) -> list[PersonSuggestion]:
    """The people closest to the viewer's own profile, never the viewer nor a colleague of one
    of their organisations (they know each other). Empty when the viewer is not in the pool
    (nothing on their profile yet)."""
    people, organisations, cohorts, country = people_pool()
    if not any(person.pk == viewer.pk for person in people):
        return []
    profiles = [
        engine.Profile(
            key=person.pk,
            text=f"{person.expertise}\n{person.expertise}\n{person.bio}",
            region=_region(person, country.get(person.pk, "")),
            contexts=tuple(f"cohort:{pk}" for pk in sorted(cohorts[person.pk])),
        )
        for person in people
    ]
    mine = organisations[viewer.pk]
    candidates = {p.pk for p in people if p.pk != viewer.pk and not (organisations[p.pk] & mine)}
    result = engine.suggest(
        profiles,
        top_k=TOP_K,
        favour_other_regions=favour_other_regions,
        for_keys=[viewer.pk],
        candidates=candidates,
    )
    by_pk = {person.pk: person for person in people}
    mine_spoken = set(viewer.working_languages or [])
    return [
        PersonSuggestion(
            person=by_pk[s.key],
            similarity=s.similarity,
            shared_terms=s.shared_terms,
            cross_region=s.cross_region,
            shared_languages=tuple(
                code for code in by_pk[s.key].shown_working_languages if code in mine_spoken
            ),
        )
        for s in result[viewer.pk]
    ]
