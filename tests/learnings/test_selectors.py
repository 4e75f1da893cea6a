"""Who sees which learning and resource: the one visibility rule."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from datacollab.learnings.models import Visibility
from datacollab.learnings.selectors import visible_learnings, visible_resources
from tests.factories import make_cohort, make_org, make_user
from tests.factories_learnings import make_learning, make_participant, make_resource

pytestmark = pytest.mark.django_db


def _slugs(queryset) -> list[str]:
    return sorted(queryset.values_list("slug", flat=True))


@pytest.fixture
def cohort():
    return make_cohort()


@pytest.fixture
def learnings(cohort):
    author, org = make_participant(cohort)
    return {
        "public": make_learning(cohort=cohort, visibility=Visibility.PUBLIC, slug="public"),
        "cohort": make_learning(cohort=cohort, slug="cohort-only"),
        "draft": make_learning(
            cohort=cohort, published=False, author=author, contributors=[org], slug="draft"
        ),
        "author": author,
        "org": org,
    }


def test_visible_learnings_anonymous_sees_only_published_public(learnings) -> None:
    assert _slugs(visible_learnings(AnonymousUser())) == ["public"]


def test_visible_learnings_outsider_sees_only_published_public(learnings) -> None:
    assert _slugs(visible_learnings(make_user())) == ["public"]


def test_visible_learnings_other_cohort_participant_sees_only_public(learnings) -> None:
    other, _org = make_participant(make_cohort())

    assert _slugs(visible_learnings(other)) == ["public"]


def test_visible_learnings_participant_sees_cohort_only_but_not_others_drafts(
    cohort, learnings
) -> None:
    participant, _org = make_participant(cohort)

    assert _slugs(visible_learnings(participant)) == ["cohort-only", "public"]


def test_visible_learnings_alumnus_of_the_cohort_sees_cohort_only(learnings) -> None:
    ended = make_cohort(starts_on=date(2020, 1, 1), ends_on=date(2020, 6, 30))
    alumnus, _org = make_participant(ended)
    make_learning(cohort=ended, slug="ended-cohort")

    assert _slugs(visible_learnings(alumnus)) == ["ended-cohort", "public"]


def test_visible_learnings_author_sees_own_draft(learnings) -> None:
    assert _slugs(visible_learnings(learnings["author"])) == ["cohort-only", "draft", "public"]


def test_visible_learnings_credited_organisation_member_sees_draft(learnings) -> None:
    colleague = make_user()
    learnings["org"].memberships.create(user=colleague, role="member")

    assert _slugs(visible_learnings(colleague)) == ["cohort-only", "draft", "public"]


def test_visible_learnings_convener_sees_everything(learnings, convener) -> None:
    assert _slugs(visible_learnings(convener)) == ["cohort-only", "draft", "public"]


def test_visible_learnings_no_duplicates_with_two_credited_organisations(cohort) -> None:
    author, org = make_participant(cohort)
    second = make_org(members=[author])
    make_learning(cohort=cohort, published=False, author=author, contributors=[org, second])

    assert visible_learnings(author).count() == 1


def test_visible_resources_follow_cohort_visibility(cohort, convener) -> None:
    make_resource(slug="open-guide")
    make_resource(slug="cohort-slides", cohort=cohort, visibility=Visibility.COHORT)
    participant, _org = make_participant(cohort)

    assert _slugs(visible_resources(AnonymousUser())) == ["open-guide"]
    assert _slugs(visible_resources(make_user())) == ["open-guide"]
    assert _slugs(visible_resources(participant)) == ["cohort-slides", "open-guide"]
    assert _slugs(visible_resources(convener)) == ["cohort-slides", "open-guide"]
