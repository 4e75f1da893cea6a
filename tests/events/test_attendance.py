"""Attendance: the convener's sheet, the records (organisation kept), the rates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.events.models import Attendance
from datacollab.events.selectors import attendance_rates
from datacollab.events.selectors.attendance import attendance_sheet
from datacollab.events.services.attendance import record_attendance
from datacollab.events.services.invitations import add_invitations, respond
from datacollab.events.services.sessions import cancel_session
from tests import factories
from tests.factories_events import at, current_cohort, make_participant, make_session
from tests.network.factories_grants import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return current_cohort(name="Cohort 3")


def test_attendance_sheet_lists_cohort_people_and_invitees(convener, cohort):
    gbif = make_member(cohort, name="GBIF")
    ada = make_participant(cohort, organisation=gbif, display_name="Ada")
    guest = factories.make_user(display_name="Guest")
    session = make_session(actor=convener, cohort=cohort, starts_at=at(2))
    add_invitations(session=session, users=[guest])
    respond(actor=ada, session=session, response="yes")
    rows = attendance_sheet(session)
    assert [
        (r.person.display_name, r.organisation and r.organisation.name, r.response) for r in rows
    ] == [
        ("Ada", "GBIF", "yes"),
        ("Guest", None, "pending"),
    ]


def test_record_attendance_keeps_organisation_and_audits(convener, cohort):
    gbif, osm = make_member(cohort, name="GBIF"), make_member(cohort, name="OSMF")
    ada = make_participant(cohort, organisation=gbif)
    bob = make_participant(cohort, organisation=osm)
    session = make_session(actor=convener, cohort=cohort, starts_at=at(-1))
    present = record_attendance(actor=convener, session=session, attended={ada: True, bob: False})
    assert present == 1
    assert sorted(
        Attendance.objects.values_list("user__pk", "organisation__name", "attended")
    ) == sorted([(ada.pk, "GBIF", True), (bob.pk, "OSMF", False)])
    assert AuditEntry.objects.get(action="session.attendance").details == {
        "present": 1,
        "absent": 1,
    }
    # Recording again updates presence but keeps the organisation first recorded.
    ada.memberships.all().delete()
    record_attendance(actor=convener, session=session, attended={ada: False})
    assert Attendance.objects.get(user=ada).organisation == gbif
    assert Attendance.objects.get(user=ada).attended is False


def test_record_attendance_by_participant_refused(convener, cohort):
    ada = make_participant(cohort)
    session = make_session(actor=convener, cohort=cohort, starts_at=at(-1))
    with pytest.raises(NotAllowed) as error:
        record_attendance(actor=ada, session=session, attended={ada: True})
    assert error.value.message == "Only a convener can record attendance."


def test_record_attendance_before_start_refused(convener, cohort):
    ada = make_participant(cohort)
    session = make_session(actor=convener, cohort=cohort, starts_at=at(1))
    with pytest.raises(DomainError) as error:
        record_attendance(actor=convener, session=session, attended={ada: True})
    assert error.value.message == (
        "Value and impact of open data has not started yet: record attendance once it has."
    )


def test_record_attendance_cancelled_conflict(convener, cohort):
    ada = make_participant(cohort)
    session = cancel_session(actor=convener, session=make_session(actor=convener, cohort=cohort))
    with pytest.raises(Conflict):
        record_attendance(actor=convener, session=session, attended={ada: True})


def test_record_attendance_stranger_refused(convener, cohort):
    stranger = factories.make_user(display_name="Stranger")
    session = make_session(actor=convener, cohort=cohort, starts_at=at(-1))
    with pytest.raises(DomainError) as error:
        record_attendance(actor=convener, session=session, attended={stranger: True})
    assert error.value.message == (
        "Stranger is neither invited nor in the session's cohort: invite them first, then "
        "record their attendance."
    )


def test_record_attendance_two_strangers_refused_in_the_plural(convener, cohort):
    strangers = [factories.make_user(display_name=name) for name in ("Ann", "Bo")]
    session = make_session(actor=convener, cohort=cohort, starts_at=at(-1))
    with pytest.raises(DomainError) as error:
        record_attendance(actor=convener, session=session, attended=dict.fromkeys(strangers, True))
    assert error.value.message == (
        "Ann, Bo are neither invited nor in the session's cohort: invite them first, then "
        "record their attendance."
    )


def test_attendance_rates_per_session_and_organisation(convener, cohort):
    gbif, osm, _wiki = (make_member(cohort, name=n) for n in ("GBIF", "OSMF", "Wikimedia"))
    ada = make_participant(cohort, organisation=gbif)
    ann = make_participant(cohort, organisation=gbif)
    bob = make_participant(cohort, organisation=osm)
    first = make_session(actor=convener, cohort=cohort, title="First", starts_at=at(-20))
    second = make_session(actor=convener, cohort=cohort, title="Second", starts_at=at(-10))
    make_session(actor=convener, cohort=cohort, title="Future", starts_at=at(10))
    record_attendance(actor=convener, session=first, attended={ada: True, ann: True, bob: False})
    record_attendance(actor=convener, session=second, attended={ada: False, ann: True, bob: True})
    rates = attendance_rates(cohort)
    assert [(r.session.title, r.attended, r.recorded, r.percent) for r in rates.sessions] == [
        ("First", 2, 3, 67),
        ("Second", 2, 3, 67),
    ]
    assert [
        (
            o.organisation.name,
            o.attended,
            o.recorded,
            o.percent,
            o.sessions_present,
            o.sessions_held,
            o.session_percent,
        )
        for o in rates.organisations
    ] == [
        ("GBIF", 3, 4, 75, 2, 2, 100),
        ("OSMF", 1, 2, 50, 1, 2, 50),
        ("Wikimedia", 0, 0, None, 0, 2, 0),
    ]
    assert (rates.attended, rates.recorded, rates.percent) == (4, 6, 67)


def test_attendance_rates_empty_cohort(cohort):
    rates = attendance_rates(cohort)
    assert (rates.sessions, rates.organisations, rates.rate) == ([], [], None)


def test_attendance_page_records_ticked_people(login, convener, cohort):
    ada = make_participant(cohort)
    bob = make_participant(cohort)
    session = make_session(actor=convener, cohort=cohort, starts_at=at(-1))
    response = login(convener).post(
        reverse("session-attendance", args=[session.slug]), {f"present_{ada.pk}": "on"}
    )
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("user", "attended")) == {
        ada.pk: True,
        bob.pk: False,
    }


def test_attendance_page_by_participant_403(login, convener, cohort):
    ada = make_participant(cohort)
    session = make_session(actor=convener, cohort=cohort, starts_at=at(-1))
    response = login(ada).get(reverse("session-attendance", args=[session.slug]))
    assert response.status_code == 403
    assert "Only a convener can record attendance." in response.content.decode()


def test_attendance_page_query_count(login, convener, cohort, django_assert_max_num_queries):
    for _ in range(15):
        make_participant(cohort)
    session = make_session(actor=convener, cohort=cohort, starts_at=at(-1))
    client = login(convener)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("session-attendance", args=[session.slug]))
    assert len(response.context["form"].rows) == 15


def test_cohort_attendance_page(login, convener, cohort, django_assert_max_num_queries):
    orgs = [make_member(cohort) for _ in range(5)]
    people = [make_participant(cohort, organisation=org) for org in orgs]
    for n in range(4):
        session = make_session(actor=convener, cohort=cohort, starts_at=at(-n - 1))
        record_attendance(actor=convener, session=session, attended=dict.fromkeys(people, True))
    client = login(convener)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("cohort-attendance", args=[cohort.slug]))
    assert response.status_code == 200
    assert "Overall: 20 of 20 people recorded were present (100%)." in response.content.decode()


def test_cohort_attendance_page_by_participant_403(login, cohort):
    response = login(make_participant(cohort)).get(reverse("cohort-attendance", args=[cohort.slug]))
    assert response.status_code == 403
    assert "Only a convener can see attendance." in response.content.decode()
