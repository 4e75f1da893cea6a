import pytest

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.discussion.models import EmailPreference, Notification, Post, Thread
from datacollab.discussion.services import reply, start_thread
from tests import factories
from tests.factories_discussion import make_participant

pytestmark = pytest.mark.django_db


def test_start_thread_makes_the_thread_and_its_opening_post(world):
    thread = start_thread(
        actor=world.alice, channel=world.channel, title="  Data  sharing ", body="Hello **all**"
    )

    assert thread.title == "Data sharing"
    assert [(p.author, p.body) for p in thread.posts.all()] == [(world.alice, "Hello **all**")]
    assert AuditEntry.objects.filter(action="discussion.thread_started").count() == 1


def test_start_thread_notifies_the_other_readers(world):
    thread = start_thread(actor=world.alice, channel=world.channel, title="Hi", body="Hello")

    notified = set(
        Notification.objects.filter(post__thread=thread).values_list("user__email", "reason")
    )
    assert notified == {("bob@example.org", "post"), ("convener@example.org", "post")}


def test_reply_moves_the_thread_to_the_top(world):
    older = start_thread(actor=world.alice, channel=world.channel, title="Older", body="1")
    newer = start_thread(actor=world.alice, channel=world.channel, title="Newer", body="2")

    post = reply(actor=world.bob, thread=older, body="Back to this")

    older.refresh_from_db()
    assert older.last_post_at == post.created_at
    assert list(Thread.objects.filter(channel=world.channel)) == [older, newer]


def test_start_thread_refused_outside_the_channel(world):
    with pytest.raises(NotAllowed) as refusal:
        start_thread(actor=world.outsider, channel=world.channel, title="Hi", body="Let me in")

    assert refusal.value.message == (
        "“Cohort A” is the channel of the cohort Cohort A: only its participants and the "
        "conveners can read and post there."
    )
    assert Thread.objects.count() == 0


def test_reply_refused_outside_the_channel(world):
    thread = start_thread(actor=world.alice, channel=world.channel, title="Hi", body="Hello")

    with pytest.raises(NotAllowed):
        reply(actor=world.outsider, thread=thread, body="Me too")

    assert Post.objects.count() == 1


def test_reply_refused_with_an_empty_body(world):
    thread = start_thread(actor=world.alice, channel=world.channel, title="Hi", body="Hello")

    with pytest.raises(DomainError) as refusal:
        reply(actor=world.bob, thread=thread, body="  \n ")

    assert refusal.value.message == "Write a message: an empty post says nothing."
    assert refusal.value.field == "body"


def test_start_thread_refused_without_a_title(world):
    with pytest.raises(DomainError) as refusal:
        start_thread(actor=world.alice, channel=world.channel, title=" ", body="Hello")

    assert refusal.value.message == "Give the thread a title, so people know what it is about."


def test_mention_by_name_notifies_the_person(world):
    thread = start_thread(
        actor=world.alice,
        channel=world.channel,
        title="Hi",
        body="What do you think, @[bob brown]?",
    )

    post = thread.posts.get()
    assert list(post.mentions.all()) == [world.bob]
    assert Notification.objects.get(user=world.bob, post=post).reason == "mention"


def test_mention_by_email_notifies_the_person(world):
    thread = start_thread(
        actor=world.alice, channel=world.channel, title="Hi", body="Ping @[Bob@Example.org]"
    )

    assert list(thread.posts.get().mentions.all()) == [world.bob]


def test_mention_of_someone_outside_the_channel_is_ignored(world):
    thread = start_thread(
        actor=world.alice, channel=world.channel, title="Hi", body="Ping @[Olga Ortiz]"
    )

    post = thread.posts.get()
    assert list(post.mentions.all()) == []
    assert Notification.objects.filter(user=world.outsider).count() == 0


def test_mention_inside_code_is_not_a_mention(world):
    thread = start_thread(
        actor=world.alice, channel=world.channel, title="Hi", body="Type `@[Bob Brown]` to mention"
    )

    assert list(thread.posts.get().mentions.all()) == []


def test_mention_of_a_shared_name_is_refused_with_the_way_out(world):
    make_participant(world.channel.cohort, display_name="Bob Brown")

    with pytest.raises(DomainError) as refusal:
        start_thread(actor=world.alice, channel=world.channel, title="Hi", body="@[Bob Brown]")

    assert refusal.value.message == (
        "Several people in this channel are called “Bob Brown”: mention the one you mean by "
        "email address instead, e.g. @[bob@example.org]."
    )


def test_mention_reaches_someone_who_turned_email_off(world):
    EmailPreference.objects.create(user=world.bob, mode="off", unsubscribe_token="t1")

    thread = start_thread(actor=world.alice, channel=world.channel, title="Hi", body="@[Bob Brown]")

    assert Notification.objects.get(user=world.bob, post__thread=thread).reason == "mention"


def test_new_post_skips_people_with_email_off_or_the_channel_muted(world):
    EmailPreference.objects.create(user=world.bob, mode="off", unsubscribe_token="t1")
    muting = EmailPreference.objects.create(user=world.convener, unsubscribe_token="t2")
    muting.muted_channels.add(world.channel)

    thread = start_thread(actor=world.alice, channel=world.channel, title="Hi", body="Hello")

    assert Notification.objects.filter(post__thread=thread).count() == 0


def test_expert_can_post_in_the_network_channel_only(world):
    expert = factories.make_user(roles=["expert"])

    start_thread(actor=expert, channel=world.everyone, title="Office hours", body="Ask me")

    with pytest.raises(NotAllowed):
        start_thread(actor=expert, channel=world.channel, title="Hi", body="Hello")
