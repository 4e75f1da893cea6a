import pytest
from django.urls import reverse

from datacollab.core.errors import Conflict, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.discussion.models import Post, PostRevision
from datacollab.discussion.selectors import visible_posts
from datacollab.discussion.services import (
    delete_post,
    edit_post,
    hide_post,
    reply,
    send_digests,
    start_thread,
)
from datacollab.search.selectors import search

pytestmark = pytest.mark.django_db


def _opening(world, body="Our first plan"):
    thread = start_thread(actor=world.alice, channel=world.channel, title="Plans", body=body)
    return thread.posts.get()


def test_edit_post_keeps_the_earlier_text_as_a_revision(world):
    post = _opening(world)

    edit_post(actor=world.alice, post=post, body="Our better plan")

    post.refresh_from_db()
    assert post.body == "Our better plan"
    assert post.edited_at is not None
    assert [(r.body, r.change, r.changed_by) for r in post.revisions.all()] == [
        ("Our first plan", "edited", world.alice)
    ]
    assert AuditEntry.objects.filter(action="discussion.post_edited").count() == 1


def test_edit_post_refused_for_someone_elses_post(world):
    post = _opening(world)

    with pytest.raises(NotAllowed) as refusal:
        edit_post(actor=world.bob, post=post, body="Bob was here")

    assert refusal.value.message == "Only its author can edit a post."
    post.refresh_from_db()
    assert (post.body, PostRevision.objects.count()) == ("Our first plan", 0)


def test_edit_post_refused_for_a_convener_too(world):
    post = _opening(world)

    with pytest.raises(NotAllowed):
        edit_post(actor=world.convener, post=post, body="Rewritten by staff")

    assert Post.objects.get(pk=post.pk).body == "Our first plan"


def test_edit_post_refused_once_deleted(world):
    post = _opening(world)
    delete_post(actor=world.alice, post=post)

    with pytest.raises(Conflict):
        edit_post(actor=world.alice, post=post, body="Back again")


def test_edit_post_refused_while_hidden(world):
    post = _opening(world)
    hide_post(actor=world.convener, post=post, reason="Off topic")

    with pytest.raises(Conflict):
        edit_post(actor=world.alice, post=post, body="Sneaky fix")


def test_delete_own_post_moves_its_text_to_a_revision(world):
    post = _opening(world)

    delete_post(actor=world.alice, post=post)

    post.refresh_from_db()
    assert (post.body, post.deleted_by) == ("", world.alice)
    assert [(r.body, r.change) for r in post.revisions.all()] == [("Our first plan", "deleted")]
    assert list(visible_posts(world.bob)) == []
    assert AuditEntry.objects.filter(action="discussion.post_deleted").count() == 1


def test_delete_someone_elses_post_refused_for_a_participant(world):
    post = _opening(world)

    with pytest.raises(NotAllowed):
        delete_post(actor=world.bob, post=post)

    assert Post.objects.get(pk=post.pk).deleted_at is None


def test_delete_by_a_convener_is_an_audited_moderation_act(world):
    post = _opening(world)

    delete_post(actor=world.convener, post=post, reason="  Personal   data ")

    entry = AuditEntry.objects.get(action="discussion.post_deleted_by_moderator")
    assert entry.details == {
        "thread": post.thread_id,
        "author": world.alice.pk,
        "reason": "Personal data",
    }


def test_delete_twice_refused(world):
    post = _opening(world)
    delete_post(actor=world.alice, post=post)

    with pytest.raises(Conflict):
        delete_post(actor=world.convener, post=post)


def test_edit_and_delete_keep_search_right(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = _opening(world, body="bicycles everywhere")
    with django_capture_on_commit_callbacks(execute=True):
        edit_post(actor=world.alice, post=post, body="cargo bikes everywhere")

    assert search(world.bob, q="bicycles").total == 0
    assert search(world.bob, q="cargo").total == 1

    with django_capture_on_commit_callbacks(execute=True):
        delete_post(actor=world.alice, post=post)

    assert search(world.bob, q="cargo").total == 0


def test_digest_leaves_out_a_deleted_post_and_shows_the_edited_text(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    thread = start_thread(actor=world.alice, channel=world.channel, title="Plans", body="First")
    gone = reply(actor=world.alice, thread=thread, body="A mistake")
    edit_post(actor=world.alice, post=thread.posts.first(), body="First, corrected")
    delete_post(actor=world.alice, post=gone)
    mailoutbox.clear()

    send_digests()

    bob = [m for m in mailoutbox if m.to == ["bob@example.org"]]
    assert len(bob) == 1
    assert "First, corrected" in bob[0].body
    assert "A mistake" not in bob[0].body


def test_thread_page_shows_revisions_to_conveners_only(world, login):
    post = _opening(world)
    edit_post(actor=world.alice, post=post, body="Our better plan")
    url = reverse("thread-detail", args=[post.thread_id])

    as_convener = login(world.convener).get(url).content.decode()
    as_member = login(world.bob).get(url).content.decode()

    assert "Our first plan" in as_convener
    assert "Our first plan" not in as_member
    assert "edited" in as_member


def test_edit_page_refused_for_someone_elses_post(world, login):
    post = _opening(world)

    response = login(world.bob).get(reverse("post-edit", args=[post.pk]))

    assert response.status_code == 403


def test_edit_page_saves_and_returns_to_the_post(world, login):
    post = _opening(world)

    response = login(world.alice).post(
        reverse("post-edit", args=[post.pk]), {"body": "Edited on the page"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/discussion/threads/{post.thread_id}/#post-{post.pk}"
    assert Post.objects.get(pk=post.pk).body == "Edited on the page"


def test_delete_page_for_someone_elses_post_is_refused(world, login):
    post = _opening(world)

    response = login(world.bob).post(reverse("post-delete", args=[post.pk]))

    assert response.status_code == 403
    assert Post.objects.get(pk=post.pk).deleted_at is None


def test_edit_post_updates_its_mentions(world):
    post = _opening(world, body="Hello @[Bob Brown]")

    edit_post(actor=world.alice, post=post, body="Hello @[convener@example.org]")

    assert list(post.mentions.all()) == [world.convener]
