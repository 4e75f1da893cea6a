import pytest
from django.urls import reverse

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.discussion import selectors
from datacollab.discussion.services import hide_post, reply, start_thread, unhide_post
from datacollab.search.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(world):
    thread = start_thread(actor=world.alice, channel=world.channel, title="Plans", body="Opening")
    reply(actor=world.bob, thread=thread, body="Something rude")
    return thread


def _reply(thread):
    return thread.posts.get(body="Something rude")


def test_hide_post_records_who_why_and_audits(world, thread):
    post = hide_post(actor=world.convener, post=_reply(thread), reason="  Personal  attack ")

    assert (post.hidden_by, post.hidden_reason) == (world.convener, "Personal attack")
    entry = AuditEntry.objects.get(action="discussion.post_hidden")
    assert (entry.actor_id, entry.object_id) == (world.convener.pk, str(post.pk))
    assert entry.details == {
        "reason": "Personal attack",
        "thread": thread.pk,
        "author": world.bob.pk,
    }


def test_hidden_post_leaves_visible_posts(world, thread):
    hide_post(actor=world.convener, post=_reply(thread), reason="Rude")

    assert list(selectors.visible_posts(world.alice).values_list("body", flat=True)) == ["Opening"]


def test_hide_post_refused_to_a_non_convener(world, thread):
    with pytest.raises(NotAllowed) as refusal:
        hide_post(actor=world.alice, post=_reply(thread), reason="I dislike it")

    assert refusal.value.message == "Only a convener can hide a post."


def test_hide_post_needs_a_reason(world, thread):
    with pytest.raises(DomainError) as refusal:
        hide_post(actor=world.convener, post=_reply(thread), reason=" ")

    assert refusal.value.field == "reason"


def test_hide_post_twice_is_a_conflict(world, thread):
    hide_post(actor=world.convener, post=_reply(thread), reason="Rude")

    with pytest.raises(Conflict):
        hide_post(actor=world.convener, post=_reply(thread), reason="Rude")


def test_unhide_post_shows_it_again_and_audits(world, thread):
    hide_post(actor=world.convener, post=_reply(thread), reason="Rude")

    post = unhide_post(actor=world.convener, post=_reply(thread))

    assert (post.hidden_at, post.hidden_by, post.hidden_reason) == (None, None, "")
    entry = AuditEntry.objects.get(action="discussion.post_unhidden")
    assert entry.details == {"hidden_reason": "Rude", "thread": thread.pk}


def test_unhide_post_refused_to_a_non_convener(world, thread):
    hide_post(actor=world.convener, post=_reply(thread), reason="Rude")

    with pytest.raises(NotAllowed):
        unhide_post(actor=world.bob, post=_reply(thread))


def test_members_see_a_placeholder_for_a_hidden_post(world, thread, login):
    hide_post(actor=world.convener, post=_reply(thread), reason="Rude")

    page = login(world.alice).get(reverse("thread-detail", args=[thread.pk])).content.decode()

    assert "Something rude" not in page
    assert "This post was hidden by a convener on" in page
    assert "Reason: Rude" not in page


def test_the_author_sees_why_their_post_was_hidden(world, thread, login):
    hide_post(actor=world.convener, post=_reply(thread), reason="Rude")

    page = login(world.bob).get(reverse("thread-detail", args=[thread.pk])).content.decode()

    assert "Something rude" not in page
    assert "Reason: Rude" in page


def test_conveners_still_see_a_hidden_post_and_can_show_it(world, thread, login):
    hide_post(actor=world.convener, post=_reply(thread), reason="Rude")

    page = login(world.convener).get(reverse("thread-detail", args=[thread.pk])).content.decode()

    assert "Something rude" in page
    assert reverse("post-unhide", args=[_reply(thread).pk]) in page


def test_hidden_opening_post_hides_the_thread_title_from_members(world, thread, login):
    hide_post(actor=world.convener, post=thread.posts.get(body="Opening"), reason="Spam")

    listing = login(world.bob).get(reverse("channel-detail", args=[world.channel.slug]))
    page = login(world.bob).get(reverse("thread-detail", args=[thread.pk])).content.decode()

    assert "Plans" not in listing.content.decode()
    assert "<h1>Hidden thread</h1>" in page


def test_hide_page_flow_for_a_convener(world, thread, login):
    post = _reply(thread)

    response = login(world.convener).post(reverse("post-hide", args=[post.pk]), {"reason": "Rude"})

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.hidden_reason == "Rude"


def test_hide_page_refused_to_a_non_convener(world, thread, login):
    post = _reply(thread)

    response = login(world.alice).post(reverse("post-hide", args=[post.pk]), {"reason": "Rude"})

    assert response.status_code == 403
    assert "Only a convener can hide a post." in response.content.decode()
    post.refresh_from_db()
    assert post.hidden_at is None


def test_hide_page_without_a_reason_shows_the_error(world, thread, login):
    post = _reply(thread)

    response = login(world.convener).post(reverse("post-hide", args=[post.pk]), {"reason": ""})

    assert response.status_code == 400
    assert "Say why the post is hidden" in response.content.decode()


def test_unhide_page_refused_to_a_non_convener(world, thread, login):
    post = hide_post(actor=world.convener, post=_reply(thread), reason="Rude")

    response = login(world.bob).post(reverse("post-unhide", args=[post.pk]))

    assert response.status_code == 403
    assert "Only a convener can show a hidden post again." in response.content.decode()


def test_hide_page_refused_to_someone_outside_the_channel(world, thread, login):
    post = _reply(thread)

    response = login(world.outsider).post(reverse("post-hide", args=[post.pk]), {"reason": "x"})

    assert response.status_code == 403


def test_search_finds_a_post_until_it_is_hidden(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = start_thread(
            actor=world.alice, channel=world.channel, title="Findable", body="Zanzibar"
        )
    post = thread.posts.get()
    indexed = Document.objects.filter(kind="post", object_id=post.pk)
    assert indexed.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        hide_post(actor=world.convener, post=post, reason="Spam")
    assert indexed.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        unhide_post(actor=world.convener, post=post)
    assert indexed.count() == 1
