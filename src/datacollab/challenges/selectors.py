"""Reads for challenges: lists, conflicts, the ranking."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from datacollab.challenges import rules
from datacollab.challenges.models import Challenge, JudgeAssignment, JudgeConflict, Submission, Team
from datacollab.core.errors import NotFound
from datacollab.organisations.models import Membership


def visible_challenges(user: Any) -> QuerySet[Challenge]:
    shown = Challenge.objects.all()
    if not rules.can_manage(user):
        shown = shown.exclude(status=Challenge.Status.DRAFT)
    return shown.annotate(team_count=Count("teams", distinct=True)).order_by("-deadline", "-pk")


def challenge_for(user: Any, slug: str) -> Challenge:
    challenge = Challenge.objects.filter(slug=slug).first()
    if challenge is None or not rules.can_see(user, challenge):
        raise NotFound(_no_such())
    return challenge


def _no_such() -> str:
    return _("There is no such challenge.")


def team_of(user: Any, challenge: Challenge) -> Any:
    if not getattr(user, "is_authenticated", False):
        return None
    return challenge.teams.filter(members=user).first()


def conflict_pairs(challenge: Challenge) -> set[tuple[int, int]]:
    """(judge user id, team id) pairs that may not meet: member, same organisation, declared."""
    judges = set(challenge.judges.values_list("user_id", flat=True))
    pairs = set(
        JudgeConflict.objects.filter(team__challenge=challenge).values_list("judge_id", "team_id")
    )
    members = list(challenge.teams.filter(members__isnull=False).values_list("pk", "members__pk"))
    orgs_of: dict[int, set[int]] = {}
    people = judges | {user for _team, user in members}
    for user_id, org_id in Membership.objects.filter(user_id__in=people).values_list(
        "user_id", "organisation_id"
    ):
        orgs_of.setdefault(user_id, set()).add(org_id)
    for team_id, user_id in members:
        for judge in judges:
            if judge == user_id or orgs_of.get(judge, set()) & orgs_of.get(user_id, set()):
                pairs.add((judge, team_id))
    return pairs


def my_assignments(user: Any) -> QuerySet[JudgeAssignment]:
    return (
        JudgeAssignment.objects.filter(judge=user)
        .select_related("submission__team__challenge")
        .order_by("-submission__team__challenge__deadline", "submission__title")
    )


def assignment_for(user: Any, pk: int) -> JudgeAssignment:
    assignment = (
        JudgeAssignment.objects.select_related("submission__team__challenge")
        .prefetch_related("scores", "submission__datasets", "submission__files")
        .filter(pk=pk, judge=user)
        .first()
    )
    if assignment is None:
        raise NotFound(_no_such())
    return assignment


@dataclass(frozen=True)
class Ranked:
    rank: int
    submission: Submission
    score: Decimal | None
    judged: int


def ranking(challenge: Challenge) -> list[Ranked]:
    """Submissions by the mean of their judges' weighted scores; ties share a rank."""
    rows = (
        Submission.objects.filter(team__challenge=challenge)
        .select_related("team")
        .prefetch_related(Prefetch("datasets"))
        .annotate(
            mean=Avg("assignments__weighted_score", filter=Q(assignments__scored_at__isnull=False)),
            judged=Count("assignments", filter=Q(assignments__scored_at__isnull=False)),
        )
    )
    ordered = sorted(rows, key=lambda s: (s.mean is None, -(s.mean or 0), s.title, s.pk))
    ranked: list[Ranked] = []
    for i, s in enumerate(ordered):
        score = None if s.mean is None else Decimal(s.mean).quantize(Decimal("0.01"), ROUND_HALF_UP)
        rank = ranked[-1].rank if ranked and ranked[-1].score == score else i + 1
        ranked.append(Ranked(rank=rank, submission=s, score=score, judged=s.judged))
    return ranked


def submission_for(user: Any, challenge: Challenge, pk: int) -> Submission:
    """Public once results are out; before, its team, its judges and conveners see it."""
    submission = (
        Submission.objects.filter(team__challenge=challenge, pk=pk)
        .select_related("team")
        .prefetch_related("datasets", "files", "team__members")
        .first()
    )
    if submission is None:
        raise NotFound(_no_such())
    if challenge.status == Challenge.Status.RESULTS or rules.can_manage(user):
        return submission
    if getattr(user, "is_authenticated", False) and (
        submission.team.members.filter(pk=user.pk).exists()
        or submission.assignments.filter(judge=user).exists()  # the judges read it to score
    ):
        return submission
    raise NotFound(_no_such())


def teams_to_judge(user: Any) -> QuerySet[Team]:
    """Teams of the challenges this person judges, before results: where a conflict may be said."""
    return (
        Team.objects.filter(
            challenge__judges__user=user,
            challenge__status__in=[Challenge.Status.OPEN, Challenge.Status.JUDGING],
        )
        .exclude(conflicts__judge=user)
        .select_related("challenge")
        .order_by("challenge__title", "name")
    )


def team_for_judge(user: Any, pk: int) -> Team:
    team = Team.objects.select_related("challenge").filter(pk=pk).first()
    if team is None or not rules.is_judge(user, team.challenge):
        raise NotFound(_no_such())
    return team
