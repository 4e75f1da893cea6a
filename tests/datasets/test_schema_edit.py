"""Editing the schema of the latest version: the forms, the service and the owner's page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.datasets.models import DatasetVersion
from datacollab.datasets.services.schema_edit import check_schema_edit, publish_schema_edit
from tests.datasets.factories_ingest import (
    ingest_dirs_fixture,  # noqa: F401 - a fixture, used by name
    owner_and_dataset,
    parse_and_publish,
    upload_bytes,
)
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db

CSV = b"id,vehicle,speed\n1,bike-1,12.5\n2,bike-2,20.0\n3,NA,7.25\n"


@pytest.fixture
def published(ingest_dirs):
    owner, dataset = owner_and_dataset(spectrum="open")
    upload = upload_bytes(actor=owner, dataset=dataset, data=CSV, name="bikes.csv")
    version = parse_and_publish(upload)
    return owner, dataset, version


def _edited(version: DatasetVersion, name: str, **changes) -> dict:
    schema = {**version.schema, "fields": [dict(f) for f in version.schema["fields"]]}
    for f in schema["fields"]:
        if f["name"] == name:
            f.update(changes)
    return schema


def _url(dataset) -> str:
    return reverse("dataset-schema-edit", kwargs={"slug": dataset.slug})


# --- the service ---------------------------------------------------------------------------


def test_check_schema_edit_passes_when_the_data_meets_it(published):
    owner, dataset, version = published
    schema = _edited(version, "speed", constraints={"maximum": 25})
    check = check_schema_edit(actor=owner, dataset=dataset, schema=schema)
    assert (check.valid, check.refusal, check.base) == (True, "", version)
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 1


def test_check_schema_edit_reports_the_rows_that_break_it(published):
    owner, dataset, version = published
    schema = _edited(version, "speed", constraints={"maximum": 10})
    check = check_schema_edit(actor=owner, dataset=dataset, schema=schema)
    assert check.valid is False
    errors = check.report["tasks"][0]["errors"]
    assert [(e["type"], e["rowNumber"], e["fieldName"]) for e in errors] == [
        ("constraint-error", 2, "speed"),
        ("constraint-error", 3, "speed"),
    ]


def test_publish_schema_edit_makes_a_new_version_of_the_same_rows(published):
    owner, dataset, version = published
    schema = _edited(version, "id", type="string", description="Bike number")
    schema["fields"][1]["constraints"] = {"unique": True}
    schema["missingValues"] = ["", "NA"]
    new = publish_schema_edit(actor=owner, dataset=dataset, base_number=1, schema=schema)
    assert (new.number, new.row_count, new.schema) == (2, 3, schema)
    assert (new.source_name, new.detected["schema_edited_from"]) == ("bikes.csv", 1)
    assert new.report["valid"] is True
    old = DatasetVersion.objects.get(pk=version.pk)
    assert (old.schema, old.checksum) == (version.schema, version.checksum)
    rows = Client().get(f"/api/v1/datasets/{dataset.slug}/versions/2/rows").json()["rows"]
    assert rows == [
        {"id": "1", "vehicle": "bike-1", "speed": 12.5},
        {"id": "2", "vehicle": "bike-2", "speed": 20.0},
        {"id": "3", "vehicle": None, "speed": 7.25},
    ]
    entry = AuditEntry.objects.get(action="dataset.schema_edited")
    assert (entry.actor_id, entry.details["from_version"], entry.details["version"]) == (
        owner.pk,
        1,
        2,
    )
    assert entry.details["changes"]["changed"] == [
        {"name": "id", "from": "integer", "to": "string"}
    ]


def test_publish_schema_edit_refuses_data_that_breaks_it(published):
    owner, dataset, version = published
    schema = _edited(version, "speed", constraints={"maximum": 10})
    with pytest.raises(DomainError) as refused:
        publish_schema_edit(actor=owner, dataset=dataset, base_number=1, schema=schema)
    assert refused.value.message == (
        "The stored data does not meet the edited schema (2 errors): nothing was published. "
        "Check the schema to see the errors, then relax it."
    )
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 1


def test_publish_schema_edit_refuses_an_unchanged_schema(published):
    owner, dataset, version = published
    with pytest.raises(DomainError) as refused:
        publish_schema_edit(actor=owner, dataset=dataset, base_number=1, schema=version.schema)
    assert refused.value.message == "The schema is unchanged: there is nothing to publish."


def test_publish_schema_edit_refuses_a_stale_base_version(published):
    owner, dataset, version = published
    schema = _edited(version, "speed", constraints={"maximum": 25})
    publish_schema_edit(actor=owner, dataset=dataset, base_number=1, schema=schema)
    with pytest.raises(Conflict) as refused:
        publish_schema_edit(actor=owner, dataset=dataset, base_number=1, schema=version.schema)
    assert refused.value.message.startswith("Version 2 was published after you started editing")


def test_schema_edit_refuses_renamed_or_reordered_fields(published):
    owner, dataset, version = published
    schema = {**version.schema, "fields": list(reversed(version.schema["fields"]))}
    with pytest.raises(DomainError) as refused:
        check_schema_edit(actor=owner, dataset=dataset, schema=schema)
    assert refused.value.message.startswith(
        "The fields must stay those of the data, in its order (id, vehicle, speed)"
    )


def test_schema_edit_refuses_an_unusable_schema(published):
    owner, dataset, version = published
    schema = _edited(version, "id", type="colour")
    with pytest.raises(DomainError) as refused:
        check_schema_edit(actor=owner, dataset=dataset, schema=schema)
    assert refused.value.message == (
        "The schema cannot be used: field 'id': unknown type 'colour'; "
        "primary key field 'id' is not one of the fields."
    )


def test_schema_edit_refused_to_a_non_owner(published):
    _, dataset, version = published
    reader = make_user()
    make_org(members=[reader])
    schema = _edited(version, "speed", constraints={"maximum": 25})
    with pytest.raises(NotAllowed):
        check_schema_edit(actor=reader, dataset=dataset, schema=schema)
    with pytest.raises(NotAllowed):
        publish_schema_edit(actor=reader, dataset=dataset, base_number=1, schema=schema)
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 1


# --- the page ------------------------------------------------------------------------------


def _form_data(version: DatasetVersion, **overrides) -> dict:
    """What the page posts when nothing is edited, with `overrides` (e.g. f-2-maximum)."""
    fields = version.schema["fields"]
    data = {
        "base_version": str(version.number),
        "missing_empty": "on",
        "missing_values": "",
        "f-TOTAL_FORMS": str(len(fields)),
        "f-INITIAL_FORMS": str(len(fields)),
        "f-MIN_NUM_FORMS": "0",
        "f-MAX_NUM_FORMS": "4096",
        "action": "check",
    }
    for i, f in enumerate(fields):
        data[f"f-{i}-name"] = f["name"]
        data[f"f-{i}-type"] = f["type"]
        data[f"f-{i}-format"] = f.get("format", "default")
        if f.get("constraints", {}).get("required"):
            data[f"f-{i}-required"] = "on"
    data.update(overrides)
    return data


def test_schema_page_linked_from_the_dataset_page_for_owners_only(published, login):
    owner, dataset, _ = published
    detail = reverse("dataset-detail", kwargs={"slug": dataset.slug})
    assert f'href="{_url(dataset)}"' in login(owner).get(detail).text
    assert f'href="{_url(dataset)}"' not in login(make_user()).get(detail).text


def test_schema_page_shows_the_fields_of_the_latest_version(published, login):
    owner, dataset, _ = published
    response = login(owner).get(_url(dataset))
    assert response.status_code == 200
    initial = [form.initial for form in response.context["field_forms"].forms]
    assert [(i["name"], i["type"]) for i in initial] == [
        ("id", "integer"),
        ("vehicle", "string"),
        ("speed", "number"),
    ]


def test_schema_page_check_then_publish(published, login):
    owner, dataset, version = published
    client = login(owner)
    data = _form_data(version, **{"f-2-maximum": "25", "f-2-description": "km/h"})
    checked = client.post(_url(dataset), data)
    assert checked.status_code == 200
    assert checked.context["check"].valid is True
    assert "Publish as version 2" in checked.text
    assert checked.context["base"].row_count > 0
    assert (
        f"Publishing makes these {checked.context['base'].row_count} rows, under the edited "
        "schema, version 2: the dataset's current version for everyone who can read it. A "
        "published version cannot be withdrawn or changed." in " ".join(checked.text.split())
    )
    published_response = client.post(_url(dataset), data | {"action": "publish"})
    assert published_response.status_code == 302
    new = DatasetVersion.objects.get(dataset=dataset, number=2)
    speed = new.schema["fields"][2]
    assert (speed["constraints"], speed["description"]) == (
        {"required": True, "maximum": 25},
        "km/h",
    )


def test_schema_page_check_shows_errors_and_no_publish_button(published, login):
    owner, dataset, version = published
    response = login(owner).post(_url(dataset), _form_data(version, **{"f-2-maximum": "10"}))
    assert response.status_code == 200
    assert response.context["check_error_count"] == 2
    assert "Publish as version" not in response.text


def test_schema_page_missing_values_and_primary_key(published, login):
    owner, dataset, version = published
    data = _form_data(version, missing_values="-999\nn/a", primary_key=["id"], action="publish")
    response = login(owner).post(_url(dataset), data)
    assert response.status_code == 302
    new = DatasetVersion.objects.get(dataset=dataset, number=2)
    assert (new.schema["missingValues"], new.schema["primaryKey"]) == (["", "-999", "n/a"], ["id"])


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"f-0-minimum": "abc"}, "minimum", "“abc” is not a integer."),
        ({"f-1-pattern": "(unclosed"}, "pattern", "Not a valid regular expression:"),
        ({"f-0-min_length": "2"}, "min_length", "A integer field takes no “minLength” constraint."),
        ({"f-0-type": "colour"}, "type", "Select a valid choice."),
        ({"f-1-min_length": "5", "f-1-max_length": "2"}, "max_length", "The max length is below"),
    ],
)
def test_schema_page_bad_input_is_a_form_error_not_a_500(
    published, login, overrides, field, message
):
    owner, dataset, version = published
    response = login(owner).post(_url(dataset), _form_data(version, **overrides))
    assert response.status_code == 400
    errors = [
        e for form in response.context["field_forms"].forms for e in form.errors.get(field, [])
    ]
    assert len(errors) == 1
    assert errors[0].startswith(message)
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 1


def test_schema_page_refuses_fields_that_are_not_the_datas(published, login):
    owner, dataset, version = published
    response = login(owner).post(_url(dataset), _form_data(version, **{"f-0-name": "other"}))
    assert response.status_code == 409
    assert "The fields on the form are not those of the latest version" in response.text


def test_schema_page_truncated_formset_is_a_form_error(published, login):
    owner, dataset, version = published
    response = login(owner).post(_url(dataset), _form_data(version, **{"f-TOTAL_FORMS": "x"}))
    assert response.status_code in (400, 409)


def test_schema_page_refused_to_a_reader_who_is_not_owner(published, login):
    _, dataset, version = published
    reader = make_user()
    make_org(members=[reader])
    client = login(reader)
    assert client.get(_url(dataset)).status_code == 403
    response = client.post(_url(dataset), _form_data(version, action="publish", primary_key="id"))
    assert response.status_code == 403
    assert "Only members of the owning organisation may edit the schema." in response.text
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 1


def test_schema_page_hidden_from_those_who_cannot_see_the_dataset(ingest_dirs, login):
    owner, dataset = owner_and_dataset(spectrum="closed")
    upload = upload_bytes(actor=owner, dataset=dataset, data=CSV)
    parse_and_publish(upload)
    assert login(make_user()).get(_url(dataset)).status_code == 404


def test_schema_page_sends_anonymous_to_login(published):
    _, dataset, _ = published
    response = Client().get(_url(dataset))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_schema_page_without_a_version_explains(ingest_dirs, login):
    owner, dataset = owner_and_dataset()
    response = login(owner).get(_url(dataset))
    assert response.status_code == 400
    assert "This dataset has no version yet: upload data first." in response.text
