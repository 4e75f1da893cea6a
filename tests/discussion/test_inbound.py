import io
import mailbox
import sys
from email.message import EmailMessage

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from datacollab.core.models import AuditEntry
from datacollab.discussion.models import EmailPreference, Post
from datacollab.discussion.services import receive_reply, reply_address, start_thread
from datacollab.discussion.services.inbound import (
    ForbiddenReply,
    RefusedReply,
    _signature,
    _today,
)
from datacollab.network.models import CohortMembership

pytestmark = pytest.mark.django_db

DOMAIN = "reply.collab.example"


@pytest.fixture(autouse=True)
def _reply_domain(settings):
    settings.DISCUSSION_REPLY_DOMAIN = DOMAIN
    settings.SITE_URL = "https://collab.example"


@pytest.fixture
def thread(world):
    return start_thread(actor=world.alice, channel=world.channel, title="Plans", body="Who joins?")


def _mail(*, to, sender="bob@example.org", body="Count me in.", message_id="<m1@bob>", **headers):
    message = EmailMessage()
    message["From"] = f"Bob Brown <{sender}>"
    message["To"] = to
    message["Subject"] = "Re: [Cohort A] Plans"
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(
        f"{body}\n\nOn Sat, 5 Dec 2026 at 10:02, Peer Learning <{to}> wrote:\n> Who joins?\n"
    )
    return message.as_bytes()


def test_notification_mail_carries_a_signed_reply_to(
    world, thread, django_capture_on_commit_callbacks
):
    EmailPreference.objects.create(user=world.bob, mode="each", unsubscribe_token="t-bob")

    with django_capture_on_commit_callbacks(execute=True):
        from datacollab.discussion.services import reply

        reply(actor=world.alice, thread=thread, body="Anyone?")

    (message,) = [m for m in mail.outbox if m.to == ["bob@example.org"]]
    assert message.reply_to == [reply_address(user=world.bob, thread=thread)]
    assert message.reply_to[0].startswith(f"reply+{world.bob.pk}-{thread.pk}-")
    assert "Reply to this mail to post in the thread" in message.body


def test_no_reply_to_when_reply_by_email_is_off(world, thread, settings):
    settings.DISCUSSION_REPLY_DOMAIN = ""

    assert reply_address(user=world.bob, thread=thread) is None


def test_receive_reply_posts_the_new_text_as_the_person(world, thread):
    address = reply_address(user=world.bob, thread=thread)

    post = receive_reply(raw=_mail(to=address))

    assert (post.thread, post.author, post.body) == (thread, world.bob, "Count me in.")
    assert AuditEntry.objects.filter(action="discussion.replied").last().details["via"] == "email"


def test_receive_reply_twice_posts_once(world, thread):
    raw = _mail(to=reply_address(user=world.bob, thread=thread))

    first = receive_reply(raw=raw)
    second = receive_reply(raw=raw)

    assert first == second
    assert Post.objects.filter(thread=thread).count() == 2


def test_forged_token_is_refused_and_nothing_posted(world, thread):
    address = reply_address(user=world.bob, thread=thread)
    local, domain = address.split("@")
    forged = local[:-4] + ("0000" if not local.endswith("0000") else "1111") + "@" + domain

    with pytest.raises(ForbiddenReply) as refusal:
        receive_reply(raw=_mail(to=forged))

    assert refusal.value.message == "This reply address is not valid: it may have been altered."
    assert Post.objects.filter(thread=thread).count() == 1


def test_token_moved_to_another_thread_is_refused(world, thread):
    other = start_thread(actor=world.alice, channel=world.channel, title="Other", body="x")
    address = reply_address(user=world.bob, thread=thread)
    moved = address.replace(
        f"reply+{world.bob.pk}-{thread.pk}-", f"reply+{world.bob.pk}-{other.pk}-"
    )

    with pytest.raises(ForbiddenReply):
        receive_reply(raw=_mail(to=moved))

    assert Post.objects.filter(thread=other).count() == 1


def test_expired_token_is_refused(world, thread):
    yesterday = _today() - 1
    expired = (
        f"reply+{world.bob.pk}-{thread.pk}-{yesterday}-"
        f"{_signature(world.bob.pk, thread.pk, yesterday)}@{DOMAIN}"
    )

    with pytest.raises(ForbiddenReply) as refusal:
        receive_reply(raw=_mail(to=expired))

    assert refusal.value.message == (
        "This reply address has expired. Reply on the site, or to a newer notification mail."
    )
    assert Post.objects.filter(thread=thread).count() == 1


def test_reply_from_another_sender_is_refused(world, thread):
    address = reply_address(user=world.bob, thread=thread)

    with pytest.raises(ForbiddenReply):
        receive_reply(raw=_mail(to=address, sender="mallory@example.org"))

    assert Post.objects.filter(thread=thread).count() == 1


def test_reply_from_a_person_who_lost_access_is_refused(world, thread):
    address = reply_address(user=world.bob, thread=thread)
    CohortMembership.objects.filter(organisation__memberships__user=world.bob).delete()

    with pytest.raises(ForbiddenReply) as refusal:
        receive_reply(raw=_mail(to=address))

    assert (
        refusal.value.message
        == "You can no longer post in “Cohort A”, so this reply was not posted."
    )
    assert Post.objects.filter(thread=thread).count() == 1


def test_out_of_office_reply_is_not_posted(world, thread):
    address = reply_address(user=world.bob, thread=thread)

    with pytest.raises(RefusedReply):
        receive_reply(raw=_mail(to=address, Auto_Submitted="auto-replied"))

    assert Post.objects.filter(thread=thread).count() == 1


def test_reply_that_is_only_quote_is_refused(world, thread):
    address = reply_address(user=world.bob, thread=thread)

    with pytest.raises(RefusedReply) as refusal:
        receive_reply(raw=_mail(to=address, body=""))

    assert (
        refusal.value.message == "The reply is empty once quoted text is removed: nothing to post."
    )


def _stdin(monkeypatch, raw):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))


def test_command_posts_a_message_from_standard_input(world, thread, monkeypatch):
    _stdin(monkeypatch, _mail(to=reply_address(user=world.bob, thread=thread)))
    out = io.StringIO()

    call_command("inbound-mail", stdout=out)

    post = Post.objects.get(author=world.bob)
    assert out.getvalue() == f"posted: post {post.pk} in thread {thread.pk}\n"


def test_command_refuses_a_forged_address_with_exit_code_77(world, thread, monkeypatch):
    forged = f"reply+{world.bob.pk}-{thread.pk}-{_today() + 5}-{'0' * 24}@{DOMAIN}"
    _stdin(monkeypatch, _mail(to=forged))

    with pytest.raises(CommandError) as refusal:
        call_command("inbound-mail", stderr=io.StringIO())

    assert refusal.value.returncode == 77
    assert Post.objects.filter(author=world.bob).count() == 0
    assert AuditEntry.objects.filter(action="discussion.email_reply_refused").count() == 1


def test_command_reads_a_maildir_and_marks_messages_seen(world, thread, tmp_path):
    box = mailbox.Maildir(tmp_path / "inbox")
    box.add(_mail(to=reply_address(user=world.bob, thread=thread)))
    box.add(_mail(to=f"reply+1-1-1-{'0' * 24}@{DOMAIN}", message_id="<m2@bob>"))
    out = io.StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("inbound-mail", str(tmp_path / "inbox"), stdout=out, stderr=io.StringIO())
    call_command("inbound-mail", str(tmp_path / "inbox"), stdout=io.StringIO())

    assert str(refused.value) == "1 reply refused"
    assert out.getvalue().splitlines()[-1] == "replies posted: 1, refused: 1"
    assert Post.objects.filter(author=world.bob).count() == 1


def test_command_reads_an_mbox_without_posting_twice(world, thread, tmp_path):
    box = mailbox.mbox(tmp_path / "replies.mbox")
    box.add(_mail(to=reply_address(user=world.bob, thread=thread)))
    box.flush()

    call_command("inbound-mail", str(tmp_path / "replies.mbox"), stdout=io.StringIO())
    call_command("inbound-mail", str(tmp_path / "replies.mbox"), stdout=io.StringIO())

    assert Post.objects.filter(author=world.bob).count() == 1
