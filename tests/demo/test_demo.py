"""The demo loader: what it loads, that loading twice changes nothing, and that every public
page has real content afterwards."""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from datacollab.core import audit
from datacollab.core.models import AuditEntry
from datacollab.demo import content, seeds
from datacollab.demo.builder import load_demo
from datacollab.network.models import (
    Application,
    Award,
    Call,
    Cohort,
    Review,
    ReviewAssignment,
    ReviewerConflict,
)
from datacollab.organisations.models import Membership, Role, RoleGrant, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _datasets_storage(settings, tmp_path) -> None:
    """The demo publishes dataset versions: their files go to a per-test folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "datasets")},
        },
    }


FIRST_MEMBERS = [
    "Data Cargo",
    "ITS Norway",
    "Open Data Charter",
    "Open Data China",
    "Reath",
    "iKure",
]
SECOND_MEMBERS = [
    "Global Biodiversity Information Facility (GBIF)",
    "MetaBrainz Foundation",
    "Open Apparel Registry",
    "Open Contracting Partnership",
    "OpenStreetMap Foundation",
    "WikiRate",
    "Wikimedia Foundation",
]


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _member_names(slug: str) -> list[str]:
    cohort = Cohort.objects.get(slug=slug)
    return sorted(cohort.members.values_list("name", flat=True), key=str.lower)


def test_load_demo_twice_gives_identical_counts_for_every_model() -> None:
    load_demo()
    first = _counts()

    load_demo()

    assert _counts() == first
    assert first["network.Application"] == 57  # 6 + 7 selected, 40 + 4 to the open calls


def test_load_demo_on_a_later_day_moves_the_open_call_but_adds_nothing() -> None:
    now = timezone.now()
    load_demo(now=now)
    before = _counts()
    deadline = Call.objects.get(slug=content.THIRD_CALL_SLUG).deadline

    load_demo(now=now + timedelta(days=3))

    assert _counts() == before
    assert Call.objects.get(slug=content.THIRD_CALL_SLUG).deadline == deadline + timedelta(days=3)


def test_demo_cohorts_have_the_real_members_awards_and_instalments() -> None:
    load_demo()

    assert _member_names(content.FIRST.slug) == sorted(FIRST_MEMBERS, key=str.lower)
    assert _member_names(content.SECOND.slug) == sorted(SECOND_MEMBERS, key=str.lower)
    awards = list(Award.objects.prefetch_related("instalments").select_related("cohort"))
    assert len(awards) == 13
    assert {a.amount for a in awards} == {Decimal("20000.00")}
    assert {a.kind for a in awards} == {Award.Kind.GRANT}
    assert all(sum(i.amount for i in a.instalments.all()) == a.amount for a in awards)
    assert Award.objects.get(organisation__slug="gbif").identifier == (
        "360G-datacollab-2021-open-data-stewards-gbif"
    )
    first_paid = [
        i.is_paid
        for a in awards
        if a.cohort.slug == content.FIRST.slug
        for i in a.instalments.all()
    ]
    assert first_paid == [True] * 12
    selected = Application.objects.filter(
        call__cohort__slug__in=[content.FIRST.slug, content.SECOND.slug]
    )
    assert Counter(selected.values_list("status", "eligible", "decision")) == {
        ("submitted", True, "selected"): 13
    }


def test_demo_open_call_is_open_with_forty_applications_from_many_countries() -> None:
    load_demo()

    call = Call.objects.get(slug=content.THIRD_CALL_SLUG)
    assert call.cohort.slug == "2022-cohort-3"
    assert call.is_open
    assert call.deadline - timezone.now() > timedelta(days=14)
    assert {q.kind for q in call.questions.all()} == {
        "short_text",
        "long_text",
        "single_choice",
        "multiple_choice",
        "number",
        "url",
        "file",
    }
    assert call.rubric.count() == 4
    applications = list(call.applications.select_related("organisation"))
    assert len(applications) == 40
    assert len({a.organisation.country for a in applications}) >= 20
    south = sum(a.organisation.is_global_south for a in applications)
    assert south == 16
    assert Counter(a.status for a in applications) == {"submitted": 36, "draft": 3, "withdrawn": 1}
    assert sum(a.eligible is False for a in applications) == 4
    assert all(a.eligibility_reasons for a in applications if a.status == "submitted")


def test_demo_reviews_are_balanced_conflict_free_and_scored() -> None:
    load_demo()

    call = Call.objects.get(slug=content.THIRD_CALL_SLUG)
    eligible = call.applications.filter(status="submitted", eligible=True)
    assignments = ReviewAssignment.objects.filter(application__call=call)
    per_app = Counter(assignments.values_list("application_id", flat=True))
    assert set(per_app) == set(eligible.values_list("id", flat=True))
    assert set(per_app.values()) == {3}
    loads = Counter(assignments.values_list("reviewer_id", flat=True))
    assert max(loads.values()) - min(loads.values()) <= 1
    conflicts = set(ReviewerConflict.objects.values_list("reviewer_id", "organisation_id"))
    assert len(conflicts) == 3
    pairs = set(assignments.values_list("reviewer_id", "application__organisation_id"))
    assert pairs & conflicts == set()
    submitted = Review.objects.filter(
        assignment__application__call=call, submitted_at__isnull=False
    )
    assert submitted.count() >= int(0.7 * assignments.count())
    assert not submitted.filter(weighted_score__isnull=True).exists()
    assert {s.scores.count() for s in submitted.prefetch_related("scores")} == {4}


def test_demo_people_can_log_in_with_their_roles() -> None:
    load_demo()

    def user(local: str) -> User:
        return User.objects.get(email=f"{local}@{content.DOMAIN}")

    assert user("convener").check_password(content.PASSWORD)
    assert user("admin").is_superuser
    assert set(
        RoleGrant.objects.filter(role=Role.REVIEWER).values_list("user__email", flat=True)
    ) == {f"reviewer{i}@{content.DOMAIN}" for i in range(1, 7)}
    assert RoleGrant.objects.filter(user=user("convener"), role=Role.CONVENER).exists()
    applicant_orgs = Membership.objects.filter(user=user("applicant")).values_list(
        "organisation__name", flat=True
    )
    assert list(applicant_orgs) == ["Glasgow Retrofit Data Partnership"]
    assert (
        Application.objects.get(
            organisation__name="Glasgow Retrofit Data Partnership", created_by=user("applicant")
        ).status
        == "draft"
    )


def test_demo_audit_log_records_selections_and_awards_once_and_verifies() -> None:
    load_demo()
    load_demo()

    actions = Counter(AuditEntry.objects.values_list("action", flat=True))
    assert actions["selection.confirmed"] == 2
    assert actions["grant.awarded"] == 13
    assert actions["reviews.assignment_run"] == 1
    assert audit.verify().ok


def test_demo_public_pages_have_real_content(client: Client) -> None:
    load_demo()

    home = client.get(reverse("home"))
    assertContains(home, content.THIRD_CALL_TITLE)
    for name in ["Data Cargo", "ITS Norway", "MetaBrainz Foundation", "WikiRate"]:
        assertContains(home, name)
    assertContains(home, "Open Data Charter")
    first = client.get(reverse("cohort-detail", args=[content.FIRST.slug]))
    assert first.context["totals"].awarded == Decimal("120000.00")
    assertContains(first, "<dd>£120,000.00</dd>", html=True)
    third = client.get(reverse("cohort-detail", args=[content.THIRD_SLUG]))
    assertContains(third, "Participants not selected yet.")
    call = client.get(reverse("call-detail", args=[content.THIRD_CALL_SLUG]))
    assertContains(
        call, reverse("application-start", kwargs={"call_slug": call.context["call"].slug})
    )
    gbif = client.get(reverse("organisation-detail", args=["gbif"]))
    assert gbif.status_code == 200


def test_demo_command_load_only_prints_the_logins() -> None:
    out = io.StringIO()

    call_command("demo", load_only=True, stdout=out)

    text = out.getvalue()
    assert f"convener@{content.DOMAIN}" in text
    assert content.PASSWORD in text
    assert "http://127.0.0.1:8000/" in text
    assert Cohort.objects.count() == 4  # two real, the interim one running now, the third


def test_seed_texts_name_the_real_cohorts() -> None:
    text = seeds.read_seed_texts()
    if not text:
        pytest.skip(f"seed texts not found in {seeds.seeds_dir()}")

    assert [m.name for m in seeds.first_cohort(text)][:3] == [
        "Data Cargo",
        "Caring for Equality in Buenos Aires’ Labour Market",
        "MaaS-Peer",
    ]
    assert [m.name for m in seeds.second_cohort(text)] == list(content.SECOND_COHORT_FACTS)


def test_demo_without_seed_texts_falls_back_to_the_same_cohorts(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("DATACOLLAB_SEEDS_DIR", str(tmp_path))

    load_demo()

    assert _member_names(content.FIRST.slug) == sorted(FIRST_MEMBERS, key=str.lower)
    assert _member_names(content.SECOND.slug) == sorted(SECOND_MEMBERS, key=str.lower)
