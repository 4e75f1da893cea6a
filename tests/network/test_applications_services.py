"""Services for applications: start, save, submit, withdraw; every rule and refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.core.models import AuditEntry
from datacollab.network.models import Answer, Application, Call, CriterionKind
from datacollab.network.services import applications as services
from datacollab.network.services.review_assignment import assign_reviewers
from tests import factories
from tests.network.factories_applications import answer_all, draft, extend, questions_of

OPENS = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
DEADLINE = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
BEFORE = DEADLINE - timedelta(days=1)
AFTER = DEADLINE + timedelta(minutes=1)
LATE_MESSAGE = (
    "The deadline for “Call for stewards” passed on 1 March 2026, 17:00 GMT "
    "(Europe/London); ask the convener for an extension."
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return factories.make_call(
        title="Call for stewards", opens_at=OPENS, deadline=DEADLINE, timezone="Europe/London"
    )


def _save(application, user, *, amount="15000", answers=None, now=BEFORE, title="Open water"):
    return services.save_draft(
        actor=user,
        application=application,
        title=title,
        summary="We share data.",
        requested_amount=Decimal(amount),
        answers=answers or {},
        now=now,
    )


def _actions():
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


# --- start ---------------------------------------------------------------------------------


def test_start_application_member_creates_draft(call, applicant):
    org = factories.make_org(members=[applicant])
    application = services.start_application(
        actor=applicant, call=call, organisation=org, now=BEFORE
    )
    assert (application.status, application.organisation, application.created_by) == (
        Application.Status.DRAFT,
        org,
        applicant,
    )
    assert _actions() == ["application.started"]


def test_start_application_non_member_refused(call, applicant):
    org = factories.make_org(name="Someone Else")
    with pytest.raises(NotAllowed) as exc:
        services.start_application(actor=applicant, call=call, organisation=org, now=BEFORE)
    assert exc.value.message == (
        "You are not a member of Someone Else, so you cannot apply for it."
    )


def test_start_application_second_for_same_org_conflicts(call, applicant):
    org = factories.make_org(name="Water Trust", members=[applicant])
    services.start_application(actor=applicant, call=call, organisation=org, now=BEFORE)
    with pytest.raises(Conflict) as exc:
        services.start_application(actor=applicant, call=call, organisation=org, now=BEFORE)
    assert exc.value.status == 409
    assert exc.value.message == (
        "Water Trust already has an application to “Call for stewards”; open it from My "
        "applications instead of starting another."
    )


def test_start_application_draft_call_not_found(applicant):
    call = factories.make_call(status=Call.Status.DRAFT, opens_at=OPENS, deadline=DEADLINE)
    org = factories.make_org(members=[applicant])
    with pytest.raises(NotFound) as exc:
        services.start_application(actor=applicant, call=call, organisation=org, now=BEFORE)
    assert exc.value.message == "This call is not published, so it does not take applications."


def test_start_application_before_opening_refused(call, applicant):
    org = factories.make_org(members=[applicant])
    with pytest.raises(NotAllowed) as exc:
        services.start_application(
            actor=applicant, call=call, organisation=org, now=OPENS - timedelta(hours=1)
        )
    assert exc.value.message == (
        "The call “Call for stewards” is not open yet: it opens on "
        "1 January 2026, 09:00 GMT (Europe/London)."
    )


def test_start_application_after_deadline_refused(call, applicant):
    org = factories.make_org(members=[applicant])
    with pytest.raises(NotAllowed) as exc:
        services.start_application(actor=applicant, call=call, organisation=org, now=AFTER)
    assert exc.value.message == LATE_MESSAGE


def test_start_application_after_deadline_with_extension_allowed(call, applicant, convener):
    org = factories.make_org(members=[applicant])
    extend(call, org, convener, until=DEADLINE + timedelta(days=1))
    application = services.start_application(
        actor=applicant, call=call, organisation=org, now=AFTER
    )
    assert application.status == Application.Status.DRAFT


# --- save ----------------------------------------------------------------------------------


def test_save_draft_keeps_partial_answers(call, applicant):
    application = draft(call, applicant)
    first, _second = questions_of(call)
    _save(application, applicant, answers={first.pk: "Flooding", _second.pk: None})
    assert list(Answer.objects.filter(application=application).values_list("value", flat=True)) == [
        "Flooding"
    ]
    application.refresh_from_db()
    assert (application.title, application.requested_amount, application.status) == (
        "Open water",
        Decimal("15000.00"),
        Application.Status.DRAFT,
    )


def test_save_draft_blank_answer_removes_it(call, applicant):
    application = draft(call, applicant)
    first = questions_of(call)[0]
    _save(application, applicant, answers={first.pk: "Flooding"})
    _save(application, applicant, answers={first.pk: ""})
    assert Answer.objects.filter(application=application).count() == 0


def test_save_draft_above_award_cap_refused(call, applicant):
    application = draft(call, applicant)
    with pytest.raises(DomainError) as exc:
        _save(application, applicant, amount="20000.01")
    assert (exc.value.status, exc.value.field) == (400, "requested_amount")
    assert exc.value.message == (
        f"The amount requested, £20,000.01, is above the cap of £20,000.00 per award in "
        f"{call.cohort.name}; ask for £20,000.00 or less."
    )


def test_save_draft_at_award_cap_allowed(call, applicant):
    application = _save(draft(call, applicant), applicant, amount="20000")
    assert application.requested_amount == Decimal("20000")


def test_save_draft_after_deadline_refused(call, applicant):
    application = draft(call, applicant)
    with pytest.raises(NotAllowed) as exc:
        _save(application, applicant, now=AFTER)
    assert exc.value.message == LATE_MESSAGE


def test_save_draft_expired_extension_refused(call, applicant, convener):
    application = draft(call, applicant)
    extend(call, application.organisation, convener, until=DEADLINE + timedelta(hours=2))
    with pytest.raises(NotAllowed) as exc:
        _save(application, applicant, now=DEADLINE + timedelta(hours=3))
    assert exc.value.message == (
        f"The extension for {application.organisation.name} to “Call for stewards” ran out on "
        "1 March 2026, 19:00 GMT (Europe/London); ask the convener for a new one."
    )


def test_save_draft_non_member_not_found(call, applicant):
    application = draft(call, applicant)
    stranger = factories.make_user()
    with pytest.raises(NotFound):
        _save(application, stranger)


def test_save_draft_convener_not_member_not_found(call, applicant, convener):
    application = draft(call, applicant)
    with pytest.raises(NotFound):
        _save(application, convener)


def test_save_draft_withdrawn_refused(call, applicant):
    application = draft(call, applicant)
    services.withdraw_application(actor=applicant, application=application)
    with pytest.raises(Conflict) as exc:
        _save(application, applicant)
    assert exc.value.message == (
        "This application was withdrawn; it can no longer be changed "
        "or submitted. Ask the convener if this was a mistake."
    )


def test_save_draft_submitted_stays_submitted_and_rechecks_eligibility(call, applicant):
    application = draft(call, applicant, amount="15000")
    factories.add_criterion(call, CriterionKind.AMOUNT_AT_MOST, 16000, "At most £16,000")
    answer_all(application)
    services.submit_application(actor=applicant, application=application, now=BEFORE)
    answers = {q.pk: a for q, a in zip(questions_of(call), ["Flooding", 4], strict=True)}
    application = _save(application, applicant, amount="17000", answers=answers)
    application.refresh_from_db()
    assert (application.status, application.eligible, application.eligibility_reasons) == (
        Application.Status.SUBMITTED,
        False,
        ["Requested amount £17,000.00 is above the maximum of £16,000.00"],
    )
    assert _actions()[-1] == "application.edited_after_submission"


def test_save_draft_submitted_cannot_drop_required_answer(call, applicant):
    application = draft(call, applicant)
    answer_all(application)
    services.submit_application(actor=applicant, application=application, now=BEFORE)
    first = questions_of(call)[0]
    with pytest.raises(DomainError) as exc:
        _save(application, applicant, answers={first.pk: ""})
    assert exc.value.message == (
        "This application is submitted, so every required answer must stay filled in. "
        "Missing: What challenge does your collaboration address?."
    )
    assert Answer.objects.filter(application=application, question=first).exists()


# --- submit --------------------------------------------------------------------------------


def test_submit_application_missing_required_answers_refused(call, applicant):
    application = draft(call, applicant, title="")
    with pytest.raises(DomainError) as exc:
        services.submit_application(actor=applicant, application=application, now=BEFORE)
    assert exc.value.message == (
        "Answer every required question before submitting. Missing: Project title; What "
        "challenge does your collaboration address?; How many organisations take part?."
    )
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_submit_application_zero_amount_refused(call, applicant):
    application = draft(call, applicant, amount="0")
    answer_all(application)
    with pytest.raises(DomainError) as exc:
        services.submit_application(actor=applicant, application=application, now=BEFORE)
    assert exc.value.message == (
        "Answer every required question before submitting. Missing: Amount requested."
    )


def test_submit_application_eligible_stores_verdict_and_audits(call, applicant):
    factories.add_criterion(call, CriterionKind.GLOBAL_SOUTH, True, "Global South")
    application = draft(call, applicant)
    answer_all(application)
    application = services.submit_application(actor=applicant, application=application, now=BEFORE)
    application.refresh_from_db()
    assert (
        application.status,
        application.submitted_at,
        application.eligible,
        application.eligibility_reasons,
    ) == (Application.Status.SUBMITTED, BEFORE, True, ["Kenya is in the Global South"])
    entry = AuditEntry.objects.get(action="application.submitted")
    assert (entry.actor_id, entry.object_id, entry.details["eligible"]) == (
        applicant.pk,
        str(application.pk),
        True,
    )


def test_submit_application_ineligible_still_submitted_with_reasons(call, applicant):
    factories.add_criterion(call, CriterionKind.ORG_KIND_IN, ["research"], "Researchers")
    org = factories.make_org(members=[applicant], kind="company", country="FR")
    application = draft(call, applicant, org=org)
    answer_all(application)
    services.submit_application(actor=applicant, application=application, now=BEFORE)
    application.refresh_from_db()
    assert (application.status, application.eligible, application.eligibility_reasons) == (
        Application.Status.SUBMITTED,
        False,
        ["Organisation kind Company is not one of: Research institution"],
    )


def test_submit_application_answer_criteria_use_stored_answers(call, applicant):
    partners = questions_of(call)[1]
    factories.add_criterion(
        call, CriterionKind.ANSWER_AT_LEAST, 5, "Five partners", question=partners
    )
    application = draft(call, applicant)
    answer_all(application, value=3)
    services.submit_application(actor=applicant, application=application, now=BEFORE)
    application.refresh_from_db()
    assert (application.eligible, application.eligibility_reasons) == (
        False,
        ["Answer to “How many organisations take part?” is 3, below the minimum of 5"],
    )


def test_submit_application_ineligible_never_enters_review(call, applicant, convener, reviewer):
    factories.add_criterion(call, CriterionKind.GLOBAL_SOUTH, True, "Global South")
    eligible = draft(call, applicant)
    answer_all(eligible)
    services.submit_application(actor=applicant, application=eligible, now=BEFORE)
    other = factories.make_user()
    ineligible = draft(call, other, org=factories.make_org(members=[other], country="FR"))
    answer_all(ineligible)
    services.submit_application(actor=other, application=ineligible, now=BEFORE)
    assign_reviewers(
        actor=convener,
        call=call,
        reviewers=[
            reviewer,
            factories.make_user(roles=["reviewer"]),
            factories.make_user(roles=["reviewer"]),
        ],
    )
    assert (eligible.assignments.count(), ineligible.assignments.count()) == (2, 0)


def test_submit_application_after_deadline_refused(call, applicant):
    application = draft(call, applicant)
    answer_all(application)
    with pytest.raises(NotAllowed) as exc:
        services.submit_application(actor=applicant, application=application, now=AFTER)
    assert (exc.value.status, exc.value.message) == (403, LATE_MESSAGE)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_submit_application_with_live_extension_allowed(call, applicant, convener):
    application = draft(call, applicant)
    answer_all(application)
    extend(call, application.organisation, convener, until=DEADLINE + timedelta(days=1))
    services.submit_application(actor=applicant, application=application, now=AFTER)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    entry = AuditEntry.objects.get(action="application.submitted")
    assert entry.details["late_under_extension"] is True


def test_submit_application_extension_of_other_org_does_not_help(call, applicant, convener):
    application = draft(call, applicant)
    answer_all(application)
    extend(call, factories.make_org(), convener, until=DEADLINE + timedelta(days=1))
    with pytest.raises(NotAllowed) as exc:
        services.submit_application(actor=applicant, application=application, now=AFTER)
    assert exc.value.message == LATE_MESSAGE


def test_submit_application_twice_conflicts(call, applicant):
    application = draft(call, applicant)
    answer_all(application)
    services.submit_application(actor=applicant, application=application, now=BEFORE)
    with pytest.raises(Conflict) as exc:
        services.submit_application(actor=applicant, application=application, now=BEFORE)
    assert exc.value.message == (
        "This application is already submitted. You can still edit it until the deadline."
    )


def test_submit_application_non_member_not_found(call, applicant):
    application = draft(call, applicant)
    answer_all(application)
    with pytest.raises(NotFound):
        services.submit_application(
            actor=factories.make_user(), application=application, now=BEFORE
        )


def test_submit_application_withdrawn_refused(call, applicant):
    application = draft(call, applicant)
    answer_all(application)
    services.withdraw_application(actor=applicant, application=application)
    with pytest.raises(Conflict):
        services.submit_application(actor=applicant, application=application, now=BEFORE)


def test_submit_application_above_cap_refused(call, applicant):
    application = draft(call, applicant, amount="25000")
    answer_all(application)
    with pytest.raises(DomainError) as exc:
        services.submit_application(actor=applicant, application=application, now=BEFORE)
    assert exc.value.message == (
        f"The amount requested, £25,000.00, is above the cap of £20,000.00 per award in "
        f"{call.cohort.name}; ask for £20,000.00 or less."
    )


# --- withdraw ------------------------------------------------------------------------------


def test_withdraw_application_submitted_becomes_withdrawn(call, applicant):
    application = draft(call, applicant)
    answer_all(application)
    services.submit_application(actor=applicant, application=application, now=BEFORE)
    services.withdraw_application(actor=applicant, application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert _actions()[-1] == "application.withdrawn"


def test_withdraw_application_twice_conflicts(call, applicant):
    application = draft(call, applicant)
    services.withdraw_application(actor=applicant, application=application)
    with pytest.raises(Conflict) as exc:
        services.withdraw_application(actor=applicant, application=application)
    assert exc.value.message == "This application is already withdrawn."


def test_withdraw_application_after_decision_refused(call, applicant):
    application = factories.make_application(
        call=call,
        organisation=factories.make_org(members=[applicant]),
        user=applicant,
        decision=Application.Decision.SELECTED,
    )
    with pytest.raises(Conflict) as exc:
        services.withdraw_application(actor=applicant, application=application)
    assert exc.value.message == (
        "A decision has been made on this application, so it cannot "
        "be withdrawn; write to the convener instead."
    )


def test_withdraw_application_non_member_not_found(call, applicant):
    application = draft(call, applicant)
    with pytest.raises(NotFound):
        services.withdraw_application(actor=factories.make_user(), application=application)


def test_withdraw_application_then_new_start_conflicts(call, applicant):
    application = draft(call, applicant)
    services.withdraw_application(actor=applicant, application=application)
    with pytest.raises(Conflict):
        services.start_application(
            actor=applicant, call=call, organisation=application.organisation, now=BEFORE
        )


# --- eligibility on stored data --------------------------------------------------------------


def test_check_eligibility_reads_stored_application(call, applicant):
    factories.add_criterion(call, CriterionKind.COUNTRY_IN, ["KE", "UG"], "East Africa")
    factories.add_criterion(call, CriterionKind.AMOUNT_AT_MOST, [18000], "Up to £18,000")
    application = draft(call, applicant, amount="19000")
    assert services.check_eligibility(application=application) == (
        False,
        [
            "Country Kenya is eligible",
            "Requested amount £19,000.00 is above the maximum of £18,000.00",
        ],
    )
