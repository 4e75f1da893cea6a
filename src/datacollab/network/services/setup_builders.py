"""The call's builders: questions, eligibility rules and the rubric.

What may change, and when (also in docs/guide/setup.md):
- the wording of a question (label, help text) or of a rubric criterion (name, guidance) may
  always be fixed;
- what a question asks (kind, required, choices, limits, stage) is fixed once an applicant has
  reached its stage, so nobody is held to a rule that was not there when they started; a
  question with answers is never deleted;
- eligibility rules are fixed once an application is submitted, since its stored verdict was
  checked against them;
- rubric weights and criteria are fixed once a review has scores, since merit is computed
  from them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.core import audit, countries
from datacollab.core.errors import Conflict, DomainError
from datacollab.network.models import (
    Answer,
    Application,
    Call,
    CriterionKind,
    EligibilityCriterion,
    ExpressionOfInterest,
    Question,
    QuestionKind,
    QuestionStage,
    ReviewScore,
    RubricCriterion,
)
from datacollab.network.services.setup import require_convener
from datacollab.organisations.models.organisation import OrganisationKind

CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
TEXT_KINDS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)
MAX_WORDS = 100_000
MAX_WEIGHT = Decimal("999.99")
MAX_FILE_BYTES = 1024**3
QUESTION_SHAPE = (
    "kind",
    "required",
    "choices",
    "max_words",
    "min_value",
    "max_value",
    "max_file_bytes",
    "allowed_extensions",
    "stage",
)


# --- what has already started ---------------------------------------------------------------


def stage_started(call: Call, stage: str) -> int:
    """How many applications have reached `stage` of this call (so its questions are fixed)."""
    applications = Application.objects.filter(call=call)
    if stage == QuestionStage.FULL and call.eoi_deadline is not None:
        return ExpressionOfInterest.objects.filter(
            application__call=call, status=ExpressionOfInterest.Status.INVITED
        ).count()
    return applications.count()


def submitted_count(call: Call) -> int:
    return Application.objects.filter(call=call).exclude(status=Application.Status.DRAFT).count()


def scored_count(call: Call) -> int:
    return ReviewScore.objects.filter(criterion__call=call).count()


def _refuse_if_stage_started(call: Call, stage: str) -> None:
    n = stage_started(call, stage)
    if n:
        raise Conflict(
            ngettext(
                "%(n)d application has reached this stage, so what it asks is fixed; you can "
                "still correct the wording.",
                "%(n)d applications have reached this stage, so what they ask is fixed; you "
                "can still correct the wording.",
                n,
            )
            % {"n": n}
        )


# --- ordering, shared by questions and rubric -----------------------------------------------


def _renumber(rows: QuerySet[Any]) -> None:
    for position, row in enumerate(rows.order_by("position", "id"), start=1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


def _move(rows: QuerySet[Any], row: Model, direction: str) -> bool:
    """Swap `row` with its neighbour; False when it is already first or last."""
    ordered = list(rows.order_by("position", "id"))
    index = next(i for i, r in enumerate(ordered) if r.pk == row.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    return True


# --- questions ------------------------------------------------------------------------------


def _clean_question(values: dict[str, Any]) -> dict[str, Any]:
    kind = values["kind"]
    if kind not in QuestionKind.values:
        raise DomainError(_("Choose a kind of question."), field="kind")
    if not str(values.get("label", "")).strip():
        raise DomainError(_("Write the question."), field="label")
    clean = dict(values)
    clean["label"] = values["label"].strip()
    choices = [str(c).strip() for c in values.get("choices") or [] if str(c).strip()]
    if kind in CHOICE_KINDS:
        if len(set(choices)) < 2 or len(set(choices)) != len(choices):
            raise DomainError(
                _("A choice question needs at least two different options, one per line."),
                field="choices",
            )
    else:
        choices = []
    clean["choices"] = choices
    if kind not in TEXT_KINDS:
        clean["max_words"] = None
    elif values.get("max_words") is not None and values["max_words"] < 1:
        raise DomainError(_("A word limit is at least one word."), field="max_words")
    elif values.get("max_words") is not None and values["max_words"] > MAX_WORDS:
        raise DomainError(
            _("A word limit can be at most %(n)s words; leave it empty for no limit.")
            % {"n": f"{MAX_WORDS:,}"},
            field="max_words",
        )
    if kind != QuestionKind.NUMBER:
        clean["min_value"] = clean["max_value"] = None
    elif (
        values.get("min_value") is not None
        and values.get("max_value") is not None
        and values["max_value"] < values["min_value"]
    ):
        raise DomainError(_("The largest number is below the smallest."), field="max_value")
    extensions = [e.strip().lstrip(".").lower() for e in values.get("allowed_extensions") or []]
    clean["allowed_extensions"] = [e for e in extensions if e] if kind == QuestionKind.FILE else []
    if kind == QuestionKind.FILE and not values.get("max_file_bytes"):
        raise DomainError(_("Give the largest file size allowed."), field="max_file_bytes")
    if kind == QuestionKind.FILE and values["max_file_bytes"] > MAX_FILE_BYTES:
        raise DomainError(_("Files can be at most 1 GB (1,048,576 kB)."), field="max_file_bytes")
    if values.get("stage", QuestionStage.FULL) not in QuestionStage.values:
        raise DomainError(_("Choose a stage."), field="stage")
    return clean


# Shared with the end-of-cohort survey (evaluation), which asks questions of the same kinds.
clean_question = _clean_question


@transaction.atomic
def add_question(*, actor: Any, call: Call, values: dict[str, Any]) -> Question:
    """Append a question. `values` holds Question fields (kind, label, help_text, ...)."""
    require_convener(actor)
    clean = _clean_question(values)
    if clean.get("stage") == QuestionStage.EOI and call.eoi_deadline is None:
        raise DomainError(
            _("This call has one stage; set when expressions of interest close first."),
            field="stage",
        )
    _refuse_if_stage_started(call, clean.get("stage", QuestionStage.FULL))
    last = Question.objects.filter(call=call).aggregate(m=Max("position"))["m"] or 0
    question = Question.objects.create(call=call, position=last + 1, **clean)
    audit.record(
        action="call.question_added",
        actor=actor,
        obj=question,
        details={"call": call.slug, **_shape(question)},
    )
    return question


def _shape(question: Question) -> dict[str, Any]:
    return {name: getattr(question, name) for name in ("label", *QUESTION_SHAPE)}


@transaction.atomic
def update_question(*, actor: Any, question: Question, values: dict[str, Any]) -> Question:
    """Change a question. Wording always; what it asks only before applicants reach it."""
    require_convener(actor)
    question = Question.objects.select_for_update().select_related("call").get(pk=question.pk)
    clean = _clean_question(values)
    shape_changes = {
        name: [getattr(question, name), clean[name]]
        for name in QUESTION_SHAPE
        if name in clean and getattr(question, name) != clean[name]
    }
    if shape_changes:
        _refuse_if_stage_started(question.call, question.stage)
        if "stage" in shape_changes:
            _refuse_if_stage_started(question.call, clean["stage"])
        if "kind" in shape_changes and _criteria_on(question):
            raise Conflict(_("An eligibility rule uses this question; change or remove it first."))
    changed: dict[str, list[Any]] = {}
    for name, new in clean.items():
        if getattr(question, name) != new:
            changed[name] = [getattr(question, name), new]
            setattr(question, name, new)
    if changed:
        question.save(update_fields=list(changed))
        audit.record(
            action="call.question_changed",
            actor=actor,
            obj=question,
            details={"call": question.call.slug, **changed},
        )
    return question


def _criteria_on(question: Question) -> int:
    return EligibilityCriterion.objects.filter(question=question).count()


@transaction.atomic
def delete_question(*, actor: Any, question: Question) -> None:
    require_convener(actor)
    call = question.call
    answers = Answer.objects.filter(question=question).count()
    if answers:
        raise Conflict(
            ngettext(
                "%(n)d application has answered this question; deleting it would lose that "
                "answer. Mark it optional, or reword it, instead.",
                "%(n)d applications have answered this question; deleting it would lose "
                "their answers. Mark it optional, or reword it, instead.",
                answers,
            )
            % {"n": answers}
        )
    if _criteria_on(question):
        raise Conflict(_("An eligibility rule uses this question; remove that rule first."))
    _refuse_if_stage_started(call, question.stage)
    audit.record(
        action="call.question_deleted",
        actor=actor,
        obj=question,
        details={"call": call.slug, **_shape(question)},
    )
    question.delete()
    _renumber(Question.objects.filter(call=call))


@transaction.atomic
def move_question(*, actor: Any, question: Question, direction: str) -> Question:
    """Move one place up or down. Order is presentation only, so it may change at any time."""
    require_convener(actor)
    if not _move(Question.objects.filter(call_id=question.call_id), question, direction):
        raise Conflict(_("The question is already at that end of the list."))
    question.refresh_from_db()
    audit.record(
        action="call.question_moved",
        actor=actor,
        obj=question,
        details={"direction": direction, "position": question.position},
    )
    return question


# --- eligibility rules ----------------------------------------------------------------------


def _criterion_value(
    call: Call, kind: str, question: Question | None, values: list[str]
) -> tuple[list[Any], str]:
    """Check a rule's values for its kind; return the stored value and a default description."""
    values = [v.strip() for v in values if v.strip()]
    needs_question = kind in (CriterionKind.ANSWER_EQUALS, CriterionKind.ANSWER_AT_LEAST)
    if needs_question and (question is None or question.call_id != call.pk):
        raise DomainError(_("Choose the question this rule looks at."), field="question")
    if not needs_question and question is not None:
        raise DomainError(_("This kind of rule does not look at a question."), field="question")
    if kind == CriterionKind.GLOBAL_SOUTH:
        return [], str(CriterionKind.GLOBAL_SOUTH.label)
    if not values:
        raise DomainError(_("Give the value this rule checks."), field="values")
    if kind == CriterionKind.ORG_KIND_IN:
        unknown = [v for v in values if v not in OrganisationKind.values]
        if unknown:
            raise DomainError(_("Choose organisation kinds from the list."), field="values")
        labels = ", ".join(str(OrganisationKind(v).label) for v in values)
        return values, _("Organisation kind is one of: %(v)s") % {"v": labels}
    if kind == CriterionKind.COUNTRY_IN:
        codes = [v.upper() for v in values]
        unknown = [c for c in codes if countries.get(c) is None]
        if unknown:
            raise DomainError(
                _("Not ISO 3166-1 country codes: %(codes)s.") % {"codes": ", ".join(unknown)},
                field="values",
            )
        names = ", ".join(countries.name_of(c) for c in codes)
        return codes, _("Country is one of: %(v)s") % {"v": names}
    if kind == CriterionKind.ANSWER_EQUALS:
        assert question is not None
        if question.kind in CHOICE_KINDS and set(values) - set(question.choices):
            raise DomainError(_("Use the question's own options."), field="values")
        return values, _("Answer to “%(q)s” is one of: %(v)s") % {
            "q": question.label,
            "v": ", ".join(values),
        }
    if len(values) != 1:
        raise DomainError(_("Give one number."), field="values")
    try:
        number = Decimal(values[0])
    except ArithmeticError as exc:
        raise DomainError(_("Give a number."), field="values") from exc
    if kind == CriterionKind.ANSWER_AT_LEAST:
        assert question is not None
        if question.kind != QuestionKind.NUMBER:
            raise DomainError(_("Choose a number question for this rule."), field="question")
        return [values[0]], _("Answer to “%(q)s” is at least %(v)s") % {
            "q": question.label,
            "v": values[0],
        }
    if kind == CriterionKind.AMOUNT_AT_MOST:
        if number <= 0:
            raise DomainError(_("The most an applicant may ask is above zero."), field="values")
        return [values[0]], _("Amount requested is at most %(v)s %(c)s") % {
            "v": values[0],
            "c": call.cohort.currency,
        }
    raise DomainError(_("Choose a kind of rule."), field="kind")


def _refuse_if_submitted(call: Call) -> None:
    n = submitted_count(call)
    if n:
        raise Conflict(
            ngettext(
                "%(n)d application is already submitted and was checked against these rules; "
                "they can no longer change.",
                "%(n)d applications are already submitted and were checked against these "
                "rules; they can no longer change.",
                n,
            )
            % {"n": n}
        )


@transaction.atomic
def add_criterion(
    *,
    actor: Any,
    call: Call,
    kind: str,
    values: list[str],
    question: Question | None = None,
    description: str = "",
) -> EligibilityCriterion:
    """Add an eligibility rule; the description applicants read defaults to the rule itself."""
    require_convener(actor)
    _refuse_if_submitted(call)
    value, default = _criterion_value(call, kind, question, values)
    criterion = EligibilityCriterion.objects.create(
        call=call,
        kind=kind,
        question=question,
        value=value,
        description=(description.strip() or default)[:300],
    )
    audit.record(
        action="call.criterion_added",
        actor=actor,
        obj=criterion,
        details={
            "call": call.slug,
            "kind": kind,
            "value": value,
            "question": question.pk if question else None,
        },
    )
    return criterion


@transaction.atomic
def delete_criterion(*, actor: Any, criterion: EligibilityCriterion) -> None:
    require_convener(actor)
    _refuse_if_submitted(criterion.call)
    audit.record(
        action="call.criterion_deleted",
        actor=actor,
        obj=criterion,
        details={"call": criterion.call.slug, "kind": criterion.kind, "value": criterion.value},
    )
    criterion.delete()


# --- rubric ---------------------------------------------------------------------------------


def _clean_rubric(name: str, weight: Decimal) -> str:
    if not name.strip():
        raise DomainError(_("Name the criterion."), field="name")
    if weight <= 0:
        raise DomainError(_("A weight is above zero."), field="weight")
    # Weights count relative to each other; the column holds up to 999.99.
    if weight > MAX_WEIGHT:
        raise DomainError(
            _(
                "A weight is at most %(max)s: weights count relative to each other, so 1, 2 "
                "and 3 say the same as 100, 200 and 300."
            )
            % {"max": MAX_WEIGHT},
            field="weight",
        )
    return name.strip()


def _refuse_if_scored(call: Call) -> None:
    n = scored_count(call)
    if n:
        raise Conflict(
            ngettext(
                "Reviewers have given %(n)d score against this rubric; its criteria and "
                "weights are fixed so every application is judged alike. You can still "
                "reword a criterion.",
                "Reviewers have given %(n)d scores against this rubric; its criteria and "
                "weights are fixed so every application is judged alike. You can still "
                "reword a criterion.",
                n,
            )
            % {"n": n}
        )


@transaction.atomic
def add_rubric_criterion(
    *, actor: Any, call: Call, name: str, description: str, weight: Decimal
) -> RubricCriterion:
    require_convener(actor)
    name = _clean_rubric(name, weight)
    _refuse_if_scored(call)
    last = RubricCriterion.objects.filter(call=call).aggregate(m=Max("position"))["m"] or 0
    criterion = RubricCriterion.objects.create(
        call=call, position=last + 1, name=name, description=description.strip(), weight=weight
    )
    audit.record(
        action="call.rubric_added",
        actor=actor,
        obj=criterion,
        details={"call": call.slug, "name": name, "weight": weight},
    )
    return criterion


@transaction.atomic
def update_rubric_criterion(
    *, actor: Any, criterion: RubricCriterion, name: str, description: str, weight: Decimal
) -> RubricCriterion:
    require_convener(actor)
    name = _clean_rubric(name, weight)
    if weight != criterion.weight:
        _refuse_if_scored(criterion.call)
    changed: dict[str, list[Any]] = {}
    for field, new in (("name", name), ("description", description.strip()), ("weight", weight)):
        if getattr(criterion, field) != new:
            changed[field] = [getattr(criterion, field), new]
            setattr(criterion, field, new)
    if changed:
        criterion.save(update_fields=list(changed))
        audit.record(
            action="call.rubric_changed",
            actor=actor,
            obj=criterion,
            details={"call": criterion.call.slug, **changed},
        )
    return criterion


@transaction.atomic
def delete_rubric_criterion(*, actor: Any, criterion: RubricCriterion) -> None:
    require_convener(actor)
    call = criterion.call
    _refuse_if_scored(call)
    audit.record(
        action="call.rubric_deleted",
        actor=actor,
        obj=criterion,
        details={"call": call.slug, "name": criterion.name, "weight": criterion.weight},
    )
    criterion.delete()
    _renumber(RubricCriterion.objects.filter(call=call))


@transaction.atomic
def move_rubric_criterion(
    *, actor: Any, criterion: RubricCriterion, direction: str
) -> RubricCriterion:
    require_convener(actor)
    if not _move(RubricCriterion.objects.filter(call_id=criterion.call_id), criterion, direction):
        raise Conflict(_("The criterion is already at that end of the list."))
    criterion.refresh_from_db()
    audit.record(
        action="call.rubric_moved",
        actor=actor,
        obj=criterion,
        details={"direction": direction, "position": criterion.position},
    )
    return criterion
