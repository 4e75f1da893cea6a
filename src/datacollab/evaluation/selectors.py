"""Results of session feedback and surveys, with small groups suppressed.

Below MIN_RESPONSES answers, counts, averages and comments are withheld: with three answers
from a roundtable of five, a rating or a sentence points at a person. Comments are shown to
conveners only, never with names, and only above the threshold too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q

from datacollab.evaluation import rules
from datacollab.evaluation.models import SessionFeedback, Survey, SurveyQuestion, SurveyResponse
from datacollab.events.models import Attendance, Audience, Invitation, Session
from datacollab.network.models import Cohort, QuestionKind
from datacollab.network.selectors.participation import cohort_ids_of

MIN_RESPONSES = 5
TEXT_KINDS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.URL)


@dataclass
class FeedbackSummary:
    responses: int
    average: float | None = None  # None when suppressed or empty
    distribution: list[tuple[int, int]] = field(default_factory=list)  # (rating, count)
    useful: list[str] = field(default_factory=list)
    change: list[str] = field(default_factory=list)

    @property
    def suppressed(self) -> bool:
        return self.responses < MIN_RESPONSES


def session_summary(session: Session, *, comments: bool) -> FeedbackSummary:
    """Two queries: the counts per rating, then (for conveners) the comments."""
    counts = dict(
        SessionFeedback.objects.filter(session=session)
        .values("rating")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("rating", "n")
    )
    total = sum(counts.values())
    summary = FeedbackSummary(responses=total)
    if summary.suppressed:
        return summary
    summary.average = round(sum(r * n for r, n in counts.items()) / total, 1)
    summary.distribution = [(rating, counts.get(rating, 0)) for rating in range(1, 6)]
    if comments:
        # Shuffled out of answer order (sorted by text) so the order names nobody either.
        rows = SessionFeedback.objects.filter(session=session).values_list("useful", "change")
        summary.useful = sorted(u for u, _c in rows if u)
        summary.change = sorted(c for _u, c in rows if c)
    return summary


@dataclass
class SessionRow:
    session: Session
    responses: int
    average: float | None

    @property
    def suppressed(self) -> bool:
        return self.responses < MIN_RESPONSES


def cohort_feedback(cohort: Cohort) -> list[SessionRow]:
    """Each of the cohort's sessions with its feedback count and (above the threshold) average."""
    sessions = (
        Session.objects.filter(cohort=cohort, audience=Audience.COHORT)
        .annotate(n=Count("feedback"), avg=Avg("feedback__rating"))
        .order_by("starts_at", "pk")
    )
    return [
        SessionRow(
            session=s,
            responses=s.n,  # type: ignore[attr-defined]
            average=None if s.n < MIN_RESPONSES else round(s.avg, 1),  # type: ignore[attr-defined]
        )
        for s in sessions
    ]


def feedback_by_cohort(cohort_ids: Collection[int]) -> dict[int, tuple[int, float | None]]:
    """(responses, average rating or None below the threshold) per cohort, in one query."""
    rows = (
        SessionFeedback.objects.filter(
            session__cohort_id__in=cohort_ids, session__audience=Audience.COHORT
        )
        .values("session__cohort_id")
        .annotate(n=Count("pk"), avg=Avg("rating"))
        .order_by()
    )
    return {
        row["session__cohort_id"]: (
            row["n"],
            None if row["n"] < MIN_RESPONSES else round(row["avg"], 1),
        )
        for row in rows
    }


def survey_responses_by_cohort(cohort_ids: Collection[int]) -> dict[int, int]:
    """Answers to each cohort's surveys (open or closed), in one query."""
    rows = (
        SurveyResponse.objects.filter(survey__cohort_id__in=cohort_ids)
        .values("survey__cohort_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["survey__cohort_id"]: row["n"] for row in rows}


@dataclass
class QuestionResult:
    question: SurveyQuestion
    counts: list[tuple[str, int]] = field(default_factory=list)  # choice kinds
    average: float | None = None  # numbers
    answered: int = 0
    texts: list[str] = field(default_factory=list)  # conveners only


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    questions: list[QuestionResult]

    @property
    def suppressed(self) -> bool:
        return self.responses < MIN_RESPONSES


def survey_results(survey: Survey, *, comments: bool) -> SurveyResults:
    """Three queries whatever the number of questions and answers."""
    questions = list(survey.questions.all())
    answers = list(SurveyResponse.objects.filter(survey=survey).values_list("answers", flat=True))
    results = SurveyResults(survey=survey, responses=len(answers), questions=[])
    if results.suppressed:
        results.questions = [QuestionResult(question=q) for q in questions]
        return results
    for question in questions:
        values = [a.get(str(question.pk)) for a in answers]
        values = [v for v in values if v not in (None, "", [])]
        result = QuestionResult(question=question, answered=len(values))
        if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            tally: Counter[str] = Counter()
            for value in values:
                tally.update(value if isinstance(value, list) else [value])
            result.counts = [
                (str(choice), tally.get(str(choice), 0)) for choice in question.choices
            ]
        elif question.kind == QuestionKind.NUMBER and values:
            result.average = round(sum(float(v) for v in values) / len(values), 1)
        elif comments and question.kind in TEXT_KINDS:
            result.texts = sorted(str(v) for v in values)
        results.questions.append(result)
    return results


def surveys_of(cohort: Cohort) -> list[Survey]:
    return list(
        Survey.objects.filter(cohort=cohort)
        .annotate(n=Count("responses", distinct=True), q=Count("questions", distinct=True))
        .order_by("-created_at", "pk")
    )


def open_surveys_for(user: Any) -> list[Survey]:
    return list(
        Survey.objects.filter(state=Survey.State.OPEN, cohort_id__in=cohort_ids_of(user))
        .exclude(Q(responses__user=user))
        .select_related("cohort")
    )


def sessions_awaiting_feedback(user: Any, now: datetime) -> list[Session]:
    """Sessions whose form is open to the person (see rules.attendees), newest first."""
    ended = Session.objects.filter(
        status=Session.Status.SCHEDULED,
        ends_at__lte=now,
        ends_at__gt=now - timedelta(days=rules.FEEDBACK_OPEN_DAYS),
    )
    recorded = Attendance.objects.filter(session=OuterRef("pk"))
    present = recorded.filter(user=user, attended=True)
    going = Invitation.objects.filter(
        session=OuterRef("pk"), user=user, response=Invitation.Response.YES
    )
    mine = SessionFeedback.objects.filter(session=OuterRef("pk"), user=user)
    return list(
        ended.filter(Exists(present) | (~Exists(recorded) & Exists(going)))
        .annotate(answered=Exists(mine))
        .order_by("-ends_at", "pk")
    )
