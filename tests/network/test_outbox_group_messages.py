"""The decision outbox, generalised: a mail without an application (a message to a group)
leaves by the same task and keeps its headers; decision pages never list it."""

from __future__ import annotations

import pytest
from django.core import mail as outbox

from datacollab.core.errors import NotFound
from datacollab.network.models import OutgoingMail
from datacollab.network.selectors.selection import mail_for_convener, mails_page
from datacollab.network.tasks import send_outgoing_mail
from tests import factories

pytestmark = pytest.mark.django_db


def _message_mail() -> OutgoingMail:
    return OutgoingMail.objects.create(
        kind="message",
        to=["amina@example.org"],
        subject="Hello Amina",
        body="Body",
        headers={"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def test_send_outgoing_mail_sends_a_group_message_with_its_headers_once():
    mail = _message_mail()

    first = send_outgoing_mail.call(mail.pk)
    second = send_outgoing_mail.call(mail.pk)

    (sent,) = outbox.outbox
    assert (first, second) == (True, False)
    assert sent.extra_headers == {"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    assert OutgoingMail.objects.get(pk=mail.pk).status == "sent"


def test_decision_mail_pages_do_not_show_group_messages(convener):
    call = factories.make_call()
    mail = _message_mail()

    page = mails_page(actor=convener, call=call)

    assert page.mails == []
    with pytest.raises(NotFound):
        mail_for_convener(actor=convener, call=call, mail_id=mail.pk)
