"""Feedback and a survey for the demo's second cohort (2021 open data stewards).

Three of its four roundtables have feedback from enough attendees to show results; the last
has three answers, so the pages show a withheld result too. The closed end-of-cohort survey
has an answer from each of the seven stewards. Rows are upserted by natural key (session and
person; survey title and cohort; survey and person), so loading twice adds nothing.
"""

from __future__ import annotations

from typing import Any

from datacollab.demo.people import email
from datacollab.demo.roundtables import ROUNDTABLES, STEWARDS
from datacollab.demo.rows import upsert
from datacollab.evaluation.models import SessionFeedback, Survey, SurveyQuestion, SurveyResponse
from datacollab.events.models import Attendance, Session
from datacollab.network.models import Cohort
from datacollab.organisations.models import User

# Per roundtable, in order: (rating, useful, change) per attendee, stewards in STEWARDS order.
FEEDBACK: list[list[tuple[int, str, str]]] = [
    [
        (5, "Hearing how GBIF counts reuse of its data.", ""),
        (4, "The impact framework we can take home.", "More time for questions."),
        (4, "", "Share the slides before the session."),
        (5, "Examples from other stewards.", ""),
        (3, "", "Too many speakers for 90 minutes."),
        (4, "The reflective questions.", ""),
    ],
    [
        (4, "Comparing board structures.", ""),
        (5, "Open governance examples from OpenStreetMap.", ""),
        (4, "", "A template for a governance review."),
        (3, "", "Less theory, more cases."),
        (5, "Honest talk about community conflict.", ""),
        (4, "", ""),
    ],
    [
        (5, "Concrete revenue models beside grants.", ""),
        (4, "MetaBrainz's commercial licensing story.", ""),
        (5, "", "A follow-up 1:1 on pricing."),
        (4, "Numbers, not only principles.", ""),
        (3, "", "Break-out rooms were too short."),
        (4, "", ""),
    ],
    [
        (4, "User research methods we can reuse.", ""),
        (5, "", ""),
        (3, "", "Invite a data user to speak."),
    ],
]

SURVEY_TITLE = "Looking back on the 2021 cohort"
QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "single_choice",
        "label": "Would you recommend the network to a peer organisation?",
        "choices": ["Yes", "Maybe", "No"],
    },
    {
        "kind": "multiple_choice",
        "label": "What did you gain?",
        "choices": ["Contacts", "Methods", "Funding", "Confidence"],
    },
    {"kind": "number", "label": "How many new contacts did you make?", "min_value": 0},
    {"kind": "long_text", "label": "What would you change for the next cohort?", "required": False},
]
ANSWERS = [
    ("Yes", ["Contacts", "Methods"], 6, "More time between roundtables to try things."),
    ("Yes", ["Contacts", "Confidence"], 4, "A shared glossary from day one."),
    ("Maybe", ["Methods"], 2, ""),
    ("Yes", ["Contacts", "Funding", "Methods"], 8, "Pair organisations across regions."),
    ("Yes", ["Confidence"], 3, "Record the sessions."),
    ("Yes", ["Contacts", "Methods"], 5, ""),
    ("No", ["Funding"], 1, "Clearer expectations of the output."),
]


def ensure_feedback(*, cohort_slug: str) -> None:
    """Run inside the loader's transaction, after the cohort's roundtables and attendance."""
    cohort = Cohort.objects.get(slug=cohort_slug)
    people = {u.email: u for u in User.objects.filter(email__in=[email(s) for s in STEWARDS])}
    stewards = [people[email(slug)] for slug in STEWARDS]
    sessions = Session.objects.in_bulk([rt.slug for rt in ROUNDTABLES], field_name="slug")
    present = set(
        Attendance.objects.filter(session__in=sessions.values(), attended=True).values_list(
            "session_id", "user_id"
        )
    )
    rows = []
    for rt, answers in zip(ROUNDTABLES, FEEDBACK, strict=True):
        session = sessions[rt.slug]
        came = [p for p in stewards if (session.pk, p.pk) in present]
        for person, (rating, useful, change) in zip(came, answers, strict=False):
            rows.append(
                {
                    "session_id": session.pk,
                    "user_id": person.pk,
                    "rating": rating,
                    "useful": useful,
                    "change": change,
                }
            )
    upsert(
        SessionFeedback,
        key=("session_id", "user_id"),
        rows=rows,
        existing=SessionFeedback.objects.filter(session__in=sessions.values()),
    )
    _ensure_survey(cohort, stewards)


def _ensure_survey(cohort: Cohort, stewards: list[User]) -> None:
    last = max(rt.on for rt in ROUNDTABLES)
    surveys, _created = upsert(
        Survey,
        key=("cohort_id", "title"),
        rows=[
            {
                "cohort_id": cohort.pk,
                "title": SURVEY_TITLE,
                "introduction": "Ten minutes, once, at the end of the cohort.",
                "state": Survey.State.CLOSED,
            }
        ],
        existing=Survey.objects.filter(cohort=cohort),
    )
    survey = surveys[(cohort.pk, SURVEY_TITLE)]
    if survey.opened_at is None:
        Survey.objects.filter(pk=survey.pk).update(
            opened_at=f"{last.isoformat()}T12:00:00Z", closed_at=f"{cohort.ends_on}T12:00:00Z"
        )
    by_position, _new = upsert(
        SurveyQuestion,
        key=("survey_id", "position"),
        rows=[
            {
                "survey_id": survey.pk,
                "position": position,
                "help_text": "",
                "required": True,
                "choices": [],
                "min_value": None,
                **spec,
            }
            for position, spec in enumerate(QUESTIONS, start=1)
        ],
        existing=SurveyQuestion.objects.filter(survey=survey),
    )
    ids = [by_position[(survey.pk, position)].pk for position in range(1, len(QUESTIONS) + 1)]
    upsert(
        SurveyResponse,
        key=("survey_id", "user_id"),
        rows=[
            {
                "survey_id": survey.pk,
                "user_id": person.pk,
                "answers": {str(pk): value for pk, value in zip(ids, answer, strict=True)},
            }
            for person, answer in zip(stewards, ANSWERS, strict=True)
        ],
        existing=SurveyResponse.objects.filter(survey=survey),
    )
