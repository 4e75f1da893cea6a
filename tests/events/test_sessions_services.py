"""Creating, changing, cancelling sessions and recording minutes."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.models import AuditEntry
from datacollab.events.models import Audience, Invitation, Session
from datacollab.events.services.sessions import (
    cancel_session,
    create_session,
    record_minutes,
    update_session,
)
from tests import factories
from tests.factories_events import (
    at,
    current_cohort,
    make_participant,
    make_session,
)
from tests.network.factories_grants import make_member

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def _create(actor, cohort=None, **extra):
    fields = {
        "actor": actor,
        "network": factories.make_network(),
        "kind": "roundtable",
        "title": "Developing the right governance model",
        "starts_at": datetime(2027, 3, 10, 14, 0, tzinfo=LONDON),
        "ends_at": datetime(2027, 3, 10, 15, 30, tzinfo=LONDON),
        "audience": Audience.COHORT,
        "cohort": cohort,
    }
    fields.update(extra)
    return create_session(**fields)


def test_create_session_by_convener_stores_everything(convener):
    cohort = current_cohort()
    gbif, osm = make_member(cohort, name="GBIF"), make_member(cohort, name="OSMF")
    guest = make_participant(cohort)
    session = _create(
        convener,
        cohort,
        theme="Governance",
        description="How are you *organised*?",
        place="ODI, London",
        video_url="https://meet.example.org/abc",
        contributors=[gbif, osm],
        invitees=[guest],
        time_zone="Europe/London",
        reflective_questions="Who decides?\nWho pays?",
    )
    session.refresh_from_db()
    assert (session.slug, session.timezone, session.sequence, session.status) == (
        "2027-03-10-developing-the-right-governance-model",
        "Europe/London",
        0,
        "scheduled",
    )
    assert sorted(o.name for o in session.contributors.all()) == ["GBIF", "OSMF"]
    assert list(Invitation.objects.filter(session=session).values_list("user", flat=True)) == [
        guest.pk
    ]
    entry = AuditEntry.objects.get(action="session.create")
    assert (entry.object_id, entry.details["invited"]) == (str(session.pk), 1)


def test_create_session_default_zone_is_conveners(convener):
    convener.timezone = "America/Sao_Paulo"
    session = _create(convener, current_cohort())
    assert session.timezone == "America/Sao_Paulo"


def test_create_session_same_title_and_day_gets_distinct_slug(convener):
    cohort = current_cohort()
    first, second = _create(convener, cohort), _create(convener, cohort)
    assert second.slug == first.slug + "-2"


def test_create_session_by_participant_refused(convener):
    cohort = current_cohort()
    with pytest.raises(NotAllowed) as error:
        _create(make_participant(cohort), cohort)
    assert error.value.message == "Only a convener can create sessions."
    assert Session.objects.count() == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"kind": "party"}, "Choose a kind: roundtable, workshop, 1:1 support or networking."),
        ({"title": "  "}, "Give the title."),
        ({"cohort": None}, "Choose the cohort the session is for."),
        (
            {"audience": "everyone"},
            "Choose who the session is for: a cohort, the alumni or the whole network.",
        ),
        (
            {"ends_at": datetime(2027, 3, 10, 13, 0, tzinfo=LONDON)},
            "The end must be after the start.",
        ),
        (
            {"starts_at": datetime(2027, 3, 10, 14, 0)},
            "Give the start and end as dates and times with their time zone.",
        ),
        (
            {"time_zone": "Mars/Olympus"},
            "'Mars/Olympus' is not a time zone: give an IANA name such as Europe/London.",
        ),
        (
            {"video_url": "javascript:alert(1)"},
            "'javascript:alert(1)' is not a web address: give a link starting with https://.",
        ),
    ],
)
def test_create_session_bad_input_refused(convener, extra, message):
    with pytest.raises(DomainError) as error:
        _create(convener, **{"cohort": current_cohort(), **extra})
    assert error.value.message == message


def test_create_session_contributor_outside_cohort_refused(convener):
    cohort = current_cohort(name="Cohort 3")
    outsider = factories.make_org(name="Elsewhere")
    with pytest.raises(DomainError) as error:
        _create(convener, cohort, contributors=[outsider])
    assert error.value.message == (
        "Primary contributors of a cohort session are organisations of that cohort; "
        "Elsewhere is not in Cohort 3."
    )


def test_update_session_move_raises_sequence_keeps_uid(convener):
    session = make_session(actor=convener)
    uid = session.uid
    moved = update_session(
        actor=convener,
        session=session,
        starts_at=session.starts_at + timedelta(days=1),
        ends_at=session.ends_at + timedelta(days=1),
    )
    moved.refresh_from_db()
    assert (moved.uid, moved.sequence) == (uid, 1)
    assert AuditEntry.objects.get(action="session.update").details == {
        "changed": ["ends_at", "starts_at"],
        "sequence": 1,
    }


def test_update_session_title_only_keeps_sequence(convener):
    session = make_session(actor=convener)
    changed = update_session(actor=convener, session=session, title="A better title")
    assert (changed.title, changed.sequence) == ("A better title", 0)


def test_update_session_place_raises_sequence(convener):
    session = make_session(actor=convener)
    assert update_session(actor=convener, session=session, place="Room 2").sequence == 1


def test_update_session_nothing_changed_no_audit(convener):
    session = make_session(actor=convener)
    update_session(actor=convener, session=session, title=session.title)
    assert AuditEntry.objects.filter(action="session.update").count() == 0


def test_update_session_by_expert_refused(convener):
    session = make_session(actor=convener)
    with pytest.raises(NotAllowed) as error:
        update_session(actor=factories.make_user(roles=["expert"]), session=session, title="x")
    assert error.value.message == "Only a convener can edit sessions."


def test_cancel_session_marks_cancelled_and_audits(convener):
    session = make_session(actor=convener)
    cancelled = cancel_session(actor=convener, session=session, reason="Speaker ill")
    assert (cancelled.status, cancelled.sequence) == ("cancelled", 1)
    entry = AuditEntry.objects.get(action="session.cancel")
    assert entry.details == {"reason": "Speaker ill", "sequence": 1}


def test_cancel_session_twice_conflict(convener):
    session = cancel_session(actor=convener, session=make_session(actor=convener))
    with pytest.raises(Conflict) as error:
        cancel_session(actor=convener, session=session)
    assert error.value.message == "Value and impact of open data is already cancelled."


def test_cancel_session_past_refused(convener):
    session = make_session(actor=convener, starts_at=at(-3))
    with pytest.raises(DomainError) as error:
        cancel_session(actor=convener, session=session)
    assert error.value.message == (
        "Value and impact of open data has already taken place: a past session cannot be cancelled."
    )


def test_update_session_cancelled_conflict(convener):
    session = cancel_session(actor=convener, session=make_session(actor=convener))
    with pytest.raises(Conflict) as error:
        update_session(actor=convener, session=session, title="Again")
    assert error.value.message == (
        "Value and impact of open data was cancelled, and a cancelled session cannot be "
        "changed: create a new session instead."
    )


def test_record_minutes_after_event(convener):
    session = make_session(actor=convener, starts_at=at(-2))
    record_minutes(actor=convener, session=session, minutes="We *agreed*.")
    session.refresh_from_db()
    assert (session.minutes, session.sequence) == ("We *agreed*.", 0)
    assert AuditEntry.objects.filter(action="session.minutes").count() == 1


def test_record_minutes_before_event_refused(convener):
    session = make_session(actor=convener, starts_at=at(2))
    with pytest.raises(DomainError) as error:
        record_minutes(actor=convener, session=session, minutes="Too early")
    assert error.value.message == (
        "Value and impact of open data has not started yet: record its minutes after the event."
    )


def test_create_and_change_session_refresh_search_entry(
    convener, django_capture_on_commit_callbacks
):
    from datacollab.search.models import Document

    with django_capture_on_commit_callbacks(execute=True):
        session = make_session(actor=convener, title="Governance models")
    assert list(Document.objects.filter(kind="session").values_list("object_id", "title")) == [
        (session.pk, "Governance models")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        update_session(actor=convener, session=session, title="Governance, revisited")
    assert list(Document.objects.filter(kind="session").values_list("title", flat=True)) == [
        "Governance, revisited"
    ]
