"""Learning pages: list and filters, detail, write, edit, publish; refusals as pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from datacollab.learnings.models import Learning, Tag, Visibility
from datacollab.organisations.models import Membership
from tests.factories import make_cohort, make_user
from tests.factories_learnings import make_learning, make_participant, make_tag, theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return make_cohort(name="Open data stewards")


def _titles(response) -> list[str]:
    return [learning.title for learning in response.context["learnings"]]


def test_learning_list_anonymous_sees_published_public_only(client: Client, cohort) -> None:
    make_learning(cohort=cohort, visibility=Visibility.PUBLIC, title="Open insight")
    make_learning(cohort=cohort, title="Cohort secret")
    make_learning(cohort=cohort, published=False, title="Unfinished")

    response = client.get(reverse("learning-list"))

    assert response.status_code == 200
    assert _titles(response) == ["Open insight"]
    assertNotContains(response, "Cohort secret")


def test_learning_list_filters_by_theme_tag_cohort_and_session(client: Client, cohort) -> None:
    volunteers = make_tag(name="Volunteers")
    public = {"visibility": Visibility.PUBLIC}
    make_learning(cohort=cohort, tags=[theme("governance-model")], title="Governance", **public)
    make_learning(cohort=cohort, tags=[volunteers], title="Volunteers", **public)
    make_learning(cohort=make_cohort(), title="Elsewhere", **public)
    url = reverse("learning-list")

    assert _titles(client.get(url, {"theme": "governance-model"})) == ["Governance"]
    assert _titles(client.get(url, {"tag": volunteers.slug})) == ["Volunteers"]
    assert sorted(_titles(client.get(url, {"cohort": cohort.slug}))) == [
        "Governance",
        "Volunteers",
    ]
    assert _titles(client.get(url, {"session": "no-such-session"})) == []
    assert _titles(client.get(url, {"theme": volunteers.slug})) == []


def test_learning_list_bad_page_and_filters_do_not_fail(client: Client) -> None:
    response = client.get(reverse("learning-list"), {"page": "x", "theme": "y" * 500})

    assert response.status_code == 200


def test_learning_list_query_count_does_not_grow_with_rows(
    login, cohort, django_assert_max_num_queries
) -> None:
    user, org = make_participant(cohort)
    for n in range(25):
        make_learning(
            cohort=cohort,
            tags=[theme(), make_tag()],
            contributors=[org],
            title=f"Insight {n}",
            published=n % 2 == 0,
            author=user,
        )
    client = login(user)

    with django_assert_max_num_queries(
        11
    ):  # +1: the menu asks whether the person books 1:1 support
        response = client.get(reverse("learning-list"))

    assert len(response.context["learnings"]) == 25


def test_learning_detail_cohort_only_from_outside_is_404_without_title(login, cohort) -> None:
    learning = make_learning(cohort=cohort, title="Our confidential funding story")
    outsider, _org = make_participant(make_cohort())

    for client in (Client(), login(outsider)):
        response = client.get(reverse("learning-detail", args=[learning.slug]))
        assert response.status_code == 404
        assertContains(
            response,
            "There is no learning at this address that you may read: it may be a draft, "
            "or shared only with its cohort&#x27;s participants.",
            status_code=404,
        )
        assertNotContains(response, "confidential funding", status_code=404)


def test_learning_detail_for_participant_renders_markdown_safely(login, cohort) -> None:
    participant, org = make_participant(cohort)
    learning = make_learning(
        cohort=cohort,
        body="**Stewards** <script>alert(1)</script>",
        contributors=[org],
        tags=[theme("trust-and-privacy")],
    )

    response = login(participant).get(reverse("learning-detail", args=[learning.slug]))

    assertContains(response, "<strong>Stewards</strong>")
    assertNotContains(response, "<script>alert(1)")
    assertContains(response, org.name)
    assertContains(response, f'href="{reverse("learning-list")}?theme=trust-and-privacy"')


def test_learning_create_page_preselects_the_cohort_and_own_organisation(login, cohort) -> None:
    participant, org = make_participant(cohort)

    response = login(participant).get(reverse("learning-create"))

    assert response.context["form"].initial["cohort"] == cohort
    assert response.context["form"].initial["contributors"] == [org]


def test_learning_create_post_saves_a_draft(login, cohort) -> None:
    participant, org = make_participant(cohort)

    response = login(participant).post(
        reverse("learning-create"),
        {
            "title": "Governance follows money",
            "body": "Who *pays* shapes who decides.",
            "cohort": cohort.slug,
            "themes": ["governance-model", "sustainable-business-model"],
            "custom_tags": "funding, boards",
            "contributors": [org.slug],
            "visibility": "public",
        },
    )

    learning = Learning.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("learning-detail", args=[learning.slug])
    assert (learning.status, learning.visibility, learning.author) == (
        "draft",
        "public",
        participant,
    )
    assert sorted(learning.tags.values_list("slug", flat=True)) == [
        "boards",
        "funding",
        "governance-model",
        "sustainable-business-model",
    ]


def test_learning_create_post_with_bad_tag_shows_the_error(login, cohort) -> None:
    participant, _org = make_participant(cohort)

    response = login(participant).post(
        reverse("learning-create"),
        {
            "title": "T",
            "body": "B",
            "cohort": cohort.slug,
            "custom_tags": "ok tag, {{x}}",
            "visibility": "cohort",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["custom_tags"] == [
        "“{{x}}” is not a usable tag: use letters, digits, spaces and hyphens "
        "(e.g. “open licences”)."
    ]
    assert Learning.objects.count() == 0
    assert not Tag.objects.filter(slug="ok-tag").exists()


def test_learning_create_post_for_someone_elses_cohort_is_400(login, cohort) -> None:
    participant, _org = make_participant(make_cohort())

    response = login(participant).post(
        reverse("learning-create"),
        {"title": "T", "body": "B", "cohort": cohort.slug, "visibility": "cohort"},
    )

    assert response.status_code == 400
    assert "cohort" in response.context["form"].errors
    assert Learning.objects.count() == 0


def test_learning_create_page_for_someone_in_no_cohort_is_403(login) -> None:
    response = login(make_user()).get(reverse("learning-create"))

    assertContains(
        response,
        "Learnings are written by participants of a cohort and by conveners.",
        status_code=403,
    )


def test_learning_edit_of_someone_elses_learning_is_403(login, cohort) -> None:
    author, _org = make_participant(cohort)
    learning = make_learning(cohort=cohort, author=author)
    peer, _peer_org = make_participant(cohort)

    get = login(peer).get(reverse("learning-edit", args=[learning.slug]))
    post = login(peer).post(
        reverse("learning-edit", args=[learning.slug]),
        {"title": "Hijacked", "body": "x", "cohort": cohort.slug, "visibility": "public"},
    )

    for response in (get, post):
        assertContains(
            response, "Only its author and conveners can edit this learning.", status_code=403
        )
    assert Learning.objects.get().title == learning.title


def test_learning_edit_by_author_saves(login, cohort) -> None:
    author, _org = make_participant(cohort)
    learning = make_learning(cohort=cohort, author=author, published=False)
    client = login(author)
    form = client.get(reverse("learning-edit", args=[learning.slug])).context["form"]
    assert form.initial["title"] == learning.title

    response = client.post(
        reverse("learning-edit", args=[learning.slug]),
        {"title": "Better title", "body": "More.", "cohort": cohort.slug, "visibility": "cohort"},
    )

    assert response.status_code == 302
    assert Learning.objects.get().title == "Better title"


def test_learning_publish_without_permission_is_403_with_message(login, cohort) -> None:
    author, org = make_participant(cohort)
    learning = make_learning(cohort=cohort, author=author, published=False, contributors=[org])
    colleague = make_user()
    Membership.objects.create(user=colleague, organisation=org, role="member")

    response = login(colleague).post(reverse("learning-publish", args=[learning.slug]))

    assertContains(
        response,
        f"Only its author, while a participant of {cohort.name}, and conveners can publish it.",
        status_code=403,
    )
    assert Learning.objects.get().status == "draft"


def test_learning_publish_by_author_then_visible_to_cohort(login, cohort) -> None:
    author, _org = make_participant(cohort)
    learning = make_learning(cohort=cohort, author=author, published=False, title="Fresh")
    peer, _peer_org = make_participant(cohort)
    assert login(peer).get(reverse("learning-detail", args=[learning.slug])).status_code == 404

    response = login(author).post(reverse("learning-publish", args=[learning.slug]))

    assert response.status_code == 302
    assertContains(login(peer).get(reverse("learning-detail", args=[learning.slug])), "Fresh")


def test_learning_publish_of_a_hidden_draft_is_404(login, cohort) -> None:
    learning = make_learning(cohort=cohort, published=False)

    response = login(make_user()).post(reverse("learning-publish", args=[learning.slug]))

    assert response.status_code == 404


def test_learning_unpublish_by_convener(login, cohort, convener) -> None:
    learning = make_learning(cohort=cohort)

    response = login(convener).post(reverse("learning-unpublish", args=[learning.slug]))

    assert response.status_code == 302
    assert Learning.objects.get().status == "draft"
