import pytest
from django.urls import reverse

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.discussion.models import Reaction
from datacollab.discussion.services import delete_post, start_thread, toggle_reaction

pytestmark = pytest.mark.django_db


def _post(world):
    return start_thread(actor=world.alice, channel=world.channel, title="T", body="Hi").posts.get()


def test_toggle_reaction_adds_then_takes_back(world):
    post = _post(world)

    first = toggle_reaction(actor=world.bob, post=post, kind="thanks")
    second = toggle_reaction(actor=world.bob, post=post, kind="thanks")

    assert (first, second) == (True, False)
    assert Reaction.objects.count() == 0


def test_reactions_are_counted_per_kind(world, login):
    post = _post(world)
    toggle_reaction(actor=world.bob, post=post, kind="agree")
    toggle_reaction(actor=world.convener, post=post, kind="agree")
    toggle_reaction(actor=world.bob, post=post, kind="thanks")

    response = login(world.bob).get(reverse("thread-detail", args=[post.thread_id]))

    entry = response.context["entries"][0]
    assert [(r["kind"], r["count"], r["mine"]) for r in entry["reactions"]] == [
        ("thanks", 1, True),
        ("agree", 2, True),
        ("insight", 0, False),
        ("question", 0, False),
    ]


def test_toggle_reaction_refused_in_a_channel_one_cannot_read(world):
    post = _post(world)

    with pytest.raises(NotAllowed):
        toggle_reaction(actor=world.outsider, post=post, kind="thanks")

    assert Reaction.objects.count() == 0


def test_toggle_reaction_refuses_an_unknown_kind(world):
    post = _post(world)

    with pytest.raises(DomainError) as refusal:
        toggle_reaction(actor=world.bob, post=post, kind="angry")

    assert refusal.value.message == "Choose one of the offered reactions."


def test_toggle_reaction_refused_on_a_deleted_post(world):
    post = _post(world)
    delete_post(actor=world.alice, post=post)

    with pytest.raises(Conflict):
        toggle_reaction(actor=world.bob, post=post, kind="thanks")


def test_react_form_works_without_javascript(world, login):
    post = _post(world)

    response = login(world.bob).post(reverse("post-react", args=[post.pk]), {"kind": "insight"})

    assert response.status_code == 302
    assert response["Location"] == f"/discussion/threads/{post.thread_id}/#post-{post.pk}"
    assert list(Reaction.objects.values_list("user_id", "kind")) == [(world.bob.pk, "insight")]


def test_react_with_htmx_returns_the_reaction_bar(world, login):
    post = _post(world)

    response = login(world.bob).post(
        reverse("post-react", args=[post.pk]), {"kind": "thanks"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert f'id="reactions-{post.pk}"' in response.content.decode()
    assert 'aria-pressed="true"' in response.content.decode()


def test_react_page_refused_for_an_outsider(world, login):
    post = _post(world)

    response = login(world.outsider).post(reverse("post-react", args=[post.pk]), {"kind": "thanks"})

    assert response.status_code == 403
    assert Reaction.objects.count() == 0
