"""Issue 9, finding 1: every change a superuser makes in the admin lands in the audit log.

Before, a membership added, a reviewer's declared conflict deleted and an instalment marked
paid in the admin each left 0 audit entries.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from datacollab.core import audit
from datacollab.core.models import AuditEntry
from datacollab.network.models import Instalment, ReviewerConflict
from datacollab.organisations.models import Membership, Organisation
from tests.admin_forms import form_data
from tests.factories import PASSWORD, make_cohort, make_org, make_user
from tests.factories_reports import make_award

pytestmark = pytest.mark.django_db


@pytest.fixture
def root():
    return make_user(email="root@example.org", is_staff=True, is_superuser=True)


def _admin_entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action__startswith="admin.").order_by("seq"))


def test_admin_membership_added_by_superuser_is_audited(login, root):
    org = make_org(name="Fleet owner")
    person = make_user(email="new.member@example.org")
    client = login(root)
    url = f"/admin/organisations/organisation/{org.pk}/change/"
    data = form_data(client, url)
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-user": str(person.pk),
            "memberships-0-role": "admin",
            "memberships-0-organisation": str(org.pk),
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302
    membership = Membership.objects.get(user=person, organisation=org)
    [entry] = _admin_entries()
    assert (entry.action, entry.actor_id, entry.object_id) == (
        "admin.organisations.membership.created",
        root.pk,
        str(membership.pk),
    )
    assert entry.details == {
        "via": "admin",
        "parent": f"organisations.organisation:{org.pk}",
        "values": {
            "id": membership.pk,
            "user": person.pk,
            "organisation": org.pk,
            "role": "admin",
            "created_at": entry.details["values"]["created_at"],
        },
    }
    assert audit.verify().ok is True


def test_admin_membership_role_change_records_before_and_after(login, root):
    person = make_user()
    org = make_org(members=[person])
    membership = Membership.objects.get(user=person, organisation=org)
    client = login(root)
    url = f"/admin/organisations/organisation/{org.pk}/change/"
    data = form_data(client, url)
    data["memberships-0-role"] = "admin"

    assert client.post(url, data).status_code == 302

    [entry] = _admin_entries()
    assert (entry.action, entry.object_id) == (
        "admin.organisations.membership.changed",
        str(membership.pk),
    )
    assert entry.details["fields"] == {"role": {"before": "member", "after": "admin"}}


def test_admin_organisation_change_records_changed_fields(login, root):
    org = make_org(name="Old name")
    client = login(root)
    url = f"/admin/organisations/organisation/{org.pk}/change/"
    data = form_data(client, url)
    data["name"] = "New name"

    assert client.post(url, data).status_code == 302

    [entry] = _admin_entries()
    assert entry.action == "admin.organisations.organisation.changed"
    assert entry.details == {
        "via": "admin",
        "fields": {"name": {"before": "Old name", "after": "New name"}},
    }


def test_admin_save_without_changes_records_nothing(login, root):
    org = make_org()
    client = login(root)
    url = f"/admin/organisations/organisation/{org.pk}/change/"
    assert client.post(url, form_data(client, url)).status_code == 302
    assert _admin_entries() == []


def test_admin_conflict_deleted_by_superuser_is_audited(login, root):
    reviewer = make_user(email="reviewer@example.org", roles=["reviewer"])
    org = make_org(name="Applicant org")
    conflict = ReviewerConflict.objects.create(
        reviewer=reviewer, organisation=org, reason="Former employer"
    )
    client = login(root)

    response = client.post(
        f"/admin/network/reviewerconflict/{conflict.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert ReviewerConflict.objects.count() == 0
    [entry] = _admin_entries()
    assert (entry.action, entry.object_id) == (
        "admin.network.reviewerconflict.deleted",
        str(conflict.pk),
    )
    assert entry.details["values"]["reason"] == "Former employer"
    assert entry.details["values"]["reviewer"] == reviewer.pk
    assert entry.details["cascade"] == {}


def test_admin_bulk_delete_audits_each_object(login, root):
    orgs = [make_org(name=f"Spam {i}") for i in range(3)]
    make_user()  # unrelated
    member = make_user()
    Membership.objects.create(user=member, organisation=orgs[0])
    client = login(root)

    response = client.post(
        "/admin/organisations/organisation/",
        {"action": "delete_selected", "_selected_action": [o.pk for o in orgs], "post": "yes"},
    )

    assert response.status_code == 302
    assert Organisation.objects.count() == 0
    entries = _admin_entries()
    assert [(e.action, e.object_id) for e in entries] == [
        ("admin.organisations.organisation.deleted", str(o.pk)) for o in orgs
    ]
    # The membership that went with the first organisation is named, not lost silently.
    assert entries[0].details["cascade"] == {"organisations.membership": 1}


def test_admin_instalment_paid_is_read_only(login, root):
    award = make_award(make_cohort(), make_org(), instalments=2)
    client = login(root)
    url = f"/admin/network/award/{award.pk}/change/"
    data = form_data(client, url)
    # A hand-made post that claims the instalment fields anyway.
    data["instalments-0-paid_on"] = "2027-01-02"

    client.post(url, data)

    assert list(Instalment.objects.values_list("paid_on", flat=True)) == [None, None]
    body = client.get(url).content.decode()
    assert "record payments on the cohort&#x27;s grants page" in body


def test_admin_password_set_by_superuser_is_audited_without_the_hash(login, root):
    person = make_user(email="person@example.org")
    client = login(root)

    response = client.post(
        f"/admin/organisations/user/{person.pk}/password/",
        {"password1": "another horse battery 77", "password2": "another horse battery 77"},
    )

    assert response.status_code == 302
    [entry] = _admin_entries()
    assert (entry.action, entry.object_id, entry.details) == (
        "admin.organisations.user.password_set",
        str(person.pk),
        {"via": "admin"},
    )


def test_admin_user_change_redacts_password_hash(login, root):
    # Whole seconds: the admin's date-and-time widget drops microseconds, a change of its own.
    joined = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    person = make_user(email="person@example.org", date_joined=joined)
    client = login(root)
    url = f"/admin/organisations/user/{person.pk}/change/"
    data = form_data(client, url)
    data["display_name"] = "Renamed"
    data["is_staff"] = "on"

    assert client.post(url, data).status_code == 302

    [entry] = _admin_entries()
    assert entry.details["fields"] == {
        "display_name": {"before": person.display_name, "after": "Renamed"},
        "is_staff": {"before": False, "after": True},
    }
    assert PASSWORD not in str(entry.details)


def test_admin_group_permissions_change_is_audited(login, root):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Finance")
    perm = Permission.objects.get(codename="change_instalment")
    client = login(root)
    url = f"/admin/auth/group/{group.pk}/change/"
    data = form_data(client, url)
    data["permissions"] = [str(perm.pk)]

    assert client.post(url, data).status_code == 302

    [entry] = _admin_entries()
    assert (entry.action, entry.details["fields"]) == (
        "admin.auth.group.changed",
        {"permissions": {"before": [], "after": [perm.pk]}},
    )


def test_admin_audit_entry_in_same_transaction_as_change(login, root):
    # A change the database refuses leaves no entry behind, and an entry never outlives it.
    org = make_org(name="Taken")
    other = make_org(name="Other")
    client = login(root)
    url = f"/admin/organisations/organisation/{other.pk}/change/"
    data = form_data(client, url)
    data["slug"] = org.slug  # unique: the form refuses it before any write

    response = client.post(url, data)

    assert response.status_code == 200
    assert _admin_entries() == []


def test_admin_role_granted_by_superuser_goes_through_the_service(login, root):
    person = make_user(email="new.reviewer@example.org")
    client = login(root)

    response = client.post(
        "/admin/organisations/rolegrant/add/", {"user": person.pk, "role": "reviewer"}
    )

    assert response.status_code == 302
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [(e.action, e.object_id, e.details) for e in entries] == [
        ("role.granted", str(person.pk), {"role": "reviewer"})
    ]


def test_admin_user_created_by_superuser_is_audited_with_password_redacted(login, root):
    client = login(root)
    data = form_data(client, "/admin/organisations/user/add/")
    data.update(
        {
            "email": "made.in.admin@example.org",
            "username": "made.in.admin@example.org",
            "password1": "another horse battery 77",
            "password2": "another horse battery 77",
            "usable_password": "true",
        }
    )

    response = client.post("/admin/organisations/user/add/", data)

    assert response.status_code == 302
    [entry] = _admin_entries()
    assert entry.action == "admin.organisations.user.created"
    assert entry.details["values"]["email"] == "made.in.admin@example.org"
    assert entry.details["values"]["password"] == "[redacted]"
