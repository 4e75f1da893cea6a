"""The demo's second cohort has grantee obligations: signed agreements, reports approved, one
due and one late, instalments tied to them (paid, payable, not yet payable)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from django.utils import timezone

from datacollab.demo import content
from datacollab.demo.builder import load_demo
from datacollab.network.models import Award, GrantAgreement, Instalment
from datacollab.network.selectors.grant_obligations import grants_overview
from datacollab.network.services.grant_agreements import award_for_agreement, draft_text
from datacollab.organisations.models import User

pytestmark = pytest.mark.django_db


def test_demo_second_cohort_has_agreements_reports_and_tied_instalments():
    now = timezone.make_aware(datetime(2026, 12, 6, 9, 0))
    load_demo(now=now)
    load_demo(now=now)  # a refresh changes nothing
    convener = User.objects.get(email="convener@demo.datacollab.org")
    awards = Award.objects.filter(cohort__slug=content.SECOND.slug)
    overview = grants_overview(
        actor=convener, cohort=awards.first().cohort, today=timezone.localdate(now)
    )
    statuses = Counter(
        status for row in overview.rows for _part, status in row.instalments if _part.position == 2
    )
    assert GrantAgreement.objects.filter(award__in=awards).count() == awards.count() == 7
    assert overview.unsigned == 0
    assert (overview.reports["approved"], overview.reports["late"], overview.reports["due"]) == (
        6,
        1,
        1,
    )
    assert statuses == {"paid": 5, "payable": 1, "waiting": 1}
    assert Instalment.objects.filter(award__in=awards, position=2, report=None).count() == 0


def test_demo_signed_agreement_matches_its_hash():
    load_demo()
    signed = GrantAgreement.objects.select_related("award").first()
    from datacollab.network.agreement_text import text_hash

    assert signed.text_hash == text_hash(signed.text)
    assert "contributes to an ODI and Microsoft output" in signed.text
    assert draft_text(award_for_agreement(signed.award_id)).text != ""
