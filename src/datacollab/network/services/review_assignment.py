"""The reviewer-assignment run: the database side of `assignment_engine.solve_assignment`.

Affinity, the only preference the optimiser weighs once loads are balanced: every pair
scores 0.5, and 1.0 when none of the reviewer's organisations is in the applicant's
country. An outside reader brings a perspective the applicant's peers lack and is less
likely to have an undeclared local tie. Balance always comes first: the solver minimises
the largest load, then the cost (1 - affinity) at that load.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from datacollab.core import audit
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from datacollab.network.assignment_engine import solve_assignment
from datacollab.network.assignment_messages import reasons_text
from datacollab.network.models import Call, ReviewAssignment
from datacollab.network.selectors import reviews as selectors
from datacollab.organisations.models import Membership, Role, RoleGrant, User
from datacollab.organisations.rules import is_convener

BASE_AFFINITY = 0.5
OTHER_COUNTRY_AFFINITY = 1.0
# Naming every short application would bury the message.
_MAX_NAMED = 5


@dataclass(frozen=True)
class AssignmentRun:
    applications: int
    reviewers: int
    created: int  # new assignments made by this run
    kept: int  # assignments that existed before and still hold
    removed: int  # unsubmitted assignments dropped: application no longer reviewable, or conflict
    max_load: int
    seconds: float


def _affinity(apps_countries: list[str], reviewer_countries: list[set[str]]) -> np.ndarray:
    app_country = np.array(apps_countries, dtype=object)
    affinity = np.full((len(apps_countries), len(reviewer_countries)), BASE_AFFINITY)
    for r, countries in enumerate(reviewer_countries):
        if countries:  # no organisation: nothing known, no bonus
            abroad = ~np.isin(app_country, list(countries))
            affinity[abroad, r] = OTHER_COUNTRY_AFFINITY
    return affinity


@transaction.atomic
def assign_reviewers(
    *, actor: User, call: Call, reviewers: Sequence[User] | None = None
) -> AssignmentRun:
    """Give every submitted, eligible application `call.reviews_per_application` reviewers.

    Existing assignments are kept and passed to the solver as fixed, so a re-run only
    fills gaps. `reviewers` narrows the pool for new assignments (default: everyone with
    the reviewer role).
    """
    if not is_convener(actor):
        raise NotAllowed(_("Only conveners can assign reviewers."))
    # One run at a time per call: two concurrent runs would both fill the same gaps.
    call = Call.objects.select_for_update().get(pk=call.pk)
    if selectors.selection_confirmed(call):
        raise Conflict(
            _("The selection for “%(call)s” is confirmed: its assignments can no longer change.")
            % {"call": call.title}
        )
    pool = list(selectors.reviewers()) if reviewers is None else list(reviewers)
    role_holders = set(
        RoleGrant.objects.filter(user__in=pool, role=Role.REVIEWER).values_list(
            "user_id", flat=True
        )
    )
    outsiders = [str(p) for p in pool if p.pk not in role_holders]
    if outsiders:
        raise DomainError(
            _("These people do not hold the reviewer role: %(names)s.")
            % {"names": ", ".join(outsiders)}
        )
    apps = list(selectors.reviewable_applications(call).select_related("organisation"))
    if not apps:
        raise DomainError(
            _("“%(call)s” has no submitted, eligible applications to review yet.")
            % {"call": call.title}
        )
    need = call.reviews_per_application
    conflicts = selectors.conflict_pairs(call)

    kept: dict[int, list[ReviewAssignment]] = {app.pk: [] for app in apps}
    stale: list[int] = []
    for assignment in (
        ReviewAssignment.objects.filter(application__call=call)
        .select_related("review", "application")
        .order_by("created_at", "id")
    ):
        review = getattr(assignment, "review", None)
        submitted = review is not None and review.submitted_at is not None
        org = assignment.application.organisation_id
        if (assignment.reviewer_id, org) in conflicts:
            stale.append(assignment.pk)  # a conflicted score must not count, submitted or not
        elif assignment.application_id not in kept:
            if not submitted:  # withdrawn or ineligible since; a submitted review is a record
                stale.append(assignment.pk)
        else:
            kept[assignment.application_id].append(assignment)
    ReviewAssignment.objects.filter(pk__in=stale).delete()

    people = {p.pk: p for p in pool}
    for assignments in kept.values():
        for assignment in assignments:
            people.setdefault(assignment.reviewer_id, assignment.reviewer)
    reviewer_ids = list(people)
    column = {pk: i for i, pk in enumerate(reviewer_ids)}
    in_pool = np.array([pk in role_holders for pk in reviewer_ids], dtype=bool)

    fixed = [
        (row, column[a.reviewer_id])
        for row, app in enumerate(apps)
        for a in kept[app.pk][:need]  # a hand-added extra reviewer stays, outside the solve
    ]
    rows_of_org: dict[int, list[int]] = {}
    for row, app in enumerate(apps):
        rows_of_org.setdefault(app.organisation_id, []).append(row)
    conflict = np.zeros((len(apps), len(reviewer_ids)), dtype=bool)
    for reviewer_id, org in conflicts:
        if reviewer_id in column and org in rows_of_org:
            conflict[rows_of_org[org], column[reviewer_id]] = True
    _refuse_short(apps, conflict, in_pool, fixed, need)

    countries: dict[int, set[str]] = {pk: set() for pk in reviewer_ids}
    for user_id, country in Membership.objects.filter(user_id__in=reviewer_ids).values_list(
        "user_id", "organisation__country"
    ):
        countries[user_id].add(country)
    affinity = _affinity(
        [app.organisation.country for app in apps], [countries[pk] for pk in reviewer_ids]
    )
    fixed_load = np.bincount(
        np.array([r for _a, r in fixed], dtype=np.int64), minlength=len(reviewer_ids)
    )
    # People outside the pool keep what they hold and take nothing new.
    capacity = np.where(in_pool, len(apps), fixed_load).astype(np.int64)
    result = solve_assignment(
        affinity=affinity,
        conflict=conflict,
        reviews_per_application=need,
        fixed=fixed,
        reviewer_capacity=capacity,
    )
    if result.status != "optimal":
        reason = reasons_text(
            result.reasons,
            applications=[f"“{app.title}”" for app in apps],
            reviewers=[str(people[pk]) for pk in reviewer_ids],
        )
        raise DomainError(_("No assignment satisfies every rule: %(reason)s.") % {"reason": reason})
    new_pairs = sorted(set(result.pairs) - set(fixed))
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(
            application=apps[a], reviewer_id=reviewer_ids[r], source=ReviewAssignment.Source.SOLVER
        )
        for a, r in new_pairs
    )
    run = AssignmentRun(
        applications=len(apps),
        reviewers=int(in_pool.sum()),
        created=len(new_pairs),
        kept=sum(len(v) for v in kept.values()),
        removed=len(stale),
        max_load=result.max_load,
        seconds=result.seconds,
    )
    audit.record(
        action="reviews.assignment_run",
        actor=actor,
        obj=call,
        details={
            "applications": run.applications,
            "reviewers": run.reviewers,
            "created": run.created,
            "kept": run.kept,
            "removed": run.removed,
            "max_load": run.max_load,
            "cost": result.cost,
        },
    )
    return run


def _refuse_short(
    apps: list, conflict: np.ndarray, in_pool: np.ndarray, fixed: list[tuple[int, int]], need: int
) -> None:
    """Name the applications that cannot get enough reviewers, in words a convener can act on."""
    usable = (~conflict & in_pool[None, :]).copy()
    for a, r in fixed:
        usable[a, r] = True
    counts = usable.sum(axis=1)
    short = [(apps[a], int(counts[a])) for a in np.flatnonzero(counts < need)]
    if not short:
        return
    # Each item is a name and a number, not a clause: no verb to agree with in any language.
    items = [
        _("“%(title)s” (%(org)s): %(count)d")
        % {"title": app.title, "org": app.organisation.name, "count": count}
        for app, count in short[:_MAX_NAMED]
    ]
    if len(short) > _MAX_NAMED:
        more = len(short) - _MAX_NAMED
        items.append(
            ngettext("%(n)d more application", "%(n)d more applications", more) % {"n": more}
        )
    raise DomainError(
        ngettext(
            "Each application needs %(need)d reviewer without a conflict; these have fewer: "
            "%(named)s. Add reviewers or lower the reviewers per application.",
            "Each application needs %(need)d reviewers without a conflict; these have fewer: "
            "%(named)s. Add reviewers or lower the reviewers per application.",
            need,
        )
        % {"need": need, "named": "; ".join(items)}
    )
