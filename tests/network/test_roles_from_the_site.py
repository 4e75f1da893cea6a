"""Issue 8, roles from the site: a convener's invitation of a reviewer or an expert is used
once, expires, and serves only the invited address; a revoked role takes effect at once
(the next request), and every step is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from datacollab.core.errors import Conflict, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.network.services.reminders import remind_reviewers
from datacollab.organisations import services
from datacollab.organisations.models import RoleGrant, User
from tests.factories import PASSWORD, make_application, make_call, make_user
from tests.network.factories_reviews import assign, make_reviewer
from tests.network.test_cohort_glue import file_answer  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def convener():
    return make_user(email="conv@example.org", display_name="Cora Convener", roles=["convener"])


def _invite(convener, email: str = "rev@example.org", role: str = "reviewer") -> str:
    _invitation, token = services.invite_to_role(actor=convener, email=email, role=role)
    return token


def _revoke(convener, person: User, role: str = "reviewer") -> None:
    grant = RoleGrant.objects.get(user=person, role=role)
    services.revoke_role(actor=convener, grant_id=grant.pk)


# --- the invitation ---------------------------------------------------------------------------


def test_role_invitation_used_twice_is_refused(convener):
    token = _invite(convener)
    services.accept_invitation(token=token, user=None, display_name="Rev", password=PASSWORD)

    with pytest.raises(Conflict) as refused:
        services.accept_invitation(token=token, user=None, display_name="Eve", password=PASSWORD)

    assert str(refused.value) == "This invitation has already been used. Log in to continue."
    assert User.objects.filter(email="rev@example.org").count() == 1


def test_role_invitation_after_it_expires_is_refused(convener, settings):
    token = _invite(convener)
    later = timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS, seconds=1)

    with pytest.raises(Conflict) as refused:
        services.accept_invitation(
            token=token, user=None, display_name="Rev", password=PASSWORD, now=later
        )

    assert str(refused.value) == "This invitation has expired. Ask Cora Convener for a new one."
    assert RoleGrant.objects.filter(role="reviewer").count() == 0


def test_role_invitation_followed_by_another_account_is_refused(convener, login):
    token = _invite(convener)
    someone_else = make_user(email="eve@example.org")

    response = login(someone_else).post(reverse("invitation-accept", args=[token]), {})

    assert response.status_code == 403
    assert list(RoleGrant.objects.filter(role="reviewer")) == []


def test_role_invitation_joins_the_invited_existing_account(convener, login):
    person = make_user(email="rev@example.org")
    token = _invite(convener)

    response = login(person).post(reverse("invitation-accept", args=[token]), {})

    assert response.status_code == 302
    assert list(person.role_grants.values_list("role", flat=True)) == ["reviewer"]


def test_role_invitation_sent_accepted_and_revoked_are_each_audited(convener):
    token = _invite(convener, role="expert")
    person = services.accept_invitation(
        token=token, user=None, display_name="Eli", password=PASSWORD
    )
    _revoke(convener, person, role="expert")

    assert list(
        AuditEntry.objects.filter(
            action__in=["invitation.sent", "invitation.accepted", "role.revoked"]
        )
        .order_by("id")
        .values_list("action", "actor_id")
    ) == [
        ("invitation.sent", convener.pk),
        ("invitation.accepted", person.pk),
        ("role.revoked", convener.pk),
    ]


# --- a revoked role takes effect at once ------------------------------------------------------


def test_revoked_reviewer_cannot_open_an_assigned_review_on_the_next_request(convener, login):
    reviewer = make_reviewer()
    assignment = assign(make_application(call=make_call()), reviewer)
    client = login(reviewer)
    before = client.get(reverse("review-edit", args=[assignment.pk])).status_code

    _revoke(convener, reviewer)
    after = client.get(reverse("review-edit", args=[assignment.pk]))

    assert (before, after.status_code) == (200, 403)


def test_revoked_reviewer_cannot_download_the_applications_file(
    convener,
    login,
    file_answer,  # noqa: F811 (the fixture)
):
    application, question = file_answer
    reviewer = make_reviewer()
    assign(application, reviewer)
    client = login(reviewer)
    url = reverse("application-file", args=[application.pk, question.pk])
    before = client.get(url).status_code

    _revoke(convener, reviewer)

    assert (before, client.get(url).status_code) == (200, 404)


def test_revoked_reviewer_is_not_reminded(convener, django_capture_on_commit_callbacks):
    call = make_call()
    kept, revoked = make_reviewer(name="Kim Kept"), make_reviewer(name="Rob Revoked")
    application = make_application(call=call)
    assign(application, kept)
    assign(application, revoked)
    _revoke(convener, revoked)

    with django_capture_on_commit_callbacks(execute=True):
        remind_reviewers(actor=convener, call=call)

    assert [m.to for m in mail.outbox] == [[kept.email]]


def test_revoke_by_a_reviewer_changes_nothing(convener):
    reviewer, other = make_reviewer(), make_reviewer()

    with pytest.raises(NotAllowed):
        _revoke(reviewer, other)

    assert RoleGrant.objects.filter(user=other, role="reviewer").count() == 1
