"""A challenge's life: draft -> open -> judging -> results, and its setup while a draft.

Every move is in MOVES; `move` refuses any other. Each move is checked and audited here, and
only here: pages ask `allowed_moves` which buttons to show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.challenges import rules
from datacollab.challenges.models import (
    Challenge,
    ChallengeCriterion,
    JudgeAssignment,
    Submission,
)
from datacollab.challenges.services.impact import record_uses
from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.core.text import single_line
from datacollab.datasets.models import Dataset
from datacollab.datasets.models.dataset import Spectrum
from datacollab.network.services.score_scale import check_scale

Status = Challenge.Status

# (from, to) -> the audit action. Nothing else is a move.
MOVES: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.OPEN): "challenge.opened",
    (Status.OPEN, Status.JUDGING): "challenge.judging_started",
    (Status.JUDGING, Status.RESULTS): "challenge.results_published",
}


def require_manager(actor: Any) -> None:
    if not rules.can_manage(actor):
        raise NotAllowed(_("Only conveners run challenges."))


def allowed_moves(challenge: Challenge) -> list[str]:
    """The statuses this challenge can move to: what its management page offers."""
    return [to for (frm, to) in MOVES if frm == challenge.status]


def _check_dates(opens_at: dt.datetime, deadline: dt.datetime, results_at: dt.datetime) -> None:
    if deadline <= opens_at:
        raise DomainError(_("The submission deadline comes after the opening."), field="deadline")
    if results_at < deadline:
        raise DomainError(
            _("Results are announced after the submission deadline."), field="results_at"
        )


def _check_datasets(datasets: Sequence[Dataset]) -> None:
    if not datasets:
        raise DomainError(_("Choose at least one dataset."), field="datasets")
    closed = [d.title for d in datasets if d.spectrum != Spectrum.OPEN]
    if closed:
        # Submissions and their datasets are shown to everyone once results are out.
        raise DomainError(
            _("A challenge is built on open data; these datasets are not open: %(names)s.")
            % {"names": ", ".join(closed)},
            field="datasets",
        )


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70]
    if base in ("", "new", "judging"):  # taken by the app's own pages
        base = f"challenge-{base}".rstrip("-")
    slug, n = base, 2
    while Challenge.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_challenge(
    *,
    actor: Any,
    title: str,
    summary: str = "",
    rules_text: str = "",
    prizes: str = "",
    opens_at: dt.datetime,
    deadline: dt.datetime,
    results_at: dt.datetime,
    datasets: Sequence[Dataset],
    score_min: int = 1,
    score_max: int = 5,
    judges_per_submission: int = 2,
) -> Challenge:
    """A draft challenge; it opens once it has a rubric (see `move`)."""
    require_manager(actor)
    title = single_line(title)
    if not title:
        raise DomainError(_("Give the challenge a title."), field="title")
    _check_dates(opens_at, deadline, results_at)
    check_scale(score_min, score_max)
    if not 1 <= judges_per_submission <= 10:
        raise DomainError(
            _("Between 1 and 10 judges per submission."), field="judges_per_submission"
        )
    datasets = list(datasets)
    _check_datasets(datasets)
    challenge = Challenge.objects.create(
        slug=_unique_slug(title),
        title=title,
        summary=single_line(summary)[:300],
        rules=rules_text.strip(),
        prizes=prizes.strip(),
        opens_at=opens_at,
        deadline=deadline,
        results_at=results_at,
        score_min=score_min,
        score_max=score_max,
        judges_per_submission=judges_per_submission,
        created_by=actor,
    )
    challenge.datasets.set(datasets)
    audit.record(
        action="challenge.created",
        actor=actor,
        obj=challenge,
        details={"slug": challenge.slug, "datasets": [d.slug for d in datasets]},
    )
    return challenge


@transaction.atomic
def add_criterion(
    *, actor: Any, challenge: Challenge, name: str, description: str = "", weight: Decimal
) -> ChallengeCriterion:
    """Add a rubric line; the rubric is fixed once the challenge opens, so all are judged alike."""
    require_manager(actor)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.status != Status.DRAFT:
        raise Conflict(_("The rubric is fixed once the challenge has opened."))
    name = single_line(name)
    if not name:
        raise DomainError(_("Name the criterion."), field="name")
    if weight <= 0:
        raise DomainError(_("A weight is above zero."), field="weight")
    position = challenge.criteria.count() + 1
    criterion = ChallengeCriterion.objects.create(
        challenge=challenge,
        position=position,
        name=name,
        description=single_line(description)[:500],
        weight=weight,
    )
    audit.record(
        action="challenge.criterion_added",
        actor=actor,
        obj=challenge,
        details={"name": name, "weight": weight},
    )
    return criterion


def _refuse_unready(challenge: Challenge, to: str, now: dt.datetime) -> None:
    if to == Status.OPEN and not challenge.criteria.exists():
        raise Conflict(_("Add at least one judging criterion before opening the challenge."))
    if to == Status.JUDGING and now < challenge.deadline:
        raise Conflict(
            _("Judging starts after the submission deadline, when no entry can change any more.")
        )
    if to == Status.RESULTS:
        unscored = JudgeAssignment.objects.filter(
            submission__team__challenge=challenge, scored_at__isnull=True
        ).count()
        if unscored:
            raise Conflict(
                ngettext(
                    "%(n)d judging assignment is not scored yet.",
                    "%(n)d judging assignments are not scored yet.",
                    unscored,
                )
                % {"n": unscored}
            )
        if not JudgeAssignment.objects.filter(submission__team__challenge=challenge).exists():
            raise Conflict(_("Assign judges and collect their scores first."))


def _refuse_move(challenge: Challenge, to: str) -> str:
    """The audit action of the move to `to`, or the refusal when it is not a move from here."""
    action = MOVES.get((challenge.status, to))
    if action is None:
        raise Conflict(
            _("A challenge that is “%(status)s” cannot move to “%(to)s”.")
            % {
                "status": challenge.get_status_display(),
                "to": dict(Status.choices).get(to, to),
            }
        )
    return action


@dataclass(frozen=True)
class MovePreview:
    """What a move would do: its confirmation page states these counts."""

    to: str
    label: str
    teams: int
    submissions: int
    judges: int


def move_preview(*, actor: Any, challenge: Challenge, to: str) -> MovePreview:
    """Raise the refusal the move would meet now, or say what it would do; writes nothing.
    Every move is irreversible (nothing moves back), so the page asks before `move`."""
    require_manager(actor)
    _refuse_move(challenge, to)
    _refuse_unready(challenge, to, timezone.now())
    return MovePreview(
        to=to,
        label=str(Status(to).label),
        teams=challenge.teams.count(),
        submissions=Submission.objects.filter(team__challenge=challenge).count(),
        judges=challenge.judges.count(),
    )


@transaction.atomic
def move(*, actor: Any, challenge: Challenge, to: str) -> Challenge:
    """Move the challenge along its life, or refuse with the reason."""
    require_manager(actor)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    action = _refuse_move(challenge, to)
    _refuse_unready(challenge, to, timezone.now())
    before = challenge.status
    challenge.status = to
    challenge.save(update_fields=["status"])
    audit.record(action=action, actor=actor, obj=challenge, details={"from": before, "to": to})
    if to == Status.RESULTS:
        record_uses(challenge=challenge)
    return challenge
