"""Issue 8, roles from the site: a convener makes another convener with the same invitation
(used once, expires, only by the invited address, audited) and revokes it, but never the
last convener."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from datacollab.core.errors import Conflict, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.organisations import rules, services
from datacollab.organisations.models import RoleGrant
from tests.factories import PASSWORD, make_user
from tests.network.factories_applications import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def convener():
    return make_user(email="conv@example.org", display_name="Cora Convener", roles=["convener"])


def _grant(person, role="convener") -> RoleGrant:
    return RoleGrant.objects.get(user=person, role=role)


def test_convener_invitation_makes_a_convener_and_is_audited(convener):
    _invitation, token = services.invite_to_role(
        actor=convener, email="Second@Example.org", role="convener"
    )

    person = services.accept_invitation(
        token=token, user=None, display_name="Sam Second", password=PASSWORD
    )

    assert (person.email, rules.is_convener(person)) == ("second@example.org", True)
    assert list(
        AuditEntry.objects.filter(action__in=["invitation.sent", "invitation.accepted"])
        .order_by("id")
        .values_list("action", "actor_id", "details__role")
    ) == [
        ("invitation.sent", convener.pk, "convener"),
        ("invitation.accepted", person.pk, "convener"),
    ]


def test_convener_invitation_used_twice_is_refused(convener):
    _invitation, token = services.invite_to_role(
        actor=convener, email="second@example.org", role="convener"
    )
    services.accept_invitation(token=token, user=None, display_name="Sam", password=PASSWORD)

    with pytest.raises(Conflict) as exc:
        services.accept_invitation(token=token, user=None, display_name="Eve", password=PASSWORD)

    assert exc.value.message == "This invitation has already been used. Log in to continue."


def test_convener_invitation_after_it_expires_is_refused(convener):
    invitation, token = services.invite_to_role(
        actor=convener, email="second@example.org", role="convener"
    )

    with pytest.raises(Conflict):
        services.accept_invitation(
            token=token,
            user=None,
            display_name="Sam",
            password=PASSWORD,
            now=invitation.expires_at + timedelta(seconds=1),
        )

    assert RoleGrant.objects.filter(role="convener").count() == 1


def test_convener_invitation_followed_by_another_account_is_refused(convener):
    _invitation, token = services.invite_to_role(
        actor=convener, email="second@example.org", role="convener"
    )
    intruder = make_user(email="intruder@example.org")

    with pytest.raises(NotAllowed):
        services.accept_invitation(token=token, user=intruder)

    assert rules.is_convener(intruder) is False


def test_convener_invitation_by_a_reviewer_is_refused():
    reviewer = make_user(email="rev@example.org", roles=["reviewer"])

    with pytest.raises(NotAllowed):
        services.invite_to_role(actor=reviewer, email="me@example.org", role="convener")

    assert AuditEntry.objects.filter(action="invitation.sent").count() == 0


def test_convener_revokes_another_convener_and_it_is_audited(convener):
    second = make_user(email="second@example.org", roles=["convener"])

    services.revoke_role(actor=convener, grant_id=_grant(second).pk)

    assert rules.is_convener(second) is False
    assert list(
        AuditEntry.objects.filter(action="role.revoked").values_list(
            "actor_id", "details__role", "details__user"
        )
    ) == [(convener.pk, "convener", "second@example.org")]


def test_revoking_the_last_convener_is_refused_and_says_why(convener):
    with pytest.raises(Conflict) as exc:
        services.revoke_role(actor=convener, grant_id=_grant(convener).pk)

    assert exc.value.message == (
        "Cora Convener is the last convener: without one, nobody could run the network from "
        "the site. "
        "Invite another convener first."
    )
    assert rules.is_convener(convener) is True
    assert AuditEntry.objects.filter(action="role.revoked").count() == 0


def test_convener_may_step_down_while_another_remains(convener):
    make_user(email="second@example.org", roles=["convener"])

    services.revoke_role(actor=convener, grant_id=_grant(convener).pk)

    assert RoleGrant.objects.filter(role="convener").count() == 1


def test_convener_revocation_by_a_reviewer_is_refused(convener):
    reviewer = make_user(email="rev@example.org", roles=["reviewer"])
    make_user(email="second@example.org", roles=["convener"])

    with pytest.raises(NotAllowed):
        services.revoke_role(actor=reviewer, grant_id=_grant(convener).pk)

    assert RoleGrant.objects.filter(role="convener").count() == 2


def test_roles_page_invites_a_convener(convener, login):
    client = login(convener)

    response = client.post(
        reverse("roles"), {"email": "second@example.org", "role": "convener"}, follow=True
    )

    assert "Invitation sent to second@example.org." in page_text(response)
    assert list(
        AuditEntry.objects.filter(action="invitation.sent").values_list("details__role", flat=True)
    ) == ["convener"]


def test_roles_page_offers_no_revoke_button_for_the_last_convener(convener, login):
    client = login(convener)

    page = client.get(reverse("roles"))

    assert reverse("role-revoke", args=[_grant(convener).pk]) not in page.content.decode()
    assert (
        "The last convener: this role cannot be revoked until another convener has joined."
        in page_text(page)
    )


def test_roles_page_refusal_to_revoke_the_last_convener_is_shown(convener, login):
    client = login(convener)

    response = client.post(reverse("role-revoke", args=[_grant(convener).pk]))

    assert response.status_code == 302
    assert [m.message for m in get_messages(response.wsgi_request)] == [
        "Cora Convener is the last convener: without one, nobody could run the network from "
        "the site. "
        "Invite another convener first."
    ]
