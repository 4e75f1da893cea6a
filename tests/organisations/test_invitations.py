"""Organisation admins invite and remove colleagues; conveners invite reviewers and experts
and revoke roles. One invitation model, used once, expiring, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.core.models import AuditEntry
from datacollab.organisations import rules, services
from datacollab.organisations.models import Invitation, Membership, RoleGrant, User
from datacollab.organisations.services.invitations import token_hash
from tests.factories import PASSWORD, make_org, make_user

pytestmark = pytest.mark.django_db


def _actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


@pytest.fixture
def admin():
    return make_user(email="admin@example.org", display_name="Ada Admin")


@pytest.fixture
def org(admin):
    return make_org(name="Data Cargo", admins=[admin])


# --- organisation invitations -------------------------------------------------------------


def test_invite_member_mails_a_link_and_stores_only_its_hash(
    admin, org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invite_member(
            actor=admin, organisation=org, email=" Colleague@Example.org "
        )
    assert (invitation.email, invitation.role, invitation.token_hash) == (
        "colleague@example.org",
        "member",
        token_hash(token),
    )
    assert token not in invitation.token_hash
    assert [m.to for m in mailoutbox] == [["colleague@example.org"]]
    assert f"/accounts/invitations/{token}/" in mailoutbox[0].body
    assert mailoutbox[0].subject == (
        "Ada Admin invites you: join Data Cargo on Peer Learning Network for Data "
        "Collaborations as member"
    )
    assert _actions() == ["invitation.sent"]


def test_invite_member_by_a_plain_member_is_refused(org):
    member = make_user()
    Membership.objects.create(user=member, organisation=org, role="member")
    with pytest.raises(NotAllowed):
        services.invite_member(actor=member, organisation=org, email="x@example.org")


def test_invite_member_by_a_convener_of_another_organisation_is_refused(org):
    convener = make_user(roles=["convener"])
    with pytest.raises(NotAllowed):
        services.invite_member(actor=convener, organisation=org, email="x@example.org")


def test_invite_member_already_a_member_is_refused(admin, org):
    with pytest.raises(Conflict, match="already a member"):
        services.invite_member(actor=admin, organisation=org, email="admin@example.org")


def test_accept_invitation_creates_a_verified_account_and_membership(admin, org, client):
    _invitation, token = services.invite_member(
        actor=admin, organisation=org, email="new@example.org", role="admin"
    )
    response = client.post(
        f"/accounts/invitations/{token}/",
        {"display_name": "New\r\nPerson", "password": PASSWORD, "timezone": "Africa/Nairobi"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/organisations/{org.slug}/"
    person = User.objects.get(email="new@example.org")
    assert person.display_name == "New Person"
    assert rules.has_verified_email(person) is True
    assert rules.is_org_admin(person, org) is True
    assert int(client.session["_auth_user_id"]) == person.pk
    assert _actions() == ["invitation.sent", "person.registered", "invitation.accepted"]


def test_accept_invitation_joins_the_logged_in_account(admin, org, login):
    colleague = make_user(email="colleague@example.org", verified=False)
    _invitation, token = services.invite_member(
        actor=admin, organisation=org, email="colleague@example.org"
    )
    client = login(colleague)
    assert "Accept" in client.get(f"/accounts/invitations/{token}/").content.decode()
    response = client.post(f"/accounts/invitations/{token}/")
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert rules.is_member(colleague, org) is True
    assert colleague.email_verified_at is not None


def test_accept_invitation_while_logged_in_as_someone_else_is_refused(admin, org, login):
    _invitation, token = services.invite_member(
        actor=admin, organisation=org, email="colleague@example.org"
    )
    other = make_user(email="other@example.org")
    response = login(other).post(f"/accounts/invitations/{token}/")
    assert response.status_code == 403
    assert Membership.objects.filter(user=other, organisation=org).exists() is False


def test_accept_invitation_for_an_existing_account_asks_to_log_in(admin, org, client):
    make_user(email="colleague@example.org")
    _invitation, token = services.invite_member(
        actor=admin, organisation=org, email="colleague@example.org"
    )
    page = client.get(f"/accounts/invitations/{token}/").content.decode()
    assert "already has an account: log in" in page
    with pytest.raises(Conflict, match="log in"):
        services.accept_invitation(token=token, user=None, password=PASSWORD)


def test_accept_invitation_used_twice_is_refused(admin, org):
    _invitation, token = services.invite_member(
        actor=admin, organisation=org, email="new@example.org"
    )
    services.accept_invitation(token=token, user=None, display_name="N", password=PASSWORD)
    with pytest.raises(Conflict, match="already been used"):
        services.accept_invitation(token=token, user=None, display_name="N", password=PASSWORD)
    assert Client().get(f"/accounts/invitations/{token}/").status_code == 409


def test_accept_invitation_expired_is_refused(admin, org):
    invitation, token = services.invite_member(
        actor=admin, organisation=org, email="new@example.org"
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(Conflict, match=r"expired\. Ask Ada Admin for a new one"):
        services.accept_invitation(token=token, user=None, display_name="N", password=PASSWORD)
    assert User.objects.filter(email="new@example.org").exists() is False


def test_accept_invitation_withdrawn_is_refused(admin, org):
    invitation, token = services.invite_member(
        actor=admin, organisation=org, email="new@example.org"
    )
    services.revoke_invitation(actor=admin, invitation=invitation)
    with pytest.raises(Conflict, match="withdrawn"):
        services.accept_invitation(token=token, user=None, display_name="N", password=PASSWORD)


def test_a_new_invitation_replaces_the_pending_one(admin, org):
    _first, old_token = services.invite_member(
        actor=admin, organisation=org, email="new@example.org"
    )
    services.invite_member(actor=admin, organisation=org, email="new@example.org")
    with pytest.raises(Conflict, match="withdrawn"):
        services.accept_invitation(token=old_token, user=None, password=PASSWORD)


def test_accept_invitation_with_a_wrong_token_is_404(client):
    assert client.get("/accounts/invitations/not-a-token/").status_code == 404
    with pytest.raises(NotFound):
        services.accept_invitation(token="x" * 500, user=None, password=PASSWORD)


def test_accept_invitation_weak_password_is_400(admin, org, client):
    _invitation, token = services.invite_member(
        actor=admin, organisation=org, email="new@example.org"
    )
    response = client.post(
        f"/accounts/invitations/{token}/", {"display_name": "N", "password": "123"}
    )
    assert response.status_code == 400
    assert User.objects.filter(email="new@example.org").exists() is False


# --- removing colleagues ---------------------------------------------------------------------


def test_remove_member_by_admin_is_audited(admin, org):
    colleague = make_user(email="leaving@example.org")
    membership = Membership.objects.create(user=colleague, organisation=org, role="member")
    services.remove_member(actor=admin, organisation=org, membership_id=membership.pk)
    assert rules.is_member(colleague, org) is False
    entry = AuditEntry.objects.get(action="organisation.member_removed")
    assert entry.details == {"user": "leaving@example.org", "role": "member"}


def test_remove_member_by_a_non_admin_is_refused(admin, org, login):
    member = make_user()
    Membership.objects.create(user=member, organisation=org, role="member")
    target = Membership.objects.get(user=admin, organisation=org)
    with pytest.raises(NotAllowed):
        services.remove_member(actor=member, organisation=org, membership_id=target.pk)
    response = login(member).post(f"/accounts/organisations/{org.slug}/members/{target.pk}/remove/")
    assert response.status_code == 403
    assert rules.is_org_admin(admin, org) is True


def test_remove_the_last_admin_is_refused(admin, org, login):
    own = Membership.objects.get(user=admin, organisation=org)
    with pytest.raises(Conflict, match="last administrator"):
        services.remove_member(actor=admin, organisation=org, membership_id=own.pk)
    response = login(admin).post(
        f"/accounts/organisations/{org.slug}/members/{own.pk}/remove/", follow=True
    )
    assert "is the last administrator" in response.content.decode()
    assert rules.is_org_admin(admin, org) is True


def test_demote_the_last_admin_is_refused(admin, org):
    own = Membership.objects.get(user=admin, organisation=org)
    with pytest.raises(Conflict, match="last administrator"):
        services.set_member_role(actor=admin, organisation=org, membership_id=own.pk, role="member")


def test_an_admin_may_leave_when_another_admin_remains(admin, org):
    other = make_user()
    Membership.objects.create(user=other, organisation=org, role="admin")
    own = Membership.objects.get(user=admin, organisation=org)
    services.remove_member(actor=admin, organisation=org, membership_id=own.pk)
    assert list(org.memberships.values_list("user_id", flat=True)) == [other.pk]


def test_remove_member_of_another_organisation_is_404(admin, org):
    elsewhere = make_org(members=[make_user()])
    membership = elsewhere.memberships.get()
    with pytest.raises(NotFound):
        services.remove_member(actor=admin, organisation=org, membership_id=membership.pk)


def test_members_page_for_admins_only(admin, org, login):
    member = make_user()
    Membership.objects.create(user=member, organisation=org, role="member")
    assert login(admin).get(f"/accounts/organisations/{org.slug}/members/").status_code == 200
    assert login(member).get(f"/accounts/organisations/{org.slug}/members/").status_code == 403


def test_members_page_invites_by_form(admin, org, login, mailoutbox):
    client = login(admin)
    response = client.post(
        f"/accounts/organisations/{org.slug}/members/",
        {"email": "new@example.org", "role": "member"},
    )
    assert response.status_code == 302
    page = client.get(f"/accounts/organisations/{org.slug}/members/").content.decode()
    assert "new@example.org" in page


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_members_page_queries_do_not_grow_with_members(admin, org, login):
    client = login(admin)
    url = f"/accounts/organisations/{org.slug}/members/"
    Membership.objects.create(user=make_user(), organisation=org)
    services.invite_member(actor=admin, organisation=org, email="i@example.org")
    small = _queries(client, url)
    for n in range(10):
        Membership.objects.create(user=make_user(), organisation=org)
        services.invite_member(actor=admin, organisation=org, email=f"j{n}@example.org")
    assert _queries(client, url) == small


# --- network roles -----------------------------------------------------------------------------


@pytest.fixture
def convener_user():
    return make_user(email="conv@example.org", display_name="Cora Convener", roles=["convener"])


def test_invite_reviewer_and_accept_grants_the_role(convener_user, client):
    _invitation, token = services.invite_to_role(
        actor=convener_user, email="rev@example.org", role="reviewer"
    )
    client.post(f"/accounts/invitations/{token}/", {"display_name": "Rev", "password": PASSWORD})
    person = User.objects.get(email="rev@example.org")
    assert list(person.role_grants.values_list("role", flat=True)) == ["reviewer"]
    assert rules.has_verified_email(person) is True
    entry = AuditEntry.objects.get(action="invitation.accepted")
    assert entry.details["invited_by"] == "conv@example.org"


def test_invite_to_role_by_a_non_convener_is_refused():
    with pytest.raises(NotAllowed):
        services.invite_to_role(actor=make_user(), email="x@example.org", role="reviewer")


def test_invite_to_a_role_other_than_reviewer_expert_or_convener_is_refused(convener_user):
    # Conveners may now invite conveners (tests/organisations/test_convener_invitations.py).
    with pytest.raises(DomainError, match="a reviewer, an expert or a convener"):
        services.invite_to_role(actor=convener_user, email="x@example.org", role="participant")


def test_revoke_role_is_audited(convener_user):
    expert = make_user(email="ex@example.org", roles=["expert"])
    grant = RoleGrant.objects.get(user=expert)
    services.revoke_role(actor=convener_user, grant_id=grant.pk)
    assert RoleGrant.objects.filter(user=expert).exists() is False
    assert AuditEntry.objects.get(action="role.revoked").details == {
        "role": "expert",
        "user": "ex@example.org",
    }


def test_revoke_participant_role_from_the_site_is_refused(convener_user):
    # The convener role is revocable now, but never the last one (test_convener_invitations).
    participant = make_user(roles=["participant"])
    grant = RoleGrant.objects.get(user=participant)
    with pytest.raises(NotAllowed):
        services.revoke_role(actor=convener_user, grant_id=grant.pk)


def test_revoke_role_by_a_reviewer_is_refused():
    reviewer = make_user(roles=["reviewer"])
    expert = make_user(roles=["expert"])
    with pytest.raises(NotAllowed):
        services.revoke_role(actor=reviewer, grant_id=RoleGrant.objects.get(user=expert).pk)


def test_roles_page_lists_holders_for_conveners_only(convener_user, login):
    make_user(display_name="Rita Reviewer", roles=["reviewer"])
    page = login(convener_user).get("/accounts/roles/")
    assert page.status_code == 200
    assert "Rita Reviewer" in page.content.decode()
    assert login(make_user(roles=["reviewer"])).get("/accounts/roles/").status_code == 403


def test_roles_page_revoke_button_removes_the_role(convener_user, login):
    expert = make_user(roles=["expert"])
    grant = RoleGrant.objects.get(user=expert)
    response = login(convener_user).post(f"/accounts/roles/{grant.pk}/revoke/")
    assert response.status_code == 302
    assert RoleGrant.objects.filter(pk=grant.pk).exists() is False


def test_roles_page_queries_do_not_grow_with_holders(convener_user, login):
    client = login(convener_user)
    make_user(roles=["reviewer"])
    services.invite_to_role(actor=convener_user, email="a@example.org", role="expert")
    small = _queries(client, "/accounts/roles/")
    for n in range(10):
        make_user(roles=["expert"])
        services.invite_to_role(actor=convener_user, email=f"b{n}@example.org", role="reviewer")
    assert _queries(client, "/accounts/roles/") == small
