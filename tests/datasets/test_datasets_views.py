"""The dataset page, its preview and downloads: access by level, refusals, audit, CSV escaping."""

from __future__ import annotations

import csv
import io

import pyarrow.parquet as pq
import pytest

from datacollab.core.models import AuditEntry
from tests.datasets.factories_access import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_data import accept, make_agreement, make_collaboration, make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]


def _accessed() -> list[tuple[str, str, dict]]:
    return [
        (e.actor_label, e.object_repr, e.details)
        for e in AuditEntry.objects.filter(action="dataset.accessed").order_by("seq")
    ]


@pytest.fixture
def owner_user():
    return make_user(email="owner@example.org")


@pytest.fixture
def owner(owner_user):
    return make_org(name="Data Cargo", members=[owner_user])


def test_dataset_page_open_shows_metadata_versions_schema_and_preview(client, owner):
    ds = make_dataset(owner=owner, spectrum="open", licence="CC-BY-4.0", title="Bike counts")
    version = make_version(ds)
    response = client.get(f"/datasets/{ds.slug}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Bike counts" in body
    assert version.checksum[:10] in body
    assert "<code>station</code>" in body
    assert "<td>north</td>" in body
    assert f"/datasets/{ds.slug}/v1/download.csv" in body
    # Open data: nothing to record.
    assert _accessed() == []


def test_dataset_page_missing_or_invisible_is_404(client, owner):
    closed = make_dataset(owner=owner, spectrum="closed", title="Secret fleet")
    assert client.get("/datasets/nope/").status_code == 404
    response = client.get(f"/datasets/{closed.slug}/")
    assert response.status_code == 404
    assert "Secret fleet" not in response.content.decode()


def test_dataset_page_owner_preview_of_closed_data_is_audited(login, owner, owner_user):
    ds = make_dataset(owner=owner, spectrum="closed", title="Fleet")
    make_version(ds)
    response = login(owner_user).get(f"/datasets/{ds.slug}/")
    assert response.status_code == 200
    assert "<td>north</td>" in response.content.decode()
    assert _accessed() == [
        ("owner@example.org", "Fleet", {"channel": "page.preview", "version": 1})
    ]


def test_dataset_page_listed_named_shows_request_link_not_data(login, owner):
    ds = make_dataset(owner=owner, spectrum="named", listed=True)
    make_version(ds)
    response = login(make_user()).get(f"/datasets/{ds.slug}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<td>north</td>" not in body
    assert f'href="/datasets/{ds.slug}/request/"' in body
    assert _accessed() == []


def test_preview_public_data_anonymous_is_404_title_hidden(client, owner):
    # Public data is for registered people: to others it does not exist.
    ds = make_dataset(owner=owner, spectrum="public", title="Bike readings")
    make_version(ds)
    response = client.get(f"/datasets/{ds.slug}/v1/preview/")
    assert response.status_code == 404
    assert "Bike readings" not in response.content.decode()
    assert _accessed() == []


def test_preview_needs_agreement_accepted_then_audited(login, owner):
    collab = make_collaboration(lead=owner)
    agreement = make_agreement(collaboration=collab, title="Cargo terms", slug="cargo-terms")
    ds = make_dataset(owner=owner, spectrum="public", agreement=agreement, title="Readings")
    make_version(ds)
    reader = make_user(email="reader@example.org")
    client = login(reader)
    refused = client.get(f"/datasets/{ds.slug}/v1/preview/")
    assert refused.status_code == 403
    assert "/collaborations/agreements/cargo-terms/" in refused.content.decode()
    accept(agreement, reader)
    allowed = client.get(f"/datasets/{ds.slug}/v1/preview/")
    assert allowed.status_code == 200
    assert _accessed() == [("reader@example.org", "Readings", {"channel": "preview", "version": 1})]


def test_preview_missing_version_is_404(client, owner):
    ds = make_dataset(owner=owner, spectrum="open")
    assert client.get(f"/datasets/{ds.slug}/v3/preview/").status_code == 404


def test_download_csv_streams_rows_with_header(client, owner):
    ds = make_dataset(owner=owner, spectrum="open")
    make_version(ds)
    response = client.get(f"/datasets/{ds.slug}/v1/download.csv")
    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Disposition"] == f'attachment; filename="{ds.slug}-v1.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [["station", "pm25"], ["north", "12.5"], ["south", "8"], ["east", "15.25"]]


def test_download_csv_escapes_formula_cells(client, owner):
    ds = make_dataset(owner=owner, spectrum="open")
    cells = ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\ry", "plain", "a=b", ""]
    make_version(ds, {"note": cells, "n": list(range(-4, 5))})
    response = client.get(f"/datasets/{ds.slug}/v1/download.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))
    assert [row[0] for row in rows] == [
        "note",
        "'=SUM(A1)",
        "'+1",
        "'-2",
        "'@cmd",
        "'\tx",
        "'\ry",
        "plain",
        "a=b",
        "",
    ]
    # Numbers are numbers, not formulas: a negative number stays as it is.
    assert rows[1][1] == "-4"


def test_csv_chunks_in_several_batches_have_one_header(owner):
    from datacollab.datasets.selectors.datasets import csv_chunks

    ds = make_dataset(owner=owner, spectrum="open")
    version = make_version(ds, {"n": list(range(5))})
    chunks = list(csv_chunks(version, batch_rows=2))
    assert chunks == [b'"n"\n0\n1\n', b"2\n3\n", b"4\n"]


def test_csv_chunks_of_empty_version_is_the_header(owner):
    from datacollab.datasets.selectors.datasets import csv_chunks

    ds = make_dataset(owner=owner, spectrum="open")
    version = make_version(ds, {"n": []})
    assert b"".join(csv_chunks(version)) == b'"n"\n'


def test_download_parquet_is_the_stored_file_and_audited(login, owner, owner_user):
    ds = make_dataset(owner=owner, spectrum="group", title="Fleet")
    version = make_version(ds)
    response = login(owner_user).get(f"/datasets/{ds.slug}/v1/download.parquet")
    data = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{ds.slug}-v1.parquet"'
    assert len(data) == version.byte_size
    assert pq.read_table(io.BytesIO(data)).column("station").to_pylist() == [
        "north",
        "south",
        "east",
    ]
    assert _accessed() == [
        ("owner@example.org", "Fleet", {"channel": "download.parquet", "version": 1})
    ]


def test_download_csv_of_group_data_by_member_is_audited_and_by_stranger_refused(login, owner):
    member = make_user(email="member@example.org")
    partner = make_org(members=[member])
    collab = make_collaboration(lead=owner, members=[(partner, "data_user")])
    ds = make_dataset(owner=owner, spectrum="group", collaboration=collab, title="Fleet")
    make_version(ds)
    assert login(member).get(f"/datasets/{ds.slug}/v1/download.csv").status_code == 200
    assert login(make_user()).get(f"/datasets/{ds.slug}/v1/download.csv").status_code == 404
    assert _accessed() == [
        ("member@example.org", "Fleet", {"channel": "download.csv", "version": 1})
    ]


def test_download_listed_group_data_by_registered_is_403_with_request_link(login, owner):
    collab = make_collaboration(lead=owner)
    ds = make_dataset(owner=owner, spectrum="group", collaboration=collab, listed=True)
    make_version(ds)
    response = login(make_user()).get(f"/datasets/{ds.slug}/v1/download.parquet")
    body = response.content.decode()
    assert response.status_code == 403
    assert "This dataset is shared only with people the owner admits." in body
    assert f'href="/datasets/{ds.slug}/request/"' in body
    assert _accessed() == []


def test_missing_version_file_is_404_on_download_and_a_note_on_the_page(client, owner):
    from django.core.files.storage import storages

    ds = make_dataset(owner=owner, spectrum="open")
    version = make_version(ds)
    storages["datasets"].delete(version.storage_key)
    for suffix in ("v1/download.csv", "v1/download.parquet", "v1/preview/"):
        response = client.get(f"/datasets/{ds.slug}/{suffix}")
        assert (suffix, response.status_code) == (suffix, 404)
    page = client.get(f"/datasets/{ds.slug}/")
    assert page.status_code == 200
    assert "The data file of this version is missing from storage" in page.content.decode()


def test_dataset_page_agreement_accept_button_until_accepted(login, owner):
    collab = make_collaboration(lead=owner)
    agreement = make_agreement(collaboration=collab, title="Cargo terms", slug="cargo-terms")
    ds = make_dataset(owner=owner, spectrum="public", agreement=agreement)
    reader = make_user()
    client = login(reader)
    before = client.get(f"/datasets/{ds.slug}/").content.decode()
    assert '<a class="button" href="/collaborations/agreements/cargo-terms/">Accept</a>' in before
    accept(agreement, reader)
    after = client.get(f"/datasets/{ds.slug}/").content.decode()
    assert "Accept</a>" not in after
    assert '<span class="ok">accepted</span>' in after


def test_dataset_page_queries_constant_in_versions(login, owner, owner_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ds = make_dataset(owner=owner, spectrum="closed")
    client = login(owner_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/datasets/{ds.slug}/").status_code == 200
        # Each page view of closed data appends one audit entry: same work for any count.
        return len(ctx.captured_queries)

    for _ in range(2):
        make_version(ds)
    count()  # the first audit entry also creates the log's head row
    few = count()
    for _ in range(4):
        make_version(ds)
    assert count() == few
