"""Applicant pages: status codes and the readable message on the page for every refusal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from datacollab.network.models import Answer, Application, Call, CriterionKind
from datacollab.network.selectors.applications import format_in_zone
from tests import factories
from tests.network.factories_applications import (
    answer_all,
    draft,
    extend,
    page_errors,
    page_text,
    questions_of,
)

pytestmark = pytest.mark.django_db


def _late_message(call):
    return (
        f"The deadline for “{call.title}” passed on "
        f"{format_in_zone(call.deadline, call.timezone)}; ask the convener for an extension."
    )


def _edit_data(call, **overrides):
    first, second = questions_of(call)
    data = {
        "title": "Open water",
        "summary": "We share data.",
        "requested_amount": "15000",
        f"q_{first.pk}": "Flooding",
        f"q_{second.pk}": "4",
    }
    data.update(overrides)
    return data


# --- my applications -------------------------------------------------------------------------


def test_my_applications_anonymous_redirects_to_login(client):
    response = client.get(reverse("my-applications"))
    assert (response.status_code, response.url) == (302, f"{reverse('login')}?next=/applications/")


def test_my_applications_lists_own_organisations_only(login, applicant):
    call = factories.make_call()
    mine = draft(call, applicant, title="Open water")
    factories.make_application(call=call, title="Someone else's")
    response = login(applicant).get(reverse("my-applications"))
    assert response.status_code == 200
    assert [a.pk for a in response.context["applications"]] == [mine.pk]
    assert "Someone else" not in page_text(response)


def test_my_applications_without_organisation_links_to_create(login, applicant):
    response = login(applicant).get(reverse("my-applications"))
    assert reverse("organisation-create") in response.content.decode()


# --- start ---------------------------------------------------------------------------------


def test_application_start_get_offers_my_organisations(login, applicant):
    call = factories.make_call()
    org = factories.make_org(name="Water Trust", members=[applicant])
    response = login(applicant).get(reverse("application-start", args=[call.slug]))
    assert response.status_code == 200
    assert list(response.context["form"].fields["organisation"].queryset) == [org]


def test_application_start_without_organisation_links_to_create(login, applicant):
    call = factories.make_call()
    response = login(applicant).get(reverse("application-start", args=[call.slug]))
    assert response.status_code == 200
    assert reverse("organisation-create") in response.content.decode()


def test_application_start_post_creates_draft_and_opens_editor(login, applicant):
    call = factories.make_call()
    org = factories.make_org(members=[applicant])
    response = login(applicant).post(
        reverse("application-start", args=[call.slug]), {"organisation": org.pk}
    )
    application = Application.objects.get(call=call, organisation=org)
    assert (response.status_code, response.url) == (
        302,
        reverse("application-edit", args=[application.pk]),
    )


def test_application_start_second_application_conflicts(login, applicant):
    call = factories.make_call(title="Call for stewards")
    org = factories.make_org(name="Water Trust", members=[applicant])
    draft(call, applicant, org=org)
    response = login(applicant).post(
        reverse("application-start", args=[call.slug]), {"organisation": org.pk}
    )
    assert response.status_code == 409
    assert page_errors(response) == [
        "Water Trust already has an application to “Call for stewards”; open it from My "
        "applications instead of starting another."
    ]


def test_application_start_other_organisation_is_bad_input(login, applicant):
    call = factories.make_call()
    factories.make_org(members=[applicant])
    other = factories.make_org()
    response = login(applicant).post(
        reverse("application-start", args=[call.slug]), {"organisation": other.pk}
    )
    assert response.status_code == 400
    assert Application.objects.count() == 0


def test_application_start_after_deadline_refused(login, applicant):
    call = factories.make_call(open=False)
    factories.make_org(members=[applicant])
    response = login(applicant).get(reverse("application-start", args=[call.slug]))
    assert response.status_code == 403
    assert page_errors(response) == [_late_message(call)]


def test_application_start_not_open_yet_refused(login, applicant):
    now = timezone.now()
    call = factories.make_call(opens_at=now + timedelta(days=1), deadline=now + timedelta(days=9))
    response = login(applicant).get(reverse("application-start", args=[call.slug]))
    assert response.status_code == 403
    assert page_errors(response) == [
        f"The call “{call.title}” is not open yet: it opens on "
        f"{format_in_zone(call.opens_at, call.timezone)}."
    ]


def test_application_start_draft_call_not_found(login, applicant):
    call = factories.make_call(status=Call.Status.DRAFT)
    response = login(applicant).get(reverse("application-start", args=[call.slug]))
    assert response.status_code == 404
    assert page_errors(response) == [
        "This call is not published, so it does not take applications."
    ]


def test_application_start_unknown_call_not_found(login, applicant):
    response = login(applicant).get(reverse("application-start", args=["no-such-call"]))
    assert response.status_code == 404
    assert page_errors(response) == ["There is no open call at this address."]


# --- edit ----------------------------------------------------------------------------------


def test_application_edit_get_shows_questions(login, applicant):
    call = factories.make_call()
    application = draft(call, applicant)
    response = login(applicant).get(reverse("application-edit", args=[application.pk]))
    assert response.status_code == 200
    assert "What challenge does your collaboration address? *" in page_text(response)


def test_application_edit_save_draft_keeps_partial_answers(login, applicant):
    call = factories.make_call()
    application = draft(call, applicant)
    first, second = questions_of(call)
    data = _edit_data(call, **{f"q_{second.pk}": ""})
    response = login(applicant).post(reverse("application-edit", args=[application.pk]), data)
    assert (response.status_code, response.url) == (
        302,
        reverse("application-detail", args=[application.pk]),
    )
    assert list(
        Answer.objects.filter(application=application).values_list("question_id", "value")
    ) == [(first.pk, "Flooding")]


def test_application_edit_number_out_of_range_is_bad_input(login, applicant):
    call = factories.make_call()
    application = draft(call, applicant)
    second = questions_of(call)[1]
    response = login(applicant).post(
        reverse("application-edit", args=[application.pk]),
        _edit_data(call, **{f"q_{second.pk}": "1"}),
    )
    assert response.status_code == 400
    assert page_errors(response) == ["Ensure this value is greater than or equal to 2."]


def test_application_edit_above_cap_refused_naming_cap(login, applicant):
    call = factories.make_call()
    application = draft(call, applicant)
    response = login(applicant).post(
        reverse("application-edit", args=[application.pk]),
        _edit_data(call, requested_amount="25000"),
    )
    assert response.status_code == 400
    assert page_errors(response) == [
        f"The amount requested, £25,000.00, is above the cap of £20,000.00 per award in "
        f"{call.cohort.name}; ask for £20,000.00 or less."
    ]
    application.refresh_from_db()
    assert application.requested_amount == Decimal("20000.00")


def test_application_edit_after_deadline_refused(login, applicant):
    call = factories.make_call(open=False)
    application = draft(call, applicant)
    client = login(applicant)
    for response in (
        client.get(reverse("application-edit", args=[application.pk])),
        client.post(reverse("application-edit", args=[application.pk]), _edit_data(call)),
    ):
        assert response.status_code == 403
        assert page_errors(response) == [_late_message(call)]


def test_application_edit_after_deadline_with_extension_allowed(login, applicant, convener):
    call = factories.make_call(open=False)
    application = draft(call, applicant)
    extend(call, application.organisation, convener)
    response = login(applicant).post(
        reverse("application-edit", args=[application.pk]), _edit_data(call)
    )
    assert response.status_code == 302


def test_application_edit_non_member_not_found(login, applicant):
    application = draft(factories.make_call(), applicant)
    response = login(factories.make_user()).get(reverse("application-edit", args=[application.pk]))
    assert response.status_code == 404


def test_application_edit_withdrawn_refused(login, applicant):
    application = draft(factories.make_call(), applicant)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.WITHDRAWN)
    response = login(applicant).get(reverse("application-edit", args=[application.pk]))
    assert response.status_code == 409
    assert page_errors(response) == [
        "This application was withdrawn; it can no longer be changed or submitted. Ask the "
        "convener if this was a mistake."
    ]


def test_application_edit_submitted_requires_required_answers(login, applicant):
    call = factories.make_call()
    application = factories.make_application(
        call=call, organisation=factories.make_org(members=[applicant]), user=applicant
    )
    answer_all(application)
    first = questions_of(call)[0]
    response = login(applicant).post(
        reverse("application-edit", args=[application.pk]),
        _edit_data(call, **{f"q_{first.pk}": ""}),
    )
    assert response.status_code == 400
    assert page_errors(response) == ["This field is required."]


# --- detail --------------------------------------------------------------------------------


def test_application_detail_member_sees_answers_and_status(login, applicant):
    call = factories.make_call()
    application = draft(call, applicant, title="Open water")
    answer_all(application)
    response = login(applicant).get(reverse("application-detail", args=[application.pk]))
    text = page_text(response)
    assert response.status_code == 200
    assert "We share health data." in text
    assert "Status Draft" in text


def test_application_detail_stranger_not_found(login, applicant):
    application = draft(factories.make_call(), applicant)
    response = login(factories.make_user()).get(
        reverse("application-detail", args=[application.pk])
    )
    assert response.status_code == 404
    assert page_errors(response) == ["There is no such application, or it is not yours to see."]


def test_application_detail_missing_is_same_404(login, applicant):
    response = login(applicant).get(reverse("application-detail", args=[999999]))
    assert response.status_code == 404
    assert page_errors(response) == ["There is no such application, or it is not yours to see."]


def test_application_detail_convener_may_view_without_actions(login, applicant, convener):
    application = draft(factories.make_call(), applicant)
    response = login(convener).get(reverse("application-detail", args=[application.pk]))
    assert response.status_code == 200
    assert reverse("application-withdraw", args=[application.pk]) not in (response.content.decode())


def test_application_detail_shows_deadline_in_call_and_viewer_zone(login, applicant):
    call = factories.make_call(timezone="Africa/Nairobi")
    applicant.timezone = "America/Lima"
    applicant.save()
    application = draft(call, applicant)
    response = login(applicant).get(reverse("application-detail", args=[application.pk]))
    text = page_text(response)
    assert "(America/Lima)" in text
    assert f"{format_in_zone(call.deadline, 'Africa/Nairobi')} in the call's time zone" in text


# --- submit --------------------------------------------------------------------------------


def test_application_submit_complete_draft_submits(login, applicant):
    call = factories.make_call()
    application = draft(call, applicant)
    answer_all(application)
    response = login(applicant).post(reverse("application-submit", args=[application.pk]))
    application.refresh_from_db()
    assert (response.status_code, application.status) == (302, Application.Status.SUBMITTED)


def test_application_submit_get_not_allowed(login, applicant):
    application = draft(factories.make_call(), applicant)
    response = login(applicant).get(reverse("application-submit", args=[application.pk]))
    assert response.status_code == 405


def test_application_submit_missing_answers_refused_on_page(login, applicant):
    call = factories.make_call()
    application = draft(call, applicant)
    response = login(applicant).post(reverse("application-submit", args=[application.pk]))
    assert response.status_code == 400
    assert page_errors(response) == [
        "Answer every required question before submitting. Missing: What challenge does your "
        "collaboration address?; How many organisations take part?."
    ]


def test_application_submit_late_refused_on_page(login, applicant):
    call = factories.make_call(open=False)
    application = draft(call, applicant)
    answer_all(application)
    response = login(applicant).post(reverse("application-submit", args=[application.pk]))
    assert response.status_code == 403
    assert page_errors(response) == [_late_message(call)]
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_application_submit_late_with_live_extension_submits(login, applicant, convener):
    call = factories.make_call(open=False)
    application = draft(call, applicant)
    answer_all(application)
    extend(call, application.organisation, convener)
    response = login(applicant).post(reverse("application-submit", args=[application.pk]))
    application.refresh_from_db()
    assert (response.status_code, application.status) == (302, Application.Status.SUBMITTED)


def test_application_submit_ineligible_shows_reasons_and_no_review(login, applicant):
    call = factories.make_call()
    factories.add_criterion(call, CriterionKind.ORG_KIND_IN, ["non_profit", "research"], "Kind")
    org = factories.make_org(members=[applicant], kind="company")
    application = draft(call, applicant, org=org)
    answer_all(application)
    client = login(applicant)
    client.post(reverse("application-submit", args=[application.pk]))
    response = client.get(reverse("application-detail", args=[application.pk]))
    text = page_text(response)
    assert "Organisation kind Company is not one of: Non-profit, Research institution" in text
    assert (
        "Because this application is not eligible, it will not be reviewed or considered "
        "for selection."
    ) in text


def test_application_submit_non_member_not_found(login, applicant):
    application = draft(factories.make_call(), applicant)
    answer_all(application)
    response = login(factories.make_user()).post(
        reverse("application-submit", args=[application.pk])
    )
    assert response.status_code == 404


# --- withdraw ------------------------------------------------------------------------------


def test_application_withdraw_post_withdraws(login, applicant):
    application = draft(factories.make_call(), applicant)
    response = login(applicant).post(
        reverse("application-withdraw", args=[application.pk]), {"confirm": "1"}
    )
    application.refresh_from_db()
    assert (response.status_code, application.status) == (302, Application.Status.WITHDRAWN)


def test_application_withdraw_page_states_what_it_does_and_changes_nothing(login, applicant):
    application = draft(factories.make_call(), applicant)

    response = login(applicant).get(reverse("application-withdraw", args=[application.pk]))

    assert response.status_code == 200
    assert (
        "Withdrawing is final: a withdrawn application cannot be edited, submitted again or "
        "replaced." in page_text(response)
    )
    assert 'name="confirm" value="1"' in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_application_withdraw_post_without_confirm_changes_nothing(login, applicant):
    application = draft(factories.make_call(), applicant)

    response = login(applicant).post(reverse("application-withdraw", args=[application.pk]))

    assert response.status_code == 400
    assert page_errors(response) == ["Confirm on this page to withdraw."]
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_application_withdraw_twice_conflicts_on_page(login, applicant):
    application = draft(factories.make_call(), applicant)
    client = login(applicant)
    url = reverse("application-withdraw", args=[application.pk])
    client.post(url, {"confirm": "1"})
    page = client.get(url)
    response = client.post(url, {"confirm": "1"})
    assert (page.status_code, 'name="confirm"' in page.content.decode()) == (409, False)
    assert response.status_code == 409
    assert page_errors(response) == ["This application is already withdrawn."]


def test_application_withdraw_convener_not_member_not_found(login, applicant, convener):
    application = draft(factories.make_call(), applicant)
    url = reverse("application-withdraw", args=[application.pk])
    client = login(convener)
    assert (client.get(url).status_code, client.post(url, {"confirm": "1"}).status_code) == (
        404,
        404,
    )
