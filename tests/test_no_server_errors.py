"""Bad input never becomes a 500: every route, every role, real and bogus ids, junk forms."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from datacollab.challenges.models import Challenge, JudgeAssignment, Team
from datacollab.collaborations.models import Agreement, CollaborationMember, DataCollaboration
from datacollab.communications.models import MailPreference, Message
from datacollab.datasets.models import AccessGrant, AccessRequest, Dataset, Upload
from datacollab.demo.builder import load_demo
from datacollab.discussion.models import Channel, EmailPreference, Post, PostAttachment, Thread
from datacollab.evaluation.models import Survey, SurveyQuestion
from datacollab.events.models import Booking, CalendarFeed, Registration, Session, SupportSlot
from datacollab.learnings.models import Learning, Resource
from datacollab.network.models import (
    Application,
    Award,
    Call,
    Instalment,
    OutgoingMail,
    ProgressReport,
    Question,
    ReportFile,
    ReviewAssignment,
    SelectionProposal,
)
from datacollab.organisations.models import Organisation, User

pytestmark = pytest.mark.django_db

JUNK = {
    "title": "x" * 5000,
    "summary": "<script>alert(1)</script>",
    "requested_amount": "-1e309",
    "amount": "NaN",
    "organisation": "not-a-number",
    "reviewer": "999999999999999999999",
    "application": "-1",
    "until": "31/02/2020",
    "due_on_1": "yesterday",
    "amount_1": "1,000.00.00",
    "paid_on": "2999-01-01",
    "min_global_south_share": "150",
    "max_per_country": "-3",
    "forced_in": ["abc", "999999"],
    "score_1": "7",
    "kind": "cartel",
    "subject": "{% include '/etc/passwd' %}",
    "body": "{{ organisation.delete }}{% for %}",
    "status": "everything",
    "eligible": "perhaps",
    "reason": "",
    "action": "explode",
    "q_1": "\x00\x01",
}


def _routes(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    """(full URL name, pattern) of every named route outside the admin."""
    for p in patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("admin"):
                continue
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _routes(p.url_patterns, inner)
        elif p.name and p.name != "logout":  # logging out would end the crawl's sessions
            yield namespace + p.name, p


def _values() -> dict[str, list[Any]]:
    call = Call.objects.get(slug="2022-cohort-3-open-call")
    return {
        "slug": [
            Organisation.objects.first().slug,
            "2022-cohort-3",
            call.slug,
            *Dataset.objects.order_by("slug").values_list("slug", flat=True)[:1],
            *Challenge.objects.values_list("slug", flat=True)[:1],
            "nope",
        ],
        "call_slug": [call.slug, "nope"],
        "cohort_slug": ["2021-open-data-stewards", "nope"],
        "pk": [
            Application.objects.filter(call=call).first().pk,
            *Message.objects.values_list("pk", flat=True)[:1],
            Instalment.objects.first().pk,
            *JudgeAssignment.objects.values_list("pk", flat=True)[:1],
            999999,
        ],
        "question_id": [Question.objects.filter(call=call).first().pk, 999999],
        "assignment_pk": [ReviewAssignment.objects.first().pk, 999999],
        "proposal_id": [*SelectionProposal.objects.values_list("pk", flat=True)[:1], 999999],
        "mail_id": [*OutgoingMail.objects.values_list("pk", flat=True)[:1], 999999],
        "kind": ["selected", "bogus"],
        "fmt": ["json", "csv", "xml"],
        "collaboration_slug": [
            *DataCollaboration.objects.values_list("slug", flat=True)[:1],
            "nope",
        ],
        "agreement_slug": [*Agreement.objects.values_list("slug", flat=True)[:1], "nope"],
        "member_id": [*CollaborationMember.objects.values_list("pk", flat=True)[:1], 999999],
        "version": [1, 999999],
        "from_version": [1, 999999],
        "to_version": [1, 999999],
        "grant_id": [*AccessGrant.objects.values_list("pk", flat=True)[:1], 999999],
        "request_id": [*AccessRequest.objects.values_list("pk", flat=True)[:1], 999999],
        "upload_id": [*Upload.objects.values_list("pk", flat=True)[:1], 999999],
        "token_id": [999999],
        "release_id": [999999],  # privacy: publish a released answer
        "example_id": [999999],  # privacy: remove a saved example query
        "uidb64": ["MQ", "nope"],  # password reset links
        "invitation_id": [999999],
        "learning_slug": [
            *Learning.objects.filter(visibility="public").values_list("slug", flat=True)[:1],
            *Learning.objects.filter(visibility="cohort").values_list("slug", flat=True)[:1],
            "nope",
        ],
        "resource_slug": [
            *Resource.objects.filter(visibility="public")
            .exclude(file="")
            .values_list("slug", flat=True)[:1],
            *Resource.objects.filter(visibility="cohort").values_list("slug", flat=True)[:1],
            "nope",
        ],
        "channel_slug": [
            *Channel.objects.order_by("scope").values_list("slug", flat=True)[:1],
            "nope",
        ],
        "thread_id": [*Thread.objects.values_list("pk", flat=True)[:1], 999999],
        "post_id": [*Post.objects.values_list("pk", flat=True)[:1], 999999],
        "attachment_id": [*PostAttachment.objects.values_list("pk", flat=True)[:1], 999999],
        "person_id": [User.objects.get(email="convener@demo.datacollab.org").pk, 999999],
        "session_slug": [
            *Session.objects.order_by("starts_at").values_list("slug", flat=True)[:1],
            *Session.objects.order_by("-starts_at").values_list("slug", flat=True)[:1],
            *Session.objects.filter(public_listing__is_public=True).values_list("slug", flat=True)[
                :1
            ],
            "nope",
        ],
        "token": [
            *CalendarFeed.objects.values_list("token", flat=True)[:1],
            *Registration.objects.values_list("token", flat=True)[:1],  # public sessions
            *MailPreference.objects.values_list("token", flat=True)[:1],  # announcements
            "nope",
        ],
        "slot_id": [*SupportSlot.objects.values_list("pk", flat=True)[:1], 999999],
        "booking_id": [*Booking.objects.values_list("pk", flat=True)[:1], 999999],
        "unsubscribe_token": [
            *EmailPreference.objects.values_list("unsubscribe_token", flat=True)[:1],
            "nope",
        ],
        "number": [1, 999999],  # an output report's revision
        "award_id": [*Award.objects.values_list("pk", flat=True)[:1], 999999],
        "report_id": [*ProgressReport.objects.values_list("pk", flat=True)[:1], 999999],
        "file_id": [*ReportFile.objects.values_list("pk", flat=True)[:1], 999999],
        "survey_pk": [*Survey.objects.values_list("pk", flat=True)[:1], 999999],
        "question_pk": [*SurveyQuestion.objects.values_list("pk", flat=True)[:1], 999999],
        "team_pk": [*Team.objects.values_list("pk", flat=True)[:1], 999999],
        "file_pk": [999999],
        "language": ["es", "en-gb", "xx"],  # a translation's language (issue 14)
    }


def _urls(values: dict[str, list[Any]]) -> Iterator[str]:
    for name, pattern in _routes(get_resolver().url_patterns):
        params = list(pattern.pattern.converters)
        for combo in itertools.product(*(values[param] for param in params)):
            yield reverse(name, kwargs=dict(zip(params, combo, strict=True)))


def test_no_route_answers_500_to_any_role_or_input():
    load_demo()
    values = _values()
    people = ["convener", "applicant", "reviewer1", "gbif"]
    clients = [Client()] + [
        _client(User.objects.get(email=f"{who}@demo.datacollab.org")) for who in people
    ]
    failures = []
    seen: Counter[int] = Counter()
    for url in _urls(values):
        for client in clients:
            for method, data in (
                ("get", {"status": "x", "sort": "?"}),
                ("post", {}),
                ("post", JUNK),
            ):
                try:
                    response = getattr(client, method)(url, data)
                except Exception as exc:  # a crash is what we are looking for
                    failures.append(f"{method.upper()} {url}: {type(exc).__name__}: {exc}")
                    continue
                seen[response.status_code] += 1
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {url}: {response.status_code}")
    assert failures == []
    # The crawl reached real pages and real refusals, not only redirects to the login page.
    assert {200, 302, 400, 403, 404, 405} <= set(seen)
    assert sum(seen.values()) > 1000


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
