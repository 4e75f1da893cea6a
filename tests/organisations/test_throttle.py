"""Login throttling (red team finding 6) and account-mail throttles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from datacollab.core.models import AuditEntry
from datacollab.organisations.models import ThrottleEvent
from datacollab.organisations.services import throttle
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _login(client: Client, email: str, password: str, address: str = "203.0.113.7"):
    return client.post(
        "/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address
    )


def test_login_sixty_wrong_passwords_then_right_one_is_refused(client):
    make_user(email="target@example.org")
    statuses = [_login(client, "target@example.org", f"guess {i}").status_code for i in range(60)]
    final = _login(client, "target@example.org", PASSWORD)
    assert statuses[:5] == [200] * 5  # wrong password, counted
    assert set(statuses[5:]) == {429}  # refused before the password is checked
    assert final.status_code == 429
    assert "Try again in 15 minutes." in final.content.decode()
    assert "_auth_user_id" not in client.session
    assert ThrottleEvent.objects.filter(scope=throttle.LOGIN_ACCOUNT).count() == 5


def test_admin_login_refused_by_the_throttle_says_when_to_try_again(client):
    """Replayed over HTTP: the right password after 60 wrong ones was answered "enter the
    password of a superuser", as if it were wrong."""
    make_user(email="root@example.org", is_staff=True, is_superuser=True)
    for i in range(5):
        client.post("/admin/login/", {"username": "root@example.org", "password": f"g{i}"})
    response = client.post("/admin/login/", {"username": "root@example.org", "password": PASSWORD})
    assert response.context["form"].non_field_errors() == [
        "Too many attempts. Try again in 15 minutes. Logins to this account or from your "
        "network failed too often; a password reset still works."
    ]
    assert "_auth_user_id" not in client.session
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["login.throttled"]


def test_login_allowed_again_when_the_window_has_passed(client):
    make_user(email="target@example.org")
    for i in range(5):
        _login(client, "target@example.org", f"guess {i}")
    ThrottleEvent.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    assert _login(client, "target@example.org", PASSWORD).status_code == 302


def test_login_success_clears_the_account_count(client):
    make_user(email="owner@example.org")
    for i in range(4):
        _login(client, "owner@example.org", f"typo {i}")
    assert _login(client, "owner@example.org", PASSWORD).status_code == 302
    assert ThrottleEvent.objects.filter(scope=throttle.LOGIN_ACCOUNT).count() == 0
    # Four more typos do not lock: the count started again.
    assert [_login(Client(), "owner@example.org", "typo").status_code for _ in range(4)] == [
        200
    ] * 4
    assert _login(Client(), "owner@example.org", PASSWORD).status_code == 302


def test_login_throttled_by_address_across_accounts(client, settings):
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 6
    for n in range(6):
        make_user(email=f"p{n}@example.org")
        _login(client, f"p{n}@example.org", "wrong")
    make_user(email="other@example.org")
    assert _login(client, "other@example.org", PASSWORD).status_code == 429
    assert _login(Client(), "other@example.org", PASSWORD, address="198.51.100.1").status_code == (
        302
    )


def test_login_lock_of_one_account_leaves_others_alone(client):
    make_user(email="target@example.org")
    make_user(email="bystander@example.org")
    for i in range(6):
        _login(client, "target@example.org", f"guess {i}", address=f"192.0.2.{i}")
    assert _login(Client(), "bystander@example.org", PASSWORD).status_code == 302
    assert _login(Client(), "target@example.org", PASSWORD).status_code == 429


def test_login_retry_at_is_when_the_fifth_latest_failure_leaves_the_window():
    now = timezone.now()
    for minutes in (14, 10, 8, 3, 1):
        throttle.record_login_failure(
            email="a@example.org", address="", now=now - timedelta(minutes=minutes)
        )
    assert throttle.login_retry_at(email="A@example.org ", address="", now=now) == now + timedelta(
        minutes=1
    )


def test_client_address_header_is_used_behind_a_proxy(client, settings):
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 2
    for n in range(2):
        make_user(email=f"p{n}@example.org")
        client.post(
            "/accounts/login/",
            {"username": f"p{n}@example.org", "password": "x"},
            HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.9",
        )
    refused = client.post(
        "/accounts/login/",
        {"username": "p0@example.org", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert refused.status_code == 429


def test_password_reset_mails_throttled_per_client_address(client, settings, mailoutbox):
    settings.ACCOUNT_MAIL_LIMIT_PER_ADDRESS = 3
    make_user(email="a@example.org")
    statuses = [
        client.post("/accounts/password-reset/", {"email": "a@example.org"}).status_code
        for _ in range(4)
    ]
    assert statuses[:3] == [302, 302, 302]
    assert statuses[3] == 429
    assert len(mailoutbox) == 3


def test_password_reset_mails_to_one_address_are_capped_silently(client, settings, mailoutbox):
    settings.ACCOUNT_MAIL_LIMIT_PER_EMAIL = 2
    make_user(email="a@example.org")
    responses = [
        Client().post(
            "/accounts/password-reset/", {"email": "a@example.org"}, REMOTE_ADDR=f"192.0.2.{n}"
        )
        for n in range(4)
    ]
    assert [r["Location"] for r in responses] == ["/accounts/password-reset/sent/"] * 4
    assert len(mailoutbox) == 2


def test_admin_login_is_throttled_too(client):
    """The admin's login form checks passwords by the same backend: no side door."""
    make_user(email="root@example.org", is_staff=True, is_superuser=True)
    for i in range(60):
        client.post(
            "/admin/login/?next=/admin/", {"username": "root@example.org", "password": f"g{i}"}
        )
    client.post(
        "/admin/login/?next=/admin/", {"username": "root@example.org", "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert ThrottleEvent.objects.filter(scope=throttle.LOGIN_ACCOUNT).count() == 5


def test_authenticate_outside_a_request_is_throttled():
    from django.contrib.auth import authenticate

    make_user(email="cli@example.org")
    for i in range(5):
        assert authenticate(None, username="cli@example.org", password=f"g{i}") is None
    assert authenticate(None, username="cli@example.org", password=PASSWORD) is None
