"""Eligibility: a pure function from a call's criteria and an application to a verdict.

No ORM access here: callers hand over the criteria (model instances or any object with the
same attributes), the organisation's kind and country, the answers keyed by question id and
the requested amount. Every criterion yields one readable reason, passed or failed, so the
applicant and the convener see why, not only whether.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.utils.translation import gettext as _

from datacollab.core import countries, country_names
from datacollab.core.templatetags.datacollab import money
from datacollab.organisations.models.organisation import OrganisationKind

ORG_KIND_IN = "org_kind_in"
COUNTRY_IN = "country_in"
GLOBAL_SOUTH = "global_south"
ANSWER_EQUALS = "answer_equals"
ANSWER_AT_LEAST = "answer_at_least"
AMOUNT_AT_MOST = "amount_at_most"


class CriterionLike(Protocol):
    kind: str
    value: Any
    question_id: int | None
    description: str


@dataclass(frozen=True)
class Criterion:
    """A criterion as plain data, for callers (and tests) that have no model instance."""

    kind: str
    value: Any = None
    question_id: int | None = None
    description: str = ""


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _scalar(value: Any) -> Any:
    # Values are stored in a JSON list field; a one-element list means that element.
    return value[0] if isinstance(value, list | tuple) and len(value) == 1 else value


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _fmt(number: Decimal) -> str:
    # 2.00 -> "2", 2.50 -> "2.5": what a person would write.
    return f"{number.normalize():f}"


def _kind_label(code: str) -> str:
    try:
        return str(OrganisationKind(code).label)
    except ValueError:
        return code


def _is_blank(answer: Any) -> bool:
    return answer is None or answer == "" or answer == [] or answer == {}


def _org_kind(criterion: CriterionLike, org_kind: str) -> tuple[bool, str]:
    allowed = [str(code) for code in _values(criterion.value)]
    label = _kind_label(org_kind)
    if org_kind in allowed:
        return True, _("Organisation kind %(kind)s is eligible") % {"kind": label}
    return False, _("Organisation kind %(kind)s is not one of: %(allowed)s") % {
        "kind": label,
        "allowed": ", ".join(_kind_label(code) for code in allowed),
    }


def _country(criterion: CriterionLike, country: str) -> tuple[bool, str]:
    allowed = [str(code).upper() for code in _values(criterion.value)]
    name = country_names.name(country) or country
    if country.upper() in allowed:
        return True, _("Country %(country)s is eligible") % {"country": name}
    return False, _("Country %(country)s is not one of: %(allowed)s") % {
        "country": name,
        "allowed": ", ".join(country_names.name(code) or code for code in allowed),
    }


def _global_south(country: str) -> tuple[bool, str]:
    name = country_names.name(country) or country
    if countries.is_global_south(country):
        return True, _("%(country)s is in the Global South") % {"country": name}
    return False, _("%(country)s is not in the Global South") % {"country": name}


def _answer_equals(criterion: CriterionLike, answer: Any, label: str) -> tuple[bool, str]:
    expected = _values(criterion.value)
    given = _values(answer)
    # A multiple-choice answer passes when any chosen option is acceptable.
    if any(str(choice) == str(option) for choice in given for option in expected):
        return True, _("Answer to “%(question)s” is %(answer)s, as required") % {
            "question": label,
            "answer": ", ".join(str(v) for v in given),
        }
    return False, _("Answer to “%(question)s” is %(answer)s, not one of: %(expected)s") % {
        "question": label,
        "answer": ", ".join(str(v) for v in given),
        "expected": ", ".join(str(v) for v in expected),
    }


def _answer_at_least(criterion: CriterionLike, answer: Any, label: str) -> tuple[bool, str]:
    minimum = _decimal(_scalar(criterion.value))
    given = _decimal(_scalar(answer))
    if minimum is None:
        return False, _(
            "The criterion on “%(question)s” has no valid minimum; ask the convener to fix it"
        ) % {"question": label}
    if given is None:
        return False, _("Answer to “%(question)s” is not a number") % {"question": label}
    params = {"question": label, "answer": _fmt(given), "minimum": _fmt(minimum)}
    if given >= minimum:
        return True, _("Answer to “%(question)s” is %(answer)s, at least %(minimum)s") % params
    return False, _(
        "Answer to “%(question)s” is %(answer)s, below the minimum of %(minimum)s"
    ) % params


def _amount_at_most(
    criterion: CriterionLike, amount: Decimal | None, currency: str
) -> tuple[bool, str]:
    maximum = _decimal(_scalar(criterion.value))
    if maximum is None:
        return False, _("The amount criterion has no valid maximum; ask the convener to fix it")
    if amount is None:
        return False, _("No amount is requested")
    params = {"amount": money(amount, currency), "maximum": money(maximum, currency)}
    if amount <= maximum:
        return True, _("Requested amount %(amount)s is at most %(maximum)s") % params
    return False, _("Requested amount %(amount)s is above the maximum of %(maximum)s") % params


def evaluate(
    *,
    criteria: Iterable[CriterionLike],
    organisation_kind: str,
    country: str,
    answers: Mapping[int, Any],
    requested_amount: Decimal | None,
    question_labels: Mapping[int, str] | None = None,
    currency: str = "GBP",
) -> tuple[bool, list[str]]:
    """Return (eligible, reasons): one reason per criterion, eligible only if all pass.

    A call without criteria accepts everyone, and says so.
    """
    labels = question_labels or {}
    verdicts: list[tuple[bool, str]] = []
    for criterion in criteria:
        verdicts.append(
            _one(criterion, organisation_kind, country, answers, requested_amount, labels, currency)
        )
    if not verdicts:
        return True, [_("This call has no eligibility criteria: every organisation is eligible")]
    return all(ok for ok, _reason in verdicts), [reason for _ok, reason in verdicts]


def _one(
    criterion: CriterionLike,
    organisation_kind: str,
    country: str,
    answers: Mapping[int, Any],
    requested_amount: Decimal | None,
    labels: Mapping[int, str],
    currency: str,
) -> tuple[bool, str]:
    kind = str(criterion.kind)
    if kind == ORG_KIND_IN:
        return _org_kind(criterion, organisation_kind)
    if kind == COUNTRY_IN:
        return _country(criterion, country)
    if kind == GLOBAL_SOUTH:
        return _global_south(country)
    if kind == AMOUNT_AT_MOST:
        return _amount_at_most(criterion, requested_amount, currency)
    if kind in (ANSWER_EQUALS, ANSWER_AT_LEAST):
        qid = criterion.question_id
        label = labels.get(qid, criterion.description) if qid is not None else ""
        if qid is None:
            return False, _(
                "The criterion “%(criterion)s” names no question; ask the convener to fix it"
            ) % {"criterion": criterion.description}
        answer = answers.get(qid)
        if _is_blank(answer):
            return False, _("No answer to “%(question)s”") % {"question": label}
        if kind == ANSWER_EQUALS:
            return _answer_equals(criterion, answer, label)
        return _answer_at_least(criterion, answer, label)
    # An unknown kind fails closed: better a visible refusal than a silent pass.
    return False, _("Unknown criterion “%(criterion)s”; ask the convener") % {
        "criterion": criterion.description or kind,
    }


__all__: Sequence[str] = ["Criterion", "CriterionLike", "evaluate"]
