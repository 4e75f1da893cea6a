"""Creating and editing datasets: who may, licences, spectrum rules, audit."""

from __future__ import annotations

import datetime as dt

import pytest

from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.core.models import AuditEntry
from datacollab.datasets import licences
from datacollab.datasets.services.datasets import clean_terms, create_dataset, update_dataset
from tests.factories import make_org, make_user
from tests.factories_data import make_agreement, make_collaboration, make_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return make_user()


@pytest.fixture
def org(person):
    return make_org(name="Data Cargo", members=[person])


def test_create_dataset_by_member_audited_with_slug_from_title(person, org):
    ds = create_dataset(
        actor=person,
        owner=org,
        title="  Cargo  bike sensors ",
        keywords="speed, Speed, , load",
        themes=["transport"],
        licence="cc-by-4.0",
        spectrum="open",
    )
    assert (ds.slug, ds.title, ds.keywords, ds.themes, ds.licence, ds.created_by) == (
        "cargo-bike-sensors",
        "Cargo bike sensors",
        ["speed", "load"],
        ["transport"],
        "CC-BY-4.0",
        person,
    )
    entry = AuditEntry.objects.get(action="dataset.created")
    assert (entry.object_id, entry.details) == (
        str(ds.pk),
        {"slug": "cargo-bike-sensors", "owner": org.pk, "spectrum": "open"},
    )


def test_create_dataset_second_same_title_gets_numbered_slug(person, org):
    create_dataset(actor=person, owner=org, title="Readings")
    assert create_dataset(actor=person, owner=org, title="Readings").slug == "readings-2"


def test_create_dataset_chosen_slug_taken_or_reserved_refused(person, org):
    create_dataset(actor=person, owner=org, title="A", slug="fleet")
    with pytest.raises(Conflict, match="The address “fleet” is taken"):
        create_dataset(actor=person, owner=org, title="B", slug="fleet")
    with pytest.raises(DomainError, match="“new” cannot be used as a web address"):
        create_dataset(actor=person, owner=org, title="C", slug="new")


def test_create_dataset_by_non_member_refused(org):
    with pytest.raises(NotAllowed, match="Only members of Data Cargo may create datasets"):
        create_dataset(actor=make_user(), owner=org, title="X")


def test_create_dataset_open_needs_open_licence(person, org):
    with pytest.raises(DomainError, match="Open data needs an open licence") as refused:
        create_dataset(actor=person, owner=org, title="X", spectrum="open", licence="C-UDA-1.0")
    assert refused.value.field == "licence"
    with pytest.raises(DomainError, match="“no licence” is not one"):
        create_dataset(actor=person, owner=org, title="X", spectrum="open", licence="")
    with pytest.raises(DomainError, match="Open data needs an open licence"):
        create_dataset(
            actor=person, owner=org, title="X", spectrum="open", licence="LicenseRef-ours"
        )


def test_create_dataset_unknown_licence_refused(person, org):
    with pytest.raises(DomainError, match="“CC-BY4” is not a licence identifier we know"):
        create_dataset(actor=person, owner=org, title="X", licence="CC-BY4")


def test_create_dataset_own_licence_ref_accepted_when_not_open(person, org):
    ds = create_dataset(actor=person, owner=org, title="X", licence="LicenseRef-cargo-terms")
    assert ds.licence == "LicenseRef-cargo-terms"


def test_create_dataset_group_needs_collaboration_of_owner(person, org):
    with pytest.raises(DomainError, match="Group data is shared with the members"):
        create_dataset(actor=person, owner=org, title="X", spectrum="group")
    foreign = make_collaboration(lead=make_org())
    with pytest.raises(DomainError, match="Data Cargo is not a member of the collaboration"):
        create_dataset(actor=person, owner=org, title="X", spectrum="group", collaboration=foreign)
    mine = make_collaboration(lead=make_org(), members=[(org, "data_provider")])
    ds = create_dataset(actor=person, owner=org, title="X", spectrum="group", collaboration=mine)
    assert ds.collaboration == mine


def test_create_dataset_agreement_of_foreign_collaboration_or_on_open_data_refused(person, org):
    mine = make_collaboration(lead=org)
    foreign_agreement = make_agreement(collaboration=make_collaboration(), title="Theirs")
    with pytest.raises(DomainError, match="“Theirs” belongs to a collaboration Data Cargo"):
        create_dataset(actor=person, owner=org, title="X", agreement=foreign_agreement)
    own = make_agreement(collaboration=mine)
    with pytest.raises(DomainError, match="Open data is for anyone, without an account"):
        create_dataset(
            actor=person, owner=org, title="X", spectrum="open", licence="CC0-1.0", agreement=own
        )


def test_create_dataset_coverage_must_not_end_before_start(person, org):
    with pytest.raises(DomainError, match="The coverage ends before it starts"):
        create_dataset(
            actor=person,
            owner=org,
            title="X",
            temporal_start=dt.date(2024, 2, 1),
            temporal_end=dt.date(2024, 1, 1),
        )


def test_create_dataset_listed_only_kept_for_named_and_group(person, org):
    assert create_dataset(actor=person, owner=org, title="A", listed=True).listed is False
    named = create_dataset(actor=person, owner=org, title="B", spectrum="named", listed=True)
    assert named.listed is True


def test_update_dataset_audits_changed_fields_only(person, org):
    ds = create_dataset(actor=person, owner=org, title="Fleet", spectrum="closed")
    update_dataset(actor=person, dataset=ds, title="Fleet", spectrum="named", licence="CC0-1.0")
    ds.refresh_from_db()
    assert (ds.spectrum, ds.licence) == ("named", "CC0-1.0")
    entry = AuditEntry.objects.get(action="dataset.updated")
    assert entry.details == {
        "changed": {"spectrum": ["closed", "named"], "licence": ["", "CC0-1.0"]}
    }


def test_update_dataset_without_change_writes_nothing(person, org):
    ds = create_dataset(actor=person, owner=org, title="Fleet")
    update_dataset(actor=person, dataset=ds, title="Fleet")
    assert AuditEntry.objects.filter(action="dataset.updated").count() == 0


def test_update_dataset_to_open_keeps_licence_rule(person, org):
    ds = create_dataset(actor=person, owner=org, title="Fleet", licence="C-UDA-1.0")
    with pytest.raises(DomainError, match="Open data needs an open licence"):
        update_dataset(actor=person, dataset=ds, spectrum="open")
    ds.refresh_from_db()
    assert ds.spectrum == "closed"


def test_update_dataset_by_stranger_is_404_and_by_viewer_403(org):
    ds = make_dataset(owner=org, spectrum="closed")
    with pytest.raises(NotFound):
        update_dataset(actor=make_user(), dataset=ds, title="Mine")
    public = make_dataset(owner=org, spectrum="public")
    with pytest.raises(NotAllowed, match="Only members of the owning organisation"):
        update_dataset(actor=make_user(), dataset=public, title="Mine")


def test_update_dataset_unknown_field_is_a_programming_error(person, org):
    ds = create_dataset(actor=person, owner=org, title="Fleet")
    with pytest.raises(TypeError):
        update_dataset(actor=person, dataset=ds, owner=make_org())


def test_clean_terms_trims_and_deduplicates_ignoring_case():
    assert clean_terms(" a ,b,  A, c  d ,") == ["a", "b", "c d"]


def test_licences_canonical_and_open():
    assert (licences.canonical("odbl-1.0"), licences.is_open("ODbL-1.0")) == ("ODbL-1.0", True)
    assert (licences.canonical("C-UDA-1.0"), licences.is_open("C-UDA-1.0")) == (
        "C-UDA-1.0",
        False,
    )
    assert licences.canonical("GPL-3.0") is None
