from __future__ import annotations

import pytest
from django.core import mail as django_mail

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.network.models import EmailTemplate, OutgoingMail
from datacollab.network.services.decisions import (
    cancel_mail,
    deliver_mail,
    draft_decision_mails,
    ensure_default_templates,
    send_decision_mails,
    update_mail,
    update_template,
)
from datacollab.network.services.selection import confirm_selection, propose_selection
from datacollab.network.tasks import send_outgoing_mail
from datacollab.organisations.models import Membership
from tests.factories import make_user
from tests.network.factories_selection import GS_SPECS, scored_call

pytestmark = pytest.mark.django_db


def _confirmed(convener, specs=GS_SPECS, **propose):
    call, apps = scored_call(specs)
    confirm_selection(
        actor=convener, proposal=propose_selection(actor=convener, call=call, **propose)
    )
    return call, apps


def _mail_of(app) -> OutgoingMail:
    return OutgoingMail.objects.get(application=app)


def test_ensure_default_templates_creates_each_kind_once(convener):
    call, _apps = scored_call(GS_SPECS)

    first = ensure_default_templates(actor=convener, call=call)
    second = ensure_default_templates(actor=convener, call=call)

    assert sorted(first) == ["not_selected", "selected"]
    assert {k: t.pk for k, t in first.items()} == {k: t.pk for k, t in second.items()}
    assert first["selected"].subject == "{{ call }}: your application has been selected"
    assert EmailTemplate.objects.filter(call=call).count() == 2


def test_draft_decision_mails_renders_for_each_decision(convener):
    call, apps = _confirmed(convener)

    alpha, delta = _mail_of(apps[0]), _mail_of(apps[3])

    assert (alpha.kind, alpha.status) == ("selected", "draft")
    assert alpha.subject == f"{call.title}: your application has been selected"
    assert alpha.body.startswith(
        "Dear Alpha Data team,\n\nWe are delighted to tell you that your application "
        f"“Project of Alpha Data” to {call.title} has been selected: Alpha Data joins "
        f"{call.cohort.name}."
    )
    assert alpha.body.endswith(f"With best wishes,\n{convener.display_name}\n")
    assert (delta.kind, delta.subject) == (
        "not_selected",
        f"{call.title}: the outcome of your application",
    )


def test_draft_decision_mails_go_to_every_member_of_the_organisation(convener):
    call, apps = scored_call(GS_SPECS)
    second = make_user(email="second@alpha.example")
    Membership.objects.create(user=second, organisation=apps[0].organisation)
    confirm_selection(actor=convener, proposal=propose_selection(actor=convener, call=call))

    assert _mail_of(apps[0]).to == sorted([apps[0].created_by.email, "second@alpha.example"])


def test_draft_decision_mails_is_idempotent(convener):
    call, _apps = _confirmed(convener)

    again = draft_decision_mails(actor=convener, call=call)

    assert again == []
    assert OutgoingMail.objects.count() == 4


def test_draft_decision_mails_plain_text_is_not_escaped(convener):
    specs = [{"name": "Smith & Jones <Data>", "score": 4}, {"name": "Other", "score": 3}]
    _call, apps = _confirmed(convener, specs)

    assert _mail_of(apps[0]).body.startswith("Dear Smith & Jones <Data> team,")


def test_update_template_redrafts_drafts_of_its_kind(convener):
    call, apps = _confirmed(convener)

    update_template(
        actor=convener,
        call=call,
        kind="selected",
        subject="Welcome, {{ organisation }}",
        body="Hello {{ organisation|upper }}",
    )

    assert (_mail_of(apps[0]).subject, _mail_of(apps[0]).body) == (
        "Welcome, Alpha Data",
        "Hello ALPHA DATA",
    )
    assert _mail_of(apps[3]).subject == f"{call.title}: the outcome of your application"
    assert AuditEntry.objects.filter(action="decision_template.updated").count() == 1


def test_update_template_that_fails_to_render_is_refused(convener):
    call, _apps = scored_call(GS_SPECS)

    with pytest.raises(DomainError) as exc:
        update_template(
            actor=convener,
            call=call,
            kind="selected",
            subject="Hi",
            body="Dear {{ organisation|nosuchfilter }}",
        )

    assert exc.value.status == 400
    assert exc.value.message == (
        "The template could not be rendered: Invalid filter: 'nosuchfilter'. Placeholders "
        "look like {{ organisation }}."
    )
    assert EmailTemplate.objects.filter(call=call).count() == 0


def test_update_template_cannot_include_files(convener):
    call, _apps = scored_call(GS_SPECS)

    with pytest.raises(DomainError) as exc:
        update_template(
            actor=convener,
            call=call,
            kind="selected",
            subject="Hi",
            body='{% include "base.html" %}',
        )

    assert exc.value.message == (
        "The template could not be rendered: base.html. Placeholders look like {{ organisation }}."
    )


def test_update_template_subject_must_render_to_text(convener):
    call, _apps = scored_call(GS_SPECS)

    with pytest.raises(DomainError) as exc:
        update_template(
            actor=convener, call=call, kind="selected", subject="{{ nothing }}", body="Hi"
        )

    assert (exc.value.field, exc.value.message) == (
        "subject",
        "The subject is empty once rendered.",
    )


def test_update_mail_edits_a_draft(convener):
    _call, apps = _confirmed(convener)

    update_mail(actor=convener, mail=_mail_of(apps[0]), subject="  Good\nnews ", body="Edited body")

    assert (_mail_of(apps[0]).subject, _mail_of(apps[0]).body) == ("Good news", "Edited body")


def test_update_mail_refuses_a_sent_mail(convener):
    _call, apps = _confirmed(convener)
    mail = _mail_of(apps[0])
    deliver_mail(mail_id=mail.pk)

    with pytest.raises(Conflict) as exc:
        update_mail(actor=convener, mail=mail, subject="Late", body="Too late")

    assert exc.value.message == ("This mail is “Sent”; only mails awaiting review can be changed.")


def test_cancel_mail_is_never_sent(convener, django_capture_on_commit_callbacks):
    call, apps = _confirmed(convener)
    cancel_mail(actor=convener, mail=_mail_of(apps[1]))

    with django_capture_on_commit_callbacks(execute=True):
        count = send_decision_mails(actor=convener, call=call)

    assert count == 3
    assert _mail_of(apps[1]).status == "cancelled"
    assert sorted(m.to[0] for m in django_mail.outbox) == sorted(
        a.created_by.email for a in (apps[0], apps[2], apps[3])
    )


def test_send_decision_mails_sends_each_once(convener, django_capture_on_commit_callbacks):
    call, apps = _confirmed(convener, min_global_south_share=0.5)

    with django_capture_on_commit_callbacks(execute=True):
        first = send_decision_mails(actor=convener, call=call)
    # Sending moved the call to `decided`, which is final: a second send is refused.
    with pytest.raises(Conflict) as second:
        send_decision_mails(actor=convener, call=call)

    assert first == 4
    assert second.value.message == f"The decisions for “{call.title}” are already sent."
    sent = {m.to[0]: m.subject for m in django_mail.outbox}
    assert sent == {
        apps[0].created_by.email: f"{call.title}: your application has been selected",
        apps[1].created_by.email: f"{call.title}: the outcome of your application",
        apps[2].created_by.email: f"{call.title}: your application has been selected",
        apps[3].created_by.email: f"{call.title}: the outcome of your application",
    }
    assert len(django_mail.outbox) == 4
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}
    entry = AuditEntry.objects.get(action="decision_mails.sent")
    assert entry.details["count"] == 4


def test_send_outgoing_mail_task_is_idempotent(convener):
    _call, apps = _confirmed(convener)
    mail = _mail_of(apps[0])

    send_outgoing_mail.enqueue(mail.pk)
    send_outgoing_mail.enqueue(mail.pk)

    assert len(django_mail.outbox) == 1
    assert django_mail.outbox[0].to == [apps[0].created_by.email]
    mail.refresh_from_db()
    assert mail.status == "sent"
    assert mail.sent_at is not None


def test_decision_services_refuse_non_convener(convener, reviewer):
    call, apps = _confirmed(convener)
    mail = _mail_of(apps[0])
    calls = [
        lambda: ensure_default_templates(actor=reviewer, call=call),
        lambda: update_template(actor=reviewer, call=call, kind="selected", subject="x", body="y"),
        lambda: draft_decision_mails(actor=reviewer, call=call),
        lambda: update_mail(actor=reviewer, mail=mail, subject="x", body="y"),
        lambda: cancel_mail(actor=reviewer, mail=mail),
        lambda: send_decision_mails(actor=reviewer, call=call),
    ]

    for attempt in calls:
        with pytest.raises(NotAllowed):
            attempt()

    mail.refresh_from_db()
    assert (mail.status, django_mail.outbox) == ("draft", [])
