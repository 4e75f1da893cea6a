"""Every admin page a superuser can open renders: no 500 after the switch to the audited base."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from datacollab.network.models import ReviewerConflict
from tests.factories import make_application, make_call, make_cohort, make_org, make_user
from tests.factories_data import make_collaboration, make_dataset
from tests.factories_reports import make_award

pytestmark = pytest.mark.django_db


def test_admin_every_changelist_add_and_change_page_renders_for_superuser(login):
    root = make_user(is_staff=True, is_superuser=True)
    org = make_org(members=[make_user()])
    call = make_call(cohort=make_cohort())
    make_application(call=call, organisation=org)
    make_award(call.cohort, org)
    ReviewerConflict.objects.create(reviewer=make_user(), organisation=org, reason="Board")
    make_collaboration(lead=org)
    make_dataset(owner=org, spectrum="open")
    client = login(root)
    statuses = {}
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        statuses[f"{model._meta.label} list"] = client.get(
            reverse("admin:{}_{}_changelist".format(*info))
        ).status_code
        add = client.get(reverse("admin:{}_{}_add".format(*info))).status_code
        statuses[f"{model._meta.label} add"] = add
        obj = model._default_manager.first()
        if obj is not None:
            statuses[f"{model._meta.label} change"] = client.get(
                reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            ).status_code
    assert sorted(name for name, status in statuses.items() if status >= 500) == []
    assert statuses["organisations.Organisation change"] == 200
    assert statuses["network.Award change"] == 200
    assert statuses["core.AuditEntry add"] == 403
