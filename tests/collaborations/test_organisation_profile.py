"""An organisation's profile lists its data collaborations, with roles, in constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_org
from tests.factories_data import make_collaboration

pytestmark = pytest.mark.django_db


def _get(client, org):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/accounts/organisations/{org.slug}/")
    assert response.status_code == 200
    return response, len(captured)


def test_profile_lists_collaborations_with_roles(client):
    org = make_org()
    make_collaboration(name="Zebra crossings", lead=org)
    make_collaboration(name="Air quality", members=[(org, "data_provider"), (org, "data_user")])
    response, _count = _get(client, org)
    text = " ".join(response.content.decode().split())
    assert 'Air quality</a> <span class="muted">· data provider, data user</span>' in text
    assert 'Zebra crossings</a> <span class="muted">· lead, steward</span>' in text
    assert text.index("Air quality") < text.index("Zebra crossings")


def test_profile_queries_constant_in_collaborations(client):
    org = make_org()
    for _ in range(2):
        make_collaboration(members=[(org, "data_user"), (org, "funder")])
    _response, few = _get(client, org)
    for _ in range(4):
        make_collaboration(members=[(org, "data_user"), (org, "funder")])
    _response, more = _get(client, org)
    assert more == few
