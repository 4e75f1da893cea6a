import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from datacollab.core.models import AuditEntry
from datacollab.discussion.models import EmailPreference, Notification
from datacollab.discussion.services import (
    ensure_preference,
    hide_post,
    reply,
    send_digests,
    set_email_preference,
    start_thread,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://collab.example"


def _post(world, django_capture_on_commit_callbacks, *, body="Hello", author=None):
    with django_capture_on_commit_callbacks(execute=True):
        return start_thread(
            actor=author or world.alice, channel=world.channel, title="Data", body=body
        )


def _mode(user, mode):
    EmailPreference.objects.create(user=user, mode=mode, unsubscribe_token=f"token-{user.pk}")


def test_each_post_mode_mails_every_post_at_once(world, django_capture_on_commit_callbacks):
    _mode(world.bob, "each")

    thread = _post(world, django_capture_on_commit_callbacks, body="Our **plan**")

    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    message = mail.outbox[0]
    assert message.subject == "[Cohort A] Data"
    assert "Our **plan**" in message.body
    post = thread.posts.get()
    assert f"https://collab.example/discussion/threads/{thread.pk}/#post-{post.pk}" in message.body
    assert Notification.objects.get(user=world.bob).emailed_at is not None


def test_post_mail_has_one_click_unsubscribe_headers(world, django_capture_on_commit_callbacks):
    _mode(world.bob, "each")

    _post(world, django_capture_on_commit_callbacks)

    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe"] == (
        f"<https://collab.example/discussion/unsubscribe/token-{world.bob.pk}/>"
    )
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    message = mail.outbox[0].message()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_daily_mode_waits_for_the_digest(world, django_capture_on_commit_callbacks):
    _post(world, django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2


def test_mention_is_mailed_at_once_to_a_daily_reader(world, django_capture_on_commit_callbacks):
    _post(world, django_capture_on_commit_callbacks, body="@[Bob Brown], have a look")

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["bob@example.org"], "Alice Adeyemi mentioned you in “Data”")
    ]


def test_mention_is_not_mailed_when_email_is_off(world, django_capture_on_commit_callbacks):
    _mode(world.bob, "off")

    _post(world, django_capture_on_commit_callbacks, body="@[Bob Brown], have a look")

    assert mail.outbox == []
    assert Notification.objects.get(user=world.bob).reason == "mention"


def test_digest_sends_one_mail_per_person_of_what_is_pending(
    world, django_capture_on_commit_callbacks
):
    thread = _post(world, django_capture_on_commit_callbacks, body="First")
    with django_capture_on_commit_callbacks(execute=True):
        reply(actor=world.alice, thread=thread, body="Second")

    sent = send_digests()

    assert sent == 2
    by_person = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_person) == ["bob@example.org", "convener@example.org"]
    body = by_person["bob@example.org"].body
    assert body.index("First") < body.index("Second")
    assert "== Cohort A ==" in body
    assert by_person["bob@example.org"].subject == (
        "Peer Learning Network for Data Collaborations: 2 new posts in the discussion"
    )
    assert by_person["bob@example.org"].extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0
    assert EmailPreference.objects.get(user=world.bob).last_digest_at is not None


def test_digest_run_twice_sends_nothing_the_second_time(world, django_capture_on_commit_callbacks):
    _post(world, django_capture_on_commit_callbacks)
    send_digests()

    sent = send_digests()

    assert sent == 0
    assert len(mail.outbox) == 2


def test_digest_says_since_when_in_the_readers_time_zone(world, django_capture_on_commit_callbacks):
    world.bob.timezone = "Asia/Tokyo"
    world.bob.save()
    _post(world, django_capture_on_commit_callbacks)
    send_digests(now=datetime.datetime(2030, 5, 1, 6, 0, tzinfo=datetime.UTC))
    _post(world, django_capture_on_commit_callbacks, body="Next day")

    send_digests()

    bob = [m for m in mail.outbox if m.to == ["bob@example.org"]]
    assert "since your last digest (1 May 2030, 15:00 JST)" in bob[-1].body


def test_digest_leaves_out_hidden_posts(world, django_capture_on_commit_callbacks):
    thread = _post(world, django_capture_on_commit_callbacks, body="Rude")
    hide_post(actor=world.convener, post=thread.posts.get(), reason="Rude")

    sent = send_digests()

    assert sent == 0
    assert mail.outbox == []


def test_digest_leaves_out_people_with_email_off(world, django_capture_on_commit_callbacks):
    _mode(world.bob, "off")
    _post(world, django_capture_on_commit_callbacks, body="@[Bob Brown]")

    send_digests()

    assert [m.to for m in mail.outbox] == [["convener@example.org"]]


def test_digest_leaves_out_posts_a_person_can_no_longer_read(
    world, django_capture_on_commit_callbacks
):
    _post(world, django_capture_on_commit_callbacks)
    world.bob.memberships.all().delete()

    send_digests()

    assert [m.to for m in mail.outbox] == [["convener@example.org"]]


def test_digest_command_sends_and_reports(world, django_capture_on_commit_callbacks, capsys):
    _post(world, django_capture_on_commit_callbacks)

    call_command("digest")
    call_command("digest")

    assert capsys.readouterr().out == "digests sent: 2\ndigests sent: 0\n"
    assert len(mail.outbox) == 2


def test_digest_command_can_enqueue_for_the_worker(world, django_capture_on_commit_callbacks):
    _post(world, django_capture_on_commit_callbacks)

    call_command("digest", "--enqueue")  # the tests' task backend runs it at once

    assert len(mail.outbox) == 2


def test_unsubscribe_get_only_asks(world):
    preference = ensure_preference(user=world.bob)

    response = Client().get(reverse("discussion-unsubscribe", args=[preference.unsubscribe_token]))

    assert response.status_code == 200
    assert "Stop every discussion mail" in response.content.decode()
    assert "b…@example.org" in response.content.decode()
    preference.refresh_from_db()
    assert preference.mode == "daily"


def test_unsubscribe_one_click_post_works_without_login_or_csrf(world):
    preference = ensure_preference(user=world.bob)
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("discussion-unsubscribe", args=[preference.unsubscribe_token]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    preference.refresh_from_db()
    assert preference.mode == "off"
    assert AuditEntry.objects.filter(action="discussion.unsubscribed").count() == 1


def test_unsubscribe_with_a_bad_token_is_refused(world):
    response = Client().post(reverse("discussion-unsubscribe", args=["not-a-token"]))

    assert response.status_code == 404
    assert "This unsubscribe link is not valid" in response.content.decode()


def test_unsubscribe_get_with_a_bad_token_is_refused(world):
    response = Client().get(reverse("discussion-unsubscribe", args=["x" * 500]))

    assert response.status_code == 404


def test_unsubscribed_person_gets_no_more_mail(world, django_capture_on_commit_callbacks):
    _mode(world.bob, "each")
    Client().post(reverse("discussion-unsubscribe", args=[f"token-{world.bob.pk}"]))

    _post(world, django_capture_on_commit_callbacks, body="@[Bob Brown]")
    send_digests()

    assert [m.to for m in mail.outbox] == [["convener@example.org"]]


def test_settings_page_saves_the_mode_and_muted_channels(world, login):
    client = login(world.bob)

    response = client.post(
        reverse("discussion-settings"),
        {"mode": "each", "muted_channels": [world.everyone.slug]},
    )

    assert response.status_code == 302
    preference = EmailPreference.objects.get(user=world.bob)
    assert preference.mode == "each"
    assert list(preference.muted_channels.all()) == [world.everyone]
    page = client.get(reverse("discussion-settings"))
    assert page.context["form"].initial == {"mode": "each", "muted_channels": [world.everyone]}


def test_settings_page_refuses_an_unknown_mode(world, login):
    response = login(world.bob).post(reverse("discussion-settings"), {"mode": "hourly"})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["mode"]


def test_settings_page_cannot_mute_a_channel_one_is_not_in(world, login):
    response = login(world.bob).post(
        reverse("discussion-settings"), {"mode": "daily", "muted_channels": [world.other.slug]}
    )

    assert response.status_code == 400
    assert EmailPreference.objects.filter(user=world.bob).count() == 0


def test_set_email_preference_is_audited(world):
    set_email_preference(actor=world.bob, mode="off")

    entry = AuditEntry.objects.get(action="discussion.email_preference_set")
    assert entry.details == {"mode": "off", "was": "daily", "muted": []}
