"""Every admin in every app is superuser-only and audited: a new admin that forgets fails here."""

from __future__ import annotations

import pytest
from django.contrib import admin

from datacollab.core.admin import AuditedInlineMixin, AuditedModelAdmin
from datacollab.core.admin_audit import REDACTED, diff, redact
from datacollab.core.admin_site import SuperuserAdminSite


def test_admin_site_is_the_superuser_site():
    assert isinstance(admin.site, SuperuserAdminSite)


def test_every_registered_admin_uses_the_audited_base():
    unaudited = sorted(
        f"{model._meta.label}: {type(model_admin).__name__}"
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedModelAdmin)
    )
    assert unaudited == []
    assert len(admin.site._registry) >= 20


def test_every_inline_uses_the_audited_base():
    unaudited = sorted(
        f"{model._meta.label}: {inline.__name__}"
        for model, model_admin in admin.site._registry.items()
        for inline in model_admin.inlines
        if not issubclass(inline, AuditedInlineMixin)
    )
    assert unaudited == []


@pytest.mark.parametrize("name", ["password", "api_token", "secret", "key_hash"])
def test_admin_audit_redacts_secret_fields(name):
    assert diff({name: "old"}, {name: "new"}) == {name: {"before": REDACTED, "after": REDACTED}}
    assert redact({name: "value", "title": "Fleet"}) == {name: REDACTED, "title": "Fleet"}
