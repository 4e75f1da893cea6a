"""Reads for the confirmation pages: what confirming a selection or sending mails will do."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from datacollab.network.models import Application, Call, OutgoingMail, SelectionProposal


@dataclass(frozen=True)
class ShortfallRow:
    application: Application
    reviews: int
    needed: int


def review_shortfall(call: Call) -> list[ShortfallRow]:
    """Submitted, eligible applications with fewer submitted reviews than the call asks for,
    fewest first: deciding on them now decides on less review than promised. A direct
    approach is never reviewed (its interview stands in), so it is never short."""
    rows = (
        Application.objects.filter(call=call, status=Application.Status.SUBMITTED, eligible=True)
        .exclude(source=Application.Source.DIRECT)
        .annotate(
            n_reviews=Count(
                "assignments",
                filter=Q(assignments__review__submitted_at__isnull=False),
                distinct=True,
            )
        )
        .filter(n_reviews__lt=call.reviews_per_application)
        .select_related("organisation")
        .order_by("n_reviews", "organisation__name", "id")
    )
    return [
        ShortfallRow(application=a, reviews=a.n_reviews, needed=call.reviews_per_application)  # type: ignore[attr-defined]
        for a in rows
    ]


@dataclass(frozen=True)
class ConfirmPreview:
    """The consequences of confirming a proposal, as counts the page states."""

    selected: int
    not_selected: int
    ineligible: int
    shortfall: list[ShortfallRow]

    @property
    def mails(self) -> int:
        return self.selected + self.not_selected


def confirm_preview(proposal: SelectionProposal) -> ConfirmPreview:
    call = proposal.call
    chosen = set(proposal.result.get("selected", []))
    submitted = Application.objects.filter(call=call, status=Application.Status.SUBMITTED)
    selected = submitted.filter(pk__in=chosen).count()
    return ConfirmPreview(
        selected=selected,
        not_selected=submitted.count() - selected,
        ineligible=submitted.exclude(eligible=True).count(),
        shortfall=review_shortfall(call),
    )


@dataclass(frozen=True)
class SendPreview:
    selected: int
    not_selected: int

    @property
    def total(self) -> int:
        return self.selected + self.not_selected


def send_preview(call: Call) -> SendPreview:
    counts = dict(
        OutgoingMail.objects.filter(application__call=call, status=OutgoingMail.Status.DRAFT)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return SendPreview(
        selected=counts.get(Application.Decision.SELECTED, 0),
        not_selected=counts.get(Application.Decision.NOT_SELECTED, 0),
    )
