"""Why no reviewer (or judge) assignment exists, in the reader's language and with names.

The assignment engine says its reasons as codes over matrix indices (assignment_engine.py);
this module marks the same sentences for translation and puts the application (or
submission) titles and the people's names where the engine has indices.
tests/network/test_assignment_messages.py keeps the two lists in step.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from datacollab.core.reasons import Reason, render_reason

MESSAGES: dict[str, Any] = {
    "over_cap": _(
        "reviewer %(reviewer)s already has %(fixed)s fixed reviews, above the cap of %(cap)s"
    ),
    "too_few_clean": _(
        "application %(application)s has only %(clean)s non-conflicted reviewers but needs %(need)s"
    ),
    "no_capacity": _(
        "application %(application)s has %(clean)s non-conflicted reviewers but only "
        "%(usable)s of them have capacity left; it needs %(need)s"
    ),
    "and_more": _("and %(count)s more"),
    "total": _(
        "reviewers can take at most %(capacity)s reviews in total but %(count)s "
        "applications x %(need)s reviews = %(demand)s are needed"
    ),
    # A count-keyed lazy plural: `% params` picks the form from params["load"].
    "cut.load": ngettext_lazy(
        "applications %(applications)s need %(demand)s reviews between them but at most "
        "%(fit)s fit: their non-conflicted reviewers (%(reviewers)s) already have the maximum "
        "of %(load)s review each",
        "applications %(applications)s need %(demand)s reviews between them but at most "
        "%(fit)s fit: their non-conflicted reviewers (%(reviewers)s) already have the maximum "
        "of %(load)s reviews each",
        "load",
    ),
    "cut.capacities": _(
        "applications %(applications)s need %(demand)s reviews between them but at most "
        "%(fit)s fit: their non-conflicted reviewers (%(reviewers)s) have no capacity left"
    ),
    # A bare list has no words to translate.
    "applications": "%(applications)s",
    "applications.more": _("%(applications)s, ... (%(total)s in all)"),
    "reviewers": "%(reviewers)s",
    "reviewers.more": _("%(reviewers)s, ... (%(total)s in all)"),
}

# The same reasons when challenges/services/judging.py assigns judges to submissions.
JUDGING_MESSAGES: dict[str, Any] = {
    **MESSAGES,
    "over_cap": _(
        "judge %(reviewer)s already has %(fixed)s fixed entries, above the cap of %(cap)s"
    ),
    "too_few_clean": _(
        "submission %(application)s has only %(clean)s judges without a conflict but needs %(need)s"
    ),
    "no_capacity": _(
        "submission %(application)s has %(clean)s judges without a conflict but only "
        "%(usable)s of them can take more; it needs %(need)s"
    ),
    "total": _(
        "judges can take at most %(capacity)s entries in total but %(count)s submissions x "
        "%(need)s judges = %(demand)s are needed"
    ),
    "cut.load": ngettext_lazy(
        "submissions %(applications)s need %(demand)s judgements between them but at most "
        "%(fit)s fit: their judges without a conflict (%(reviewers)s) already have the maximum "
        "of %(load)s entry each",
        "submissions %(applications)s need %(demand)s judgements between them but at most "
        "%(fit)s fit: their judges without a conflict (%(reviewers)s) already have the maximum "
        "of %(load)s entries each",
        "load",
    ),
    "cut.capacities": _(
        "submissions %(applications)s need %(demand)s judgements between them but at most "
        "%(fit)s fit: their judges without a conflict (%(reviewers)s) can take no more"
    ),
}


def reasons_text(
    reasons: Iterable[Reason],
    *,
    applications: Sequence[str] | None = None,
    reviewers: Sequence[str] | None = None,
    judging: bool = False,
) -> str:
    """The reasons, "; "-separated, with `applications[i]` and `reviewers[j]` for the
    indices when given (numbers otherwise); counts stay numbers. `judging` words them for
    judges and submissions."""

    def value(key: str, v: Any) -> Any:
        if key in ("application", "applications") and applications is not None:
            return applications[v]
        if key in ("reviewer", "reviewers") and reviewers is not None:
            return reviewers[v]
        return v

    table = JUDGING_MESSAGES if judging else MESSAGES
    return "; ".join(render_reason(r, table.__getitem__, value) for r in reasons)
