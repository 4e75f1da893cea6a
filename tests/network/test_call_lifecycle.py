"""The call's life (issue 8): draft -> open -> closed -> reviewing -> decided, each move
checked and audited, every refused move refused with a readable message."""

from __future__ import annotations

import importlib
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.utils import timezone

from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.core.models import AuditEntry
from datacollab.network.models import Call
from datacollab.network.selectors.applications import format_in_zone
from datacollab.network.services import call_lifecycle as lifecycle
from datacollab.network.services.applications import start_application, submit_application
from datacollab.network.services.calls import grant_extension
from tests import factories
from tests.network.factories_applications import answer_all, draft, extend

pytestmark = pytest.mark.django_db
S = Call.Status


def _call(status: str, *, past: bool = False) -> Call:
    return factories.make_call(status=status, open=not past)


def _actions() -> list[tuple[str, dict]]:
    return [
        (e.action, {k: e.details[k] for k in ("from", "to")})
        for e in AuditEntry.objects.filter(action__startswith="call.").order_by("seq")
    ]


# --- the moves it makes ----------------------------------------------------------------------


def test_open_call_moves_draft_to_open_and_audits(convener):
    call = _call(S.DRAFT)

    lifecycle.open_call(actor=convener, call=call)

    call.refresh_from_db()
    assert call.status == S.OPEN
    assert _actions() == [("call.opened", {"from": "draft", "to": "open"})]


def test_close_call_early_needs_a_reason_and_keeps_it(convener, applicant):
    call = _call(S.OPEN)
    draft(call, applicant)

    with pytest.raises(DomainError) as refused:
        lifecycle.close_call(actor=convener, call=call, reason="  ")
    lifecycle.close_call(actor=convener, call=call, reason="The budget was cut.")

    deadline = format_in_zone(call.deadline, call.timezone)
    assert (refused.value.message, refused.value.field) == (
        f"The deadline, {deadline}, has not passed: say why you close the call early. "
        "Applicants see the reason.",
        "reason",
    )
    call.refresh_from_db()
    assert (call.status, call.close_reason) == (S.CLOSED, "The budget was cut.")
    entry = AuditEntry.objects.get(action="call.closed")
    assert entry.details == {
        "call": call.slug,
        "from": "open",
        "to": "closed",
        "early": True,
        "reason": "The budget was cut.",
        "drafts": 1,
        "by": "convener",
    }


def test_close_call_after_the_deadline_needs_no_reason(convener):
    call = _call(S.OPEN, past=True)

    lifecycle.close_call(actor=convener, call=call)

    call.refresh_from_db()
    assert (call.status, call.close_reason) == (S.CLOSED, "")
    assert AuditEntry.objects.get(action="call.closed").details["early"] is False


def test_start_review_moves_closed_to_reviewing(convener):
    call = _call(S.CLOSED, past=True)

    lifecycle.start_review(actor=convener, call=call)

    call.refresh_from_db()
    assert call.status == S.REVIEWING
    assert _actions() == [("call.review_started", {"from": "closed", "to": "reviewing"})]


def test_start_review_on_a_past_deadline_open_call_records_the_closing_first(convener):
    call = _call(S.OPEN, past=True)

    lifecycle.start_review(actor=convener, call=call)

    assert _actions() == [
        ("call.closed", {"from": "open", "to": "closed"}),
        ("call.review_started", {"from": "closed", "to": "reviewing"}),
    ]


# --- the moves it refuses --------------------------------------------------------------------

REFUSED_OPEN = [
    (S.OPEN, "“{t}” is already open."),
    (S.CLOSED, "“{t}” is closed; it cannot be opened again."),
    (S.REVIEWING, "A selection for “{t}” is confirmed; the call cannot be opened or closed again."),
    (S.DECIDED, "The decisions for “{t}” are sent; nothing about it can change."),
]


@pytest.mark.parametrize(("status", "message"), REFUSED_OPEN)
def test_open_call_refused_from(convener, status, message):
    call = _call(status)

    with pytest.raises(Conflict) as refused:
        lifecycle.open_call(actor=convener, call=call)

    assert refused.value.message == message.format(t=call.title)
    assert AuditEntry.objects.filter(action__startswith="call.").count() == 0


def test_open_call_refused_when_the_deadline_has_passed(convener):
    call = _call(S.DRAFT, past=True)

    with pytest.raises(DomainError) as refused:
        lifecycle.open_call(actor=convener, call=call)

    assert refused.value.field == "deadline"
    call.refresh_from_db()
    assert call.status == S.DRAFT


REFUSED_CLOSE = [
    (S.DRAFT, "“{t}” is a draft: open it first."),
    (S.CLOSED, "“{t}” is already closed."),
    (S.REVIEWING, "“{t}” is already closed."),
    (S.DECIDED, "“{t}” is already closed."),
]


@pytest.mark.parametrize(("status", "message"), REFUSED_CLOSE)
def test_close_call_refused_from(convener, status, message):
    call = _call(status)

    with pytest.raises(Conflict) as refused:
        lifecycle.close_call(actor=convener, call=call, reason="Because")

    assert refused.value.message == message.format(t=call.title)


REFUSED_REVIEW = [
    (S.DRAFT, "“{t}” is a draft: open it first."),
    (S.OPEN, "“{t}” is still open: close it first."),
    (S.REVIEWING, "“{t}” is already in review and selection."),
    (S.DECIDED, "The decisions for “{t}” are sent; nothing about it can change."),
]


@pytest.mark.parametrize(("status", "message"), REFUSED_REVIEW)
def test_start_review_refused_from(convener, status, message):
    call = _call(status)

    with pytest.raises(Conflict) as refused:
        lifecycle.start_review(actor=convener, call=call)

    assert refused.value.message == message.format(t=call.title)


def test_start_review_refused_while_an_extension_runs(convener, applicant):
    call = _call(S.CLOSED, past=True)
    org = draft(call, applicant).organisation
    extension = extend(call, org, convener)

    with pytest.raises(Conflict) as refused:
        lifecycle.start_review(actor=convener, call=call)

    assert refused.value.message == (
        f"{org.name} may still submit under an extension until "
        f"{format_in_zone(extension.until, call.timezone)}; wait until then, or the selection "
        "would leave them out."
    )


def test_every_move_refused_to_a_non_convener(applicant):
    call = _call(S.DRAFT)
    moves = [
        lambda: lifecycle.open_call(actor=applicant, call=call),
        lambda: lifecycle.close_call(actor=applicant, call=call, reason="x"),
        lambda: lifecycle.start_review(actor=applicant, call=call),
    ]

    refusals = []
    for move in moves:
        with pytest.raises(NotAllowed) as refused:
            move()
        refusals.append(refused.value.message)

    assert refusals == ["Only conveners can open, close or decide a call."] * 3


# --- applications follow the call's status (problem 2) ---------------------------------------


@pytest.mark.parametrize("status", [S.REVIEWING, S.DECIDED])
def test_start_application_refused_once_the_cohort_is_chosen_even_before_the_deadline(status):
    call = _call(status)  # deadline ten days ahead, as in the demo
    newcomer = factories.make_user(roles=["participant"])
    org = factories.make_org(members=[newcomer])

    with pytest.raises(NotAllowed) as refused:
        start_application(actor=newcomer, call=call, organisation=org)

    assert refused.value.message == (
        f"“{call.title}” is closed: its cohort is being chosen or has been chosen, so it "
        "takes no more applications."
    )


def test_start_application_refused_in_a_draft_call():
    call = _call(S.DRAFT)
    newcomer = factories.make_user(roles=["participant"])

    with pytest.raises(NotFound):
        start_application(
            actor=newcomer, call=call, organisation=factories.make_org(members=[newcomer])
        )


def test_submit_refused_after_an_early_closing_with_its_reason(convener, applicant):
    call = _call(S.OPEN)
    application = draft(call, applicant, title="Water", amount="1000")
    answer_all(application)
    lifecycle.close_call(actor=convener, call=call, reason="The budget was cut.")

    with pytest.raises(NotAllowed) as refused:
        submit_application(actor=applicant, application=application)

    call.refresh_from_db()
    assert refused.value.message == (
        f"“{call.title}” was closed early on {format_in_zone(call.closed_at, call.timezone)}: "
        "The budget was cut."
    )


def test_extension_still_works_after_the_deadline_closed_the_call(convener, applicant):
    call = _call(S.OPEN, past=True)
    application = draft(call, applicant, title="Water", amount="1000")
    answer_all(application)
    extend(call, application.organisation, convener)
    lifecycle.close_due_calls()

    submitted = submit_application(actor=applicant, application=application)

    assert (Call.objects.get(pk=call.pk).status, submitted.status) == (S.CLOSED, "submitted")


def test_extension_no_longer_works_once_in_review(convener, applicant):
    call = _call(S.REVIEWING, past=True)
    application = draft(call, applicant, title="Water", amount="1000")
    extend(call, application.organisation, convener)

    with pytest.raises(NotAllowed):
        submit_application(actor=applicant, application=application)


# --- a past deadline closes the call for applications at once --------------------------------


def test_past_deadline_open_call_is_closed_in_effect_but_recorded_later():
    call = _call(S.OPEN, past=True)

    assert (lifecycle.effective_status(call), call.is_open) == (S.CLOSED, False)
    assert AuditEntry.objects.filter(action="call.closed").count() == 0


def test_close_due_calls_command_closes_only_past_deadline_open_calls():
    due = _call(S.OPEN, past=True)
    running = _call(S.OPEN)
    out = StringIO()

    call_command("close-due-calls", stdout=out)
    call_command("close-due-calls", stdout=StringIO())  # again: nothing left to close

    due.refresh_from_db()
    running.refresh_from_db()
    assert (due.status, due.closed_at, running.status) == (S.CLOSED, due.deadline, S.OPEN)
    assert out.getvalue() == f"closed: {due.slug}\ncalls closed: 1\n"
    entry = AuditEntry.objects.get(action="call.closed")
    assert (entry.actor_label, entry.details["by"]) == ("system", "deadline")


def test_allowed_moves_follow_the_status(convener, applicant):
    now = timezone.now()
    calls = {
        "draft": _call(S.DRAFT),
        "open": _call(S.OPEN),
        "due": _call(S.OPEN, past=True),
        "closed": _call(S.CLOSED, past=True),
        "reviewing": _call(S.REVIEWING, past=True),
        "decided": _call(S.DECIDED, past=True),
    }

    moves = {
        key: [m.name for m in lifecycle.allowed_moves(actor=convener, call=c, now=now)]
        for key, c in calls.items()
    }

    assert moves == {
        "draft": ["open"],
        "open": ["close"],
        "due": ["close", "start_review"],
        "closed": ["start_review"],
        "reviewing": [],
        "decided": [],
    }
    assert lifecycle.allowed_moves(actor=applicant, call=calls["draft"]) == []


def test_closing_is_not_undone_by_time(convener):
    call = _call(S.OPEN)
    lifecycle.close_call(actor=convener, call=call, reason="Enough", now=timezone.now())

    call.refresh_from_db()
    assert lifecycle.effective_status(call, timezone.now() - timedelta(days=1)) == S.CLOSED


@pytest.mark.parametrize("status", [S.DRAFT, S.REVIEWING, S.DECIDED])
def test_grant_extension_refused_outside_open_and_closed(convener, status):
    call = _call(status, past=True)

    with pytest.raises(Conflict) as refused:
        grant_extension(
            actor=convener,
            call=call,
            organisation=factories.make_org(),
            until=timezone.now() + timedelta(days=2),
            reason="Power cut",
        )

    assert refused.value.message == (
        f"“{call.title}” is “{call.get_status_display()}”: extensions are granted only "
        "while a call is open or closed, before a selection is confirmed."
    )


def test_migration_maps_published_calls_to_their_place_in_the_life(convener):
    migration = importlib.import_module(
        "datacollab.network.migrations.0005_call_lifecycle_private_attachments"
    )
    running, past = _call(S.OPEN), _call(S.OPEN, past=True)
    Call.objects.update(status="published")

    migration.statuses_forward(django_apps, None)

    assert dict(Call.objects.values_list("pk", "status")) == {
        running.pk: S.OPEN,
        past.pk: S.CLOSED,
    }
