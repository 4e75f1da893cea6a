"""Diversity beyond head offices: organisations by country of operation, and the cohort's
people by the countries they live in (private answers, counted only, small counts suppressed).

Countries of operation: an organisation counts once in each country it works in; one that has
recorded none counts in its head office's country (`organisations.models.operation_codes`, the
rule selection uses too). It is "Global South by operation" when at least one of those countries is.

Where people live is private (docs/guide/accounts.md): only counts leave this module, and a
count below the evaluation pages' threshold (`MIN_RESPONSES`, 5) is never shown. Countries
below it are pooled into one "other countries" row; a row still below it is withheld, and when
exactly one row is withheld the next smallest is withheld too, so that no withheld count can be
worked out from the people total and the rows shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from datacollab.core import countries
from datacollab.evaluation.selectors import MIN_RESPONSES
from datacollab.network.models import CohortMembership
from datacollab.organisations.models import User
from datacollab.organisations.models.organisation import (
    global_south_by_operation,
    operation_codes,
)

OTHER = "other"
NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class Operation:
    total: int
    global_south: int  # organisations with at least one Global South country of operation
    recorded: int  # organisations that recorded their countries of operation
    by_country: list[tuple[str, int]]  # (alpha-2, organisations), largest first

    @property
    def global_south_percent(self) -> int | None:
        return round(100 * self.global_south / self.total) if self.total else None


def organisations_by_operation(cohort_ids: Collection[int]) -> Operation:
    """The cohorts' member organisations (each once) by country of operation, in one query."""
    rows = dict(
        (pk, (country, operating))
        for pk, country, operating in CohortMembership.objects.filter(
            cohort_id__in=cohort_ids
        ).values_list(
            "organisation_id", "organisation__country", "organisation__operating_countries"
        )
    )
    by_country: Counter[str] = Counter()
    for country, operating in rows.values():
        by_country.update(set(operation_codes(country, operating)))
    return Operation(
        total=len(rows),
        global_south=sum(global_south_by_operation(c, o) for c, o in rows.values()),
        recorded=sum(1 for _c, operating in rows.values() if operating),
        by_country=sorted(
            by_country.items(), key=lambda item: (-item[1], countries.name_of(item[0]))
        ),
    )


@dataclass(frozen=True)
class ResidenceRow:
    key: str  # alpha-2, OTHER or NOT_RECORDED
    people: int | None  # None: withheld (fewer than MIN_RESPONSES, or to protect such a row)

    @property
    def suppressed(self) -> bool:
        return self.people is None


@dataclass(frozen=True)
class Residence:
    people: int  # everyone taking part in the cohorts
    rows: list[ResidenceRow]
    # People who live in at least one Global South country, of those who recorded; both None
    # when either side of the share is below the threshold.
    global_south: int | None
    recorded: int | None
    minimum: int = MIN_RESPONSES

    @property
    def global_south_percent(self) -> int | None:
        if self.global_south is None or not self.recorded:
            return None
        return round(100 * self.global_south / self.recorded)

    def percent(self, row: ResidenceRow) -> int | None:
        if row.people is None or not self.people:
            return None
        return round(100 * row.people / self.people)


def _suppress(counts: list[tuple[str, int]]) -> list[ResidenceRow]:
    withheld = {key for key, n in counts if 0 < n < MIN_RESPONSES}
    if len(withheld) == 1:
        # One withheld row could be recovered from the total: withhold the next smallest too.
        shown = sorted((n, key) for key, n in counts if key not in withheld and n > 0)
        if shown:
            withheld.add(shown[0][1])
    return [ResidenceRow(key, None if key in withheld else n) for key, n in counts if n > 0]


def people_by_residence(cohort_ids: Collection[int]) -> Residence:
    """People of the cohorts' member organisations (each once) by where they live, one query.

    A person who lives in several countries counts once in each; "not recorded" counts the
    people who gave none.
    """
    answers = dict(
        User.objects.filter(
            is_active=True,
            memberships__organisation__cohort_memberships__cohort_id__in=cohort_ids,
        )
        .distinct()
        .values_list("pk", "residence_countries")
    )
    by_country: Counter[str] = Counter()
    for codes in answers.values():
        by_country.update(set(codes or []))
    recorded = sum(1 for codes in answers.values() if codes)
    south = sum(
        1 for codes in answers.values() if any(countries.is_global_south(c) for c in codes or [])
    )
    large = sorted(
        ((code, n) for code, n in by_country.items() if n >= MIN_RESPONSES),
        key=lambda item: (-item[1], countries.name_of(item[0])),
    )
    pooled = sum(n for n in by_country.values() if n < MIN_RESPONSES)
    rows = _suppress([*large, (OTHER, pooled), (NOT_RECORDED, len(answers) - recorded)])
    share_safe = min(south, recorded - south) >= MIN_RESPONSES
    return Residence(
        people=len(answers),
        rows=rows,
        global_south=south if share_safe else None,
        recorded=recorded if share_safe else None,
    )
