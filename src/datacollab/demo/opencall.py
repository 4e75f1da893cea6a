"""The third cohort's open call, open at load time, with about 40 synthetic applications.

Dates follow the day of loading (in Europe/London), so the call is open whenever the demo is
loaded; everything else is drawn from random generators seeded by name, so a given
organisation gets the same answers whatever else changed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.text import slugify as django_slugify

from datacollab.demo import applicants as synthetic
from datacollab.demo import content
from datacollab.demo.call_parts import ensure_rubric
from datacollab.demo.people import People, Person, email, ensure_memberships
from datacollab.demo.rows import upsert
from datacollab.network.eligibility import evaluate
from datacollab.network.models import (
    Answer,
    Application,
    Call,
    Cohort,
    CriterionKind,
    EligibilityCriterion,
    Network,
    Question,
    QuestionKind,
)
from datacollab.organisations.models import Organisation, Role, User

LONDON = ZoneInfo("Europe/London")
OPEN_DAYS_AGO = 42
DEADLINE_IN_DAYS = 21
ORG_KINDS = ["company", "research", "non_profit", "government"]

RUBRIC = [
    (
        "Impact",
        "A clear societal, economic or environmental challenge, and a credible path to "
        "more access to, or better use of, data.",
        Decimal("3"),
    ),
    (
        "Openness",
        "How far the collaboration opens its data, within privacy and commercial limits.",
        Decimal("2"),
    ),
    ("Feasibility", "The partners, skills and time to make progress in six months.", Decimal("2")),
    ("Peer learning", "What the cohort can learn from them, and they from it.", Decimal("1")),
]


@dataclass(frozen=True)
class OpenCall:
    call: Call
    anchor: datetime  # midnight today in London: every synthetic time lies before it
    organisations: dict[str, Organisation]  # by name


def rng(*parts: object) -> random.Random:
    # A string seed is hashed with SHA-512: stable across runs and Python processes.
    return random.Random(":".join([str(content.SEED), *map(str, parts)]))


def slugify(name: str) -> str:
    return django_slugify(name)[:80]


def ensure_open_call(*, network: Network, now: datetime, people: People) -> OpenCall:
    today = now.astimezone(LONDON).date()
    anchor = datetime.combine(today, time(0, 0), tzinfo=LONDON)
    opens_at = datetime.combine(today - timedelta(days=OPEN_DAYS_AGO), time(9, 0), tzinfo=LONDON)
    deadline = datetime.combine(
        today + timedelta(days=DEADLINE_IN_DAYS), time(17, 0), tzinfo=LONDON
    )
    starts_on = deadline.date() + timedelta(weeks=8)
    cohort, _ = Cohort.objects.update_or_create(
        slug=content.THIRD_SLUG,
        defaults={
            "network": network,
            "name": content.THIRD_NAME,
            "focus": content.THIRD_FOCUS,
            "description": content.THIRD_DESCRIPTION,
            "starts_on": starts_on,
            "ends_on": starts_on + timedelta(days=182),
            "capacity": content.THIRD_CAPACITY,
            "budget": content.THIRD_BUDGET,
            "award_cap": Decimal("20000.00"),
            "currency": "GBP",
        },
    )
    call, _ = Call.objects.update_or_create(
        slug=content.THIRD_CALL_SLUG,
        defaults={
            "cohort": cohort,
            "title": content.THIRD_CALL_TITLE,
            "summary": content.THIRD_CALL_SUMMARY,
            "description": content.THIRD_CALL_DESCRIPTION,
            "status": Call.Status.OPEN,
            "opens_at": opens_at,
            "deadline": deadline,
            "timezone": "Europe/London",
            "reviews_per_application": 3,
        },
    )
    questions = _questions(call)
    criteria = _criteria(call, questions)
    ensure_rubric(call, RUBRIC)

    orgs_by_slug, _ = upsert(
        Organisation,
        key=("slug",),
        rows=[_org_row(a) for a in synthetic.APPLICANTS],
        existing=Organisation.objects.filter(
            slug__in=[slugify(a.name) for a in synthetic.APPLICANTS]
        ),
    )
    orgs = {a.name: orgs_by_slug[(slugify(a.name),)] for a in synthetic.APPLICANTS}
    contacts = _contacts(people, orgs)

    rows: list[dict[str, Any]] = []
    answers: dict[str, dict[int, Any]] = {}
    for applicant in synthetic.APPLICANTS:
        org = orgs[applicant.name]
        answers[org.slug] = _answers(applicant, org, questions)
        rows.append(
            _application_row(
                call,
                applicant,
                org,
                contacts[org.pk],
                answers[org.slug],
                criteria,
                questions,
                opens_at,
                anchor,
            )
        )
    apps, _ = upsert(
        Application,
        key=("call_id", "organisation_id"),
        rows=rows,
        existing=Application.objects.filter(call=call),
    )
    upsert(
        Answer,
        key=("application_id", "question_id"),
        rows=[
            {"application_id": apps[(call.pk, org.pk)].pk, "question_id": qid, "value": value}
            for org in orgs.values()
            for qid, value in answers[org.slug].items()
        ],
        existing=Answer.objects.filter(application__call=call),
    )
    return OpenCall(call=call, anchor=anchor, organisations=orgs)


def _questions(call: Call) -> dict[str, Question]:
    specs: list[tuple[str, dict[str, Any]]] = [
        (
            "name",
            {
                "kind": QuestionKind.SHORT_TEXT,
                "label": "Name of your data collaboration",
                "max_length": 200,
            },
        ),
        (
            "challenge",
            {
                "kind": QuestionKind.LONG_TEXT,
                "label": "What challenge does your collaboration address, and for whom?",
                "help_text": "A few paragraphs. Markdown is fine.",
                "max_length": 3000,
            },
        ),
        (
            "spectrum",
            {
                "kind": QuestionKind.SINGLE_CHOICE,
                "label": "Where does most of your data sit on the Data Spectrum?",
                "choices": synthetic.SPECTRUM,
            },
        ),
        (
            "topics",
            {
                "kind": QuestionKind.MULTIPLE_CHOICE,
                "label": "Which themes would you bring to the roundtables?",
                "choices": synthetic.TOPICS,
            },
        ),
        (
            "partners",
            {
                "kind": QuestionKind.NUMBER,
                "label": "How many organisations take part in the collaboration?",
                "min_value": Decimal(1),
                "max_value": Decimal(500),
            },
        ),
        (
            "website",
            {
                "kind": QuestionKind.URL,
                "label": "Website or data portal of the collaboration",
                "required": False,
            },
        ),
        (
            "summary",
            {
                "kind": QuestionKind.FILE,
                "label": "A one-page summary",
                "help_text": "Optional. PDF, at most 2 MB.",
                "required": False,
                "allowed_extensions": ["pdf"],
                "max_file_bytes": 2 * 1024 * 1024,
            },
        ),
    ]
    defaults = {
        "help_text": "",
        "required": True,
        "choices": [],
        "max_length": None,
        "min_value": None,
        "max_value": None,
        "allowed_extensions": [],
        "max_file_bytes": 5 * 1024 * 1024,
    }
    found, _ = upsert(
        Question,
        key=("call_id", "position"),
        rows=[
            {**defaults, **fields, "call_id": call.pk, "position": i}
            for i, (_name, fields) in enumerate(specs, start=1)
        ],
        existing=Question.objects.filter(call=call),
    )
    return {name: found[(call.pk, i)] for i, (name, _f) in enumerate(specs, start=1)}


def _criteria(call: Call, questions: dict[str, Question]) -> list[EligibilityCriterion]:
    found, _ = upsert(
        EligibilityCriterion,
        key=("call_id", "kind"),
        rows=[
            {
                "call_id": call.pk,
                "kind": CriterionKind.AMOUNT_AT_MOST,
                "value": [20000],
                "question_id": None,
                "description": "The amount requested is at most £20,000",
            },
            {
                "call_id": call.pk,
                "kind": CriterionKind.ORG_KIND_IN,
                "value": ORG_KINDS,
                "question_id": None,
                "description": "Companies, research institutions, "
                "non-profits and government bodies may apply",
            },
            {
                "call_id": call.pk,
                "kind": CriterionKind.ANSWER_AT_LEAST,
                "value": [2],
                "question_id": questions["partners"].pk,
                "description": "The collaboration involves at least two organisations",
            },
        ],
        existing=EligibilityCriterion.objects.filter(call=call),
    )
    return sorted(found.values(), key=lambda c: c.pk)


def _org_row(applicant: synthetic.Applicant) -> dict[str, Any]:
    theme = synthetic.THEMES[applicant.theme]
    return {
        "slug": slugify(applicant.name),
        "name": applicant.name,
        "kind": applicant.kind,
        "country": applicant.country,
        "website": f"https://{slugify(applicant.name)}.example.org",
        "description": f"{theme.challenge} Based in {applicant.city}. *A synthetic "
        f"organisation made up for the demo.*",
    }


def _contacts(people: People, orgs: dict[str, Organisation]) -> dict[int, User]:
    demo_org = orgs[synthetic.DEMO_APPLICANT_ORGANISATION]
    persons = [Person(email(o.slug), f"{o.name} contact") for o in orgs.values() if o != demo_org]
    applicant = Person(email("applicant"), "Alex Applicant", "Europe/London")
    users = people.ensure([*persons, applicant], roles=[Role.PARTICIPANT])
    ensure_memberships(
        [(users[email(o.slug)], o, "admin") for o in orgs.values() if o != demo_org]
        + [(users[applicant.email], demo_org, "admin")]
    )
    return {o.pk: users[applicant.email if o == demo_org else email(o.slug)] for o in orgs.values()}


def _answers(
    applicant: synthetic.Applicant, org: Organisation, questions: dict[str, Question]
) -> dict[int, Any]:
    draw = rng("answers", org.slug)
    theme = synthetic.THEMES[applicant.theme]
    partners = draw.randint(2, 12)
    challenge = (
        f"{theme.challenge}\n\nIn {applicant.city}, {partners} organisations bring together "
        f"{theme.data}. We want to learn how to share it in a way that every partner, and "
        f"the people it describes, can trust."
    )
    answers: dict[int, Any] = {
        questions["name"].pk: f"{theme.title} ({applicant.city})",
        questions["challenge"].pk: challenge,
    }
    if applicant.status == "draft":
        return answers  # half written: what a draft looks like
    topics = list(theme.topics)
    extra = draw.choice(synthetic.TOPICS)
    if extra not in topics:
        topics.append(extra)
    answers[questions["spectrum"].pk] = theme.spectrum
    answers[questions["topics"].pk] = topics
    answers[questions["partners"].pk] = partners
    answers[questions["website"].pk] = f"https://{org.slug}.example.org"
    return answers


def _application_row(
    call: Call,
    applicant: synthetic.Applicant,
    org: Organisation,
    contact: User,
    answers: dict[int, Any],
    criteria: list[EligibilityCriterion],
    questions: dict[str, Question],
    opens_at: datetime,
    anchor: datetime,
) -> dict[str, Any]:
    theme = synthetic.THEMES[applicant.theme]
    amount = Decimal(applicant.amount).quantize(Decimal("0.01"))
    row: dict[str, Any] = {
        "call_id": call.pk,
        "organisation_id": org.pk,
        "created_by_id": contact.pk,
        "title": f"{theme.title} in {applicant.city}",
        "summary": f"{theme.challenge} We will share {theme.data}.",
        "requested_amount": amount,
        "status": applicant.status,
        "submitted_at": None,
        "eligible": None,
        "eligibility_reasons": [],
        "decision": Application.Decision.PENDING,
    }
    if applicant.status == Application.Status.DRAFT:
        return row
    share = rng("submitted", org.slug).uniform(0.1, 0.95)
    submitted = opens_at + (anchor - opens_at) * share
    eligible, reasons = evaluate(
        criteria=criteria,
        organisation_kind=org.kind,
        country=org.country,
        answers=answers,
        requested_amount=amount,
        question_labels={q.pk: q.label for q in questions.values()},
    )
    row.update(
        submitted_at=submitted.replace(second=0, microsecond=0),
        eligible=eligible,
        eligibility_reasons=reasons,
    )
    return row
