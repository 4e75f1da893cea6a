"""Impact stories: submitting (cleaned, validated), the moderation state machine, the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.impact.models import ImpactStory
from datacollab.impact.services.stories import allowed_moves, move_story, submit_story
from datacollab.network.models import Application, CohortMembership
from datacollab.reports.rendering import render_body
from datacollab.reports.selectors.report import report_content, report_of
from tests.factories import make_application, make_call, make_cohort, make_org, make_user
from tests.factories_data import make_collaboration, make_dataset

pytestmark = pytest.mark.django_db
LINK = "https://example.org/bike-lanes"


@pytest.fixture
def owner():
    return make_user(email="owner@example.org")


@pytest.fixture
def dataset(owner):
    return make_dataset(owner=make_org(members=[owner]), spectrum="open", slug="zones")


def _story(dataset, **fields) -> ImpactStory:
    return submit_story(
        actor=fields.pop("actor", None) or make_user(display_name="Pat Planner"),
        dataset=dataset,
        sentence=fields.pop("sentence", "Planned two new bike lanes."),
        link=fields.pop("link", LINK),
    )


def _actions(story) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="impact.impactstory", object_id=str(story.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_submit_story_cleans_the_sentence_and_waits_for_the_owner(dataset):
    story = _story(dataset, sentence="  Planned\u202e two\n\nnew lanes.\x00 ")

    assert (story.sentence, story.status) == ("Planned two new lanes.", "pending")
    assert _actions(story) == ["impact.story.submitted"]


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "ftp://example.org/data",
        "data:text/html,<b>x</b>",
        "https://user:secret@example.org/",
        "example",
        "",
    ],
)
def test_submit_story_refuses_links_other_than_http_and_https(dataset, link):
    with pytest.raises(DomainError) as refused:
        _story(dataset, link=link)

    assert refused.value.field == "link"
    assert ImpactStory.objects.count() == 0


def test_submit_story_refuses_an_empty_sentence(dataset):
    with pytest.raises(DomainError) as refused:
        _story(dataset, sentence=" \u200b ")

    assert refused.value.field == "sentence"


def test_submit_story_refused_without_access_to_the_data(owner):
    closed = make_dataset(owner=make_org(members=[owner]), spectrum="closed")

    with pytest.raises(NotAllowed):
        _story(closed)


def test_submit_story_one_pending_per_person(dataset):
    person = make_user()
    _story(dataset, actor=person)

    with pytest.raises(Conflict):
        _story(dataset, actor=person)


def test_owner_publishes_then_withdraws_a_story(dataset, owner):
    story = _story(dataset)

    published = move_story(actor=owner, story=story, to="published")
    withdrawn = move_story(actor=owner, story=published, to="rejected")

    assert (published.status, withdrawn.status) == ("published", "rejected")
    assert withdrawn.decided_by == owner
    assert _actions(story) == [
        "impact.story.submitted",
        "impact.story.published",
        "impact.story.withdrawn",
    ]


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("pending", "pending"),
        ("published", "published"),
        ("published", "pending"),
        ("rejected", "published"),
        ("rejected", "pending"),
        ("pending", "deleted"),
    ],
)
def test_move_story_refuses_moves_outside_the_machine(dataset, owner, start, to):
    story = _story(dataset)
    ImpactStory.objects.filter(pk=story.pk).update(status=start)
    story.refresh_from_db()

    with pytest.raises(Conflict):
        move_story(actor=owner, story=story, to=to)

    story.refresh_from_db()
    assert story.status == start
    assert _actions(story) == ["impact.story.submitted"]


def test_move_story_refused_to_anyone_but_the_owner(dataset):
    story = _story(dataset)

    with pytest.raises(NotAllowed):
        move_story(actor=story.author, story=story, to="published")

    story.refresh_from_db()
    assert story.status == "pending"


def test_allowed_moves_follow_the_status(dataset):
    story = _story(dataset)

    assert allowed_moves(story) == ["published", "rejected"]
    story.status = "published"
    assert allowed_moves(story) == ["rejected"]
    story.status = "rejected"
    assert allowed_moves(story) == []


def test_story_form_page_submits_and_redirects(dataset, login):
    client = login(make_user())

    response = client.post(
        "/impact/datasets/zones/stories/new/", {"sentence": "Mapped lanes.", "link": LINK}
    )

    assert response.status_code == 302
    assert list(ImpactStory.objects.values_list("sentence", "status")) == [
        ("Mapped lanes.", "pending")
    ]


def test_story_form_page_shows_a_refused_link_on_the_field(dataset, login):
    response = login(make_user()).post(
        "/impact/datasets/zones/stories/new/",
        {"sentence": "Mapped lanes.", "link": "https://u:p@example.org/"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "link": ["Give the address without a user name or password."]
    }


def test_dataset_page_shows_published_stories_only(dataset, owner):
    shown = _story(dataset, sentence="Planned <b>bike</b> lanes.")
    move_story(actor=owner, story=shown, to="published")
    _story(dataset, sentence="Still waiting.")

    html = Client().get("/datasets/zones/").content.decode()

    assert "Planned &lt;b&gt;bike&lt;/b&gt; lanes." in html
    assert "Still waiting." not in html
    assert 'rel="nofollow ugc noopener noreferrer"' in html


def test_moderation_page_only_for_the_owner(dataset, owner, login):
    _story(dataset)

    assert login(owner).get("/impact/datasets/zones/stories/").status_code == 200
    assert login(make_user()).get("/impact/datasets/zones/stories/").status_code == 404


def test_moderation_page_publishes_by_post(dataset, owner, login):
    story = _story(dataset)

    response = login(owner).post(
        f"/impact/datasets/zones/stories/{story.pk}/move/", {"to": "published"}
    )

    story.refresh_from_db()
    assert (response.status_code, story.status) == (302, "published")


def test_moderation_page_refuses_an_unknown_move(dataset, owner, login):
    story = _story(dataset)

    response = login(owner).post(f"/impact/datasets/zones/stories/{story.pk}/move/", {"to": "x"})

    assert response.status_code == 409


def test_output_report_lists_published_stories_of_the_cohorts_open_datasets(owner):
    cohort = make_cohort()
    lead = make_org(members=[owner])
    collaboration = make_collaboration(lead=lead)
    make_application(
        call=make_call(cohort=cohort),
        organisation=lead,
        collaboration=collaboration,
        decision=Application.Decision.SELECTED,
    )
    open_data = make_dataset(owner=lead, collaboration=collaboration, spectrum="open")
    named = make_dataset(owner=lead, collaboration=collaboration, spectrum="named")
    elsewhere = make_dataset(owner=lead, spectrum="open")
    for target, sentence in ((open_data, "Lanes planned."), (elsewhere, "Not ours.")):
        move_story(actor=owner, story=_story(target, sentence=sentence), to="published")
    hidden = ImpactStory.objects.create(
        dataset=named,
        author=owner,
        sentence="Named only.",
        link=LINK,
        status="published",
        decided_at=timezone.now(),
    )

    html = render_body(report_content(report_of(cohort)))
    earlier = render_body(
        report_content(report_of(cohort), as_of=timezone.now() - dt.timedelta(days=1))
    )

    assert "Lanes planned." in html
    assert ("Not ours." in html, hidden.sentence in html) == (False, False)
    assert "Lanes planned." not in earlier


def test_output_report_counts_collaborations_led_by_cohort_members(owner):
    cohort = make_cohort()
    lead = make_org(members=[owner])
    CohortMembership.objects.create(cohort=cohort, organisation=lead)
    collaboration = make_collaboration(lead=lead)
    dataset = make_dataset(owner=lead, collaboration=collaboration, spectrum="open")
    move_story(actor=owner, story=_story(dataset, sentence="Lanes planned."), to="published")

    html = render_body(report_content(report_of(cohort)))

    assert html.count("Lanes planned.") == 1


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/impact/datasets/zones/stories/", "/datasets/zones/"])
def test_story_lists_query_count_does_not_grow_with_stories(dataset, owner, login, url):
    client = login(owner)
    move_story(actor=owner, story=_story(dataset), to="published")
    _story(dataset)
    small = _queries(client, url)

    for _ in range(5):
        move_story(actor=owner, story=_story(dataset), to="published")
        _story(dataset)

    assert _queries(client, url) == small
