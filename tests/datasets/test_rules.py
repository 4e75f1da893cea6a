"""The Data Spectrum rule, level by level, role by role."""

from __future__ import annotations

import pytest

from datacollab.datasets import rules
from datacollab.datasets.selectors.access import visible_datasets
from tests.factories import make_org, make_user
from tests.factories_data import (
    accept,
    add_agreement_version,
    grant,
    make_agreement,
    make_collaboration,
    make_dataset,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    owner_user, member_user, grantee, other = (make_user() for _ in range(4))
    owner = make_org(members=[owner_user])
    partner = make_org(members=[member_user])
    outsider_org = make_org(members=[other])
    collab = make_collaboration(lead=owner, members=[(partner, "data_user")])
    make_collaboration(lead=outsider_org)
    datasets = {
        level: make_dataset(owner=owner, collaboration=collab, spectrum=level, slug=level)
        for level in ("closed", "named", "group", "public", "open")
    }
    grant(datasets["named"], user=grantee)
    return {
        "anonymous": None,
        "registered": make_user(),
        "other": other,
        "member": member_user,
        "grantee": grantee,
        "owner": owner_user,
        "datasets": datasets,
    }


EXPECTED_READ = {
    "anonymous": {"open"},
    "registered": {"open", "public"},
    "other": {"open", "public"},
    "member": {"open", "public", "group"},
    "grantee": {"open", "public", "named"},
    "owner": {"open", "public", "group", "named", "closed"},
}


@pytest.mark.parametrize("role", list(EXPECTED_READ))
def test_data_access_by_spectrum_level(world, role):
    user = world[role]
    readable = {
        level for level, ds in world["datasets"].items() if rules.data_access(user, ds).allowed
    }
    assert readable == EXPECTED_READ[role]


@pytest.mark.parametrize("role", list(EXPECTED_READ))
def test_visible_datasets_query_matches_rule(world, role):
    user = world[role]
    by_rule = {level for level, ds in world["datasets"].items() if rules.can_see(user, ds)}
    by_query = set(visible_datasets(user).values_list("slug", flat=True))
    assert by_query == by_rule == EXPECTED_READ[role]


def test_listed_group_dataset_shows_metadata_not_data(world):
    ds = world["datasets"]["group"]
    ds.listed = True
    ds.save()
    registered = world["registered"]
    assert rules.can_see(registered, ds) is True
    assert list(
        visible_datasets(registered).filter(slug="group").values_list("slug", flat=True)
    ) == ["group"]
    assert rules.data_access(registered, ds) == rules.DataAccess(
        False, "This dataset is shared only with people the owner admits.", "request"
    )
    assert rules.can_see(None, ds) is False


def test_agreement_must_be_accepted_and_reaccepted_after_change(world):
    ds = world["datasets"]["public"]
    ds.agreement = make_agreement(collaboration=ds.collaboration, title="Cargo terms")
    ds.save()
    user = world["registered"]
    refused = rules.data_access(user, ds)
    assert (refused.allowed, refused.action) == (False, "accept")
    accept(ds.agreement, user)
    assert rules.data_access(user, ds).allowed is True
    add_agreement_version(ds.agreement, "New terms: no onward sharing.")
    assert rules.data_access(user, ds).allowed is False


def test_acceptance_on_behalf_of_organisation_covers_its_members(world):
    ds = world["datasets"]["public"]
    ds.agreement = make_agreement(collaboration=ds.collaboration)
    ds.save()
    colleague, signer = make_user(), make_user()
    org = make_org(members=[colleague, signer])
    accept(ds.agreement, signer, organisation=org)
    assert rules.data_access(colleague, ds).allowed is True
