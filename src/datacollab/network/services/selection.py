"""Selection: run the optimiser for a call, then confirm its proposal as the call's decisions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError
from datacollab.network.models import (
    Application,
    Call,
    CohortMembership,
    SelectionProposal,
)
from datacollab.network.selection_engine import Candidate, SelectionConstraints, solve_selection
from datacollab.network.selection_messages import reason_text
from datacollab.network.selection_reasons import SelectionInputError
from datacollab.network.selectors import global_south
from datacollab.network.selectors.decisions import ShortfallRow, review_shortfall
from datacollab.network.selectors.selection import (
    remaining_room,
    require_convener,
    selection_candidates,
)
from datacollab.network.services import call_lifecycle
from datacollab.network.services.decisions import draft_decision_mails
from datacollab.organisations.models import OrganisationKind


def _check_parameters(
    *,
    share: float,
    max_per_country: int | None,
    kind_min: Mapping[str, int],
    kind_max: Mapping[str, int],
    forced_in: set[int],
    forced_out: set[int],
    candidate_ids: set[int],
) -> None:
    if not 0.0 <= share <= 1.0:
        raise DomainError(
            _("The Global South share must be between %(low)d%% and %(high)d%%.")
            % {"low": 0, "high": 100},
            field="min_global_south_share",
        )
    if max_per_country is not None and max_per_country < 1:
        raise DomainError(
            _("The maximum per country must be at least 1, or left empty."), field="max_per_country"
        )
    unknown = sorted((set(kind_min) | set(kind_max)) - set(OrganisationKind.values))
    if unknown:
        raise DomainError(
            _("Unknown organisation kinds: %(kinds)s.") % {"kinds": ", ".join(unknown)}
        )
    if any(v < 0 for v in [*kind_min.values(), *kind_max.values()]):
        raise DomainError(_("Minimums and maximums by kind must be zero or more."))
    if both := sorted(forced_in & forced_out):
        raise DomainError(
            _("Applications cannot be both forced in and forced out: %(ids)s.")
            % {"ids": ", ".join(f"#{i}" for i in both)}
        )
    if stray := sorted((forced_in | forced_out) - candidate_ids):
        raise DomainError(
            _(
                "Only submitted, eligible and reviewed applications can be forced in or out; "
                "not so for %(ids)s."
            )
            % {"ids": ", ".join(f"#{i}" for i in stray)}
        )


@transaction.atomic
def propose_selection(
    *,
    actor: Any,
    call: Call,
    min_global_south_share: float = 0.0,
    max_per_country: int | None = None,
    kind_min: Mapping[str, int] | None = None,
    kind_max: Mapping[str, int] | None = None,
    forced_in: Iterable[int] = (),
    forced_out: Iterable[int] = (),
    global_south_rule: str = global_south.HEAD_OFFICE,
) -> SelectionProposal:
    """Run the optimiser over the call's reviewed, eligible applications and store its answer.

    `global_south_rule` says how each candidate's Global South flag is filled: by its head
    office or by its countries of operation (selectors/global_south.py).

    Merit is the normalised (z-score) mean shifted by +3 and clipped at 0; the amount is the
    amount requested; capacity and budget are the cohort's, minus members and awards
    already committed. Earlier open proposals of the call are superseded.
    """
    require_convener(actor)
    # A proposal decides nothing, so it may run while the call is open; a deadline already
    # passed is recorded as the call's closing here, the convener's first selection step.
    call_lifecycle.close_if_due(actor=actor, call=call)
    # Lock the call so two conveners' runs and a confirmation cannot interleave.
    call = Call.objects.select_for_update().select_related("cohort").get(pk=call.pk)
    if SelectionProposal.objects.filter(
        call=call, status=SelectionProposal.Status.CONFIRMED
    ).exists():
        raise Conflict(_("The selection for this call is already confirmed; it cannot be re-run."))
    if global_south_rule not in global_south.RULES:
        raise DomainError(
            _("Unknown Global South rule %(rule)s.") % {"rule": global_south_rule},
            field="global_south_rule",
        )
    kind_min = {k: int(v) for k, v in (kind_min or {}).items() if v is not None}
    kind_max = {k: int(v) for k, v in (kind_max or {}).items() if v is not None}
    rows = selection_candidates(call)
    f_in, f_out = {int(i) for i in forced_in}, {int(i) for i in forced_out}
    _check_parameters(
        share=min_global_south_share,
        max_per_country=max_per_country,
        kind_min=kind_min,
        kind_max=kind_max,
        forced_in=f_in,
        forced_out=f_out,
        candidate_ids={r.application.pk for r in rows},
    )
    room = remaining_room(call.cohort)
    candidates = [
        Candidate(
            id=r.application.pk,
            merit=r.merit,
            amount=float(r.application.requested_amount),
            country=r.application.organisation.country,
            global_south=global_south.is_global_south(
                r.application.organisation, global_south_rule
            ),
            kind=r.application.organisation.kind,
        )
        for r in rows
    ]
    constraints = SelectionConstraints(
        capacity=room.capacity,
        budget=float(room.budget),
        min_global_south_share=min_global_south_share,
        max_per_country=max_per_country,
        kind_min=kind_min,
        kind_max=kind_max,
        forced_in=frozenset(f_in),
        forced_out=frozenset(f_out),
    )
    try:
        result = solve_selection(candidates=candidates, constraints=constraints)
    except SelectionInputError as exc:  # the optimiser's own check of the parameters
        raise DomainError(" ".join(reason_text(p) for p in exc.problems)) from exc
    parameters = {
        "capacity": room.capacity,
        "budget": str(room.budget),
        "min_global_south_share": min_global_south_share,
        "global_south_rule": global_south_rule,
        "max_per_country": max_per_country,
        "kind_min": kind_min,
        "kind_max": kind_max,
        "forced_in": sorted(f_in),
        "forced_out": sorted(f_out),
    }
    snapshot = [
        {
            "id": r.application.pk,
            "rank": r.rank,
            "merit": r.merit,
            "raw": r.raw,
            "normalised": r.normalised,
            "reviews": r.reviews,
            "amount": str(r.application.requested_amount),
            "country": c.country,
            "global_south": c.global_south,
            "kind": c.kind,
        }
        for r, c in zip(rows, candidates, strict=True)
    ]
    SelectionProposal.objects.filter(call=call, status=SelectionProposal.Status.PROPOSED).update(
        status=SelectionProposal.Status.SUPERSEDED
    )
    return SelectionProposal.objects.create(
        call=call,
        created_by=actor,
        parameters=parameters,
        result={
            "status": result.status,
            "selected": result.selected,
            "objective": result.objective,
            "greedy": result.greedy,
            "greedy_objective": result.greedy_objective,
            "added": result.added,
            "displaced": result.displaced,
            "binding": [
                {"name": b.name, "description": b.description, "used": b.used, "limit": b.limit}
                for b in result.binding
            ],
            "reasons": {str(k): v for k, v in result.reasons.items()},
            "infeasible_reason": result.infeasible_reason,
            # The same sentences as [code, params], translated where they are shown.
            "reason_codes": {str(k): v.as_json() for k, v in result.reason_codes.items()},
            "infeasible_codes": [r.as_json() for r in result.infeasible],
            "seconds": result.seconds,
            "candidates_considered": result.candidates_considered,
            "candidates": snapshot,
        },
    )


def _require_shortfall_acknowledged(call: Call, acknowledged: bool) -> list[ShortfallRow]:
    shortfall = review_shortfall(call)
    if shortfall and not acknowledged:
        raise DomainError(
            ngettext(
                "%(n)d eligible application has fewer than %(needed)d submitted reviews: "
                "%(list)s. Tick the acknowledgement to decide on it all the same.",
                "%(n)d eligible applications have fewer than %(needed)d submitted reviews: "
                "%(list)s. Tick the acknowledgement to decide on them all the same.",
                len(shortfall),
            )
            % {
                "n": len(shortfall),
                "needed": call.reviews_per_application,
                "list": "; ".join(
                    f"{row.application.organisation.name} ({row.reviews})" for row in shortfall
                ),
            },
            field="acknowledge_review_shortfall",
        )
    return shortfall


@transaction.atomic
def confirm_selection(
    *,
    actor: Any,
    proposal: SelectionProposal,
    acknowledge_review_shortfall: bool = False,
    now: datetime | None = None,
) -> None:
    """Make a proposal the call's decision: decisions, cohort members, audit entry, mail drafts.

    Needs a closed call (services/call_lifecycle.py) and, when eligible applications have
    fewer submitted reviews than the call asks for, an explicit acknowledgement. The call
    moves to `reviewing`: no application is taken after this, even under an extension."""
    require_convener(actor)
    call_lifecycle.require_decidable(actor=actor, call=proposal.call, now=now)
    call = Call.objects.select_for_update().select_related("cohort").get(pk=proposal.call_id)
    proposal = SelectionProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status == SelectionProposal.Status.CONFIRMED:
        raise Conflict(_("This selection is already confirmed; it cannot be confirmed twice."))
    if proposal.status == SelectionProposal.Status.SUPERSEDED:
        raise Conflict(
            _(
                "A newer proposal replaced this one. Review the latest proposal and "
                "confirm that one instead."
            )
        )
    if SelectionProposal.objects.filter(
        call=call, status=SelectionProposal.Status.CONFIRMED
    ).exists():
        raise Conflict(_("The selection for this call is already confirmed."))
    result = proposal.result
    if result.get("infeasible_reason") or result.get("status") not in ("optimal", "time_limit"):
        raise DomainError(
            _(
                "This proposal found no cohort, so there is nothing to confirm. "
                "Change the constraints and run the optimiser again."
            )
        )
    shortfall = _require_shortfall_acknowledged(call, acknowledge_review_shortfall)
    selected = set(result["selected"])
    submitted = Application.objects.filter(call=call, status=Application.Status.SUBMITTED)
    chosen = list(submitted.filter(pk__in=selected, eligible=True).select_related("organisation"))
    if len(chosen) != len(selected):
        raise Conflict(
            _(
                "Some proposed applications were withdrawn or are no longer eligible "
                "since this proposal was made. Run the optimiser again."
            )
        )
    submitted.filter(pk__in=selected).update(decision=Application.Decision.SELECTED)
    submitted.exclude(pk__in=selected).update(decision=Application.Decision.NOT_SELECTED)
    CohortMembership.objects.bulk_create(
        [CohortMembership(cohort=call.cohort, organisation=a.organisation) for a in chosen],
        ignore_conflicts=True,
    )
    proposal.status = SelectionProposal.Status.CONFIRMED
    proposal.confirmed_at = timezone.now()
    proposal.confirmed_by = actor
    proposal.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    audit.record(
        action="selection.confirmed",
        actor=actor,
        obj=proposal,
        details={
            "call": call.slug,
            "cohort": call.cohort.slug,
            "selected": result["selected"],
            "parameters": proposal.parameters,
            # Proposals made before the rule existed were all by head office.
            "global_south_rule": proposal.parameters.get(
                "global_south_rule", global_south.HEAD_OFFICE
            ),
            "objective": result["objective"],
            "binding": result["binding"],
            "review_shortfall_acknowledged": {
                str(row.application.pk): row.reviews for row in shortfall
            },
        },
    )
    call_lifecycle.enter_review(actor=actor, call=call, now=now)
    draft_decision_mails(actor=actor, call=call)
