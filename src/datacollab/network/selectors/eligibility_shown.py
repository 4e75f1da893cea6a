"""Eligibility reasons in the reader's language.

The reasons are stored when an application is submitted, in the language of whoever submitted
it: a convener reading in English would otherwise see an applicant's Spanish. Pages evaluate
the criteria again (network/eligibility.py is pure and cheap) in the reader's language, and
show that only when it reproduces the stored verdict reason for reason; otherwise (criteria
changed since) the stored text is what was decided and is shown as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from datacollab.network import eligibility
from datacollab.network.models import Answer, Application, Call, Question


def with_shown_reasons(applications: Sequence[Application], call: Call) -> None:
    """Set `shown_reasons` on each application, in three queries whatever their number."""
    checked = []
    for application in applications:
        application.shown_reasons = list(application.eligibility_reasons or [])  # type: ignore[attr-defined]
        if application.source == Application.Source.DIRECT:
            # The one reason services/direct.py stores.
            application.shown_reasons = [  # type: ignore[attr-defined]
                _("Approached directly and interviewed by the convener")
            ]
        elif application.eligible is not None and application.eligibility_reasons:
            checked.append(application)
    if not checked:
        return
    criteria = list(call.criteria.all())
    labels = dict(Question.objects.filter(call_id=call.pk).values_list("id", "label"))
    answers: dict[int, dict[int, Any]] = defaultdict(dict)
    for answer in Answer.objects.filter(application__in=checked):
        value = answer.value if not answer.file else answer.file.name
        answers[answer.application_id][answer.question_id] = value
    for application in checked:
        eligible, reasons = eligibility.evaluate(
            criteria=criteria,
            organisation_kind=application.organisation.kind,
            country=application.organisation.country,
            answers=answers[application.pk],
            requested_amount=application.requested_amount,
            question_labels=labels,
            currency=call.cohort.currency,
        )
        if eligible == application.eligible and len(reasons) == len(
            application.eligibility_reasons
        ):
            application.shown_reasons = reasons  # type: ignore[attr-defined]
