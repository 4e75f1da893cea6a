from __future__ import annotations

from html import escape

import pytest
from django.core import mail as django_mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from datacollab.network.models import EmailTemplate, OutgoingMail
from datacollab.network.services.decisions import deliver_mail
from datacollab.network.services.selection import confirm_selection, propose_selection
from tests.network.factories_selection import GS_SPECS, scored_call

pytestmark = pytest.mark.django_db

REFUSED = escape(
    "Only conveners can see this page or do this; ask a convener of the network if you need access."
)


def _confirmed(convener, specs=GS_SPECS):
    call, apps = scored_call(specs)
    confirm_selection(actor=convener, proposal=propose_selection(actor=convener, call=call))
    return call, apps


def _mail_of(app) -> OutgoingMail:
    return OutgoingMail.objects.get(application=app)


def test_call_mails_lists_drafts_and_default_templates(convener, login):
    call, _apps = _confirmed(convener)
    EmailTemplate.objects.filter(call=call).delete()

    response = login(convener).get(reverse("call-mails", args=[call.slug]))

    assert response.status_code == 200
    page = response.context["page"]
    assert [m.application.organisation.name for m in page.mails] == [
        "Alpha Data",
        "Beta Data",
        "Delta Data",
        "Kenya Commons",
    ]
    assert page.counts == {"draft": 4, "sent": 0, "cancelled": 0}
    content = response.content.decode()
    assert "Send all drafts" in content
    assert escape("{{ call }}: your application has been selected") in content
    assert EmailTemplate.objects.filter(call=call).count() == 0


def test_call_mail_template_saves(convener, login):
    call, _apps = scored_call(GS_SPECS)

    response = login(convener).post(
        reverse("call-mail-template", args=[call.slug, "not_selected"]),
        {"not_selected-subject": "About {{ call }}", "not_selected-body": "Sorry."},
    )

    assert response.status_code == 302
    assert response.url == reverse("call-mails", args=[call.slug])
    template = EmailTemplate.objects.get(call=call, kind="not_selected")
    assert (template.subject, template.body) == ("About {{ call }}", "Sorry.")


def test_call_mail_template_that_fails_to_render_is_400(convener, login):
    call, _apps = scored_call(GS_SPECS)

    response = login(convener).post(
        reverse("call-mail-template", args=[call.slug, "selected"]),
        {"selected-subject": "Hi", "selected-body": "Dear {% if %}"},
    )

    assert response.status_code == 400
    assert (
        escape(
            "The template could not be rendered: Unexpected end of expression in if tag. "
            "Placeholders look like {{ organisation }}."
        )
        in response.content.decode()
    )
    assert EmailTemplate.objects.filter(call=call).count() == 0


def test_call_mail_template_unknown_kind_is_400(convener, login):
    call, _apps = scored_call(GS_SPECS)

    response = login(convener).post(
        reverse("call-mail-template", args=[call.slug, "maybe"]),
        {"maybe-subject": "x", "maybe-body": "y"},
    )

    assert response.status_code == 400
    assert "Unknown kind of decision mail." in response.content.decode()


def test_call_mail_shows_the_mail(convener, login):
    call, apps = _confirmed(convener)
    mail = _mail_of(apps[0])

    response = login(convener).get(reverse("call-mail", args=[call.slug, mail.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<p>Dear Alpha Data team,</p>" in content
    assert apps[0].created_by.email in content


def test_call_mail_edit_saves_a_draft(convener, login):
    call, apps = _confirmed(convener)
    mail = _mail_of(apps[0])

    response = login(convener).post(
        reverse("call-mail", args=[call.slug, mail.pk]),
        {"subject": "Congratulations", "body": "You are in."},
    )

    assert response.status_code == 302
    mail.refresh_from_db()
    assert (mail.subject, mail.body) == ("Congratulations", "You are in.")


def test_call_mail_edit_without_subject_is_400(convener, login):
    call, apps = _confirmed(convener)
    mail = _mail_of(apps[0])

    response = login(convener).post(
        reverse("call-mail", args=[call.slug, mail.pk]), {"subject": "", "body": "You are in."}
    )

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_call_mail_edit_of_sent_mail_is_409(convener, login):
    call, apps = _confirmed(convener)
    mail = _mail_of(apps[0])
    deliver_mail(mail_id=mail.pk)

    response = login(convener).post(
        reverse("call-mail", args=[call.slug, mail.pk]), {"subject": "Late", "body": "Too late"}
    )

    assert response.status_code == 409
    assert "This mail is “Sent”; only mails awaiting review can be changed." in (
        response.content.decode()
    )


def test_call_mail_of_another_call_is_404(convener, login):
    _call, apps = _confirmed(convener)
    other, _ = scored_call(GS_SPECS)

    response = login(convener).get(reverse("call-mail", args=[other.slug, _mail_of(apps[0]).pk]))

    assert response.status_code == 404
    assert "There is no such mail for this call." in response.content.decode()


def test_call_mail_cancel(convener, login):
    call, apps = _confirmed(convener)
    mail = _mail_of(apps[3])

    response = login(convener).post(reverse("call-mail-cancel", args=[call.slug, mail.pk]))

    assert response.status_code == 302
    mail.refresh_from_db()
    assert mail.status == "cancelled"


def test_call_mails_send_sends_drafts_once(convener, login, django_capture_on_commit_callbacks):
    call, apps = _confirmed(convener)
    client = login(convener)

    url = reverse("call-mails-send", args=[call.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "1"}, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, {"confirm": "1"}, follow=True)

    assert response.status_code == 200
    assert "4 mails are being sent." in response.content.decode()
    assert again.status_code == 409
    assert escape(f"The decisions for “{call.title}” are already sent.") in again.content.decode()
    assert sorted((m.to, m.subject) for m in django_mail.outbox) == sorted(
        [
            ([apps[0].created_by.email], f"{call.title}: your application has been selected"),
            ([apps[1].created_by.email], f"{call.title}: your application has been selected"),
            ([apps[2].created_by.email], f"{call.title}: the outcome of your application"),
            ([apps[3].created_by.email], f"{call.title}: the outcome of your application"),
        ]
    )


def test_call_mails_query_count_is_constant(convener, login):
    few_call, _ = _confirmed(convener, GS_SPECS[:2])
    many_call, _ = _confirmed(
        convener, [{"name": f"Org {i}", "score": 1 + i % 5} for i in range(6)]
    )
    client = login(convener)
    client.get(reverse("call-mails", args=[few_call.slug]))

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("call-mails", args=[few_call.slug]))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("call-mails", args=[many_call.slug]))

    assert OutgoingMail.objects.filter(application__call=many_call).count() == 6
    assert len(few.captured_queries) == len(many.captured_queries)


def test_every_convener_page_refuses_non_convener(convener, applicant, login):
    call, apps = _confirmed(convener)
    mail = _mail_of(apps[0])
    proposal = call.proposals.get()
    pages = [
        ("get", reverse("convener-home")),
        ("get", reverse("call-selection", args=[call.slug])),
        ("post", reverse("call-selection", args=[call.slug])),
        ("post", reverse("call-selection-confirm", args=[call.slug, proposal.pk])),
        ("get", reverse("call-mails", args=[call.slug])),
        ("post", reverse("call-mail-template", args=[call.slug, "selected"])),
        ("get", reverse("call-mail", args=[call.slug, mail.pk])),
        ("post", reverse("call-mail", args=[call.slug, mail.pk])),
        ("post", reverse("call-mail-cancel", args=[call.slug, mail.pk])),
        ("post", reverse("call-mails-send", args=[call.slug])),
    ]
    client = login(applicant)

    results = [(url, getattr(client, method)(url)) for method, url in pages]

    assert [(url, r.status_code) for url, r in results] == [(url, 403) for _m, url in pages]
    assert all(REFUSED in r.content.decode() for _url, r in results)
    mail.refresh_from_db()
    assert (mail.status, django_mail.outbox) == ("draft", [])
