"""Factories for feedback and surveys: real rows through the real services."""

from __future__ import annotations

from typing import Any

from datacollab.evaluation.models import Survey
from datacollab.evaluation.services.feedback import give_feedback
from datacollab.evaluation.services.surveys import add_survey_question, create_survey, move_survey
from datacollab.events.models import Session
from datacollab.events.services.attendance import record_attendance
from datacollab.network.models import Cohort
from datacollab.organisations.models import User
from tests.factories_events import at, make_participant, make_session


def past_session_with(
    convener: User, cohort: Cohort, *, attendees: int, absent: int = 0, days_ago: float = 1
) -> tuple[Session, list[User]]:
    """A session that ended `days_ago`, with `attendees` recorded present (and some absent)."""
    session = make_session(actor=convener, cohort=cohort, starts_at=at(-days_ago))
    present = [make_participant(cohort) for _ in range(attendees)]
    missing = [make_participant(cohort) for _ in range(absent)]
    record_attendance(
        actor=convener,
        session=session,
        attended={**dict.fromkeys(present, True), **dict.fromkeys(missing, False)},
    )
    return session, present


def rate(session: Session, people: list[User], ratings: list[int], **texts: str) -> None:
    for person, rating in zip(people, ratings, strict=True):
        give_feedback(actor=person, session=session, rating=rating, **texts)


def open_survey(convener: User, cohort: Cohort, **fields: Any) -> Survey:
    survey = create_survey(actor=convener, cohort=cohort, title=fields.pop("title", "Looking back"))
    add_survey_question(
        actor=convener,
        survey=survey,
        values={
            "kind": "single_choice",
            "label": "Would you recommend it?",
            "choices": ["Yes", "No"],
        },
    )
    add_survey_question(
        actor=convener,
        survey=survey,
        values={"kind": "long_text", "label": "What did you gain?", "required": False},
    )
    return move_survey(actor=convener, survey=survey, to="open")
