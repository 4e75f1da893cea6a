"""The rubric's score scale of a call: which whole numbers a reviewer may give.

The range is fixed once the first score exists, like the rubric's criteria and weights
(setup_builders.py), because merit compares reviews of one call on one scale. The end labels
("poor", "excellent") are wording, and may always be changed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError
from datacollab.network.models import Call
from datacollab.network.models.call import SCORE_BOUND
from datacollab.network.services.setup import require_convener
from datacollab.network.services.setup_builders import scored_count


def check_scale(score_min: int, score_max: int) -> None:
    for field, value in (("score_min", score_min), ("score_max", score_max)):
        if not 0 <= value <= SCORE_BOUND:
            raise DomainError(
                _("A score is a whole number from 0 to %(bound)d.") % {"bound": SCORE_BOUND},
                field=field,
            )
    if score_min >= score_max:
        raise DomainError(_("The highest score must be above the lowest score."), field="score_max")


@transaction.atomic
def set_score_scale(
    *,
    actor: Any,
    call: Call,
    score_min: int,
    score_max: int,
    min_label: str = "",
    max_label: str = "",
) -> Call:
    """Set the range and end labels reviewers score this call's criteria on."""
    require_convener(actor)
    # Locked so that no review is scored on the old range while the range changes
    # (submit_review locks the same row).
    call = Call.objects.select_for_update().get(pk=call.pk)
    check_scale(score_min, score_max)
    new = {
        "score_min": score_min,
        "score_max": score_max,
        "score_min_label": min_label.strip()[:40],
        "score_max_label": max_label.strip()[:40],
    }
    changed = {name: [getattr(call, name), value] for name, value in new.items()}
    changed = {name: pair for name, pair in changed.items() if pair[0] != pair[1]}
    if {"score_min", "score_max"} & set(changed):
        n = scored_count(call)
        if n:
            raise Conflict(
                ngettext(
                    "Reviewers have given %(n)d score on the scale from %(low)d to %(high)d; "
                    "it is fixed so every application is judged alike. You can still "
                    "change the labels of its ends.",
                    "Reviewers have given %(n)d scores on the scale from %(low)d to %(high)d; "
                    "it is fixed so every application is judged alike. You can still "
                    "change the labels of its ends.",
                    n,
                )
                % {"n": n, "low": call.score_min, "high": call.score_max}
            )
    if changed:
        for name, (_old, value) in changed.items():
            setattr(call, name, value)
        call.save(update_fields=list(changed))
        audit.record(
            action="call.score_scale_changed",
            actor=actor,
            obj=call,
            details={"call": call.slug, **changed},
        )
    return call
