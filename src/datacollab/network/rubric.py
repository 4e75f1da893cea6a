"""Rubric scoring shared by application reviews and challenge judging (issue 12).

Pure checks over anything with a score scale and weighted criteria: the call's rubric and a
challenge's rubric are scored by the same rules, so they are written once.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.utils.translation import gettext as _

from datacollab.core.errors import DomainError


class ScaleLike(Protocol):
    score_min: int
    score_max: int


class CriterionLike(Protocol):
    pk: int
    name: str
    weight: Decimal


def check_scores(
    scale: ScaleLike, criteria: Sequence[CriterionLike], scores: dict[int, int], *, final: bool
) -> dict[int, int]:
    """Refuse scores off the scale or for unknown criteria; `final` also needs every one."""
    by_id = {c.pk: c for c in criteria}
    unknown = sorted(set(scores) - set(by_id))
    if unknown:
        raise DomainError(_("Scores were given for criteria that are not in this call's rubric."))
    for criterion_id, score in scores.items():
        if (
            isinstance(score, bool)
            or not isinstance(score, int)
            or not (scale.score_min <= score <= scale.score_max)
        ):
            raise DomainError(
                _("Scores run from %(low)d to %(high)d; “%(name)s” got %(score)s.")
                % {
                    "low": scale.score_min,
                    "high": scale.score_max,
                    "name": by_id[criterion_id].name,
                    "score": score,
                },
                field=f"score_{criterion_id}",
            )
    missing = [c.name for c in criteria if c.pk not in scores]
    if final and missing:
        raise DomainError(
            _("Score every criterion before submitting; missing: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    return scores


def weighted_mean(criteria: Sequence[CriterionLike], scores: dict[int, int]) -> Decimal | None:
    weights = {c.pk: Decimal(c.weight) for c in criteria if c.pk in scores}
    total = sum(weights.values(), Decimal(0))
    if not weights or total == 0:
        return None
    mean = sum((weights[k] * scores[k] for k in weights), Decimal(0)) / total
    return mean.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
