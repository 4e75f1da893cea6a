"""The demo's open data challenge, run through the real services from judging on.

The seeds name two challenge themes (the impact of Covid-19 on online education for ages 5-18,
and broadband usage); the demo has no education dataset, so the challenge asks how school
closures weighed on working parents, around the open Buenos Aires labour market indicators
and the open cargo-bike zone totals. Teams and entries are written directly; the judges are
assigned by the assignment engine, score through `score_submission`, and the results are
published through `lifecycle.move`, so the ranking, the audit trail and the impact stories are
the product's own. The audit log is append-only, so a reload keeps the challenge it finds rather
than judging it again (the demo loads to identical counts every time).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from datacollab.challenges.models import (
    Challenge,
    ChallengeCriterion,
    Judge,
    JudgeAssignment,
    Submission,
    Team,
)
from datacollab.challenges.services import judging, lifecycle
from datacollab.datasets.models import Dataset
from datacollab.demo.people import People, Person, email
from datacollab.organisations.models import Role, User

SLUG = "covid-19-online-education-5-18"
SEED = 7
DATASETS = ["buenos-aires-labour-market-by-sex", "data-cargo-zone-summaries"]
CRITERIA = [
    ("Use of the open data", "Does the entry draw its answer from the datasets?", Decimal(3)),
    ("Insight for education policy", "Would a ministry or school act on it?", Decimal(2)),
    ("Openness and reuse", "Code, method and results open for others to build on.", Decimal(1)),
]
TEAMS = [
    (
        "Aula Abierta",
        ["aula-abierta-1", "aula-abierta-2"],
        "Mothers' hours lost to home schooling, 2020-2021",
        "We compare the employment rate of women and men with children of school age before, "
        "during and after the 2020 school closures, and estimate the hours of paid work lost.",
    ),
    (
        "Brecha Digital",
        ["brecha-digital-1"],
        "Who could work from home while schools were shut?",
        "Part-time and informal work by sex, set against the months schools taught online; a "
        "short brief for the city's education ministry.",
    ),
    (
        "Last Mile Learning",
        ["last-mile-1", "last-mile-2"],
        "Deliveries of school kits by cargo bike",
        "The zone totals show where cargo bikes carried laptops and printed lessons to homes "
        "without broadband in the first lockdown.",
    ),
]


def ensure_challenge(*, people: People, convener: User, now: dt.datetime) -> Challenge | None:
    """Run inside the loader's transaction, after the datasets and the reviewers exist."""
    datasets = list(Dataset.objects.filter(slug__in=DATASETS).order_by("slug"))
    if not datasets:
        return None
    existing = Challenge.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    challenge = Challenge.objects.create(
        slug=SLUG,
        title="The impact of Covid-19 on online education for ages 5-18",
        summary="How did school closures weigh on working parents, and where did learning "
        "at home fail for lack of a connection?",
        rules="1. Use at least one of the challenge's open datasets.\n"
        "2. Teams of one to four people.\n"
        "3. Publish your method under an open licence.",
        prizes="- **First**: a grant of GBP 3,000 towards a follow-up study\n"
        "- **Runner-up**: a session with the network's data stewards",
        status=Challenge.Status.JUDGING,
        opens_at=now - dt.timedelta(days=60),
        deadline=now - dt.timedelta(days=14),
        results_at=now - dt.timedelta(days=2),
        judges_per_submission=2,
        created_by=convener,
    )
    challenge.datasets.set(datasets)
    criteria = [
        ChallengeCriterion(
            challenge=challenge, position=i, name=name, description=text, weight=weight
        )
        for i, (name, text, weight) in enumerate(CRITERIA, start=1)
    ]
    ChallengeCriterion.objects.bulk_create(criteria)
    for name, locals_, title, summary in TEAMS:
        members = people.ensure(
            [Person(email(local), f"{name} {i}") for i, local in enumerate(locals_, start=1)]
        )
        team = Team.objects.create(
            challenge=challenge, name=name, created_by=members[email(locals_[0])]
        )
        team.members.set(list(members.values()))
        submission = Submission.objects.create(
            team=team, title=title, summary=summary, link=f"https://example.org/{locals_[0]}"
        )
        submission.datasets.set(datasets[:1] if "cargo" not in summary else datasets[1:])
    judges = list(
        User.objects.filter(role_grants__role=Role.REVIEWER, email__startswith="reviewer").order_by(
            "email"
        )[:3]
    )
    for judge in judges:
        Judge.objects.create(challenge=challenge, user=judge)
    judging.assign_judges(actor=convener, challenge=challenge)
    rng = random.Random(SEED)
    scale = range(challenge.score_min, challenge.score_max + 1)
    for assignment in JudgeAssignment.objects.filter(
        submission__team__challenge=challenge
    ).order_by("pk"):
        judging.score_submission(
            actor=assignment.judge,
            assignment_id=assignment.pk,
            scores={c.pk: rng.choice(scale) for c in challenge.criteria.all()},
            comment="Clear question, careful use of the indicators.",
        )
    lifecycle.move(actor=convener, challenge=challenge, to=Challenge.Status.RESULTS)
    return challenge
