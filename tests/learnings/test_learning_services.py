"""Writing, tagging, crediting and publishing learnings: the rules and their refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.events.models import Session
from datacollab.learnings.models import Learning, Tag, Visibility
from datacollab.learnings.services.learnings import (
    create_learning,
    publish_learning,
    unpublish_learning,
    update_learning,
)
from datacollab.organisations.models import Membership
from tests.factories import make_cohort, make_network, make_org, make_user
from tests.factories_learnings import make_learning, make_participant, theme

pytestmark = pytest.mark.django_db


def _session(cohort, **fields) -> Session:
    start = timezone.now() - timedelta(days=3)
    return Session.objects.create(
        network=make_network(),
        cohort=cohort,
        kind="roundtable",
        slug=fields.pop("slug", f"session-{cohort.slug}"),
        title=fields.pop("title", "Roundtable"),
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        **fields,
    )


@pytest.fixture
def cohort():
    return make_cohort()


@pytest.fixture
def participant(cohort):
    return make_participant(cohort)


def _create(actor, cohort, **extra) -> Learning:
    fields = {"title": "Impact is told in stories", "body": "Users' **stories** convince."}
    fields.update(extra)
    return create_learning(actor=actor, cohort=cohort, **fields)


def test_create_learning_by_participant_is_a_tagged_credited_draft(cohort, participant) -> None:
    user, org = participant
    session = _session(cohort)

    learning = _create(
        user,
        cohort,
        session=session,
        themes=[theme("value-and-impact")],
        custom_tags=["Volunteers", "open licences"],
        contributors=[org],
    )

    assert learning.status == Learning.Status.DRAFT
    assert learning.slug == "impact-is-told-in-stories"
    assert learning.session == session
    assert learning.visibility == Visibility.COHORT
    assert sorted(learning.tags.values_list("slug", flat=True)) == [
        "open-licences",
        "value-and-impact",
        "volunteers",
    ]
    assert list(learning.contributors.all()) == [org]


def test_create_learning_reuses_tags_by_slug_and_maps_a_typed_theme(cohort, participant) -> None:
    user, _org = participant
    _create(user, cohort, custom_tags=["Volunteers"])
    tags_before = Tag.objects.count()

    second = _create(user, cohort, title="Second", custom_tags=["volunteers", "Data quality"])

    assert Tag.objects.count() == tags_before
    assert sorted(second.tags.values_list("slug", flat=True)) == ["data-quality", "volunteers"]


def test_create_learning_same_title_gets_a_numbered_slug(cohort, participant) -> None:
    user, _org = participant
    _create(user, cohort)

    assert _create(user, cohort).slug == "impact-is-told-in-stories-2"


def test_create_learning_by_outsider_is_refused(cohort) -> None:
    with pytest.raises(NotAllowed) as refused:
        _create(make_user(), cohort)

    assert refused.value.message == (
        f"Only participants of {cohort.name} and conveners can write its learnings."
    )


def test_create_learning_by_other_cohort_participant_is_refused(cohort) -> None:
    other, _org = make_participant(make_cohort())

    with pytest.raises(NotAllowed):
        _create(other, cohort)


def test_create_learning_by_convener_for_any_cohort(cohort, convener) -> None:
    assert _create(convener, cohort).author == convener


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("x", "“x” is not a usable tag: give it 2 to 60 characters."),
        ("a" * 61, f"“{'a' * 61}” is not a usable tag: give it 2 to 60 characters."),
        (
            "<script>",
            "“<script>” is not a usable tag: use letters, digits, spaces and hyphens "
            "(e.g. “open licences”).",
        ),
        (
            "--",
            "“--” is not a usable tag: use letters, digits, spaces and hyphens "
            "(e.g. “open licences”).",
        ),
        (
            "snake_case",
            "“snake_case” is not a usable tag: use letters, digits, spaces and hyphens "
            "(e.g. “open licences”).",
        ),
    ],
)
def test_create_learning_with_a_bad_tag_is_refused(cohort, participant, tag, message) -> None:
    user, _org = participant

    with pytest.raises(DomainError) as refused:
        _create(user, cohort, custom_tags=[tag])

    assert (refused.value.message, refused.value.field) == (message, "custom_tags")
    assert Learning.objects.count() == 0


def test_create_learning_with_too_many_tags_is_refused(cohort, participant) -> None:
    user, _org = participant

    with pytest.raises(DomainError) as refused:
        _create(user, cohort, custom_tags=[f"tag {n}" for n in range(11)])

    assert refused.value.message == "Choose at most 10 themes and tags in all."


def test_create_learning_with_a_non_theme_as_theme_is_refused(cohort, participant) -> None:
    user, _org = participant
    custom = Tag.objects.create(slug="custom", name="Custom")

    with pytest.raises(DomainError) as refused:
        _create(user, cohort, themes=[custom])

    assert refused.value.message == "“Custom” is not one of the programme's themes."


def test_create_learning_keeps_non_latin_tags(cohort, participant) -> None:
    user, _org = participant

    learning = _create(user, cohort, custom_tags=["datos abiertos", "开放数据"])

    assert sorted(learning.tags.values_list("name", flat=True)) == ["datos abiertos", "开放数据"]


def test_create_learning_crediting_an_organisation_outside_the_cohort_is_refused(
    cohort, participant
) -> None:
    user, _org = participant
    stranger = make_org(name="Stranger Ltd")

    with pytest.raises(DomainError) as refused:
        _create(user, cohort, contributors=[stranger])

    assert refused.value.message == (
        f"Stranger Ltd did not take part in {cohort.name}: credit only its organisations."
    )


def test_create_learning_linked_to_another_cohorts_session_is_refused(cohort, participant) -> None:
    user, _org = participant
    session = _session(make_cohort(), title="Elsewhere")

    with pytest.raises(DomainError) as refused:
        _create(user, cohort, session=session)

    assert refused.value.field == "session"


def test_create_learning_without_body_is_refused(cohort, participant) -> None:
    user, _org = participant

    with pytest.raises(DomainError) as refused:
        _create(user, cohort, body="   ")

    assert (refused.value.message, refused.value.field) == ("Write the insight itself.", "body")


def test_publish_learning_by_author_publishes_and_audits(cohort, participant) -> None:
    user, org = participant
    learning = _create(user, cohort, contributors=[org])

    publish_learning(actor=user, learning=learning)

    learning.refresh_from_db()
    assert learning.status == Learning.Status.PUBLISHED
    assert learning.published_at is not None
    entry = AuditEntry.objects.get(action="learning.published")
    assert (entry.actor_id, entry.object_id) == (user.pk, str(learning.pk))
    assert entry.details == {
        "cohort": cohort.slug,
        "slug": learning.slug,
        "visibility": "cohort",
        "contributors": [org.slug],
    }


def test_publish_learning_by_credited_colleague_is_refused(cohort, participant) -> None:
    user, org = participant
    learning = _create(user, cohort, contributors=[org])
    colleague = make_user()
    Membership.objects.create(user=colleague, organisation=org, role="member")

    with pytest.raises(NotAllowed) as refused:
        publish_learning(actor=colleague, learning=learning)

    assert refused.value.message == (
        f"Only its author, while a participant of {cohort.name}, and conveners can publish it."
    )
    assert Learning.objects.get().status == Learning.Status.DRAFT
    assert not AuditEntry.objects.filter(action="learning.published").exists()


def test_publish_learning_by_author_who_left_the_cohort_is_refused(cohort, convener) -> None:
    author = make_user()
    learning = make_learning(cohort=cohort, author=author, published=False)

    with pytest.raises(NotAllowed):
        publish_learning(actor=author, learning=learning)


def test_publish_learning_twice_is_a_conflict(cohort, convener) -> None:
    learning = make_learning(cohort=cohort, published=False)
    publish_learning(actor=convener, learning=learning)

    with pytest.raises(Conflict) as refused:
        publish_learning(actor=convener, learning=learning)

    assert refused.value.message == "This learning is already published."


def test_unpublish_learning_returns_it_to_draft_and_audits(cohort, participant) -> None:
    user, _org = participant
    learning = _create(user, cohort)
    publish_learning(actor=user, learning=learning)

    unpublish_learning(actor=user, learning=learning)

    learning.refresh_from_db()
    assert (learning.status, learning.published_at) == (Learning.Status.DRAFT, None)
    assert AuditEntry.objects.filter(action="learning.unpublished").count() == 1


def test_update_learning_by_someone_else_is_refused(cohort, participant) -> None:
    user, _org = participant
    learning = _create(user, cohort)
    peer, _peer_org = make_participant(cohort)

    with pytest.raises(NotAllowed) as refused:
        update_learning(actor=peer, learning=learning, cohort=cohort, title="Mine", body="Mine")

    assert refused.value.message == "Only its author and conveners can edit this learning."
    assert Learning.objects.get().title == "Impact is told in stories"


def test_update_learning_making_a_published_one_public_is_audited(cohort, participant) -> None:
    user, _org = participant
    learning = _create(user, cohort)
    publish_learning(actor=user, learning=learning)

    update_learning(
        actor=user,
        learning=learning,
        cohort=cohort,
        title="Impact, told",
        body="Stories.",
        themes=[theme("value-and-impact")],
        visibility=Visibility.PUBLIC,
    )

    learning.refresh_from_db()
    assert (learning.title, learning.visibility) == ("Impact, told", "public")
    assert list(learning.tags.values_list("slug", flat=True)) == ["value-and-impact"]
    assert AuditEntry.objects.filter(action="learning.made_public").count() == 1
