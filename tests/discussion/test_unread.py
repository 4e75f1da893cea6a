import pytest
from django.urls import reverse

from datacollab.discussion.models import ThreadRead
from datacollab.discussion.selectors import channel_list, channel_threads
from datacollab.discussion.services import delete_post, mark_read, reply, start_thread
from tests.factories_discussion import make_participant

pytestmark = pytest.mark.django_db


def _unread(world, user):
    return {t.title: t.unread_count for t in channel_threads(world.channel, user)}


def test_every_post_of_others_is_unread_before_a_first_visit(world):
    thread = start_thread(actor=world.alice, channel=world.channel, title="T", body="Hi")
    reply(actor=world.alice, thread=thread, body="Again")

    assert _unread(world, world.bob) == {"T": 2}
    assert _unread(world, world.alice) == {"T": 0}


def test_viewing_the_thread_marks_it_read(world, login):
    thread = start_thread(actor=world.alice, channel=world.channel, title="T", body="Hi")

    login(world.bob).get(reverse("thread-detail", args=[thread.pk]))

    assert _unread(world, world.bob) == {"T": 0}
    reply(actor=world.alice, thread=thread, body="News")
    assert _unread(world, world.bob) == {"T": 1}


def test_mark_read_never_moves_back(world):
    thread = start_thread(actor=world.alice, channel=world.channel, title="T", body="Hi")
    newer = reply(actor=world.alice, thread=thread, body="News")

    mark_read(actor=world.bob, thread=thread, up_to_post_id=newer.pk)
    mark_read(actor=world.bob, thread=thread, up_to_post_id=newer.pk - 1)

    assert ThreadRead.objects.get(user=world.bob).last_read_post_id == newer.pk


def test_deleted_posts_are_not_unread(world):
    thread = start_thread(actor=world.alice, channel=world.channel, title="T", body="Hi")
    gone = reply(actor=world.alice, thread=thread, body="Oops")
    delete_post(actor=world.alice, post=gone)

    assert _unread(world, world.bob) == {"T": 1}


def test_channel_list_counts_threads_with_unread_posts(world, login):
    read = start_thread(actor=world.alice, channel=world.channel, title="Read", body="Hi")
    start_thread(actor=world.alice, channel=world.channel, title="New", body="Hi")
    login(world.bob).get(reverse("thread-detail", args=[read.pk]))

    counts = {c.slug: c.unread_threads for c in channel_list(world.bob)}

    assert counts == {world.channel.slug: 1, world.everyone.slug: 0}


def test_channel_pages_show_unread_badges(world, login):
    start_thread(actor=world.alice, channel=world.channel, title="New", body="Hi")
    client = login(world.bob)

    listing = client.get(reverse("channel-list")).content.decode()
    threads = client.get(reverse("channel-detail", args=[world.channel.slug])).content.decode()

    assert "1 thread with unread posts" in listing
    assert "1 unread" in threads


def test_channel_list_query_count(world, login, django_assert_max_num_queries):
    for n in range(10):
        thread = start_thread(actor=world.alice, channel=world.channel, title=f"T{n}", body="x")
        reply(actor=make_participant(world.channel.cohort), thread=thread, body="y")
    client = login(world.bob)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("channel-list"))

    assert [c.unread_threads for c in response.context["channels"]] == [10, 0]


def test_channel_page_query_count(world, login, django_assert_max_num_queries):
    for n in range(30):
        start_thread(actor=world.alice, channel=world.channel, title=f"T{n}", body="x")
    client = login(world.bob)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("channel-detail", args=[world.channel.slug]))

    assert [t.unread_count for t in response.context["page"].object_list] == [1] * 25
