"""Grants and access requests: who may, what they change, emails and audit."""

from __future__ import annotations

import pytest
from django.core import mail as django_mail

from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.core.models import AuditEntry
from datacollab.datasets import rules
from datacollab.datasets.models import AccessGrant, AccessRequest
from datacollab.datasets.services.access import (
    add_grant,
    decide_access_request,
    remove_grant,
    request_access,
)
from tests.factories import make_org, make_user
from tests.factories_data import make_collaboration, make_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_user():
    return make_user(email="owner@example.org")


@pytest.fixture
def owner(owner_user):
    colleague = make_user(email="colleague@example.org")
    return make_org(name="Data Cargo", members=[owner_user, colleague])


@pytest.fixture
def named(owner):
    return make_dataset(owner=owner, spectrum="named", listed=True, title="Fleet")


@pytest.fixture
def asker():
    return make_user(email="asker@example.org")


def _actions() -> list[str]:
    return list(
        AuditEntry.objects.filter(action__startswith="dataset.access")
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_add_grant_by_email_gives_access_and_is_audited(owner_user, named, asker):
    assert rules.data_access(asker, named).allowed is False
    grant = add_grant(actor=owner_user, dataset=named, email="ASKER@example.org")
    assert (grant.user, grant.granted_by) == (asker, owner_user)
    assert rules.data_access(asker, named).allowed is True
    entry = AuditEntry.objects.get(action="dataset.access_granted")
    assert entry.details == {
        "grant": grant.pk,
        "user": asker.pk,
        "organisation": None,
        "ends_on": None,
    }


def test_add_grant_to_organisation_covers_its_members(owner_user, named, asker):
    partner = make_org(members=[asker])
    add_grant(actor=owner_user, dataset=named, organisation=partner)
    assert rules.data_access(asker, named).allowed is True


def test_add_grant_unknown_email_refused(owner_user, named):
    with pytest.raises(DomainError, match=r"No one is registered with nobody@example\.org"):
        add_grant(actor=owner_user, dataset=named, email="nobody@example.org")


def test_add_grant_twice_conflict(owner_user, named, asker):
    add_grant(actor=owner_user, dataset=named, email=asker.email)
    with pytest.raises(Conflict, match="already has access"):
        add_grant(actor=owner_user, dataset=named, email=asker.email)


def test_add_grant_needs_one_of_person_or_organisation(owner_user, named, asker):
    with pytest.raises(DomainError, match="either to a person"):
        add_grant(actor=owner_user, dataset=named)
    with pytest.raises(DomainError, match="either to a person"):
        add_grant(actor=owner_user, dataset=named, email=asker.email, organisation=make_org())


def test_add_grant_on_closed_or_public_data_refused(owner_user, owner, asker):
    for level in ("closed", "public", "open"):
        ds = make_dataset(owner=owner, spectrum=level)
        with pytest.raises(DomainError, match="Grants apply to named and group data only"):
            add_grant(actor=owner_user, dataset=ds, email=asker.email)


def test_add_grant_by_non_owner_refused_without_revealing(named, owner):
    with pytest.raises(NotAllowed):  # listed: they may see it, so they are told why
        add_grant(actor=make_user(), dataset=named, email="x@example.org")
    hidden = make_dataset(owner=owner, spectrum="named")
    with pytest.raises(NotFound):
        add_grant(actor=make_user(), dataset=hidden, email="x@example.org")


def test_remove_grant_ends_access_and_is_audited(owner_user, named, asker):
    grant = add_grant(actor=owner_user, dataset=named, email=asker.email)
    remove_grant(actor=owner_user, grant=grant)
    assert rules.data_access(asker, named).allowed is False
    assert _actions() == ["dataset.access_granted", "dataset.access_revoked"]


def test_request_access_mails_owner_members_and_is_audited(
    named, asker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = request_access(actor=asker, dataset=named, purpose="  Route planning.  ")
    assert (request.status, request.purpose, request.requester) == (
        "pending",
        "Route planning.",
        asker,
    )
    assert [(m.to, m.subject) for m in django_mail.outbox] == [
        (["colleague@example.org", "owner@example.org"], "Access request for Fleet")
    ]
    assert "Route planning." in django_mail.outbox[0].body
    assert f"/datasets/{named.slug}/requests/" in django_mail.outbox[0].body
    assert _actions() == ["dataset.access_requested"]


def test_request_access_needs_purpose(named, asker):
    with pytest.raises(DomainError, match=r"Say what you will use the data for\."):
        request_access(actor=asker, dataset=named, purpose="   ")


def test_request_access_twice_while_pending_conflict(named, asker):
    request_access(actor=asker, dataset=named, purpose="Planning.")
    with pytest.raises(Conflict, match="You already asked"):
        request_access(actor=asker, dataset=named, purpose="Again.")


def test_request_access_when_already_granted_conflict(owner_user, named, asker):
    add_grant(actor=owner_user, dataset=named, email=asker.email)
    with pytest.raises(Conflict, match="You already have access"):
        request_access(actor=asker, dataset=named, purpose="Planning.")
    with pytest.raises(Conflict, match="You already have access"):
        request_access(actor=owner_user, dataset=named, purpose="Planning.")


def test_request_access_to_unlisted_data_is_404(owner, asker):
    hidden = make_dataset(owner=owner, spectrum="named", listed=False)
    with pytest.raises(NotFound):
        request_access(actor=asker, dataset=hidden, purpose="Planning.")


def test_request_access_to_public_data_refused(owner, asker):
    public = make_dataset(owner=owner, spectrum="public")
    with pytest.raises(DomainError, match="Only named and group data take access requests"):
        request_access(actor=asker, dataset=public, purpose="Planning.")


def test_request_access_for_foreign_organisation_refused(named, asker):
    with pytest.raises(DomainError, match="on behalf of your own organisations only"):
        request_access(actor=asker, dataset=named, purpose="x", organisation=make_org())


def test_approve_request_grants_requester_and_mails_them(
    owner_user, named, asker, django_capture_on_commit_callbacks
):
    request = request_access(actor=asker, dataset=named, purpose="Planning.")
    with django_capture_on_commit_callbacks(execute=True):
        decided = decide_access_request(actor=owner_user, access_request=request, approve=True)
    assert (decided.status, decided.decided_by) == ("approved", owner_user)
    assert AccessGrant.objects.filter(dataset=named, user=asker).count() == 1
    assert rules.data_access(asker, named).allowed is True
    assert [(m.to, m.subject) for m in django_mail.outbox] == [
        (["asker@example.org"], "Access approved: Fleet")
    ]
    assert _actions() == ["dataset.access_requested", "dataset.access_approved"]


def test_approve_group_request_for_organisation_grants_the_organisation(owner_user, owner, asker):
    partner = make_org(members=[asker])
    collab = make_collaboration(lead=owner)
    group = make_dataset(owner=owner, spectrum="group", collaboration=collab, listed=True)
    request = request_access(actor=asker, dataset=group, purpose="x", organisation=partner)
    decide_access_request(actor=owner_user, access_request=request, approve=True)
    assert AccessGrant.objects.filter(dataset=group, organisation=partner).count() == 1
    # A grant admits to group data without joining the collaboration.
    assert rules.is_group_member(asker, group) is False
    assert rules.data_access(asker, group).allowed is True


def test_decline_request_needs_note_and_mails_requester(
    owner_user, named, asker, django_capture_on_commit_callbacks
):
    request = request_access(actor=asker, dataset=named, purpose="Planning.")
    with pytest.raises(DomainError, match="Say why you decline"):
        decide_access_request(actor=owner_user, access_request=request, approve=False)
    with django_capture_on_commit_callbacks(execute=True):
        decide_access_request(
            actor=owner_user, access_request=request, approve=False, note="Not for resale."
        )
    request.refresh_from_db()
    assert (request.status, request.decision_note) == ("declined", "Not for resale.")
    assert AccessGrant.objects.count() == 0
    assert [(m.to, m.subject) for m in django_mail.outbox] == [
        (["asker@example.org"], "Access declined: Fleet")
    ]
    assert "Not for resale." in django_mail.outbox[0].body


def test_decide_twice_conflict_and_by_non_owner_refused(owner_user, named, asker):
    request = request_access(actor=asker, dataset=named, purpose="Planning.")
    with pytest.raises(NotAllowed):
        decide_access_request(actor=asker, access_request=request, approve=True)
    decide_access_request(actor=owner_user, access_request=request, approve=True)
    with pytest.raises(Conflict, match="already decided: Approved"):
        decide_access_request(actor=owner_user, access_request=request, approve=False, note="x")
    assert AccessRequest.objects.get().status == "approved"
