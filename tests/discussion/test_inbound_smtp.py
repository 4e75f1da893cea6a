"""A reply sent through a real SMTP server on 127.0.0.1 lands in the thread."""

import smtplib
import socket
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from datacollab.discussion.models import Post
from datacollab.discussion.services import reply_address, start_thread
from datacollab.discussion.smtp_handler import InboundReplyHandler


@pytest.fixture
def committed_db(audit_triggers_lifted: None, transactional_db: None) -> None:
    """A committed database, so the server's worker thread sees what the test made (request
    it before `world`)."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server():
    controller = Controller(InboundReplyHandler(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller
    controller.stop()


def _send(server, *, to: str, sender: str, text: str) -> None:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: [Cohort A] Plans"
    message["Message-ID"] = "<smtp-test@bob>"
    message.set_content(f"{text}\n\nOn Sat, 5 Dec 2026, Peer Learning <{to}> wrote:\n> Who?\n")
    with smtplib.SMTP(server.hostname, server.port, timeout=10) as client:
        client.send_message(message)


def test_reply_through_smtp_appears_in_the_thread(committed_db, world, settings, smtp_server):
    settings.DISCUSSION_REPLY_DOMAIN = "reply.collab.example"
    thread = start_thread(actor=world.alice, channel=world.channel, title="Plans", body="Who?")

    _send(
        smtp_server,
        to=reply_address(user=world.bob, thread=thread),
        sender="bob@example.org",
        text="Me, with the cargo bike data.",
    )

    assert list(Post.objects.filter(thread=thread).values_list("author_id", "body")) == [
        (world.alice.pk, "Who?"),
        (world.bob.pk, "Me, with the cargo bike data."),
    ]


def test_forged_reply_through_smtp_is_refused_with_550(committed_db, world, settings, smtp_server):
    settings.DISCUSSION_REPLY_DOMAIN = "reply.collab.example"
    thread = start_thread(actor=world.alice, channel=world.channel, title="Plans", body="Who?")
    forged = f"reply+{world.bob.pk}-{thread.pk}-99999-{'0' * 24}@reply.collab.example"

    with pytest.raises(smtplib.SMTPDataError) as refusal:
        _send(smtp_server, to=forged, sender="bob@example.org", text="Let me in")

    assert refusal.value.smtp_code == 550
    assert Post.objects.filter(thread=thread).count() == 1
