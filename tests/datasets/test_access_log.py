"""The owners' access log: who read the dataset's non-open data, by which channel, when."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from datacollab.core import audit
from datacollab.datasets.services.audit_access import record_data_access
from tests.datasets.factories_access import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_data import grant, make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]


@pytest.fixture
def owner_user():
    return make_user(email="owner@example.org")


@pytest.fixture
def owner(owner_user):
    return make_org(name="Data Cargo", members=[owner_user])


@pytest.fixture
def fleet(owner):
    dataset = make_dataset(owner=owner, spectrum="named", slug="fleet", title="Fleet")
    make_version(dataset)
    return dataset


@pytest.fixture
def reader(fleet):
    person = make_user(email="planner@example.org")
    org = make_org(name="Borough of Camden", members=[person])
    org.slug = "camden"
    org.save(update_fields=["slug"])
    grant(fleet, user=person)
    return person


def _table_rows(html: str) -> int:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<td><time ")


def test_reads_on_every_channel_show_on_the_owners_page(login, owner_user, reader):
    client = login(reader)
    client.get("/datasets/fleet/v1/preview/")
    client.get("/datasets/fleet/v1/download.csv")
    client.get("/api/v1/datasets/fleet/versions/1/rows")

    page = login(owner_user).get("/datasets/fleet/access/log/")

    html = page.content.decode()
    assert page.status_code == 200
    assert _table_rows(html) == 3
    assert html.count("planner@example.org") == 3
    assert html.count("Borough of Camden") == 3
    assert "(api.rows)" in html
    assert "(download.csv)" in html
    assert "(preview)" in html


def test_access_log_filters_by_channel_person_organisation_and_dates(login, owner_user, reader):
    other = make_user(email="analyst@example.org")
    grant(reader_dataset := reader.dataset_grants.get().dataset, user=other)
    record_data_access(actor=reader, dataset=reader_dataset, version=1, channel="api.rows")
    record_data_access(actor=reader, dataset=reader_dataset, version=1, channel="download.csv")
    record_data_access(actor=other, dataset=reader_dataset, version=1, channel="preview")
    client = login(owner_user)
    today = timezone.localdate()

    def count(query: str) -> int:
        response = client.get("/datasets/fleet/access/log/?" + query)
        assert response.status_code == 200
        return _table_rows(response.content.decode())

    assert count("channel=api") == 1
    assert count("channel=download") == 1
    assert count("channel=page") == 1
    assert count("who=analyst") == 1
    assert count("who=camden") == 2  # the organisation's slug
    assert count("who=Borough") == 2  # part of its name
    assert count(f"since={today.isoformat()}&until={today.isoformat()}") == 3
    assert count(f"since={(today + dt.timedelta(days=1)).isoformat()}") == 0
    assert count(f"until={(today - dt.timedelta(days=1)).isoformat()}") == 0


def test_access_log_lists_only_reads_of_this_dataset(login, owner, owner_user, reader, fleet):
    elsewhere = make_dataset(owner=owner, spectrum="named")
    record_data_access(actor=reader, dataset=elsewhere, version=1, channel="preview")
    record_data_access(actor=reader, dataset=fleet, version=1, channel="preview")
    audit.record(action="dataset.access_granted", actor=owner_user, obj=fleet, details={})

    html = login(owner_user).get("/datasets/fleet/access/log/").content.decode()

    assert _table_rows(html) == 1


def test_access_log_is_for_owners_only(login, reader, fleet):
    assert login(reader).get("/datasets/fleet/access/log/").status_code == 403
    assert login(make_user()).get("/datasets/fleet/access/log/").status_code == 404
    assert login(reader).get("/datasets/fleet/access/log.csv").status_code == 403


def test_access_log_bad_date_range_is_400_with_message(login, owner_user, fleet):
    response = login(owner_user).get(
        "/datasets/fleet/access/log/?since=2026-05-02&until=2026-05-01"
    )

    assert response.status_code == 400
    assert "The end of the range is before its start." in response.content.decode()


def test_access_log_csv_is_filtered_and_formula_safe(login, owner_user, fleet):
    sly = make_user(email="=cmd@example.org")
    make_org(name="+Evil Org", members=[sly])
    grant(fleet, user=sly)
    record_data_access(actor=sly, dataset=fleet, version=1, channel="api.rows")
    record_data_access(actor=sly, dataset=fleet, version=1, channel="preview")
    record_data_access(actor=None, dataset=fleet, version=1, channel="cli")

    response = login(owner_user).get("/datasets/fleet/access/log.csv?channel=api")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["when", "person", "organisations", "channel", "version"]
    assert [row[1:] for row in rows[1:]] == [["'=cmd@example.org", "'+Evil Org", "api.rows", "1"]]


def test_access_log_csv_names_the_server_operator(login, owner_user, fleet):
    record_data_access(actor=None, dataset=fleet, version=1, channel="cli")

    response = login(owner_user).get("/datasets/fleet/access/log.csv?channel=export")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[1:] for row in rows[1:]] == [["server operator", "", "cli", "1"]]


def test_access_log_pages_by_fifty(login, owner_user, reader, fleet):
    for _ in range(51):
        record_data_access(actor=reader, dataset=fleet, version=1, channel="api.rows")
    client = login(owner_user)

    first = client.get("/datasets/fleet/access/log/?channel=api").content.decode()
    second = client.get("/datasets/fleet/access/log/?channel=api&page=2").content.decode()

    assert (_table_rows(first), _table_rows(second)) == (50, 1)
    assert 'href="?channel=api&amp;page=2"' in first


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_access_log_query_count_does_not_grow_with_readers(login, owner_user, fleet):
    def add_readers(n: int) -> None:
        for _ in range(n):
            person = make_user()
            make_org(members=[person])
            record_data_access(actor=person, dataset=fleet, version=1, channel="preview")

    client = login(owner_user)
    add_readers(2)
    few = _queries(client, "/datasets/fleet/access/log/")
    add_readers(20)
    many = _queries(client, "/datasets/fleet/access/log/")

    assert few == many
