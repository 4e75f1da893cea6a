"""A call's review settings: the review deadline (in the call's zone) and blind review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from datacollab.core.errors import Conflict
from datacollab.core.models import AuditEntry
from datacollab.network.models import Call
from datacollab.network.selectors.applications import format_in_zone
from datacollab.network.services.review_settings import update_review_settings
from tests.factories import make_application, make_call
from tests.network.factories_reviews import assign, confirm_selection, make_reviewer


@pytest.fixture
def call(db):
    return make_call(slug="flood-call", timezone="Africa/Lagos")


def _url(call) -> str:
    return reverse("call-review-settings", args=[call.slug])


def test_review_settings_saves_deadline_in_the_calls_zone_and_blind(call, convener, login):
    response = login(convener).post(
        _url(call), {"review_deadline": "2030-03-01T17:00", "blind_review": "on"}
    )

    call.refresh_from_db()
    assert response.status_code == 302
    # 17:00 in Lagos (UTC+1) is 16:00 UTC.
    assert (call.review_deadline, call.blind_review) == (datetime(2030, 3, 1, 16, tzinfo=UTC), True)
    assert AuditEntry.objects.filter(action="reviews.settings_changed").count() == 1


def test_review_settings_empty_deadline_clears_it(call, convener, login):
    call.review_deadline = datetime(2030, 3, 1, tzinfo=UTC)
    call.save()

    login(convener).post(_url(call), {"review_deadline": ""})

    assert Call.objects.values_list("review_deadline", "blind_review").get(pk=call.pk) == (
        None,
        False,
    )


def test_review_settings_refuses_a_deadline_before_the_call_closes(call, convener, login):
    # The call is open (it closes in ten days): a review deadline tomorrow leaves no time.
    tomorrow = timezone.localtime(timezone.now() + timedelta(days=1), ZoneInfo(call.timezone))

    response = login(convener).post(
        _url(call), {"review_deadline": tomorrow.strftime("%Y-%m-%dT%H:%M")}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "review_deadline": [
            "The review deadline must come after the call closes to applications, "
            f"{format_in_zone(call.deadline, call.timezone)}."
        ]
    }
    assert Call.objects.get(pk=call.pk).review_deadline is None


def test_review_settings_by_a_reviewer_is_403(call, reviewer, login):
    response = login(reviewer).post(_url(call), {"blind_review": "on"})

    assert response.status_code == 403
    assert Call.objects.get(pk=call.pk).blind_review is False


def test_review_settings_after_confirmation_is_409(call, convener, login):
    confirm_selection(call, convener)

    response = login(convener).post(_url(call), {"blind_review": "on"})

    assert response.status_code == 409
    assert Call.objects.get(pk=call.pk).blind_review is False


def test_review_settings_refuse_turning_blind_on_once_a_reviewer_is_assigned(
    call, convener, login
):
    app = make_application(call=call)
    assign(app, make_reviewer())
    assign(app, make_reviewer())

    response = login(convener).post(_url(call), {"blind_review": "on"})

    assert response.status_code == 409
    assert response.context["form"].errors["blind_review"] == [
        f"2 reviewer assignments of “{call.title}” exist and their reviewers may have read the "
        "applications with their names: blind review can no longer be turned on. Remove the "
        "assignments first if no reviewer has started."
    ]
    assert Call.objects.get(pk=call.pk).blind_review is False


def test_review_settings_refuse_turning_blind_off_once_a_reviewer_is_assigned(call, convener):
    Call.objects.filter(pk=call.pk).update(blind_review=True)
    call.refresh_from_db()
    assign(make_application(call=call), make_reviewer())

    with pytest.raises(Conflict) as refused:
        update_review_settings(actor=convener, call=call, review_deadline=None, blind_review=False)

    assert refused.value.message == (
        f"1 reviewer assignment of “{call.title}” exists and its reviewer is reading the "
        "application blind: blind review can no longer be turned off."
    )


def test_review_settings_change_the_deadline_of_a_blind_call_with_reviewers(call, convener):
    Call.objects.filter(pk=call.pk).update(blind_review=True)
    call.refresh_from_db()
    assign(make_application(call=call), make_reviewer())
    deadline = datetime(2030, 3, 1, 16, tzinfo=UTC)

    update_review_settings(actor=convener, call=call, review_deadline=deadline, blind_review=True)

    assert Call.objects.values_list("review_deadline", "blind_review").get(pk=call.pk) == (
        deadline,
        True,
    )
