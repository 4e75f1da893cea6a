"""Peer matching on the loaded demo links cohorts (issue 13): "Tried as a new user would, peer
matching suggested three organisations from GBIF's own cohort, justified by words like
'common, role, use'."
"""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client
from django.utils import timezone
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from datacollab.demo import current, recent_session
from datacollab.demo.builder import load_demo
from datacollab.demo.peer_profiles import PROFILES
from datacollab.evaluation.models import SessionFeedback
from datacollab.matching import selectors
from datacollab.matching.text import DOMAIN_WORDS, EMPTY_WORDS
from datacollab.network.models import Cohort
from datacollab.organisations.models import User

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 12, 6, 9, 0))
ISSUE_WORDS = {"common", "role", "use"}
SECOND = "2021-open-data-stewards"


@pytest.fixture
def demo() -> None:
    load_demo(now=NOW)


def _cohorts(entry: selectors.PoolEntry) -> set[str]:
    return {tie.cohort.slug for tie in entry.cohorts}


def _reason_words(terms: tuple[str, ...]) -> set[str]:
    return {word for term in terms for word in term.lower().split()}


@pytest.mark.usefixtures("demo")
def test_demo_gbif_top_three_include_another_cohort_with_specific_reasons():
    gbif = User.objects.get(email="gbif@demo.datacollab.org")

    (row,) = selectors.suggestions_for_participant(viewer=gbif)

    others = [s for s in row.suggestions if not _cohorts(s.peer) & _cohorts(row.entry)]
    words = set().union(*(_reason_words(s.shared_terms) for s in row.suggestions))
    assert len(row.suggestions) == 3
    assert len(others) >= 1
    assert "citizen science" in others[0].shared_terms
    assert words & (ISSUE_WORDS | ENGLISH_STOP_WORDS | DOMAIN_WORDS | EMPTY_WORDS) == set()


@pytest.mark.usefixtures("demo")
def test_demo_every_second_cohort_organisation_is_suggested_another_cohort():
    convener = User.objects.get(email="convener@demo.datacollab.org")
    cohort = Cohort.objects.get(slug=SECOND)

    rows = selectors.suggestions_for_cohort(viewer=convener, cohort=cohort)

    without_other_cohort = [
        row.entry.organisation.slug
        for row in rows
        if all(_cohorts(s.peer) & _cohorts(row.entry) for s in row.suggestions)
    ]
    assert len(rows) == 7
    assert without_other_cohort == []


@pytest.mark.usefixtures("demo")
def test_demo_current_participant_is_suggested_alumni():
    participant = User.objects.get(email=current.PARTICIPANT.email)

    (row,) = selectors.suggestions_for_participant(viewer=participant)

    assert [s.peer.organisation.slug for s in row.suggestions] == [
        "its-norway",
        "openstreetmap-foundation",
        "data-cargo",
    ]
    assert all(s.peer.is_alumnus for s in row.suggestions)


@pytest.mark.usefixtures("demo")
def test_demo_peers_page_shows_gbif_a_match_from_another_cohort():
    client = Client()
    client.force_login(User.objects.get(email="gbif@demo.datacollab.org"))

    response = client.get("/peers/")

    assert response.status_code == 200
    assert "Leeds Flood Data Partnership" in response.content.decode()
    assert "citizen science" in response.content.decode()


def test_demo_peer_profiles_name_loaded_organisations_only_once():
    # Every profile is for an organisation the demo loads, by its slug.
    assert len(PROFILES) == 16
    assert {m.slug for m in current.MEMBERS} <= set(PROFILES)


@pytest.mark.usefixtures("demo")
def test_demo_current_participant_can_give_feedback_on_a_recent_session():
    # Before, every demo session was either long past (feedback given) or still to come.
    participant = User.objects.get(email=current.PARTICIPANT.email)
    client = Client()
    client.force_login(participant)

    listed = client.get("/feedback/").content.decode()
    response = client.post(
        f"/feedback/sessions/{recent_session.SLUG}/",
        {"rating": "5", "useful": "Meeting Leeds", "change": "Longer"},
    )

    assert recent_session.TITLE in listed
    assert response.status_code == 302
    assert (
        SessionFeedback.objects.filter(session__slug=recent_session.SLUG, user=participant).count()
        == 1
    )
