"""Parts of a demo call that several loaders write alike: the rubric and the £20,000 cap."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from datacollab.demo.rows import upsert
from datacollab.network.models import Call, CriterionKind, EligibilityCriterion, RubricCriterion


def ensure_rubric(call: Call, rubric: Sequence[tuple[str, str, Decimal | int | float]]) -> None:
    """The call's rubric criteria, (name, guidance, weight) in order."""
    upsert(
        RubricCriterion,
        key=("call_id", "position"),
        rows=[
            {"call_id": call.pk, "position": i, "name": name, "description": text, "weight": weight}
            for i, (name, text, weight) in enumerate(rubric, start=1)
        ],
        existing=RubricCriterion.objects.filter(call=call),
    )


def ensure_amount_cap(call: Call) -> dict[Any, EligibilityCriterion]:
    """The seeds' one eligibility rule: at most £20,000 requested."""
    criteria, _ = upsert(
        EligibilityCriterion,
        key=("call_id", "kind"),
        rows=[
            {
                "call_id": call.pk,
                "kind": CriterionKind.AMOUNT_AT_MOST,
                "value": [20000],
                "description": "The amount requested is at most £20,000",
            }
        ],
        existing=EligibilityCriterion.objects.filter(call=call),
    )
    return criteria
