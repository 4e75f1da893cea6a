"""Source strings a translator can render: whole sentences, real plurals, no bare "%".

Each test would fail on the old code, which glued "is"/"are" or a verb into a sentence, wrote
"(s)" or a fixed plural, or put an English URL word into the text.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from datacollab.core.errors import Conflict
from datacollab.impact.models import ImpactStory
from datacollab.impact.views.stories import _moved_message
from datacollab.impact.views.usage import _export_refusal
from datacollab.network.models import CohortMembership, ProgressReport
from datacollab.network.services import grant_reports, setup
from tests import factories
from tests.network.test_setup_services import cohort_values

pytestmark = pytest.mark.django_db


def _capacity_refusal(convener, members: int) -> str:
    cohort = factories.make_cohort(capacity=5, budget=Decimal("140000"))
    for index in range(members):
        CohortMembership.objects.create(
            cohort=cohort, organisation=factories.make_org(name=f"Member {index}")
        )
    with pytest.raises(Conflict) as refused:
        setup.update_cohort(
            actor=convener, cohort=cohort, **cohort_values(capacity=members - 1, award_cap=1)
        )
    return refused.value.message


def test_capacity_refusal_with_two_members_is_plural(convener):
    # The singular cannot happen here (a cohort has room for at least one); the msgid still
    # carries both forms, so languages with several plural forms can say it right.
    message = _capacity_refusal(convener, members=2)

    assert message == "2 organisations are already members; the capacity cannot be lower."


def test_story_moved_message_is_a_whole_sentence_per_status():
    Status = ImpactStory.Status

    messages = [_moved_message(status) for status in (Status.PUBLISHED, Status.REJECTED)]

    assert messages == ["Story published.", "Story rejected."]


def test_usage_export_refusal_names_the_kind_in_words():
    refusals = [_export_refusal(kind) for kind in ("dataset", "organisation", "collaboration")]

    assert refusals == [
        "The usage export is for the people behind this dataset.",
        "The usage export is for the people behind this organisation.",
        "The usage export is for the people behind this collaboration.",
    ]


def test_report_move_refusal_quotes_the_state_label():
    report = ProgressReport(state=ProgressReport.State.APPROVED)

    with pytest.raises(Conflict) as refused:
        grant_reports._move(report, grant_reports.SUBMIT)

    assert refused.value.message == "This report cannot be submitted now: it is “Approved”."
