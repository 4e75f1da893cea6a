"""The demo's data half: collaborations, agreements, datasets with real versions, and who may
read what. Loading twice changes nothing, files included."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.apps import apps
from django.core.management import call_command

from datacollab.collaborations.models import (
    Acceptance,
    Agreement,
    CollaborationMember,
    DataCollaboration,
    SelfAssessment,
)
from datacollab.collaborations.selectors import has_accepted_current
from datacollab.core.models import AuditEntry
from datacollab.datasets import rules
from datacollab.datasets.models import AccessGrant, Dataset, DatasetVersion, Upload
from datacollab.datasets.selectors.access import visible_datasets
from datacollab.datasets.storage import local_copy
from datacollab.demo import content, tables
from datacollab.demo.builder import load_demo
from datacollab.network.models import Application
from datacollab.organisations.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def datasets_storage(settings: Any, tmp_path: Path) -> Path:
    """Version files in a per-test folder, not in var/datasets."""
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "datasets")},
        },
    }
    return tmp_path / "datasets"


def _user(local: str) -> User:
    return User.objects.get(email=f"{local}@{content.DOMAIN}")


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_load_demo_twice_gives_identical_data_rows_and_files(datasets_storage: Path) -> None:
    load_demo()
    first = _counts()
    files = _files(datasets_storage)
    audit = AuditEntry.objects.count()

    load_demo()

    assert _counts() == first
    assert _files(datasets_storage) == files
    assert AuditEntry.objects.count() == audit
    assert {
        name: first[name]
        for name in [
            "collaborations.DataCollaboration",
            "collaborations.CollaborationMember",
            "collaborations.SelfAssessment",
            "collaborations.Agreement",
            "collaborations.AgreementVersion",
            "collaborations.Acceptance",
            "datasets.Dataset",
            "datasets.DatasetVersion",
            "datasets.Upload",
            "datasets.AccessGrant",
            "datasets.AccessRequest",
        ]
    } == {
        "collaborations.DataCollaboration": 6,
        "collaborations.CollaborationMember": 12,
        "collaborations.SelfAssessment": 5,
        "collaborations.Agreement": 2,
        "collaborations.AgreementVersion": 3,
        "collaborations.Acceptance": 8,  # the city planner's own, for aggregates
        "datasets.Dataset": 6,
        "datasets.DatasetVersion": 7,
        "datasets.Upload": 0,
        "datasets.AccessGrant": 1,
        "datasets.AccessRequest": 0,
    }
    assert len(files) == 7


def test_demo_collaborations_are_the_first_cohorts_linked_to_their_applications() -> None:
    load_demo()

    collaborations = DataCollaboration.objects.select_related("lead").order_by("slug")
    assert {c.name: (c.lead.name, c.status) for c in collaborations} == {
        "Caring for Equality in Buenos Aires’ Labour Market": ("Open Data Charter", "concluded"),
        "Data Cargo": ("Data Cargo", "active"),
        "MaaS-Peer": ("ITS Norway", "concluded"),
        "Open data for Non-communicable Diseases": ("iKure", "active"),
        "Packaging reuse data": ("Reath", "active"),
        "Shanghai FinTech Innovation Data Collaboration": ("Open Data China", "active"),
    }
    linked = Application.objects.filter(call__slug=content.FIRST.call_slug).values_list(
        "organisation__slug", "collaboration__lead__slug"
    )
    assert sorted(linked) == sorted((slug, slug) for slug, _lead in linked)
    assert len(linked) == 6
    data_cargo = CollaborationMember.objects.filter(collaboration__slug="data-cargo")
    assert sorted(data_cargo.values_list("organisation__name", "role")) == [
        ("CargoCycle Logistics", "data_provider"),
        ("Data Cargo", "steward"),
        ("Green Courier Co", "data_provider"),
        ("London Borough Transport Planning", "data_user"),
        ("Pedal Post", "data_provider"),
    ]
    assert SelfAssessment.objects.filter(collaboration__slug="data-cargo").count() == 5


def test_demo_pooled_agreement_has_two_versions_accepted_by_firms_and_planners() -> None:
    load_demo()

    agreement = Agreement.objects.get(slug="data-cargo-pooled-sensor-data-agreement")
    assert agreement.licence == "custom"
    assert agreement.terms == {
        "permitted_purposes": ["transport planning", "research"],
        "commercial_use": False,
        "onward_sharing": "none",
        "attribution": True,
        "retention_days": 365,
    }
    v1, v2 = agreement.versions.order_by("number")
    assert v1.text_hash != v2.text_hash
    accepted = Acceptance.objects.filter(version__agreement=agreement)
    assert Counter(accepted.values_list("version__number", "organisation__slug")) == {
        (1, "pedal-post"): 1,
        (1, "green-courier-co"): 1,
        (1, "cargocycle-logistics"): 1,
        (2, "pedal-post"): 1,
        (2, "green-courier-co"): 1,
        (2, "cargocycle-logistics"): 1,
        (2, "london-borough-transport-planning"): 1,
        (2, None): 1,  # the city planner, for themselves: aggregates only
    }
    assert has_accepted_current(_user("planner"), agreement)
    reuse = Agreement.objects.get(slug="packaging-reuse-open-data-agreement")
    assert (reuse.licence, reuse.versions.count()) == ("CC-BY-4.0", 1)


def test_demo_sensor_dataset_is_group_data_with_two_versions_of_the_generator() -> None:
    load_demo()

    dataset = Dataset.objects.get(slug="data-cargo-sensors")
    assert (dataset.spectrum, dataset.owner.slug, dataset.collaboration.slug) == (
        "group",
        "data-cargo",
        "data-cargo",
    )
    assert dataset.agreement.slug == "data-cargo-pooled-sensor-data-agreement"
    v1, v2 = DatasetVersion.objects.filter(dataset=dataset).order_by("number")
    assert (v1.row_count, v2.row_count) == (
        tables.sensors_first_weeks().num_rows,
        tables.sensors().num_rows,
    )
    assert v1.row_count < v2.row_count
    assert v2.report["valid"] is True
    assert v2.schema["primaryKey"] == ["trip_id"]
    with local_copy(v2) as path:
        stored = pq.read_table(path)
    # Stored as ingest writes it: datetimes in UTC without a zone.
    assert stored.schema.field("started_at").type == pa.timestamp("us")
    assert stored.cast(tables.sensors().schema).equals(tables.sensors())


def test_demo_has_every_spectrum_level_and_open_data_anyone_may_read() -> None:
    load_demo()

    levels = Counter(Dataset.objects.values_list("spectrum", flat=True))
    assert levels == {"open": 2, "public": 1, "group": 1, "named": 1, "closed": 1}
    for dataset in Dataset.objects.filter(spectrum="open"):
        assert dataset.licence == "CC-BY-4.0"
        assert rules.data_access(None, dataset).allowed
        version = dataset.versions.get()
        with local_copy(version) as path:
            assert pq.read_metadata(path).num_rows == version.row_count
    assert sorted(visible_datasets(None).values_list("slug", flat=True)) == [
        "buenos-aires-labour-market-by-sex",
        "data-cargo-zone-summaries",
    ]


def test_demo_firms_and_planners_read_the_sensors_and_the_outsider_does_not() -> None:
    load_demo()
    sensors = Dataset.objects.get(slug="data-cargo-sensors")

    for local in ["pedal-post", "green-courier-co", "cargocycle-logistics", "planner"]:
        assert rules.data_access(_user(local), sensors).allowed, local
    outsider = _user("outsider")
    # Listed: the outsider finds the sensors and may ask for access, but reads nothing.
    assert rules.can_see(outsider, sensors)
    assert rules.data_access(outsider, sensors).action == "request"
    assert sorted(visible_datasets(outsider).values_list("slug", flat=True)) == [
        "buenos-aires-labour-market-by-sex",
        "data-cargo-sensors",
        "data-cargo-zone-summaries",
        "packaging-reuse-events",
    ]
    public = Dataset.objects.get(slug="packaging-reuse-events")
    assert rules.data_access(outsider, public).action == "accept"


def test_demo_named_and_closed_data_reach_only_the_grantee_and_the_owner() -> None:
    load_demo()
    named = Dataset.objects.get(slug="ikure-ncd-screening-counts")
    closed = Dataset.objects.get(slug="shanghai-sme-lending")

    assert list(AccessGrant.objects.values_list("dataset__slug", "organisation__slug")) == [
        ("ikure-ncd-screening-counts", "kolkata-ncd-research-network")
    ]
    assert rules.data_access(_user("researcher"), named).allowed
    assert rules.data_access(_user("pedal-post"), named).allowed is False
    assert rules.data_access(_user("open-data-china"), closed).allowed
    assert [
        who for who in ["researcher", "planner", "ikure"] if rules.can_see(_user(who), closed)
    ] == []


def test_demo_audit_log_verifies_after_two_loads_and_records_publications_once() -> None:
    load_demo()
    load_demo()
    out = io.StringIO()

    call_command("audit", "verify", stdout=out)

    assert out.getvalue().startswith("audit log OK")
    actions = Counter(AuditEntry.objects.values_list("action", flat=True))
    assert {
        name: actions[name]
        for name in [
            "collaboration.created",
            "agreement.created",
            "agreement.revised",
            "agreement.accepted",
            "dataset.created",
            "dataset.updated",
            "dataset.version_published",
            "dataset.access_granted",
        ]
    } == {
        "collaboration.created": 6,
        "agreement.created": 2,
        "agreement.revised": 1,
        "agreement.accepted": 8,
        "dataset.created": 6,
        "dataset.updated": 0,
        "dataset.version_published": 7,
        "dataset.access_granted": 1,
    }
    assert Upload.objects.count() == 0


def test_demo_command_lists_the_data_logins() -> None:
    out = io.StringIO()

    call_command("demo", load_only=True, stdout=out)

    text = out.getvalue()
    for local in ["data-cargo", "pedal-post", "planner", "researcher", "outsider"]:
        assert f"{local}@{content.DOMAIN}" in text
