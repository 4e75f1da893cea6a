"""TokenAuth's `authenticate` hook (django-ninja's HttpBearer contract) finds the same key, and
sets the same person, as the header path of __call__."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from datacollab.api.auth import TokenAuth
from tests.factories import make_user
from tests.factories_api import make_token


@pytest.mark.django_db
def test_authenticate_hook_returns_the_key_and_sets_its_person():
    person = make_user(email="ana@example.org")
    token, secret = make_token(person)
    request = RequestFactory().get("/api/v1/datasets/")

    found = TokenAuth().authenticate(request, secret)

    assert (found.pk, request.user) == (token.pk, person)
