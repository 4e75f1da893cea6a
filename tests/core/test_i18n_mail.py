"""Issue 14: every mail is written in its recipient's language, never the sender's, on
every kind of path: in a request, queued to a task, drafted for review (the outbox), sent
by a command, and Django's own password reset. A tiny Spanish catalogue is compiled for
the test (tests/core/i18n_catalogue.py); month names are Django's own translation."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from datacollab.communications.services import create_message, send_message
from datacollab.core.mail_language import by_language, in_language_of, language_for
from datacollab.datasets.services.access import request_access
from datacollab.discussion.services import send_digests, start_thread
from datacollab.events.models import Audience
from datacollab.events.services.public import register, set_public
from datacollab.network.models import OutgoingMail
from datacollab.network.services.decisions import send_decision_mails, update_template
from datacollab.network.services.reminders import remind_reviewers
from datacollab.network.services.selection import confirm_selection, propose_selection
from datacollab.organisations.models import Role, User
from datacollab.organisations.services import invite_to_role
from tests import factories
from tests import factories_events as events
from tests.core.i18n_catalogue import install
from tests.factories import PASSWORD, make_application, make_call, make_user
from tests.network.factories_obligations import make_grantee, make_report
from tests.network.factories_reviews import assign, make_reviewer
from tests.network.factories_selection import GS_SPECS, scored_call

pytestmark = pytest.mark.django_db

SPANISH = {
    "{{ call }}: your application has been selected": (
        "{{ call }}: su solicitud ha sido seleccionada"
    ),
    "{{ call }}: the outcome of your application": "{{ call }}: el resultado de su solicitud",
    (
        "Reminder: %(n)d review to finish for %(call)s",
        "Reminder: %(n)d reviews to finish for %(call)s",
    ): (
        "Recordatorio: %(n)d revisión pendiente para %(call)s",
        "Recordatorio: %(n)d revisiones pendientes para %(call)s",
    ),
    (
        "%(network)s: %(n)d new post in the discussion",
        "%(network)s: %(n)d new posts in the discussion",
    ): (
        "%(network)s: %(n)d publicación nueva en la discusión",
        "%(network)s: %(n)d publicaciones nuevas en la discusión",
    ),
    "%(inviter)s invites you: %(what)s": "%(inviter)s le invita: %(what)s",
    "become %(role)s on %(network)s": "ser %(role)s en %(network)s",
    "Verify your email address for %(network)s": "Verifique su dirección para %(network)s",
    "Reset your password at %(network_name)s": "Restablezca su contraseña en %(network_name)s",
    "Confirm your place: %(title)s": "Confirme su plaza: %(title)s",
    "Reminder: “%(title)s” is due on %(date)s": "Recordatorio: «%(title)s» vence el %(date)s",
    "Access request for %(title)s": "Solicitud de acceso a %(title)s",
    (
        "You receive this announcement as a member of %(network)s. To stop announcements "
        "(mails about your own application or grant still reach you): %(link)s"
    ): "Recibe este anuncio como miembro de %(network)s: %(link)s",
}
SPANISH_MONTHS = [
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
]  # fmt: skip
NETWORK = "Peer Learning Network for Data Collaborations"


@pytest.fixture(autouse=True)
def spanish(settings, tmp_path):
    install(settings, tmp_path, "es", SPANISH)


def test_language_for_a_person_an_address_with_an_account_and_an_unknown_address():
    ana = make_user(email="ana@example.org", language="es")
    assert (
        language_for(ana),
        language_for("ANA@example.org"),
        language_for("nobody@example.org"),
        language_for("nobody@example.org", default="pt"),
        language_for(make_user()),
    ) == ("es", "es", "en-gb", "pt", "en-gb")


def test_in_language_of_restores_the_senders_language_afterwards():
    ana = make_user(language="es")
    with translation.override("fr"):
        with in_language_of(ana) as inside:
            seen = translation.get_language()
        assert (inside, seen, translation.get_language()) == ("es", "es", "fr")


def test_by_language_groups_addresses_in_one_query(django_assert_num_queries):
    make_user(email="ana@example.org", language="es")
    make_user(email="ben@example.org")
    rui = make_user(email="rui@example.org", language="pt")
    with django_assert_num_queries(1):
        groups = by_language(["ana@example.org", "ben@example.org", "zoe@example.org", rui])
    assert groups == {
        "es": ["ana@example.org"],
        "en-gb": ["ben@example.org", "zoe@example.org"],
        "pt": ["rui@example.org"],
    }


# The outbox: drafted in the convener's request, reviewed, sent by a task later.
def test_decision_mail_drafted_by_english_convener_is_in_the_applicants_language(
    convener, django_capture_on_commit_callbacks
):
    call, apps = scored_call(GS_SPECS)
    User.objects.filter(pk=apps[0].created_by_id).update(language="es")
    with translation.override("en-gb"):  # the convener's page
        confirm_selection(actor=convener, proposal=propose_selection(actor=convener, call=call))
        with django_capture_on_commit_callbacks(execute=True):
            send_decision_mails(actor=convener, call=call)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[apps[0].created_by.email] == f"{call.title}: su solicitud ha sido seleccionada"
    assert subjects[apps[1].created_by.email] == f"{call.title}: your application has been selected"


def test_decision_mail_in_a_conveners_own_wording_is_sent_as_written(convener):
    call, apps = scored_call(GS_SPECS)
    User.objects.filter(pk=apps[0].created_by_id).update(language="es")
    update_template(
        actor=convener, call=call, kind="selected", subject="Welcome, {{ organisation }}", body="Hi"
    )
    confirm_selection(actor=convener, proposal=propose_selection(actor=convener, call=call))
    assert OutgoingMail.objects.get(application=apps[0]).subject == "Welcome, Alpha Data"


# A convener's message to a group: rendered per recipient in the request, queued.
def test_group_message_footer_is_in_each_recipients_language(
    convener, django_capture_on_commit_callbacks
):
    cohort = events.current_cohort(name="Cargo bikes")
    events.make_participant(cohort, email="amina@example.org", display_name="Amina", language="es")
    events.make_participant(cohort, email="ben@example.org", display_name="Ben")
    message = create_message(
        actor=convener,
        groups=[f"cohort:{cohort.pk}"],
        category="announcement",
        subject="Hello {name}",
        body="Welcome.",
    )
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        send_message(actor=convener, message=message)
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert f"Recibe este anuncio como miembro de {NETWORK}: " in bodies["amina@example.org"]
    assert "You receive this announcement as a member of" in bodies["ben@example.org"]


# A task queued from the convener's request, and a command (`datacollab remind`).
def test_reviewer_reminder_task_writes_to_the_reviewer_in_their_language(
    convener, django_capture_on_commit_callbacks
):
    call = make_call(slug="flood-call", title="Flood call")
    ana = make_reviewer(name="Ana")
    User.objects.filter(pk=ana.pk).update(language="es")
    assign(make_application(call=call, title="Flood maps"), ana)
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        remind_reviewers(actor=convener, call=call)
    assert [m.subject for m in mail.outbox] == [
        "Recordatorio: 1 revisión pendiente para Flood call"
    ]


def test_remind_command_report_reminder_has_the_date_in_the_members_language(convener):
    grantee = make_grantee(convener=convener)
    User.objects.filter(pk=grantee.member.pk).update(language="es")
    due_on = timezone.localdate() + timedelta(days=3)
    make_report(convener=convener, award=grantee.award, due_on=due_on)
    call_command("remind", "--only", "reports", stdout=StringIO())
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    spanish_date = f"{due_on.day} de {SPANISH_MONTHS[due_on.month - 1]} de {due_on.year}"
    assert subjects[grantee.member.email] == (
        f"Recordatorio: «Interim report» vence el {spanish_date}"
    )
    assert subjects[grantee.admin.email] == (
        f"Reminder: “Interim report” is due on {due_on.day} {due_on:%B} {due_on.year}"
    )


def test_discussion_digest_is_in_the_readers_language(convener, django_capture_on_commit_callbacks):
    from datacollab.discussion.models import Channel
    from datacollab.discussion.services import ensure_channels

    network = factories.make_network()
    cohort = factories.make_cohort(slug="cohort-a", name="Cohort A")
    ensure_channels(network=network)
    alice = events.make_participant(cohort, email="alice@example.org", display_name="Alice")
    events.make_participant(cohort, email="bob@example.org", display_name="Bob", language="es")
    with django_capture_on_commit_callbacks(execute=True):
        start_thread(
            actor=alice, channel=Channel.objects.get(cohort=cohort), title="Data", body="Hi"
        )
    send_digests()
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["bob@example.org"] == f"{NETWORK}: 1 publicación nueva en la discusión"
    assert subjects["convener@example.org"] == f"{NETWORK}: 1 new post in the discussion"


# Mails sent from a request: the sender's page language must not leak into them.
def test_invitation_is_in_the_invitees_language_and_the_default_for_an_unknown_address(
    convener, django_capture_on_commit_callbacks
):
    make_user(email="ana@example.org", language="es")
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        invite_to_role(actor=convener, email="ana@example.org", role="reviewer")
        invite_to_role(actor=convener, email="new@example.org", role="reviewer")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    # The role's label comes from the site's catalogue: "evaluador" once `make messages` has
    # compiled it, "reviewer" where it has not.
    with translation.override("es"):
        role = str(Role.REVIEWER.label).lower()
    assert subjects["ana@example.org"] == f"{convener} le invita: ser {role} en {NETWORK}"
    assert subjects["new@example.org"] == f"{convener} invites you: become reviewer on {NETWORK}"


def test_verification_mail_is_in_the_language_of_the_signup_page(
    mailoutbox, django_capture_on_commit_callbacks
):
    client = Client()
    client.cookies["datacollab_language"] = "es"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {"email": "new@example.org", "display_name": "Awa", "password": PASSWORD},
        )
    assert [m.subject for m in mailoutbox] == [f"Verifique su dirección para {NETWORK}"]


def test_password_reset_mail_is_in_the_account_language_not_the_pages(mailoutbox):
    make_user(email="ana@example.org", language="es")
    client = Client(headers={"accept-language": "fr"})
    client.post("/accounts/password-reset/", {"email": "ana@example.org"})
    assert [m.subject for m in mailoutbox] == [f"Restablezca su contraseña en {NETWORK}"]


def test_public_registration_mail_is_in_the_language_of_the_page(
    convener, django_capture_on_commit_callbacks
):
    session = events.make_session(
        actor=convener, audience=Audience.NETWORK, title="Webinar", kind="workshop"
    )
    set_public(actor=convener, session=session, public=True, capacity=5)
    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        register(session=session, name="Ana", email="ana@example.org")
    assert [m.subject for m in mail.outbox] == ["Confirme su plaza: Webinar"]


def test_mail_to_several_people_goes_as_one_copy_per_language(django_capture_on_commit_callbacks):
    from tests.factories_data import make_dataset

    owner_es = make_user(email="owner-es@example.org", language="es")
    owner_en = make_user(email="owner-en@example.org")
    org = factories.make_org(name="Owners", admins=[owner_es], members=[owner_en])
    dataset = make_dataset(owner=org, spectrum="named", listed=True, title="Buses")
    asker = make_user()
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        request_access(actor=asker, dataset=dataset, purpose="Research")
    assert sorted((m.to, m.subject) for m in mail.outbox) == [
        (["owner-en@example.org"], "Access request for Buses"),
        (["owner-es@example.org"], "Solicitud de acceso a Buses"),
    ]
