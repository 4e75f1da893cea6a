"""The dataset form pages: /datasets/new/ and /datasets/<slug>/edit/."""

from __future__ import annotations

import pytest

from datacollab.datasets.models import Dataset
from tests.factories import make_org, make_user
from tests.factories_data import make_collaboration, make_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return make_user()


@pytest.fixture
def org(person):
    return make_org(name="Data Cargo", members=[person])


def _form(**overrides):
    data = {
        "title": "Cargo bike sensors",
        "slug": "",
        "description": "Speed and load.",
        "keywords": "speed, load",
        "themes": "transport",
        "licence_choice": "CC-BY-4.0",
        "licence_other": "",
        "spectrum": "open",
        "contact_email": "data@example.org",
    }
    return data | overrides


def test_new_dataset_page_creates_and_redirects(login, person, org):
    client = login(person)
    assert client.get("/datasets/new/").status_code == 200
    response = client.post("/datasets/new/", _form(owner=org.pk))
    assert (response.status_code, response["Location"]) == (302, "/datasets/cargo-bike-sensors/")
    ds = Dataset.objects.get()
    assert (ds.owner, ds.licence, ds.keywords, ds.contact_email) == (
        org,
        "CC-BY-4.0",
        ["speed", "load"],
        "data@example.org",
    )


def test_new_dataset_other_licence_typed(login, person, org):
    response = login(person).post(
        "/datasets/new/",
        _form(owner=org.pk, licence_choice="__other__", licence_other="ogl-uk-3.0"),
    )
    assert response.status_code == 302
    assert Dataset.objects.get().licence == "OGL-UK-3.0"


def test_new_dataset_open_with_closed_licence_is_400_with_message(login, person, org):
    response = login(person).post("/datasets/new/", _form(owner=org.pk, licence_choice="C-UDA-1.0"))
    assert response.status_code == 400
    assert "Open data needs an open licence" in response.content.decode()
    assert Dataset.objects.count() == 0


def test_new_dataset_other_licence_missing_is_400(login, person, org):
    response = login(person).post("/datasets/new/", _form(owner=org.pk, licence_choice="__other__"))
    assert response.status_code == 400
    assert "Type the SPDX identifier of the licence." in response.content.decode()


def test_new_dataset_for_foreign_organisation_is_400(login, person):
    foreign = make_org()
    response = login(person).post("/datasets/new/", _form(owner=foreign.pk))
    # The form only offers the person's own organisations.
    assert response.status_code == 400
    assert Dataset.objects.count() == 0


def test_new_dataset_without_organisation_is_refused_with_reason(login):
    response = login(make_user()).get("/datasets/new/")
    assert response.status_code == 400
    assert "Datasets belong to an organisation" in response.content.decode()


def test_new_dataset_anonymous_redirects_to_login(client):
    response = client.get("/datasets/new/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/datasets/new/",
    )


def test_new_dataset_group_offers_owner_collaborations(login, person, org):
    collab = make_collaboration(lead=org, name="Cargo data")
    client = login(person)
    assert "Cargo data" in client.get("/datasets/new/").content.decode()
    response = client.post(
        "/datasets/new/",
        _form(owner=org.pk, spectrum="group", collaboration=collab.pk, licence_choice=""),
    )
    assert response.status_code == 302
    assert Dataset.objects.get().collaboration == collab


def test_edit_dataset_page_saves_and_keeps_slug(login, person, org):
    ds = make_dataset(owner=org, spectrum="closed", slug="fleet", title="Fleet")
    client = login(person)
    page = client.get("/datasets/fleet/edit/")
    assert page.status_code == 200
    assert 'value="Fleet"' in page.content.decode()
    response = client.post(
        "/datasets/fleet/edit/", _form(title="Fleet 2", spectrum="named", slug="other")
    )
    assert (response.status_code, response["Location"]) == (302, "/datasets/fleet/")
    ds.refresh_from_db()
    assert (ds.slug, ds.title, ds.spectrum) == ("fleet", "Fleet 2", "named")


def test_edit_dataset_bad_date_is_400(login, person, org):
    make_dataset(owner=org, slug="fleet")
    response = login(person).post("/datasets/fleet/edit/", _form(temporal_start="31/02/2020"))
    assert response.status_code == 400


def test_edit_dataset_by_viewer_403_by_stranger_404(login, org):
    make_dataset(owner=org, slug="pub", spectrum="public", title="Public readings")
    make_dataset(owner=org, slug="shut", spectrum="closed", title="Shut readings")
    client = login(make_user())
    refused = client.get("/datasets/pub/edit/")
    assert refused.status_code == 403
    assert "Only members of the organisation that owns this dataset" in refused.content.decode()
    hidden = client.get("/datasets/shut/edit/")
    assert hidden.status_code == 404
    assert "Shut readings" not in hidden.content.decode()
