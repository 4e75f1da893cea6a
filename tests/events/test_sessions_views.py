"""Session pages: list (filters, query count), detail, create/edit/cancel/minutes, RSVP, invite."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from datacollab.events.models import Audience, Invitation, Session
from datacollab.events.services.invitations import add_invitations
from datacollab.events.services.sessions import cancel_session
from datacollab.learnings.models import Learning, Resource
from tests import factories
from tests.factories_events import (
    at,
    current_cohort,
    make_expert,
    make_participant,
    make_session,
)
from tests.network.factories_grants import make_member

pytestmark = pytest.mark.django_db


def test_session_list_shows_upcoming_visible_only(login, convener):
    cohort, other = current_cohort(name="Cohort 3"), current_cohort(name="Cohort 4")
    person = make_participant(cohort)
    make_session(actor=convener, cohort=cohort, title="Ours")
    make_session(actor=convener, cohort=other, title="Theirs")
    make_session(actor=convener, cohort=cohort, title="Long ago", starts_at=at(-30))
    response = login(person).get(reverse("session-list"))
    assert response.status_code == 200
    assert [s.title for s in response.context["page"]] == ["Ours"]


def test_session_list_past_and_filters(login, convener):
    cohort, other = current_cohort(name="Cohort 3"), current_cohort(name="Cohort 4")
    make_session(actor=convener, cohort=cohort, title="A", starts_at=at(-3))
    make_session(actor=convener, cohort=other, title="B", starts_at=at(-2), kind="workshop")
    make_session(actor=convener, cohort=cohort, title="C", starts_at=at(-1), kind="workshop")
    client = login(convener)
    past = client.get(reverse("session-list"), {"when": "past"})
    assert [s.title for s in past.context["page"]] == ["C", "B", "A"]
    filtered = client.get(
        reverse("session-list"), {"when": "past", "cohort": cohort.slug, "kind": "workshop"}
    )
    assert [s.title for s in filtered.context["page"]] == ["C"]
    junk = client.get(reverse("session-list"), {"cohort": "nope", "kind": "party"})
    assert junk.status_code == 200


def test_session_list_query_count(login, convener, django_assert_max_num_queries):
    cohort = current_cohort()
    person = make_participant(cohort)
    orgs = [make_member(cohort) for _ in range(3)]
    for n in range(12):
        make_session(
            actor=convener, cohort=cohort, title=f"S{n}", starts_at=at(n + 1), contributors=orgs
        )
    client = login(person)
    with django_assert_max_num_queries(
        11
    ):  # +1: the menu asks whether the person books 1:1 support
        response = client.get(reverse("session-list"))
    assert len(response.context["page"]) == 12


def test_session_list_anonymous_redirected_to_login(client):
    response = client.get(reverse("session-list"))
    assert (response.status_code, response.url.startswith(reverse("login"))) == (302, True)


def test_session_detail_shows_times_in_viewer_zone(login, convener):
    cohort = current_cohort()
    viewer = make_participant(cohort, timezone="Asia/Tokyo")
    session = make_session(
        actor=convener,
        cohort=cohort,
        starts_at=datetime(2030, 1, 15, 14, 0, tzinfo=ZoneInfo("Europe/London")),
        time_zone="Europe/London",
    )
    body = login(viewer).get(reverse("session-detail", args=[session.slug])).content.decode()
    assert "Tue 15 Jan 2030, 23:00" in body  # 14:00 in London is 23:00 in Tokyo
    assert "Organised in Europe/London: 14:00 there" in body


def test_session_detail_outsider_404(login, convener):
    session = make_session(actor=convener)
    response = login(factories.make_user()).get(reverse("session-detail", args=[session.slug]))
    assert response.status_code == 404
    assert "There is no session" in response.content.decode()


def test_session_detail_markdown_is_sanitised(login, convener):
    session = make_session(actor=convener, description="<script>alert(1)</script> **bold**")
    body = login(convener).get(reverse("session-detail", args=[session.slug])).content.decode()
    assert ("<script>alert(1)" in body, "<strong>bold</strong>" in body) == (False, True)


def test_session_detail_lists_linked_resources_and_visible_learnings(login, convener):
    cohort = current_cohort()
    person = make_participant(cohort)
    session = make_session(actor=convener, cohort=cohort)
    Resource.objects.create(
        slug="clip", title="Video clips", kind="video", url="https://example.org/v", session=session
    )
    Learning.objects.create(
        slug="pub",
        title="Published insight",
        body="x",
        cohort=cohort,
        session=session,
        author=convener,
        status="published",
        visibility="cohort",
    )
    Learning.objects.create(
        slug="draft",
        title="Someone's draft",
        body="x",
        cohort=cohort,
        session=session,
        author=convener,
        status="draft",
    )
    response = login(person).get(reverse("session-detail", args=[session.slug]))
    assert [r.title for r in response.context["resources"]] == ["Video clips"]
    assert [learning.title for learning in response.context["learnings"]] == ["Published insight"]


def _form(cohort, **extra):
    data = {
        "kind": "roundtable",
        "title": "Making data accessible",
        "theme": "Accessibility",
        "audience": "cohort",
        "cohort": cohort.slug,
        "starts_at": "2030-03-31T01:30",
        "ends_at": "2030-03-31T03:00",
        "time_zone": "America/Sao_Paulo",
        "place": "",
        "video_url": "https://meet.example.org/x",
        "description": "",
        "reflective_questions": "How do users find you?",
        "invite_cohort": "on",
    }
    data.update(extra)
    return data


def test_session_create_page_entered_in_organiser_zone(login, convener):
    cohort = current_cohort()
    person = make_participant(cohort)
    org = make_member(cohort)
    response = login(convener).post(
        reverse("session-create"), _form(cohort, contributors=[org.slug])
    )
    session = Session.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("session-detail", args=[session.slug])
    assert session.starts_at == datetime(2030, 3, 31, 4, 30, tzinfo=ZoneInfo("UTC"))
    assert (session.timezone, list(session.contributors.all())) == ("America/Sao_Paulo", [org])
    assert list(Invitation.objects.values_list("user", flat=True)) == [person.pk]


def test_session_create_nonexistent_local_time_refused(login, convener):
    cohort = current_cohort()
    response = login(convener).post(
        reverse("session-create"),
        _form(cohort, time_zone="Europe/London", starts_at="2030-03-31T01:30"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["starts_at"] == [
        "2030-03-31 01:30 does not exist in Europe/London (the clocks go forward then)."
    ]


def test_session_create_service_refusal_shown_on_form(login, convener):
    cohort = current_cohort()
    response = login(convener).post(
        reverse("session-create"), _form(cohort, ends_at="2030-03-31T01:00")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ends_at"] == ["The end must be after the start."]


def test_session_create_by_participant_refused(login):
    cohort = current_cohort()
    client = login(make_participant(cohort))
    for response in (
        client.get(reverse("session-create")),
        client.post(reverse("session-create"), _form(cohort)),
    ):
        assert response.status_code == 403
        assert "Only a convener can create sessions." in response.content.decode()
    assert Session.objects.count() == 0


def test_session_edit_page_moves_session(login, convener):
    session = make_session(actor=convener, time_zone="Europe/London")
    client = login(convener)
    form = client.get(reverse("session-edit", args=[session.slug])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(starts_at="2030-06-01T10:00", ends_at="2030-06-01T11:00")
    response = client.post(reverse("session-edit", args=[session.slug]), data)
    session.refresh_from_db()
    assert response.status_code == 302
    assert (session.starts_at, session.sequence) == (
        datetime(2030, 6, 1, 9, 0, tzinfo=ZoneInfo("UTC")),
        1,
    )


def test_session_cancel_page(login, convener):
    session = make_session(actor=convener)
    response = login(convener).post(
        reverse("session-cancel", args=[session.slug]), {"reason": "Storm"}
    )
    session.refresh_from_db()
    assert (response.status_code, session.status) == (302, "cancelled")


def test_session_cancel_by_expert_refused(login, convener):
    session = make_session(actor=convener)
    response = login(make_expert()).post(reverse("session-cancel", args=[session.slug]))
    assert response.status_code == 403
    assert "Only a convener can cancel sessions." in response.content.decode()


def test_session_minutes_page(login, convener):
    session = make_session(actor=convener, starts_at=at(-1))
    response = login(convener).post(
        reverse("session-minutes", args=[session.slug]), {"minutes": "## Notes"}
    )
    session.refresh_from_db()
    assert (response.status_code, session.minutes) == (302, "## Notes")


def test_session_rsvp_by_participant(login, convener):
    cohort = current_cohort()
    person = make_participant(cohort)
    session = make_session(actor=convener, cohort=cohort)
    response = login(person).post(reverse("session-rsvp", args=[session.slug]), {"response": "yes"})
    assert response.status_code == 302
    assert Invitation.objects.get(session=session, user=person).response == "yes"


def test_session_rsvp_not_visible_404(login, convener):
    session = make_session(actor=convener, cohort=current_cohort())
    outsider = make_participant(current_cohort())
    response = login(outsider).post(
        reverse("session-rsvp", args=[session.slug]), {"response": "yes"}
    )
    assert response.status_code == 404
    assert "or it is not open to you" in response.content.decode()
    assert Invitation.objects.count() == 0


def test_session_rsvp_cancelled_conflict(login, convener):
    cohort = current_cohort()
    person = make_participant(cohort)
    session = cancel_session(actor=convener, session=make_session(actor=convener, cohort=cohort))
    response = login(person).post(reverse("session-rsvp", args=[session.slug]), {"response": "no"})
    assert response.status_code == 409
    assert "was cancelled: there is nothing to answer." in response.content.decode()


def test_session_rsvp_bad_answer_400(login, convener):
    cohort = current_cohort()
    session = make_session(actor=convener, cohort=cohort)
    response = login(make_participant(cohort)).post(
        reverse("session-rsvp", args=[session.slug]), {"response": "perhaps"}
    )
    assert response.status_code == 400
    assert "Answer yes, maybe or no." in response.content.decode()


def test_session_rsvp_after_start_refused(login, convener):
    cohort = current_cohort()
    session = make_session(actor=convener, cohort=cohort, starts_at=at(-1))
    response = login(make_participant(cohort)).post(
        reverse("session-rsvp", args=[session.slug]), {"response": "yes"}
    )
    assert response.status_code == 400
    assert "has already started: answers are closed." in response.content.decode()


def test_session_invite_page_by_email_and_cohort(login, convener):
    cohort = current_cohort()
    members = [make_participant(cohort), make_participant(cohort)]
    guest = factories.make_user(email="guest@example.org")
    session = make_session(actor=convener, audience=Audience.NETWORK)
    response = login(convener).post(
        reverse("session-invite", args=[session.slug]),
        {"cohort": cohort.slug, "emails": "GUEST@example.org, "},
    )
    assert response.status_code == 302
    assert set(Invitation.objects.values_list("user", flat=True)) == {
        guest.pk,
        *(m.pk for m in members),
    }


def test_session_invite_unknown_email_400(login, convener):
    session = make_session(actor=convener)
    response = login(convener).post(
        reverse("session-invite", args=[session.slug]), {"emails": "nobody@example.org"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["emails"] == [
        "No account has the address nobody@example.org."
    ]


def test_session_invite_page_query_count(login, convener, django_assert_max_num_queries):
    session = make_session(actor=convener)
    add_invitations(session=session, users=[factories.make_user() for _ in range(15)])
    client = login(convener)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("session-invite", args=[session.slug]))
    assert len(response.context["invitations"]) == 15
