"""API keys: organisation keys, the query-string refusal, revocation on the next request."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from datacollab.api.models import ApiToken
from datacollab.api.services.tokens import create_organisation_key, revoke_token
from datacollab.core.errors import NotAllowed, NotFound
from datacollab.core.models import AuditEntry
from datacollab.datasets.models import Spectrum
from tests.factories import make_org, make_user
from tests.factories_api import bearer, make_token
from tests.factories_data import grant, make_dataset

pytestmark = pytest.mark.django_db


def test_keys_organisation_key_made_by_an_admin_is_audited():
    admin = make_user()
    org = make_org(admins=[admin])
    key, secret = create_organisation_key(actor=admin, organisation=org, name="harvester")
    stored = ApiToken.objects.get(pk=key.pk)
    assert (stored.user_id, stored.organisation_id, stored.created_by_id) == (
        None,
        org.pk,
        admin.pk,
    )
    assert (secret[:8], stored.prefix, stored.account) == ("dc_live_", secret[:16], f"org:{org.pk}")
    entry = AuditEntry.objects.get(action="api.token_created")
    assert (entry.actor_id, entry.details) == (
        admin.pk,
        {"name": "harvester", "prefix": stored.prefix, "organisation": org.pk},
    )


def test_keys_organisation_key_refused_to_a_plain_member():
    member = make_user()
    org = make_org(members=[member])
    with pytest.raises(NotAllowed) as refused:
        create_organisation_key(actor=member, organisation=org, name="x")
    assert refused.value.message == "Only the organisation's administrators manage its API keys."
    assert ApiToken.objects.count() == 0


def test_keys_organisation_key_revoked_by_an_admin_not_by_a_member():
    admin, member = make_user(), make_user()
    org = make_org(admins=[admin], members=[member])
    key, _ = create_organisation_key(actor=admin, organisation=org, name="k")
    with pytest.raises(NotAllowed):
        revoke_token(actor=member, token_id=key.pk, organisation=org)
    # An admin of another organisation finds no such key there.
    other_admin = make_user()
    other = make_org(admins=[other_admin])
    with pytest.raises(NotFound):
        revoke_token(actor=other_admin, token_id=key.pk, organisation=other)
    revoke_token(actor=admin, token_id=key.pk, organisation=org)
    entry = AuditEntry.objects.get(action="api.token_revoked")
    assert (entry.actor_id, entry.details["organisation"]) == (admin.pk, org.pk)


def test_keys_organisation_key_reads_open_data_but_never_a_members_access():
    admin = make_user()
    org = make_org(admins=[admin])
    open_data = make_dataset(spectrum=Spectrum.OPEN)
    granted = make_dataset(spectrum=Spectrum.NAMED)
    grant(granted, organisation=org)
    _, secret = create_organisation_key(actor=admin, organisation=org, name="k")
    client = Client()
    assert client.get(f"/api/v1/datasets/{open_data.slug}", **bearer(secret)).status_code == 200
    # The admin's own session may read the named dataset; the organisation's key may not.
    assert client.get(f"/api/v1/datasets/{granted.slug}", **bearer(secret)).status_code == 404


def test_keys_revoked_key_refused_on_the_next_request():
    user = make_user()
    token, secret = make_token(user)
    dataset = make_dataset(spectrum=Spectrum.OPEN)
    client = Client()
    assert client.get(f"/api/v1/datasets/{dataset.slug}", **bearer(secret)).status_code == 200
    revoke_token(actor=user, token_id=token.pk)
    response = client.get(f"/api/v1/datasets/{dataset.slug}", **bearer(secret))
    assert (response.status_code, response.json()["error"]) == (401, "invalid_token")


@pytest.mark.parametrize("parameter", ["key", "token", "api_key", "access_token"])
def test_keys_refused_in_the_query_string_and_never_logged(parameter, caplog):
    _, secret = make_token(make_user())
    dataset = make_dataset(spectrum=Spectrum.OPEN)
    with caplog.at_level(logging.DEBUG):
        response = Client().get(f"/api/v1/datasets/{dataset.slug}?{parameter}={secret}")
    assert response.status_code == 400
    assert response.json() == {
        "error": "key_in_query",
        "message": f"An API key was sent in the query string (parameter “{parameter}”): it is "
        "refused there, since addresses are kept in logs and browser histories. Send it as the "
        "header “Authorization: Bearer <key>”, and revoke this key if the address was shared.",
        "parameter": parameter,
    }
    assert secret not in caplog.text
    assert secret[16:] not in response.content.decode()


def test_keys_refused_in_the_query_string_even_beside_a_good_header():
    _, secret = make_token(make_user())
    response = Client().get(f"/api/v1/datasets/?api_key={secret}", **bearer(secret))
    assert (response.status_code, response.json()["error"]) == (400, "key_in_query")


def test_keys_a_column_filter_named_token_still_works():
    # Only a value shaped like a key is refused; `token=abc` may be a column filter.
    response = Client().get("/api/v1/datasets/?token=abc")
    assert response.status_code == 200


def test_keys_old_dct_tokens_keep_working():
    user = make_user()
    token, _ = make_token(user)
    old = "dct_abcdefgh_" + "x" * 43
    import hashlib

    ApiToken.objects.filter(pk=token.pk).update(
        digest=hashlib.sha256(old.encode()).hexdigest(), prefix=old[:12]
    )
    response = Client().get("/api/v1/datasets/", **bearer(old))
    assert response.status_code == 200


def test_keys_organisation_page_lists_and_creates_keys_for_admins_only(login):
    admin, member = make_user(), make_user()
    org = make_org(admins=[admin], members=[member])
    url = f"/accounts/api-tokens/organisations/{org.slug}/"
    assert login(member).get(url).status_code == 403
    client = login(admin)
    created = client.post(url, {"name": "nightly harvest"})
    assert created.status_code == 201
    key = ApiToken.objects.get(organisation=org)
    assert created.context["secret"].startswith(key.prefix)
    assert created["Cache-Control"].startswith("max-age=0")
    listed = client.get(url)
    assert [t.name for t in listed.context["tokens"]] == ["nightly harvest"]
    personal = client.get("/accounts/api-tokens/")
    assert personal.context["organisations"] == [org]
    revoked = client.post(f"{url}{key.pk}/revoke/")
    assert (revoked.status_code, revoked["Location"]) == (302, url)
    assert ApiToken.objects.get(pk=key.pk).revoked_at is not None
