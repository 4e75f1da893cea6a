"""A convener's message to groups: placeholders, groups computed at send time, one mail per
person, the decision outbox, and announcements that honour an unsubscribe."""

from __future__ import annotations

import pytest
from django.core import mail as outbox

from datacollab.communications import selectors
from datacollab.communications.models import MailPreference, Message
from datacollab.communications.services import (
    create_message,
    discard_message,
    send_message,
    set_announcements,
    update_message,
)
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.events.models import Invitation
from datacollab.network.models import Application, OutgoingMail
from tests import factories
from tests import factories_events as events

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """send_message, then the on-commit callbacks that queue the mails (the test's
    transaction never commits)."""

    def _send(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return send_message(**kwargs)

    return _send


def _cohort_with_two():
    cohort = events.current_cohort(name="Cargo bikes")
    org = factories.make_org(name="Data Cargo")
    amina = events.make_participant(
        cohort, organisation=org, email="amina@example.org", display_name="Amina"
    )
    ben = events.make_participant(cohort, email="ben@example.org", display_name="Ben")
    return cohort, amina, ben


def _draft(convener, cohort, **fields):
    fields.setdefault("groups", [f"cohort:{cohort.pk}"])
    fields.setdefault("category", "announcement")
    fields.setdefault("subject", "Hello {name}")
    fields.setdefault("body", "Dear {name} of {organisation}, welcome to {cohort}.")
    return create_message(actor=convener, **fields)


def test_create_message_refuses_unknown_placeholder_naming_allowed_ones(convener):
    cohort, _amina, _ben = _cohort_with_two()

    with pytest.raises(DomainError) as error:
        _draft(convener, cohort, body="Hi {first_name}")

    assert error.value.field == "body"
    assert error.value.message == (
        "{first_name} is not a placeholder this message can use. Allowed: {name}, "
        "{organisation}, {site_link}, {cohort} (write {{ and }} for a literal brace)."
    )


def test_create_message_refuses_format_attribute_access(convener):
    cohort, _amina, _ben = _cohort_with_two()

    with pytest.raises(DomainError) as error:
        _draft(convener, cohort, body="{name.__class__}")

    assert error.value.message.startswith("{name.__class__} is not a placeholder")


def test_create_message_refuses_session_placeholder_without_a_session_group(convener):
    cohort, _amina, _ben = _cohort_with_two()

    with pytest.raises(DomainError) as error:
        _draft(convener, cohort, subject="Join {session}")

    assert error.value.field == "subject"


def test_create_message_refuses_a_person_who_is_not_a_convener(applicant):
    cohort, _amina, _ben = _cohort_with_two()

    with pytest.raises(NotAllowed):
        _draft(applicant, cohort)


def test_create_message_refuses_service_category_for_alumni(convener):
    cohort, _amina, _ben = _cohort_with_two()

    with pytest.raises(DomainError) as error:
        _draft(convener, cohort, groups=["alumni"], category="service", body="Hi {name}")

    assert error.value.field == "category"


def test_preview_renders_the_chosen_recipients_mail(convener):
    cohort, amina, _ben = _cohort_with_two()
    message = _draft(convener, cohort)

    found = selectors.audience(message)
    mail = selectors.preview(message, found, amina.pk)

    assert [r.email for r in found.recipients] == ["amina@example.org", "ben@example.org"]
    assert mail is not None
    assert (mail.to, mail.subject) == ("amina@example.org", "Hello Amina")
    assert mail.body.startswith("Dear Amina of Data Cargo, welcome to Cargo bikes.\n\n-- \n")


def test_literal_braces_are_written_with_doubled_braces(convener):
    cohort, amina, _ben = _cohort_with_two()
    message = _draft(convener, cohort, body="Use {{braces}} here, {name}.")

    mail = selectors.preview(message, selectors.audience(message), amina.pk)

    assert mail is not None
    assert mail.body.startswith("Use {braces} here, Amina.")


def test_send_message_queues_one_mail_per_person_through_the_outbox(convener, send):
    cohort, amina, ben = _cohort_with_two()
    # Ben is also invited to a session of the cohort: in two groups, he gets one mail.
    session = events.make_session(actor=convener, cohort=cohort)
    Invitation.objects.create(session=session, user=ben)
    message = _draft(convener, cohort, groups=[f"cohort:{cohort.pk}", f"session:{session.pk}"])

    count = send(actor=convener, message=message)

    message.refresh_from_db()
    assert count == 2
    assert (message.status, message.recipient_count) == ("sent", 2)
    assert sorted(m.to[0] for m in outbox.outbox) == ["amina@example.org", "ben@example.org"]
    assert list(OutgoingMail.objects.filter(kind="message").values_list("status", flat=True)) == [
        "sent",
        "sent",
    ]
    entry = AuditEntry.objects.filter(action="message.sent").get()
    assert entry.details["recipients"] == [amina.pk, ben.pk]


def test_send_message_adds_one_click_unsubscribe_headers_to_announcements(convener, send):
    cohort, amina, _ben = _cohort_with_two()

    send(actor=convener, message=_draft(convener, cohort))

    sent = next(m for m in outbox.outbox if m.to == ["amina@example.org"])
    token = MailPreference.objects.get(user=amina).token
    assert sent.extra_headers["List-Unsubscribe"] == (
        f"<http://localhost:8000/messages/unsubscribe/{token}/>"
    )
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_send_message_leaves_out_people_who_unsubscribed_from_announcements(convener, send):
    cohort, _amina, ben = _cohort_with_two()
    MailPreference.objects.create(user=ben, token="ben-token", announcements=False)

    count = send(actor=convener, message=_draft(convener, cohort))

    assert count == 1
    assert [m.to for m in outbox.outbox] == [["amina@example.org"]]
    assert Message.objects.get().unsubscribed_count == 1


def test_send_message_sends_service_mail_to_people_who_unsubscribed(convener, send):
    call = factories.make_call()
    user = factories.make_user(email="applicant@example.org", display_name="Ama")
    factories.make_application(call=call, user=user, decision=Application.Decision.SELECTED)
    MailPreference.objects.create(user=user, token="ama-token", announcements=False)
    message = create_message(
        actor=convener,
        groups=[f"applicants:{call.pk}:selected"],
        category="service",
        subject="Your grant for {call}",
        body="Dear {name}, please sign your agreement.",
    )

    count = send(actor=convener, message=message)

    assert count == 1
    (sent,) = outbox.outbox
    assert sent.subject == f"Your grant for {call.title}"
    assert "List-Unsubscribe" not in sent.extra_headers


def test_send_message_computes_the_group_at_send_time(convener, send):
    cohort, _amina, _ben = _cohort_with_two()
    message = _draft(convener, cohort)
    events.make_participant(cohort, email="late@example.org")

    count = send(actor=convener, message=message)

    assert count == 3


def test_send_message_refuses_a_message_already_sent(convener, send):
    cohort, _amina, _ben = _cohort_with_two()
    message = _draft(convener, cohort)
    send(actor=convener, message=message)

    with pytest.raises(Conflict):
        send(actor=convener, message=message)
    assert len(outbox.outbox) == 2


def test_send_message_refuses_an_empty_group(convener, send):
    cohort = events.current_cohort()
    message = _draft(convener, cohort)

    with pytest.raises(Conflict):
        send(actor=convener, message=message)
    assert Message.objects.get().status == "draft"


def test_update_and_discard_refuse_a_sent_message(convener, send):
    cohort, _amina, _ben = _cohort_with_two()
    message = _draft(convener, cohort)
    send(actor=convener, message=message)

    with pytest.raises(Conflict):
        update_message(
            actor=convener,
            message=message,
            groups=message.groups,
            category="announcement",
            subject="x",
            body="y",
        )
    with pytest.raises(Conflict) as refused:
        discard_message(actor=convener, message=message)
    assert refused.value.message == (
        "This message is “Sent”; only a draft can be changed, sent or discarded."
    )


def test_discarded_message_cannot_be_sent(convener, send):
    cohort, _amina, _ben = _cohort_with_two()
    message = discard_message(actor=convener, message=_draft(convener, cohort))

    with pytest.raises(Conflict):
        send(actor=convener, message=message)
    assert outbox.outbox == []


def test_set_announcements_unsubscribes_once_and_audits(convener):
    _cohort, amina, _ben = _cohort_with_two()
    preference = MailPreference.objects.create(user=amina, token="amina-token")

    set_announcements(token="amina-token", receive=False, via="one-click link")
    set_announcements(token="amina-token", receive=False, via="one-click link")

    preference.refresh_from_db()
    assert preference.announcements is False
    assert AuditEntry.objects.filter(action="announcements.unsubscribed").count() == 1


def test_reviewers_and_applicants_by_outcome_are_groups(convener):
    call = factories.make_call()
    chosen = factories.make_user(email="chosen@example.org")
    other = factories.make_user(email="other@example.org")
    factories.make_application(call=call, user=chosen, decision=Application.Decision.SELECTED)
    factories.make_application(call=call, user=other, decision=Application.Decision.NOT_SELECTED)

    def emails(key: str) -> list[str]:
        message = Message(groups=[key], category="announcement")
        return [r.email for r in selectors.audience(message).recipients]

    assert emails(f"applicants:{call.pk}:all") == ["chosen@example.org", "other@example.org"]
    assert emails(f"applicants:{call.pk}:not_selected") == ["other@example.org"]
    assert emails(f"reviewers:{call.pk}") == []
