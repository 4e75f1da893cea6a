"""Late extensions granted by conveners, and the convener's selectors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from datacollab.core.errors import DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.network.models import Application, Extension
from datacollab.network.selectors.applications import call_applications
from datacollab.network.services.calls import grant_extension
from tests import factories

OPENS = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
DEADLINE = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return factories.make_call(
        title="Call for stewards", opens_at=OPENS, deadline=DEADLINE, timezone="Europe/London"
    )


def test_grant_extension_convener_creates_and_audits(call, convener):
    org = factories.make_org(name="Late Data Co")
    until = DEADLINE + timedelta(days=2)
    extension = grant_extension(
        actor=convener, call=call, organisation=org, until=until, reason=" Power cut ", now=DEADLINE
    )
    assert (extension.until, extension.reason, extension.granted_by) == (
        until,
        "Power cut",
        convener,
    )
    entry = AuditEntry.objects.get(action="call.extension_granted")
    assert (entry.actor_id, entry.details["organisation"], entry.details["reason"]) == (
        convener.pk,
        org.slug,
        "Power cut",
    )


def test_grant_extension_again_replaces_earlier(call, convener):
    org = factories.make_org()
    grant_extension(
        actor=convener,
        call=call,
        organisation=org,
        until=DEADLINE + timedelta(days=1),
        reason="Power cut",
        now=DEADLINE,
    )
    grant_extension(
        actor=convener,
        call=call,
        organisation=org,
        until=DEADLINE + timedelta(days=3),
        reason="Still no power",
        now=DEADLINE,
    )
    assert list(Extension.objects.values_list("until", "reason")) == [
        (DEADLINE + timedelta(days=3), "Still no power")
    ]
    assert AuditEntry.objects.filter(action="call.extension_granted").count() == 2


def test_grant_extension_non_convener_refused(call, applicant):
    with pytest.raises(NotAllowed) as exc:
        grant_extension(
            actor=applicant,
            call=call,
            organisation=factories.make_org(),
            until=DEADLINE + timedelta(days=1),
            reason="Please",
            now=DEADLINE,
        )
    assert (exc.value.status, exc.value.message) == (403, "Only conveners can grant extensions.")


def test_grant_extension_in_the_past_refused(call, convener):
    with pytest.raises(DomainError) as exc:
        grant_extension(
            actor=convener,
            call=call,
            organisation=factories.make_org(),
            until=DEADLINE + timedelta(hours=1),
            reason="Power cut",
            now=DEADLINE + timedelta(hours=2),
        )
    assert (exc.value.field, exc.value.message) == (
        "until",
        "The extension must end in the future; 1 March 2026, 18:00 GMT (Europe/London) has passed.",
    )


def test_grant_extension_before_deadline_refused(call, convener):
    with pytest.raises(DomainError) as exc:
        grant_extension(
            actor=convener,
            call=call,
            organisation=factories.make_org(),
            until=DEADLINE - timedelta(hours=1),
            reason="Power cut",
            now=OPENS,
        )
    assert exc.value.message == (
        "The extension must end after the call's deadline, 1 March 2026, 17:00 GMT (Europe/London)."
    )


def test_grant_extension_without_reason_refused(call, convener):
    with pytest.raises(DomainError) as exc:
        grant_extension(
            actor=convener,
            call=call,
            organisation=factories.make_org(),
            until=DEADLINE + timedelta(days=1),
            reason="  ",
            now=DEADLINE,
        )
    assert (exc.value.field, exc.value.message) == (
        "reason",
        "Give a reason for the extension; it is kept in the audit log.",
    )


def test_call_applications_non_convener_refused(call, applicant):
    with pytest.raises(NotAllowed):
        call_applications(actor=applicant, call=call)


def test_call_applications_filters_by_status_and_eligibility(call, convener):
    good = factories.make_application(call=call, eligible=True)
    bad = factories.make_application(call=call, eligible=False)
    drafted = factories.make_application(call=call, submitted=False)
    withdrawn = factories.make_application(call=call)
    Application.objects.filter(pk=withdrawn.pk).update(status=Application.Status.WITHDRAWN)

    def pks(**filters):
        return {a.pk for a in call_applications(actor=convener, call=call, **filters)}

    assert pks() == {good.pk, bad.pk, drafted.pk, withdrawn.pk}
    assert pks(status="submitted") == {good.pk, bad.pk}
    assert pks(eligible="yes") == {good.pk, withdrawn.pk}
    assert pks(eligible="no") == {bad.pk}
    assert pks(eligible="unknown") == {drafted.pk}
    assert pks(status="submitted", eligible="yes") == {good.pk}
