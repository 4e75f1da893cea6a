"""The selection engine's sentences in the reader's language.

The engine (selection_engine.py, selection_reasons.py) says each reason as a code with
parameters and English text; the same English is marked here for translation, so the
catalogue holds every sentence a convener reads on the selection pages.
tests/network/test_selection_messages.py keeps the two lists in step.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from datacollab.core import country_names
from datacollab.core.reasons import Reason, reason_from_json, render_reason
from datacollab.organisations.models import OrganisationKind

# Translators: "in"/"out" say whether the optimiser put an application in the cohort;
# "rank N by merit" is its place when applications are ordered by review score.
MESSAGES: dict[str, Promise] = {
    "in.forced": _("in: chosen by the convener (rank %(rank)s by merit)"),
    "in.rank": _("in: rank %(rank)s by merit"),
    "in.global_south": _("in: needed for the Global South minimum (rank %(rank)s by merit)"),
    # A kind the site does not know (KIND_MINIMUM_IN has a whole sentence for each it does).
    "in.kind_min": _(
        "in: needed for the minimum of %(minimum)s of kind %(kind)s (rank %(rank)s by merit)"
    ),
    "in.fill": _(
        "in: rank %(rank)s by merit, taking a place higher-ranked applications could "
        "not fill within limits"
    ),
    "out.forced": _("out: rank %(rank)s by merit, excluded by the convener"),
    "out.country": _(
        "out: rank %(rank)s by merit, but country %(country)s already has the maximum %(maximum)s"
    ),
    "out.kind_max": _(
        "out: rank %(rank)s by merit, but %(kind)s already has the maximum %(maximum)s"
    ),
    "out.global_south": _(
        "out: rank %(rank)s by merit, replaced to meet the Global South minimum of %(share)s"
    ),
    "out.kind_min": _("out: rank %(rank)s by merit, replaced to meet the minimum for %(kinds)s"),
    "out.budget": _(
        "out: rank %(rank)s by merit, but its amount %(amount)s does not fit the "
        "budget with the rest"
    ),
    "time_limit": _("No cohort was found within the time limit of %(seconds)s s."),
    "infeasible": _("No cohort meets all the constraints."),
    "forced_exceed": _("The forced-in applications alone exceed: %(limits)s."),
    # A count-keyed lazy plural: `% params` picks the form from params["available"].
    "kind_too_few": ngettext_lazy(
        "Only %(available)s application is of kind %(kind)s, fewer than the minimum %(minimum)s.",
        "Only %(available)s applications are of kind %(kind)s, fewer than the minimum %(minimum)s.",
        "available",
    ),
    "relax_one": _("Relaxing any one of these makes a cohort possible: %(constraints)s."),
    "relax_several": _("No single constraint relaxed is enough; relax several together."),
    "relax.global_south": _("the Global South minimum"),
    "relax.country": _("the per-country maximum"),
    "relax.kind_min": _("the minimums by kind"),
    "relax.kind_max": _("the maximums by kind"),
    "relax.forced_in": _("the forced-in applications"),
    "relax.budget": _("the budget"),
    "relax.capacity": _("the capacity"),
    "binding.capacity": _("Capacity: %(used)s of %(limit)s places filled"),
    "binding.budget": _("Budget: %(used)s of %(limit)s used"),
    "binding.global_south": _(
        "Global South: %(used)s of %(selected)s selected (minimum %(share)s)"
    ),
    "binding.country": _("Country %(country)s: %(used)s selected (maximum %(limit)s)"),
    "binding.kind_min": _("Kind %(kind)s: %(used)s selected (minimum %(limit)s)"),
    "binding.kind_max": _("Kind %(kind)s: %(used)s selected (maximum %(limit)s)"),
    "binding.forced_in": _("Forced in: %(used)s of %(limit)s selected"),
    "binding.forced_out": _("Forced out: %(used)s selected"),
    "input.capacity": _("Capacity must be zero or more, not %(value)s."),
    "input.budget": _("Budget must be a finite amount of zero or more, not %(value)s."),
    "input.share": _("The Global South share must be between 0%% and 100%%, not %(value)s%%."),
    "input.country": _("Maximum per country must be zero or more, not %(value)s."),
    "input.kind_min": _("The minimum for %(kind)s must be zero or more, not %(value)s."),
    "input.kind_max": _("The maximum for %(kind)s must be zero or more, not %(value)s."),
    "input.kind_order": _(
        "The minimum for %(kind)s (%(minimum)s) is above its maximum (%(maximum)s)."
    ),
    "input.duplicate_ids": _("Application ids appear more than once: %(ids)s."),
    "input.merit": _("Merit must be a finite number of zero or more; not so for ids %(ids)s."),
    "input.amount": _("Amounts must be finite and zero or more; not so for ids %(ids)s."),
    "input.forced_both": _("Ids are both forced in and forced out: %(ids)s."),
    "input.forced_in_unknown": _(
        "Ids forced into the cohort are not among the applications: %(ids)s."
    ),
    "input.forced_out_unknown": _(
        "Ids forced out of the cohort are not among the applications: %(ids)s."
    ),
}

# "in.kind_min" as a whole sentence per organisation kind, its plural by the minimum: a kind's
# name cannot be put into a sentence (languages inflect it by number and case).
KIND_MINIMUM_IN: dict[str, Promise] = {
    # Translators: "in" says the optimiser put the application in the cohort.
    OrganisationKind.COMPANY: ngettext_lazy(
        "in: needed for the minimum of %(minimum)s company (rank %(rank)s by merit)",
        "in: needed for the minimum of %(minimum)s companies (rank %(rank)s by merit)",
        "minimum",
    ),
    OrganisationKind.RESEARCH: ngettext_lazy(
        "in: needed for the minimum of %(minimum)s research institution (rank %(rank)s by merit)",
        "in: needed for the minimum of %(minimum)s research institutions (rank %(rank)s by merit)",
        "minimum",
    ),
    OrganisationKind.NON_PROFIT: ngettext_lazy(
        "in: needed for the minimum of %(minimum)s non-profit (rank %(rank)s by merit)",
        "in: needed for the minimum of %(minimum)s non-profits (rank %(rank)s by merit)",
        "minimum",
    ),
    OrganisationKind.GOVERNMENT: ngettext_lazy(
        "in: needed for the minimum of %(minimum)s government body (rank %(rank)s by merit)",
        "in: needed for the minimum of %(minimum)s government bodies (rank %(rank)s by merit)",
        "minimum",
    ),
    OrganisationKind.OTHER: ngettext_lazy(
        "in: needed for the minimum of %(minimum)s organisation of another kind (rank "
        "%(rank)s by merit)",
        "in: needed for the minimum of %(minimum)s organisations of another kind (rank "
        "%(rank)s by merit)",
        "minimum",
    ),
}


def _value(key: str, value: Any) -> Any:
    """Kinds and countries by their names in the reader's language; other values as given."""
    if key in ("kind", "kinds"):
        return dict(OrganisationKind.choices).get(value, value)
    if key == "country":
        return country_names.name(value)
    return value


def _text_of(code: str) -> Any:
    message = MESSAGES.get(code)
    # A code from a newer engine than this module: say so rather than fail the page.
    return message if message is not None else gettext("(reason %(code)s)") % {"code": code}


def reason_text(reason: Reason) -> str:
    whole = (
        KIND_MINIMUM_IN.get(reason.params.get("kind", "")) if reason.code == "in.kind_min" else None
    )

    def text_of(code: str) -> Any:
        return whole if whole is not None and code == reason.code else _text_of(code)

    return render_reason(reason, text_of, _value)


def stored_text(stored: Any, english: str) -> str:
    """A stored reason in the reader's language; a proposal saved before codes keeps its
    English."""
    if not stored:
        return english
    return reason_text(reason_from_json(stored))
