"""Judging: judges, their conflicts, the assignment run and the scores.

The assignment is the applications' engine (network/assignment_engine.solve_assignment) with
judges for reviewers and submissions for applications; the scores go through the same rubric
checks (network/rubric.py). A judge conflicts with a team they are in, a team with a member of
one of their organisations, and a team they declared a conflict with.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datacollab.challenges import rules
from datacollab.challenges.models import (
    Challenge,
    Judge,
    JudgeAssignment,
    JudgeConflict,
    JudgeScore,
    Submission,
    Team,
)
from datacollab.challenges.selectors import conflict_pairs
from datacollab.challenges.services.lifecycle import require_manager
from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed, NotFound
from datacollab.core.text import single_line
from datacollab.network.assignment_engine import solve_assignment
from datacollab.network.assignment_messages import reasons_text
from datacollab.network.rubric import check_scores, weighted_mean
from datacollab.organisations.models import User
from datacollab.organisations.rules import is_reviewer

Status = Challenge.Status


@transaction.atomic
def invite_judge(*, actor: Any, challenge: Challenge, user: User) -> Judge:
    """People with the reviewer role, or anyone the convener invites, judge."""
    require_manager(actor)
    if challenge.status == Status.RESULTS:
        raise Conflict(_("The results are published: the jury is closed."))
    judge, created = Judge.objects.get_or_create(challenge=challenge, user=user)
    if not created:
        raise Conflict(_("%(person)s already judges this challenge.") % {"person": user})
    audit.record(
        action="challenge.judge_invited",
        actor=actor,
        obj=challenge,
        details={"judge": user.pk, "reviewer_role": is_reviewer(user)},
    )
    return judge


@transaction.atomic
def declare_conflict(*, actor: Any, team: Team, reason: str) -> JudgeConflict:
    """A judge says they cannot judge this team fairly; any unscored assignment goes."""
    challenge = team.challenge
    if not rules.is_judge(actor, challenge):
        raise NotAllowed(_("Only this challenge's judges declare conflicts."))
    reason = single_line(reason)[:300]
    if not reason:
        raise DomainError(_("Say briefly why there is a conflict."), field="reason")
    conflict, created = JudgeConflict.objects.get_or_create(
        team=team, judge=actor, defaults={"reason": reason}
    )
    if not created:
        raise Conflict(_("A conflict with this team is already recorded."))
    # A conflicted score must not count, so even a scored assignment is dropped.
    dropped = JudgeAssignment.objects.filter(submission__team=team, judge=actor).delete()[0]
    audit.record(
        action="challenge.conflict_declared",
        actor=actor,
        obj=conflict,
        details={"team": team.pk, "reason": reason, "assignments_dropped": dropped},
    )
    return conflict


@transaction.atomic
def assign_judges(*, actor: Any, challenge: Challenge) -> int:
    """Give every submission `judges_per_submission` non-conflicted judges, loads balanced.

    Existing assignments stay (fixed in the solve), so a re-run only fills gaps.
    Returns how many assignments were made.
    """
    require_manager(actor)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.status != Status.JUDGING:
        raise Conflict(_("Judges are assigned once judging has started."))
    submissions = list(
        Submission.objects.filter(team__challenge=challenge).order_by("pk").select_related("team")
    )
    judges = list(challenge.judges.order_by("user_id").values_list("user_id", flat=True))
    if not submissions:
        raise DomainError(_("There are no submissions to judge."))
    need = challenge.judges_per_submission
    row = {s.pk: i for i, s in enumerate(submissions)}
    column = {j: i for i, j in enumerate(judges)}
    conflict = np.zeros((len(submissions), len(judges)), dtype=bool)
    pairs = conflict_pairs(challenge)
    for judge_id, team_id in pairs:
        for s in submissions:
            if s.team_id == team_id and judge_id in column:
                conflict[row[s.pk], column[judge_id]] = True
    short = [s.title for s in submissions if int((~conflict[row[s.pk]]).sum()) < need]
    if short:
        raise DomainError(
            _(
                "Each submission needs %(need)d judges without a conflict; these have fewer: "
                "%(titles)s. Invite more judges."
            )
            % {"need": need, "titles": ", ".join(short[:5])}
        )
    # A pair that conflicts now (a membership since, a declaration) must not count.
    existing = list(
        JudgeAssignment.objects.filter(submission__team__challenge=challenge).select_related(
            "submission"
        )
    )
    stale = [a.pk for a in existing if (a.judge_id, a.submission.team_id) in pairs]
    JudgeAssignment.objects.filter(pk__in=stale).delete()
    existing = [a for a in existing if a.pk not in stale]
    fixed = [
        (row[a.submission_id], column[a.judge_id])
        for a in existing
        if a.judge_id in column and a.submission_id in row
    ]
    result = solve_assignment(
        # Every pair is as good as any other: balance alone decides, as the engine puts it first.
        affinity=np.full((len(submissions), len(judges)), 0.5),
        conflict=conflict,
        reviews_per_application=need,
        fixed=fixed,
    )
    if result.status != "optimal":
        names = {u.pk: str(u) for u in User.objects.filter(pk__in=judges)}
        reason = reasons_text(
            result.reasons,
            applications=[f"“{s.title}”" for s in submissions],
            reviewers=[names.get(j, str(j)) for j in judges],
            judging=True,
        )
        raise DomainError(_("No assignment satisfies every rule: %(reason)s.") % {"reason": reason})
    new_pairs = sorted(set(result.pairs) - set(fixed))
    JudgeAssignment.objects.bulk_create(
        JudgeAssignment(submission=submissions[s], judge_id=judges[j]) for s, j in new_pairs
    )
    audit.record(
        action="challenge.judges_assigned",
        actor=actor,
        obj=challenge,
        details={
            "created": len(new_pairs),
            "kept": len(fixed),
            "removed": len(stale),
            "max_load": result.max_load,
        },
    )
    return len(new_pairs)


@transaction.atomic
def score_submission(
    *, actor: Any, assignment_id: int, scores: dict[int, int], comment: str = ""
) -> JudgeAssignment:
    """The assigned judge scores every rubric criterion; editable until results are out."""
    assignment = (
        JudgeAssignment.objects.select_for_update(of=("self",))
        .select_related("submission__team__challenge")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise NotFound(_("There is no such judging assignment."))
    if assignment.judge_id != actor.pk:
        raise NotAllowed(_("This submission is assigned to another judge."))
    challenge = assignment.submission.team.challenge
    if (actor.pk, assignment.submission.team_id) in conflict_pairs(challenge):
        # A tie that arose after the assignment (a new membership) still disqualifies.
        raise NotAllowed(_("You have a conflict of interest with this team: ask the convener."))
    if challenge.status != Status.JUDGING:
        raise Conflict(_("Scores are given while the challenge is being judged, and only then."))
    criteria = list(challenge.criteria.all())
    scores = check_scores(challenge, criteria, dict(scores), final=True)
    JudgeScore.objects.filter(assignment=assignment).delete()
    JudgeScore.objects.bulk_create(
        JudgeScore(assignment=assignment, criterion_id=c, score=s) for c, s in scores.items()
    )
    assignment.weighted_score = weighted_mean(criteria, scores)
    assignment.comment = comment.strip()
    assignment.scored_at = timezone.now()
    assignment.save(update_fields=["weighted_score", "comment", "scored_at"])
    audit.record(
        action="challenge.submission_scored",
        actor=actor,
        obj=assignment,
        details={"scores": {str(k): v for k, v in scores.items()}},
    )
    return assignment
