"""Reads for conveners: their start page, selection candidates and proposals, decision mails."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from datacollab.core import country_names
from datacollab.core.errors import NotAllowed, NotFound
from datacollab.network.models import (
    Application,
    Award,
    Call,
    Cohort,
    CohortMembership,
    EmailTemplate,
    OutgoingMail,
    SelectionProposal,
)
from datacollab.network.selection_messages import stored_text
from datacollab.network.selectors import global_south
from datacollab.network.selectors.direct import direct_merit
from datacollab.network.selectors.reviews import merit_by_application
from datacollab.organisations.models import OrganisationKind
from datacollab.organisations.rules import is_convener

# The optimiser needs merit >= 0. Normalised merit is a mean of z-scores, so +3 maps
# "three standard deviations below the reviewer's mean" to zero; clipping only touches
# applications no cohort would want.
MERIT_OFFSET = 3.0


def require_convener(actor: Any) -> None:
    if not is_convener(actor):
        raise NotAllowed(
            _(
                "Only conveners can see this page or do this; ask a convener of the "
                "network if you need access."
            )
        )


def merit_from_normalised(normalised: float) -> float:
    return round(max(0.0, normalised + MERIT_OFFSET), 6)


def call_for_convener(*, actor: Any, slug: str) -> Call:
    require_convener(actor)
    call = Call.objects.select_related("cohort").filter(slug=slug).first()
    if call is None:
        raise NotFound(_("There is no call “%(slug)s”.") % {"slug": slug})
    return call


# --- convener home --------------------------------------------------------------------------


def convener_calls(*, actor: Any) -> QuerySet[Call]:
    require_convener(actor)
    submitted = Q(applications__status=Application.Status.SUBMITTED)
    return (
        Call.objects.select_related("cohort")
        .annotate(
            n_applications=Count(
                "applications",
                distinct=True,
                filter=~Q(applications__status=Application.Status.DRAFT),
            ),
            n_submitted=Count("applications", distinct=True, filter=submitted),
            n_eligible=Count(
                "applications", distinct=True, filter=submitted & Q(applications__eligible=True)
            ),
            n_reviewed=Count(
                "applications",
                distinct=True,
                filter=submitted & Q(applications__assignments__review__submitted_at__isnull=False),
            ),
        )
        .order_by("-deadline", "id")
    )


def convener_cohorts(*, actor: Any) -> QuerySet[Cohort]:
    require_convener(actor)
    return Cohort.objects.annotate(n_members=Count("memberships")).order_by("-starts_on", "id")


# --- selection ------------------------------------------------------------------------------


@dataclass
class CandidateRow:
    application: Application
    rank: int
    merit: float
    raw: float
    normalised: float
    reviews: int
    proposed: bool | None = None  # in the latest proposal? None: no proposal or not considered
    reason: str = ""
    # The Global South rule of the proposal the row is shown with (selectors/global_south.py).
    rule: str = global_south.HEAD_OFFICE

    @property
    def country_name(self) -> str:
        return country_names.name(self.application.organisation.country)

    @property
    def global_south(self) -> bool:
        return global_south.is_global_south(self.application.organisation, self.rule)


@dataclass(frozen=True)
class Room:
    """What is left of a cohort for this call: places and budget not yet committed."""

    capacity: int
    budget: Decimal
    members: int
    committed: Decimal


def remaining_room(cohort: Cohort) -> Room:
    members = CohortMembership.objects.filter(cohort=cohort).count()
    committed = Award.objects.filter(cohort=cohort).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return Room(
        capacity=max(0, cohort.capacity - members),
        budget=max(Decimal(0), cohort.budget - committed),
        members=members,
        committed=committed,
    )


def selection_candidates(call: Call) -> list[CandidateRow]:
    """Submitted, eligible applications with at least one submitted review (or an interview
    recommendation, for a direct approach), best first."""
    # Directly approached candidates bring merit from their interview, not from reviews.
    merit = merit_by_application(call) | direct_merit(call)
    apps = Application.objects.filter(
        call=call, status=Application.Status.SUBMITTED, eligible=True, pk__in=list(merit)
    ).select_related("organisation")
    rows = [
        CandidateRow(
            application=app,
            rank=0,
            merit=merit_from_normalised(merit[app.pk].normalised_mean or 0.0),
            raw=merit[app.pk].raw_mean or 0.0,
            normalised=merit[app.pk].normalised_mean or 0.0,
            reviews=merit[app.pk].reviews,
        )
        for app in apps
    ]
    rows.sort(key=lambda r: (-r.merit, r.application.pk))  # the optimiser's own rank order
    for i, row in enumerate(rows, start=1):
        row.rank = i
    return rows


def latest_proposal(call: Call) -> SelectionProposal | None:
    return (
        SelectionProposal.objects.filter(call=call)
        .select_related("created_by", "confirmed_by")
        .order_by("-created_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class BindingRow:
    name: str
    description: str
    used: float
    limit: float


def describe_binding(name: str, rule: str = global_south.HEAD_OFFICE) -> str:
    kind_label = dict(OrganisationKind.choices)
    head, _sep, tail = name.partition(":")
    if head == "capacity":
        return _("Capacity: every place is filled.")
    if head == "budget":
        return _("Budget: no other candidate's request fits in what is left.")
    if head == "global_south":
        return _(
            "Global South minimum (%(rule)s): one Global South organisation fewer would break it."
        ) % {"rule": global_south.rule_short(rule)}
    if head == "country":
        return _("Per-country maximum reached for %(country)s.") % {
            "country": country_names.name(tail)
        }
    if head == "kind_min":
        return _("Minimum number of %(kind)s reached exactly.") % {
            "kind": kind_label.get(tail, tail)
        }
    if head == "kind_max":
        return _("Maximum number of %(kind)s reached.") % {"kind": kind_label.get(tail, tail)}
    return name


@dataclass
class ProposalView:
    proposal: SelectionProposal
    status: str
    objective: float
    greedy_objective: float
    seconds: float
    infeasible_reason: str
    binding: list[BindingRow]
    selected: list[CandidateRow]
    pairs: list[tuple[CandidateRow | None, CandidateRow | None]]  # (added, displaced)
    greedy: list[CandidateRow]
    parameters: dict[str, Any]
    rule: str = global_south.HEAD_OFFICE

    @property
    def rule_explanation(self) -> str:
        return global_south.rule_explanation(self.rule)

    @property
    def confirmable(self) -> bool:
        return (
            self.proposal.status == SelectionProposal.Status.PROPOSED
            and self.status in ("optimal", "time_limit")
            and not self.infeasible_reason
        )


@dataclass
class SelectionPage:
    call: Call
    room: Room
    candidates: list[CandidateRow]
    proposal: ProposalView | None
    confirmed: bool = False


def _rows_from_snapshot(
    result: dict[str, Any], apps: dict[int, Application], rule: str
) -> dict[int, CandidateRow]:
    rows: dict[int, CandidateRow] = {}
    for item in result.get("candidates", []):
        app = apps.get(item["id"])
        if app is None:  # deleted since; nothing to show
            continue
        rows[item["id"]] = CandidateRow(
            application=app,
            rank=item["rank"],
            merit=item["merit"],
            raw=item["raw"],
            normalised=item["normalised"],
            reviews=item["reviews"],
            proposed=item["id"] in set(result.get("selected", [])),
            reason=stored_text(
                result.get("reason_codes", {}).get(str(item["id"])),
                result.get("reasons", {}).get(str(item["id"]), ""),
            ),
            rule=rule,
        )
    return rows


def selection_page(*, actor: Any, call: Call) -> SelectionPage:
    require_convener(actor)
    candidates = selection_candidates(call)
    proposal = latest_proposal(call)
    page = SelectionPage(
        call=call, room=remaining_room(call.cohort), candidates=candidates, proposal=None
    )
    if proposal is None:
        return page
    page.confirmed = proposal.status == SelectionProposal.Status.CONFIRMED
    result = proposal.result
    apps = {c.application.pk: c.application for c in candidates}
    missing = {item["id"] for item in result.get("candidates", [])} - apps.keys()
    if missing:
        apps |= Application.objects.select_related("organisation").in_bulk(list(missing))
    # Proposals made before the rule existed were all by head office.
    rule = proposal.parameters.get("global_south_rule", global_south.HEAD_OFFICE)
    snap = _rows_from_snapshot(result, apps, rule)
    for row in candidates:
        row.rule = rule
        if (old := snap.get(row.application.pk)) is not None:
            row.proposed, row.reason = old.proposed, old.reason
    page.proposal = ProposalView(
        proposal=proposal,
        status=result.get("status", ""),
        objective=result.get("objective", 0.0),
        greedy_objective=result.get("greedy_objective", 0.0),
        seconds=result.get("seconds", 0.0),
        infeasible_reason=" ".join(stored_text(r, "") for r in result.get("infeasible_codes", []))
        or result.get("infeasible_reason", ""),
        binding=[
            BindingRow(
                b["name"],
                describe_binding(b["name"], rule),
                b["used"],
                b["limit"],
            )
            for b in result.get("binding", [])
        ],
        selected=[snap[i] for i in result.get("selected", []) if i in snap],
        pairs=list(
            itertools.zip_longest(
                [snap[i] for i in result.get("added", []) if i in snap],
                [snap[i] for i in result.get("displaced", []) if i in snap],
            )
        ),
        greedy=[snap[i] for i in result.get("greedy", []) if i in snap],
        parameters=proposal.parameters,
        rule=rule,
    )
    return page


# --- decision mails -------------------------------------------------------------------------


@dataclass
class MailsPage:
    call: Call
    templates: dict[str, EmailTemplate]
    mails: list[OutgoingMail]
    counts: dict[str, int]


def default_template(*, call: Call, kind: str) -> EmailTemplate:
    """An unsaved template with the default wording, in the active language.

    `{{ feedback }}` has its own paragraph, which renders as nothing when the convener chose
    no review comment for the applicant."""
    if kind == EmailTemplate.Kind.SELECTED:
        subject = _("{{ call }}: your application has been selected")
        body = _(
            "Dear {{ organisation }} team,\n\n"
            "We are delighted to tell you that your application “{{ application_title }}” "
            "to {{ call }} has been selected: {{ organisation }} joins {{ cohort }}.\n\n"
            "We will be in touch shortly about your award, its instalments and the first "
            "sessions of the cohort.\n\n"
            "{% if feedback %}{{ feedback }}\n{% endif %}"
            "With best wishes,\n{{ convener }}\n"
        )
    else:
        subject = _("{{ call }}: the outcome of your application")
        body = _(
            "Dear {{ organisation }} team,\n\n"
            "Thank you for applying to {{ call }} with “{{ application_title }}”. We received "
            "many strong applications and, after careful review, we are sorry to tell you that "
            "yours has not been selected for {{ cohort }}.\n\n"
            "{% if feedback %}{{ feedback }}\n{% endif %}"
            "We hope to hear from you again in a future call.\n\n"
            "With best wishes,\n{{ convener }}\n"
        )
    return EmailTemplate(call=call, kind=kind, subject=subject, body=body)


def mail_templates(call: Call) -> dict[str, EmailTemplate]:
    """The stored template of each kind, or the default (unsaved) when none is stored yet."""
    stored = {t.kind: t for t in EmailTemplate.objects.filter(call=call)}
    return {
        kind: stored.get(kind) or default_template(call=call, kind=kind)
        for kind in EmailTemplate.Kind.values
    }


def mails_page(*, actor: Any, call: Call) -> MailsPage:
    require_convener(actor)
    mails = list(
        OutgoingMail.objects.filter(application__call=call)
        .select_related("application__organisation")
        .order_by("-kind", "application__organisation__name", "id")  # selected first
    )
    counts = {status: 0 for status in OutgoingMail.Status.values}
    for mail in mails:
        counts[mail.status] += 1
    return MailsPage(call=call, templates=mail_templates(call), mails=mails, counts=counts)


def mail_for_convener(*, actor: Any, call: Call, mail_id: int) -> OutgoingMail:
    require_convener(actor)
    mail = (
        OutgoingMail.objects.select_related("application__organisation")
        .filter(pk=mail_id, application__call=call)
        .first()
    )
    if mail is None:
        raise NotFound(_("There is no such mail for this call."))
    return mail


def proposal_for_convener(*, actor: Any, call: Call, proposal_id: int) -> SelectionProposal:
    require_convener(actor)
    proposal = SelectionProposal.objects.filter(pk=proposal_id, call=call).first()
    if proposal is None:
        raise NotFound(_("There is no such selection proposal for this call."))
    return proposal
