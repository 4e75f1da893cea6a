"""A small two-stage call in the third cohort: expressions of interest first.

The open call (demo/opencall.py) has one stage, and many tests walk it, so the first stage is
shown on a call of its own: four synthetic organisations sent a short expression of interest
through the applicants' services, and the convener invited three of them to a full proposal
(services/stages.py). Dates follow the day of loading, like the open call's: expressions of
interest closed a week ago, full proposals are due in three weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from datacollab.demo import content
from datacollab.demo.call_parts import ensure_amount_cap, ensure_rubric
from datacollab.demo.people import People, Person, email, ensure_memberships
from datacollab.demo.rows import upsert
from datacollab.network.models import (
    Application,
    Call,
    Cohort,
    Question,
    QuestionKind,
    QuestionStage,
)
from datacollab.network.services.applications import save_draft, start_application
from datacollab.network.services.stages import (
    invite_to_full_proposal,
    submit_expression_of_interest,
)
from datacollab.organisations.models import Organisation, Role, User

LONDON = ZoneInfo("Europe/London")
SLUG = "2022-cohort-3-community-round"
TITLE = "Community data round: tell us your idea first"
SUMMARY = (
    "Small community-led data collaborations in the Global South: a short expression of "
    "interest first, then a full proposal if we invite you."
)
DESCRIPTION = (
    "Alongside the open call, the third cohort keeps two places for small, community-led data "
    "collaborations. Tell us about your idea in a few sentences; we read every expression of "
    "interest and invite some organisations to write a full proposal.\n\n"
    "*A synthetic call made up for the demo, to show a call with a first stage.*"
)
OPEN_DAYS_AGO = 35
EOI_CLOSED_DAYS_AGO = 7
DEADLINE_IN_DAYS = 21

# (key, stage, kind, label, max_words)
QUESTIONS = [
    ("idea", QuestionStage.EOI, QuestionKind.LONG_TEXT, "Your idea in a few sentences", 120),
    ("partners", QuestionStage.EOI, QuestionKind.SHORT_TEXT, "Who would you work with?", None),
    ("plan", QuestionStage.FULL, QuestionKind.LONG_TEXT, "Your plan for the six months", 600),
    (
        "share",
        QuestionStage.FULL,
        QuestionKind.LONG_TEXT,
        "What would you share with the cohort?",
        300,
    ),
]
RUBRIC = [
    ("Community", "Led by, and useful to, the community whose data it is.", Decimal("2")),
    ("Feasibility", "Something real can happen in six months.", Decimal("1")),
]


@dataclass(frozen=True)
class Interest:
    name: str
    country: str
    title: str
    idea: str
    partners: str
    invited: bool


INTERESTS = [
    Interest(
        "Kisumu Lake Data Cooperative",
        "KE",
        "Fish landing records, shared by the fishers who collect them",
        "Fishers around Lake Victoria record their catch on paper for the county. We want a "
        "cooperative that holds the records, shares them back with the fishers and licenses "
        "them to researchers on the cooperative's terms.",
        "Two beach management units; Maseno University",
        True,
    ),
    Interest(
        "Recife Neighbourhood Flood Map",
        "BR",
        "Street-level flood reports from residents",
        "Residents already report flooded streets in a messaging group. We would turn those "
        "reports into an open map the city's civil defence can use, with residents deciding "
        "what is published.",
        "A residents' association; the city's civil defence office",
        True,
    ),
    Interest(
        "Dhaka Street Vendors' Data Trust",
        "BD",
        "Vendors' own data on pitches, hours and evictions",
        "Street vendors lose their pitches with no record of where or when. A data trust run "
        "by the vendors' union would hold that record and decide who may use it.",
        "The vendors' union; a legal aid clinic",
        True,
    ),
    Interest(
        "Open Bus Timetables Accra",
        "GH",
        "Trotro routes mapped by riders",
        "An app that shows trotro routes. We would like funding to build it.",
        "none yet",
        False,
    ),
]


def slug_of(name: str) -> str:
    from datacollab.demo.opencall import slugify

    return slugify(name)


def ensure_two_stage_call(*, now: datetime, people: People, convener: User) -> Call:
    today = now.astimezone(LONDON).date()
    opens_at = datetime.combine(today - timedelta(days=OPEN_DAYS_AGO), time(9, 0), tzinfo=LONDON)
    eoi_deadline = datetime.combine(
        today - timedelta(days=EOI_CLOSED_DAYS_AGO), time(17, 0), tzinfo=LONDON
    )
    deadline = datetime.combine(
        today + timedelta(days=DEADLINE_IN_DAYS), time(17, 0), tzinfo=LONDON
    )
    call, _ = Call.objects.update_or_create(
        slug=SLUG,
        defaults={
            "cohort": Cohort.objects.get(slug=content.THIRD_SLUG),
            "title": TITLE,
            "summary": SUMMARY,
            "description": DESCRIPTION,
            "status": Call.Status.OPEN,
            "opens_at": opens_at,
            "eoi_deadline": eoi_deadline,
            "deadline": deadline,
            "timezone": "Europe/London",
            "reviews_per_application": 2,
        },
    )
    questions, _ = upsert(
        Question,
        key=("call_id", "position"),
        rows=[
            {
                "call_id": call.pk,
                "position": i,
                "stage": stage,
                "kind": kind,
                "label": label,
                "max_words": words,
                "required": True,
            }
            for i, (_key, stage, kind, label, words) in enumerate(QUESTIONS, start=1)
        ],
        existing=Question.objects.filter(call=call),
    )
    ensure_rubric(call, RUBRIC)
    ensure_amount_cap(call)
    orgs, _ = upsert(
        Organisation,
        key=("slug",),
        rows=[
            {
                "slug": slug_of(i.name),
                "name": i.name,
                "kind": "non_profit",
                "country": i.country,
                "website": f"https://{slug_of(i.name)}.example.org",
                "description": f"{i.idea} *A synthetic organisation made up for the demo.*",
            }
            for i in INTERESTS
        ],
        existing=Organisation.objects.filter(slug__in=[slug_of(i.name) for i in INTERESTS]),
    )
    by_slug = {slug: org for (slug,), org in orgs.items()}
    contacts = people.ensure(
        [Person(email(slug), f"{org.name} contact") for slug, org in by_slug.items()],
        roles=[Role.PARTICIPANT],
    )
    ensure_memberships((contacts[email(slug)], org, "admin") for slug, org in by_slug.items())
    started = set(
        Application.objects.filter(call=call).values_list("organisation__slug", flat=True)
    )
    pending = [i for i in INTERESTS if slug_of(i.name) not in started]
    if pending:
        _replay(
            call=call,
            interests=pending,
            orgs=by_slug,
            contacts=contacts,
            questions={key: questions[(call.pk, n)] for n, (key, *_r) in enumerate(QUESTIONS, 1)},
            convener=convener,
            eoi_deadline=eoi_deadline,
        )
    return call


def _replay(
    *,
    call: Call,
    interests: list[Interest],
    orgs: dict[str, Organisation],
    contacts: dict[str, User],
    questions: dict[str, Question],
    convener: User,
    eoi_deadline: datetime,
) -> None:
    connection = transaction.get_connection()
    queued = len(connection.run_on_commit)
    invited = []
    for n, interest in enumerate(interests):
        org = orgs[slug_of(interest.name)]
        actor = contacts[email(org.slug)]
        sent = eoi_deadline - timedelta(days=12 - 3 * n, hours=n)
        application = start_application(actor=actor, call=call, organisation=org, now=sent)
        save_draft(
            actor=actor,
            application=application,
            title=interest.title,
            summary="",
            requested_amount=Decimal("15000.00"),
            answers={
                questions["idea"].pk: interest.idea,
                questions["partners"].pk: interest.partners,
            },
            now=sent,
        )
        submit_expression_of_interest(actor=actor, application=application, now=sent)
        if interest.invited:
            invited.append(application.pk)
    if invited:
        invite_to_full_proposal(
            actor=convener,
            call=call,
            application_ids=invited,
            now=eoi_deadline + timedelta(days=2),
        )
    # The invitations went out before this load: drop the mails the services queued, so
    # loading the demo mails nobody.
    del connection.run_on_commit[queued:]
