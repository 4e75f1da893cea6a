"""Challenge factories: rows straight into the database, the services are what tests exercise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from datacollab.challenges.models import Challenge, ChallengeCriterion, Submission, Team
from datacollab.datasets.models.dataset import Spectrum
from tests.factories import _seq, make_user
from tests.factories_data import make_dataset


def make_challenge(*, status: str = Challenge.Status.OPEN, **fields: Any) -> Challenge:
    """An open challenge by default: opened a day ago, deadline in a week."""
    n = next(_seq)
    now = timezone.now()
    datasets = fields.pop("datasets", None) or [make_dataset(spectrum=Spectrum.OPEN)]
    criteria = fields.pop("criteria", [("Use of the data", Decimal(2)), ("Clarity", Decimal(1))])
    defaults: dict[str, Any] = {
        "slug": f"challenge-{n}",
        "title": f"Challenge {n}",
        "summary": "Make something with open data.",
        "opens_at": now - dt.timedelta(days=1),
        "deadline": now + dt.timedelta(days=7),
        "results_at": now + dt.timedelta(days=14),
        "created_by": fields.pop("created_by", None) or make_user(roles=["convener"]),
    }
    challenge = Challenge.objects.create(status=status, **{**defaults, **fields})
    challenge.datasets.set(datasets)
    for i, (name, weight) in enumerate(criteria, start=1):
        ChallengeCriterion.objects.create(challenge=challenge, position=i, name=name, weight=weight)
    return challenge


def make_team(challenge: Challenge, *, members: list[Any] = (), name: str = "") -> Team:  # type: ignore[assignment]
    n = next(_seq)
    people = list(members) or [make_user()]
    team = Team.objects.create(challenge=challenge, name=name or f"Team {n}", created_by=people[0])
    team.members.set(people)
    return team


def make_submission(team: Team, **fields: Any) -> Submission:
    n = next(_seq)
    submission = Submission.objects.create(
        team=team,
        title=fields.pop("title", f"Entry {n}"),
        summary=fields.pop("summary", "What we made."),
        link=fields.pop("link", "https://example.org/entry"),
    )
    submission.datasets.set(fields.pop("datasets", None) or list(team.challenge.datasets.all()))
    return submission
