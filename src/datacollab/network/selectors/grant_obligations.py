"""Reads for grantees' pages and the convener's grants overview."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from datacollab.core.errors import NotAllowed, NotFound
from datacollab.network.models import Award, Cohort, Instalment, ProgressReport, ReportFile
from datacollab.network.selectors.participation import holds_an_award
from datacollab.organisations.rules import is_convener, is_member

State = ProgressReport.State


def _awards() -> QuerySet[Award]:
    return Award.objects.select_related(
        "cohort__network", "organisation", "agreement"
    ).prefetch_related(
        Prefetch(
            "instalments",
            queryset=Instalment.objects.select_related("report").order_by("position"),
        ),
        Prefetch("reports", queryset=ProgressReport.objects.order_by("due_on", "pk")),
    )


def my_awards(user: Any) -> list[Award]:
    """Awards of the organisations this person belongs to, newest cohort first."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        _awards()
        .filter(organisation__memberships__user=user)
        .order_by("-cohort__starts_on", "organisation__name", "pk")
        .distinct()
    )


def award_for(actor: Any, award_id: int) -> Award:
    """The award for its organisation's members and conveners; 404 for anyone else."""
    award = _awards().filter(pk=award_id).first()
    if award is None or not (is_member(actor, award.organisation) or is_convener(actor)):
        raise NotFound(_("There is no such grant, or it is not yours to see."))
    return award


def report_for(actor: Any, report_id: int) -> ProgressReport:
    report = (
        ProgressReport.objects.select_related(
            "award__organisation", "award__cohort", "submitted_by", "decided_by"
        )
        .prefetch_related("files", "instalments")
        .filter(pk=report_id)
        .first()
    )
    if report is None or not (is_member(actor, report.award.organisation) or is_convener(actor)):
        raise NotFound(_("There is no such report, or it is not yours to see."))
    return report


def report_file_for(actor: Any, file_id: int) -> tuple[ReportFile, bool]:
    """The file and whether the reader is one of the grantee's members."""
    attached = (
        ReportFile.objects.select_related("report__award__organisation").filter(pk=file_id).first()
    )
    if attached is None:
        raise NotFound(_("There is no such file, or it is not yours to see."))
    member = is_member(actor, attached.report.award.organisation)
    if not (member or is_convener(actor)):
        raise NotFound(_("There is no such file, or it is not yours to see."))
    return attached, member


def report_status(report: ProgressReport, today: date) -> str:
    """due, late, submitted, changes_requested or approved, as the overview counts them."""
    if report.state in (State.DUE, State.CHANGES_REQUESTED) and report.due_on < today:
        return "late"
    return str(report.state)


def instalment_status(instalment: Instalment) -> str:
    """paid, payable or waiting (tied to a report not yet approved)."""
    if instalment.paid_on is not None:
        return "paid"
    if instalment.report_id is not None and instalment.report.state != State.APPROVED:  # type: ignore[union-attr]
        return "waiting"
    return "payable"


@dataclass
class AwardRow:
    award: Award
    signed: bool
    reports: list[tuple[ProgressReport, str]]
    instalments: list[tuple[Instalment, str]]


@dataclass
class Overview:
    cohort: Cohort
    rows: list[AwardRow]
    reports: dict[str, int] = field(default_factory=dict)
    instalments: dict[str, Decimal] = field(default_factory=dict)
    unsigned: int = 0


def grants_overview(*, actor: Any, cohort: Cohort, today: date) -> Overview:
    """Per award: agreement signed or not, each report's status, each instalment's; totals."""
    if not is_convener(actor):
        raise NotAllowed(_("Only a convener can see a cohort's grants."))
    awards = list(_awards().filter(cohort=cohort).order_by("organisation__name", "pk"))
    overview = Overview(
        cohort=cohort,
        rows=[],
        reports=dict.fromkeys(["due", "late", "submitted", "changes_requested", "approved"], 0),
        instalments=dict.fromkeys(["paid", "payable", "waiting"], Decimal(0)),
    )
    for award in awards:
        signed = hasattr(award, "agreement")
        reports = [(r, report_status(r, today)) for r in award.reports.all()]
        instalments = [(i, instalment_status(i)) for i in award.instalments.all()]
        for _report, status in reports:
            overview.reports[status] += 1
        for part, status in instalments:
            overview.instalments[status] += part.amount
        overview.unsigned += 0 if signed else 1
        overview.rows.append(AwardRow(award, signed, reports, instalments))
    return overview


def has_grants(user: Any) -> bool:
    """Does one of this person's organisations hold an award (the menu's "My grants")?
    Conveners reach grants through their own pages, so they are spared the query."""
    if not getattr(user, "is_authenticated", False) or is_convener(user):
        return False
    return holds_an_award(user)
