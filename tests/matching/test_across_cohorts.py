"""The GBIF case of issue 13, from the database: a steward whose whole cohort co-signed a
learning is matched with the organisation of another cohort that shares its challenge."""

from __future__ import annotations

import pytest
from django.urls import reverse

from datacollab.learnings.models import Visibility
from tests.factories_data import make_collaboration
from tests.factories_learnings import make_learning
from tests.factories_matching import cohort_org, current_cohort, ended_cohort

pytestmark = pytest.mark.django_db

SIGNED_BY_ALL = (
    "Convene stewards bound by volunteer governance, trustees' succession, licensing revenue, "
    "funders and boards who ask for impact stories and income by source."
)


def test_peer_suggestions_include_the_better_match_from_another_cohort(login):
    stewards = ended_cohort(name="Stewards")
    city = current_cohort(name="City data")
    topics = {
        "GBIF": "Species occurrence records and biodiversity checklists from museums.",
        "MetaBrainz": "Music metadata and recordings.",
        "OSMF": "Street maps and geospatial editing.",
        "Wikimedia": "Encyclopaedia articles in many languages.",
    }
    orgs = {}
    for name, topic in topics.items():
        orgs[name], people = cohort_org(stewards, name=name, country="DK")
        make_collaboration(lead=orgs[name], challenge=topic)
        if name == "GBIF":
            gbif_person = people[0]
    make_learning(
        cohort=stewards,
        visibility=Visibility.PUBLIC,
        contributors=list(orgs.values()),
        title="Convene stewards",
        body=SIGNED_BY_ALL,
    )
    museum, _ = cohort_org(city, name="City Museum", country="KE")
    make_collaboration(
        lead=museum, challenge="Museum specimens as species occurrence records for biodiversity."
    )
    for n in range(3):
        other, _ = cohort_org(city, name=f"City {n}", country="KE")
        make_collaboration(lead=other, challenge=f"Bus ridership on line {n} and flood gauges.")

    response = login(gbif_person).get(reverse("peer-suggestions"))

    suggestions = response.context["rows"][0].suggestions
    assert suggestions[0].peer.organisation.name == "City Museum"
    # "museums" (GBIF) and "Museum" are one term, shown as the shorter written word.
    assert suggestions[0].shared_terms == (
        "biodiversity",
        "museum",
        "occurrence records",
        "species",
    )
    assert [s.peer.organisation.name for s in suggestions] == ["City Museum", "MetaBrainz"]
    # What the whole cohort signed is no reason: none of its words is shown.
    shown = {term for s in suggestions for term in s.shared_terms}
    assert shown.isdisjoint({"stewards", "convene", "trustees", "governance", "common", "role"})
