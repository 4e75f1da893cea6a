"""Reply by email in a real browser: a post is mailed, the reply to that mail lands in the
thread, and the other participant sees it (unread first), reacts to it, and the author edits it."""

from __future__ import annotations

import io
import sys
from email.message import EmailMessage

import pytest
from django.core import mail
from django.core.management import call_command

from datacollab.discussion.models import Channel, EmailPreference, Post, Reaction
from datacollab.discussion.services import ensure_channels
from tests import factories
from tests import factories_events as events

pytestmark = pytest.mark.e2e


def _log_in(browser, base: str, email: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    return page


def test_reply_to_a_notification_by_email_appears_in_the_thread(
    live_server, browser, settings, monkeypatch
):
    settings.DISCUSSION_REPLY_DOMAIN = "reply.collab.example"
    base = live_server.url
    factories.make_user(email="convener@example.org", roles=["convener"])
    cohort = events.current_cohort(slug="cargo-e2e", name="Cargo bikes")
    amina = events.make_participant(cohort, email="amina@example.org", display_name="Amina")
    ben = events.make_participant(cohort, email="ben@example.org", display_name="Ben")
    EmailPreference.objects.create(user=ben, mode="each", unsubscribe_token="ben-token")
    ensure_channels(network=cohort.network)
    channel = Channel.objects.get(cohort=cohort)

    # Amina starts a thread; Ben, who wants each post, is mailed at once.
    page = _log_in(browser, base, amina.email)
    page.goto(f"{base}/discussion/channels/{channel.slug}/new/")
    page.get_by_label("Title").fill("Sharing sensor data")
    page.get_by_label("Message").fill("Who can share last month's sensor data?")
    page.get_by_role("button", name="Post").click()
    page.get_by_role("heading", name="Sharing sensor data").wait_for()
    (notification,) = [m for m in mail.outbox if m.to == ["ben@example.org"]]

    # Ben answers from his mail program; the mail server pipes it to `inbound-mail`.
    answer = EmailMessage()
    answer["From"] = "Ben <ben@example.org>"
    answer["To"] = notification.reply_to[0]
    answer["Subject"] = f"Re: {notification.subject}"
    answer["Message-ID"] = "<e2e-reply@ben>"
    quoted = "\n".join(f"> {line}" for line in notification.body.splitlines())
    answer.set_content(
        f"We can, from Monday.\n\nOn Sat, 5 Dec 2026 at 10:02, Peer Learning wrote:\n{quoted}\n"
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(answer.as_bytes())))
    call_command("inbound-mail", stdout=io.StringIO())
    posted = Post.objects.get(author=ben)
    assert posted.body == "We can, from Monday."

    # Amina sees the thread as unread, opens it, finds the reply and thanks Ben for it.
    page.goto(f"{base}/discussion/")
    page.get_by_text("1 thread with unread posts").wait_for()
    page.goto(f"{base}/discussion/channels/{channel.slug}/")
    page.get_by_role("link", name="Sharing sensor data").click()
    reply = page.locator(f"#post-{posted.pk}")
    reply.get_by_text("We can, from Monday.").wait_for()
    reply.get_by_role("button", name="Thanks").click()
    reply.locator('button[aria-pressed="true"]').wait_for()
    assert list(Reaction.objects.values_list("user__email", "kind")) == [
        ("amina@example.org", "thanks")
    ]

    # Ben corrects his reply on the site; the earlier text is kept as a revision.
    page = _log_in(browser, base, ben.email)
    page.goto(f"{base}/discussion/posts/{posted.pk}/edit/")
    page.get_by_label("Message").fill("We can, from Tuesday.")
    page.get_by_role("button", name="Save").click()
    page.locator(f"#post-{posted.pk}").get_by_text("We can, from Tuesday.").wait_for()
    assert [r.body for r in posted.revisions.all()] == ["We can, from Monday."]
