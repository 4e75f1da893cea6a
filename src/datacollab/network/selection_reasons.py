"""The selection engine's sentences as codes: pure, no Django, so the engine stays pure.

`english(reason)` reproduces the engine's English exactly (stored proposals and the API keep
reading it); network/selection_messages.py renders the same codes in the reader's language.
"""

from __future__ import annotations

from datacollab.core.reasons import Reason, render_reason

# The engine stays free of Django, so every sentence it says is a code with parameters.
# `english()` gives the English below; network/selection_messages.py marks the same
# sentences for translation and renders them in the reader's language (a test keeps the
# two in step). A pair is (singular, plural, name of the count parameter).
REASON_TEXTS: dict[str, str | tuple[str, str, str]] = {
    "in.forced": "in: chosen by the convener (rank %(rank)s by merit)",
    "in.rank": "in: rank %(rank)s by merit",
    "in.global_south": "in: needed for the Global South minimum (rank %(rank)s by merit)",
    "in.kind_min": "in: needed for the minimum of %(minimum)s of kind %(kind)s (rank %(rank)s "
    "by merit)",
    "in.fill": "in: rank %(rank)s by merit, taking a place higher-ranked applications could "
    "not fill within limits",
    "out.forced": "out: rank %(rank)s by merit, excluded by the convener",
    "out.country": "out: rank %(rank)s by merit, but country %(country)s already has the "
    "maximum %(maximum)s",
    "out.kind_max": "out: rank %(rank)s by merit, but %(kind)s already has the maximum %(maximum)s",
    "out.global_south": "out: rank %(rank)s by merit, replaced to meet the Global South "
    "minimum of %(share)s",
    "out.kind_min": "out: rank %(rank)s by merit, replaced to meet the minimum for %(kinds)s",
    "out.budget": "out: rank %(rank)s by merit, but its amount %(amount)s does not fit the "
    "budget with the rest",
    "time_limit": "No cohort was found within the time limit of %(seconds)s s.",
    "infeasible": "No cohort meets all the constraints.",
    "forced_exceed": "The forced-in applications alone exceed: %(limits)s.",
    "kind_too_few": (
        "Only %(available)s application is of kind %(kind)s, fewer than the minimum %(minimum)s.",
        "Only %(available)s applications are of kind %(kind)s, fewer than the minimum %(minimum)s.",
        "available",
    ),
    "relax_one": "Relaxing any one of these makes a cohort possible: %(constraints)s.",
    "relax_several": "No single constraint relaxed is enough; relax several together.",
    "relax.global_south": "the Global South minimum",
    "relax.country": "the per-country maximum",
    "relax.kind_min": "the minimums by kind",
    "relax.kind_max": "the maximums by kind",
    "relax.forced_in": "the forced-in applications",
    "relax.budget": "the budget",
    "relax.capacity": "the capacity",
    "binding.capacity": "Capacity: %(used)s of %(limit)s places filled",
    "binding.budget": "Budget: %(used)s of %(limit)s used",
    "binding.global_south": "Global South: %(used)s of %(selected)s selected (minimum %(share)s)",
    "binding.country": "Country %(country)s: %(used)s selected (maximum %(limit)s)",
    "binding.kind_min": "Kind %(kind)s: %(used)s selected (minimum %(limit)s)",
    "binding.kind_max": "Kind %(kind)s: %(used)s selected (maximum %(limit)s)",
    "binding.forced_in": "Forced in: %(used)s of %(limit)s selected",
    "binding.forced_out": "Forced out: %(used)s selected",
    "input.capacity": "Capacity must be zero or more, not %(value)s.",
    "input.budget": "Budget must be a finite amount of zero or more, not %(value)s.",
    "input.share": "The Global South share must be between 0%% and 100%%, not %(value)s%%.",
    "input.country": "Maximum per country must be zero or more, not %(value)s.",
    "input.kind_min": "The minimum for %(kind)s must be zero or more, not %(value)s.",
    "input.kind_max": "The maximum for %(kind)s must be zero or more, not %(value)s.",
    "input.kind_order": "The minimum for %(kind)s (%(minimum)s) is above its maximum "
    "(%(maximum)s).",
    "input.duplicate_ids": "Application ids appear more than once: %(ids)s.",
    "input.merit": "Merit must be a finite number of zero or more; not so for ids %(ids)s.",
    "input.amount": "Amounts must be finite and zero or more; not so for ids %(ids)s.",
    "input.forced_both": "Ids are both forced in and forced out: %(ids)s.",
    "input.forced_in_unknown": "Ids forced into the cohort are not among the applications: "
    "%(ids)s.",
    "input.forced_out_unknown": "Ids forced out of the cohort are not among the applications: "
    "%(ids)s.",
}


def english(reason: Reason) -> str:
    """The engine's own English for a reason."""
    return render_reason(reason, REASON_TEXTS.__getitem__, lambda _key, value: value)


class SelectionInputError(ValueError):
    """Parameters the engine cannot work with; `problems` says each one as a Reason."""

    def __init__(self, problems: list[Reason]) -> None:
        super().__init__(" ".join(english(p) for p in problems))
        self.problems = problems
