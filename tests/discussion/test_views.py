import pytest
from django.test import Client
from django.urls import reverse

from datacollab.discussion.models import Post, Thread
from datacollab.discussion.services import reply, start_thread
from tests import factories
from tests.factories_discussion import make_participant, make_post, make_thread

pytestmark = pytest.mark.django_db


def test_channel_list_shows_only_readable_channels(world, login):
    response = login(world.alice).get(reverse("channel-list"))

    assert response.status_code == 200
    names = [c.name for c in response.context["channels"]]
    assert names == ["Cohort A", "Peer Learning Network for Data Collaborations"]


def test_channel_list_asks_for_login(world):
    response = Client().get(reverse("channel-list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_channel_list_explains_itself_to_someone_outside(world, login, applicant):
    response = login(applicant).get(reverse("channel-list"))

    assert response.status_code == 200
    assert "Once your organisation takes part in a cohort" in response.content.decode()


def test_channel_page_lists_threads_newest_activity_first(world, login):
    old = make_thread(channel=world.channel, author=world.alice, title="Old")
    make_thread(channel=world.channel, author=world.alice, title="New")
    make_post(thread=old, author=world.bob)

    response = login(world.bob).get(reverse("channel-detail", args=[world.channel.slug]))

    assert response.status_code == 200
    assert [t.title for t in response.context["page"].object_list] == ["Old", "New"]


def test_channel_page_refused_from_outside(world, login):
    response = login(world.outsider).get(reverse("channel-detail", args=[world.channel.slug]))

    assert response.status_code == 403
    assert "only its participants and the conveners can read and post there" in (
        response.content.decode()
    )


def test_thread_page_refused_from_outside(world, login):
    thread = make_thread(channel=world.channel, author=world.alice, body="Secret plans")

    response = login(world.outsider).get(reverse("thread-detail", args=[thread.pk]))

    assert response.status_code == 403
    assert "Secret plans" not in response.content.decode()


def test_unknown_channel_and_thread_are_404(world, login):
    client = login(world.alice)

    assert client.get(reverse("channel-detail", args=["nope"])).status_code == 404
    assert client.get(reverse("thread-detail", args=[999999])).status_code == 404


def test_new_thread_form_posts_and_redirects_to_the_thread(world, login):
    response = login(world.alice).post(
        reverse("thread-create", args=[world.channel.slug]),
        {"title": "Governance", "body": "How do you *decide*?"},
    )

    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("thread-detail", args=[thread.pk])
    page = login(world.bob).get(response["Location"]).content.decode()
    assert "<em>decide</em>" in page


def test_new_thread_refused_in_a_channel_one_is_not_a_member_of(world, login):
    response = login(world.outsider).post(
        reverse("thread-create", args=[world.channel.slug]), {"title": "Hi", "body": "Let me in"}
    )

    assert response.status_code == 403
    assert "only its participants and the conveners can read and post there" in (
        response.content.decode()
    )
    assert Thread.objects.count() == 0


def test_new_thread_with_an_empty_body_shows_the_error(world, login):
    response = login(world.alice).post(
        reverse("thread-create", args=[world.channel.slug]), {"title": "Hi", "body": ""}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "body": ["Write a message: an empty post says nothing."]
    }


def test_reply_form_posts_and_redirects_to_the_reply(world, login):
    thread = make_thread(channel=world.channel, author=world.alice)

    response = login(world.bob).post(
        reverse("thread-reply", args=[thread.pk]), {"body": "Agreed, @[Alice Adeyemi]."}
    )

    post = Post.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('thread-detail', args=[thread.pk])}#post-{post.pk}"
    page = login(world.alice).get(reverse("thread-detail", args=[thread.pk])).content.decode()
    person = reverse("discussion-person", args=[world.alice.pk])
    assert f'<a href="{person}" rel="nofollow noopener noreferrer">@Alice Adeyemi</a>' in page


def test_reply_with_an_empty_body_is_refused(world, login):
    thread = make_thread(channel=world.channel, author=world.alice)

    response = login(world.bob).post(reverse("thread-reply", args=[thread.pk]), {"body": " "})

    assert response.status_code == 400
    assert response.context["reply_form"].errors == {
        "body": ["Write a message: an empty post says nothing."]
    }
    assert Post.objects.count() == 1


def test_reply_refused_to_someone_outside(world, login):
    thread = make_thread(channel=world.channel, author=world.alice)

    response = login(world.outsider).post(reverse("thread-reply", args=[thread.pk]), {"body": "x"})

    assert response.status_code == 403
    assert Post.objects.count() == 1


def test_reply_on_a_long_thread_redirects_to_its_last_page(world, login):
    thread = make_thread(channel=world.channel, author=world.alice)
    for _ in range(50):
        make_post(thread=thread, author=world.alice)

    response = login(world.bob).post(reverse("thread-reply", args=[thread.pk]), {"body": "Late"})

    post = Post.objects.latest("pk")
    url = reverse("thread-detail", args=[thread.pk])
    assert response["Location"] == f"{url}?page=2#post-{post.pk}"


def test_person_page_lists_only_posts_the_viewer_can_read(world, login):
    start_thread(actor=world.bob, channel=world.channel, title="In A", body="a")
    start_thread(actor=world.bob, channel=world.everyone, title="For all", body="b")

    response = login(world.outsider).get(reverse("discussion-person", args=[world.bob.pk]))

    assert response.status_code == 200
    assert [p.thread.title for p in response.context["page"].object_list] == ["For all"]


def test_person_page_is_404_for_someone_outside_the_network(world, login, applicant):
    response = login(world.alice).get(reverse("discussion-person", args=[applicant.pk]))

    assert response.status_code == 404


def test_channel_list_query_count(world, login, django_assert_max_num_queries):
    for n in range(5):
        thread = make_thread(channel=world.channel, author=world.alice, title=f"T{n}")
        make_post(thread=thread, author=world.bob)
    client = login(world.alice)

    with django_assert_max_num_queries(9):
        response = client.get(reverse("channel-list"))

    assert response.status_code == 200


def test_channel_page_query_count(world, login, django_assert_max_num_queries):
    for n in range(30):
        thread = make_thread(channel=world.channel, author=factories.make_user(), title=f"T{n}")
        make_post(thread=thread, author=world.bob)
    client = login(world.alice)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("channel-detail", args=[world.channel.slug]))

    assert len(response.context["page"].object_list) == 25


def test_thread_page_query_count(world, login, django_assert_max_num_queries):
    thread = start_thread(
        actor=world.alice, channel=world.channel, title="T", body="Hi @[Bob Brown]"
    )
    for n in range(20):
        author = make_participant(world.channel.cohort)
        reply(actor=author, thread=thread, body=f"Reply {n}, @[Alice Adeyemi]")
    client = login(world.bob)

    # 12 before reactions, attachments (one prefetch each) and the read mark (two statements).
    with django_assert_max_num_queries(16):
        response = client.get(reverse("thread-detail", args=[thread.pk]))

    assert len(response.context["entries"]) == 21


def test_person_page_query_count(world, login, django_assert_max_num_queries):
    for n in range(30):
        start_thread(actor=world.alice, channel=world.channel, title=f"T{n}", body="Hello")
    client = login(world.bob)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("discussion-person", args=[world.alice.pk]))

    assert len(response.context["page"].object_list) == 25
