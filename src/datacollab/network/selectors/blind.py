"""What a reviewer may see of an application: the one place the blind-review rule lives.

Every page, list and mail that shows an application to a reviewer goes through
`for_reviewer` (one application) or `label_assignments` (a list), never through the model.
When the call is blind, the organisation and its people are hidden, their names are struck
out of the applicant's own text (title, summary, answers), and uploaded files are shown
without their names, which often carry the organisation's. The country stays: reviewers
judge local context and the Global South share, and a country alone rarely identifies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from datacollab.network.models import Application, ReviewAssignment
from datacollab.network.selectors.reviews import AnswerView, answers_of
from datacollab.organisations.models import Membership

# Shorter names would strike out ordinary words ("Ada", "Data").
_MIN_NAME_LENGTH = 4


@dataclass(frozen=True)
class ReviewerApplication:
    pk: int
    blind: bool
    title: str
    summary: str
    organisation: str  # the name, or a neutral label when blind
    country_name: str
    call_title: str
    requested_amount: Decimal
    currency: str
    answers: list[AnswerView]
    language: str = ""  # the language the applicant answered in


def hidden_label() -> str:
    return _("Applicant (hidden: blind review)")


def _identifying_names(
    application: Application, members: list[tuple[str, str]] | None = None
) -> list[str]:
    """The organisation's names and its people's; `members` as (display name, email) pairs
    when the caller already read them."""
    org = application.organisation
    names = {org.name, org.slug}
    if members is None:
        members = list(
            Membership.objects.filter(organisation=org).values_list(
                "user__display_name", "user__email"
            )
        )
    for display_name, email in members:
        names.update({display_name, email, email.split("@", 1)[0]})
    names.update({application.created_by.display_name, application.created_by.email})
    # Longest first, so "Data Cargo Ltd" goes before "Data Cargo".
    return sorted((n for n in names if n and len(n) >= _MIN_NAME_LENGTH), key=len, reverse=True)


def _redactor(names: list[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    return re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE)


def _strike(text: str, pattern: re.Pattern[str] | None) -> str:
    return pattern.sub(_("[applicant]"), text) if pattern and text else text


def for_reviewer(application: Application) -> ReviewerApplication:
    """The application as its reviewer sees it (blind or not)."""
    call = application.call
    answers = answers_of(application)
    if not call.blind_review:
        return ReviewerApplication(
            pk=application.pk,
            blind=False,
            title=application.title,
            summary=application.summary,
            organisation=application.organisation.name,
            country_name=application.organisation.country_name,
            call_title=call.title,
            requested_amount=application.requested_amount,
            currency=call.cohort.currency,
            answers=answers,
            language=application.language,
        )
    pattern = _redactor(_identifying_names(application))
    return ReviewerApplication(
        pk=application.pk,
        blind=True,
        title=_strike(application.title, pattern),
        summary=_strike(application.summary, pattern),
        organisation=hidden_label(),
        country_name=application.organisation.country_name,
        call_title=call.title,
        requested_amount=application.requested_amount,
        currency=call.cohort.currency,
        answers=[
            AnswerView(
                question=a.question,
                kind=a.kind,
                value=_strike(a.value, pattern),
                file_name=_("a file (name hidden: blind review)") if a.file_name else "",
                question_id=a.question_id,
            )
            for a in answers
        ],
        language=application.language,
    )


def shown_title(application: Application) -> str:
    """The title a reviewer may see in a list or a mail."""
    if not application.call.blind_review:
        return application.title
    return _strike(application.title, _redactor(_identifying_names(application)))


def shown_organisation(application: Application) -> str:
    if application.call.blind_review:
        return hidden_label()
    return application.organisation.name


def label_assignments(assignments: Iterable[ReviewAssignment]) -> None:
    """Attach `shown_title` and `shown_organisation` to each assignment, for reviewer lists.

    The people of blind calls' applicants are read in one query, so the list stays at a fixed
    number of queries however long it is.
    """
    assignments = list(assignments)
    blind_orgs = {
        a.application.organisation_id for a in assignments if a.application.call.blind_review
    }
    members: dict[int, list[tuple[str, str]]] = {org: [] for org in blind_orgs}
    for org, display_name, email in Membership.objects.filter(
        organisation_id__in=blind_orgs
    ).values_list("organisation_id", "user__display_name", "user__email"):
        members[org].append((display_name, email))
    for assignment in assignments:
        application = assignment.application
        if application.call.blind_review:
            people = members[application.organisation_id]
            pattern = _redactor(_identifying_names(application, people))
            title, organisation = _strike(application.title, pattern), hidden_label()
        else:
            title, organisation = application.title, application.organisation.name
        assignment.shown_title = title  # type: ignore[attr-defined]
        assignment.shown_organisation = organisation  # type: ignore[attr-defined]
