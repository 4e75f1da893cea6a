"""Personal API tokens: the services, the tokens page, and the API's authentication."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from datacollab.api.models import ApiToken
from datacollab.api.services.tokens import (
    MAX_ACTIVE_TOKENS,
    InvalidToken,
    authenticate_token,
    create_token,
    revoke_token,
)
from datacollab.core.errors import DomainError, NotAllowed, NotFound
from datacollab.core.models import AuditEntry
from tests.datasets.factories_access import datasets_storage, make_version  # noqa: F401
from tests.factories import make_org, make_user
from tests.factories_api import bearer, make_token
from tests.factories_data import make_dataset

pytestmark = pytest.mark.django_db

TOKENS_URL = "/accounts/api-tokens/"


def test_create_token_stores_only_the_hash_and_a_prefix():
    user = make_user()
    token, secret = create_token(actor=user, name="  nightly upload ")
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith("dc_live_")
    assert len(secret) == 8 + 8 + 1 + 43
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.prefix == secret[:16]
    assert stored.name == "nightly upload"
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    entry = AuditEntry.objects.get(action="api.token_created")
    assert (entry.actor_id, entry.details) == (
        user.pk,
        {"name": "nightly upload", "prefix": stored.prefix},
    )


def test_create_token_refused_without_a_name():
    with pytest.raises(DomainError) as refused:
        create_token(actor=make_user(), name="  ")
    assert refused.value.message == "Give the token a name, e.g. the script that will use it."


def test_create_token_refused_to_anonymous():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed):
        create_token(actor=AnonymousUser(), name="x")


def test_create_token_refused_past_the_limit_of_active_tokens():
    user = make_user()
    for n in range(MAX_ACTIVE_TOKENS):
        create_token(actor=user, name=f"t{n}")
    with pytest.raises(DomainError) as refused:
        create_token(actor=user, name="one more")
    assert refused.value.message == (
        "You have 20 active tokens, the most allowed: revoke one you no longer use."
    )


def test_authenticate_token_returns_the_token_and_records_its_use():
    user = make_user()
    token, secret = make_token(user)
    found = authenticate_token(secret=secret)
    assert (found.pk, found.user) == (token.pk, user)
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_authenticate_token_writes_last_use_at_most_once_a_minute():
    token, secret = make_token(make_user())
    earlier = timezone.now() - dt.timedelta(seconds=10)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    authenticate_token(secret=secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == earlier


def test_authenticate_token_refuses_an_unknown_token():
    with pytest.raises(InvalidToken) as refused:
        authenticate_token(secret="dct_nothing_here")
    assert refused.value.status == 401


def test_authenticate_token_refuses_a_revoked_token():
    user = make_user()
    token, secret = make_token(user)
    revoke_token(actor=user, token_id=token.pk)
    with pytest.raises(InvalidToken) as refused:
        authenticate_token(secret=secret)
    assert refused.value.message == (
        f"This API token ({token.prefix}…) was revoked. Create a new one on your API tokens page."
    )


def test_authenticate_token_refuses_a_deactivated_account():
    user = make_user()
    _, secret = make_token(user)
    user.is_active = False
    user.save()
    with pytest.raises(InvalidToken):
        authenticate_token(secret=secret)


def test_revoke_token_of_someone_else_is_not_found():
    token, _ = make_token(make_user())
    with pytest.raises(NotFound):
        revoke_token(actor=make_user(), token_id=token.pk)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_revoke_token_is_audited_once():
    user = make_user()
    token, _ = make_token(user)
    revoke_token(actor=user, token_id=token.pk)
    revoke_token(actor=user, token_id=token.pk)
    assert AuditEntry.objects.filter(action="api.token_revoked").count() == 1


# --- the page ------------------------------------------------------------------------------


def test_tokens_page_linked_from_the_profile(login):
    response = login(make_user()).get(reverse("profile"))
    assert f'href="{TOKENS_URL}"' in response.text


def test_tokens_page_sends_anonymous_to_login():
    response = Client().get(TOKENS_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_tokens_page_creates_a_token_and_shows_its_secret_once(login):
    user = make_user()
    client = login(user)
    response = client.post(TOKENS_URL, {"name": "sensor sync"})
    assert response.status_code == 201
    secret = response.context["secret"]
    token = ApiToken.objects.get(user=user)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret in response.text
    assert "no-store" in response["Cache-Control"]
    again = client.get(TOKENS_URL)
    assert secret not in again.text
    assert f"{token.prefix}…" in again.text


def test_tokens_page_form_error_without_a_name(login):
    response = login(make_user()).post(TOKENS_URL, {"name": ""})
    assert response.status_code == 400
    assert response.context["form"].errors == {"name": ["This field is required."]}
    assert ApiToken.objects.count() == 0


def test_tokens_page_lists_only_the_persons_tokens(login, django_assert_max_num_queries):
    user = make_user()
    for n in range(5):
        make_token(user, name=f"mine {n}")
    make_token(make_user(), name="not mine")
    client = login(user)
    with django_assert_max_num_queries(8):
        response = client.get(TOKENS_URL)
    assert [t.name for t in response.context["tokens"]] == [f"mine {n}" for n in range(4, -1, -1)]
    assert "not mine" not in response.text


def test_revoke_button_revokes_the_token(login):
    user = make_user()
    token, secret = make_token(user)
    response = login(user).post(reverse("api-token-revoke", args=[token.pk]))
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert Client().get("/api/v1/datasets/", **bearer(secret)).status_code == 401


def test_revoke_of_someone_elses_token_is_404(login):
    token, _ = make_token(make_user())
    response = login(make_user()).post(reverse("api-token-revoke", args=[token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


# --- authenticating API calls --------------------------------------------------------------


@pytest.fixture
def closed_dataset(datasets_storage):  # noqa: F811
    owner = make_user()
    dataset = make_dataset(owner=make_org(members=[owner]), spectrum="closed", slug="secret-data")
    make_version(dataset)
    return owner, dataset


def test_api_reads_closed_data_with_the_owners_token(closed_dataset):
    owner, _ = closed_dataset
    _, secret = make_token(owner)
    response = Client().get("/api/v1/datasets/secret-data/versions/1/rows", **bearer(secret))
    assert response.status_code == 200
    assert response.json()["total"] == 3
    entry = AuditEntry.objects.filter(action="dataset.accessed").latest("seq")
    assert (entry.actor_id, entry.details["channel"]) == (owner.pk, "api.rows")


def test_api_token_of_another_person_gets_what_that_person_may_see(closed_dataset):
    _, secret = make_token(make_user())
    response = Client().get("/api/v1/datasets/secret-data", **bearer(secret))
    assert response.status_code == 404


def test_api_refuses_an_unknown_token_rather_than_reading_as_anonymous():
    response = Client().get("/api/v1/datasets/", **bearer("dct_wrong"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_api_refuses_an_authorization_header_that_is_not_bearer():
    response = Client().get("/api/v1/datasets/", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert response.status_code == 401
    assert response.json()["message"] == (
        "Send the API token as the header “Authorization: Bearer <token>”."
    )


def test_api_revoked_token_is_refused_with_the_reason(closed_dataset):
    owner, _ = closed_dataset
    token, secret = make_token(owner)
    revoke_token(actor=owner, token_id=token.pk)
    response = Client().get("/api/v1/datasets/secret-data", **bearer(secret))
    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_token",
        "message": f"This API token ({token.prefix}…) was revoked. Create a new one on your "
        "API tokens page.",
        "parameter": None,
    }


def test_api_session_still_works_for_reads(closed_dataset, login):
    owner, _ = closed_dataset
    assert login(owner).get("/api/v1/datasets/secret-data").status_code == 200


def test_api_anonymous_sees_no_closed_data(closed_dataset):
    assert Client().get("/api/v1/datasets/secret-data").status_code == 404


def test_api_session_post_needs_the_csrf_token(closed_dataset):
    owner, _ = closed_dataset
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post("/api/v1/datasets/secret-data/uploads", {})
    assert response.status_code == 403
    assert response.json()["message"].startswith("The CSRF check failed.")


def test_api_token_post_needs_no_csrf_token(closed_dataset):
    owner, _ = closed_dataset
    _, secret = make_token(owner)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/datasets/secret-data/uploads", {}, **bearer(secret))
    assert response.status_code == 400
    assert response.json()["message"] == "Send the data file as the multipart form field “file”."


def test_openapi_documents_the_token_and_the_upload_endpoints():
    spec = Client().get("/api/v1/openapi.json").json()
    assert spec["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert sorted(spec["paths"]["/api/v1/datasets/{slug}/uploads"]) == ["get", "post"]
    assert sorted(spec["paths"]["/api/v1/datasets/{slug}/uploads/{upload_id}"]) == ["get"]
