"""A colleague removed by an organisation admin loses its access at once, in the session they
are already logged in with (issue 8: organisation admins who invite and remove colleagues)."""

from __future__ import annotations

import pytest

from datacollab.organisations import services
from datacollab.organisations.models import Membership
from tests import factories
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


def test_removed_colleague_loses_the_organisation_s_draft_in_the_same_session(login):
    admin = make_user()
    colleague = make_user(roles=["participant"])
    org = make_org(admins=[admin], members=[colleague])
    application = factories.make_application(
        call=factories.make_call(), organisation=org, user=colleague, submitted=False
    )
    client = login(colleague)
    before = client.get(f"/applications/{application.pk}/edit/").status_code
    membership = Membership.objects.get(user=colleague, organisation=org)

    services.remove_member(actor=admin, organisation=org, membership_id=membership.pk)

    after = [
        client.get(f"/applications/{application.pk}/edit/").status_code,
        client.get(f"/applications/{application.pk}/").status_code,
        client.post(f"/applications/{application.pk}/submit/").status_code,
    ]
    assert (before, after) == (200, [404, 404, 404])


def test_removed_admin_loses_the_members_page_in_the_same_session(login):
    first = make_user()
    second = make_user()
    org = make_org(admins=[first, second])
    client = login(second)
    before = client.get(f"/accounts/organisations/{org.slug}/members/").status_code
    membership = Membership.objects.get(user=second, organisation=org)

    services.remove_member(actor=first, organisation=org, membership_id=membership.pk)

    after = client.get(f"/accounts/organisations/{org.slug}/members/").status_code
    assert (before, after) == (200, 403)
