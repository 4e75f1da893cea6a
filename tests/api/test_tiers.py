"""The steward's API tiers and enterprise plans: services and page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from datacollab.api.models import ApiTiers, EnterprisePlan
from datacollab.api.services.tiers import end_enterprise_plan, set_tiers, start_enterprise_plan
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from tests.api.test_quota import limits
from tests.factories import make_org, make_user
from tests.factories_data import make_dataset

pytestmark = pytest.mark.django_db


def _steward_and_dataset():
    steward = make_user()
    return steward, make_dataset(owner=make_org(admins=[steward]))


def test_tiers_set_by_the_steward_are_audited_with_before_and_after():
    steward, dataset = _steward_and_dataset()
    set_tiers(actor=steward, scope=dataset, limits=limits(), enterprise_price=Decimal("100"))
    tiers = set_tiers(
        actor=steward,
        scope=dataset,
        limits=limits(community_per_month=500),
        enterprise_price=Decimal("250.50"),
    )
    assert (tiers.community_per_month, tiers.enterprise_price) == (500, Decimal("250.50"))
    last = AuditEntry.objects.filter(action="api.tiers_set").order_by("pk").last()
    assert (last.actor_id, last.details["before"]["community_per_month"]) == (steward.pk, 200)
    assert (last.details["after"]["community_per_month"], last.details["scope"]) == (
        500,
        f"dataset:{dataset.pk}",
    )


def test_tiers_refused_to_a_member_who_is_not_an_admin():
    member = make_user()
    dataset = make_dataset(owner=make_org(members=[member]))
    with pytest.raises(NotAllowed):
        set_tiers(actor=member, scope=dataset, limits=limits(), enterprise_price=Decimal("0"))
    assert ApiTiers.objects.count() == 0


def test_tiers_refuse_a_rate_above_the_monthly_quota():
    steward, dataset = _steward_and_dataset()
    with pytest.raises(DomainError) as refused:
        set_tiers(
            actor=steward,
            scope=dataset,
            limits=limits(community_per_minute=500),
            enterprise_price=Decimal("0"),
        )
    assert (refused.value.field, refused.value.message) == (
        "community_per_minute",
        "A tier's rate per minute cannot exceed its monthly quota.",
    )


def test_tiers_enterprise_plan_started_once_and_ended_audited():
    steward, dataset = _steward_and_dataset()
    set_tiers(actor=steward, scope=dataset, limits=limits(), enterprise_price=Decimal("99"))
    customer = make_user(email="buyer@example.org")
    plan = start_enterprise_plan(actor=steward, scope=dataset, account="Buyer@example.org")
    assert (plan.user_id, plan.organisation_id) == (customer.pk, None)
    with pytest.raises(Conflict):
        start_enterprise_plan(actor=steward, scope=dataset, account="buyer@example.org")
    end_enterprise_plan(actor=steward, scope=dataset, plan_id=plan.pk)
    assert EnterprisePlan.objects.get().ended_at is not None
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["api.enterprise_plan_started", "api.enterprise_plan_ended"]


def test_tiers_enterprise_plan_needs_tiers_first():
    steward, dataset = _steward_and_dataset()
    with pytest.raises(Conflict):
        start_enterprise_plan(actor=steward, scope=dataset, account=make_org().slug)


def test_tiers_page_shows_the_defaults_then_saves(login, settings):
    settings.API_COMMUNITY_PER_MONTH = 1234
    steward, dataset = _steward_and_dataset()
    client = login(steward)
    url = f"/accounts/api-tokens/tiers/datasets/{dataset.slug}/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["community_per_month"] == 1234
    data = {**limits(), "enterprise_price": "300.00", "currency": "eur"}
    saved = client.post(url, data)
    assert (saved.status_code, saved["Location"]) == (302, url)
    assert ApiTiers.objects.get(dataset=dataset).currency == "EUR"
    plan = client.post(f"{url}plans/", {"account": "nobody@example.org"})
    assert plan.status_code == 404
    assert plan.context["plan_form"].errors == {
        "account": ["No person with that email address or organisation with that slug."]
    }


def test_tiers_page_refused_to_others(login):
    _steward, dataset = _steward_and_dataset()
    url = f"/accounts/api-tokens/tiers/datasets/{dataset.slug}/"
    assert login(make_user()).get(url).status_code == 403
    assert login(make_user()).post(url, limits()).status_code == 403


def test_tiers_collaboration_page_for_the_lead_admins(login):
    from datacollab.collaborations.models import DataCollaboration

    steward = make_user()
    collaboration = DataCollaboration.objects.create(
        slug="collab", name="Collab", challenge="x", lead=make_org(admins=[steward])
    )
    url = "/accounts/api-tokens/tiers/collaborations/collab/"
    assert login(steward).get(url).status_code == 200
    assert login(make_user()).get(url).status_code == 403
    saved = login(steward).post(url, {**limits(), "enterprise_price": "0", "currency": "GBP"})
    assert saved.status_code == 302
    assert ApiTiers.objects.get().collaboration == collaboration
