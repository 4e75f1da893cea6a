"""Factories for grantee obligations: an award with a grantee admin, a member and reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from datacollab.network.models import Award, ProgressReport
from datacollab.network.services.grant_reports import set_report
from datacollab.organisations.models import User
from tests import factories
from tests.network.factories_grants import make_award


@dataclass
class Grantee:
    award: Award
    admin: User
    member: User


def make_grantee(*, convener: Any, **cohort_fields: Any) -> Grantee:
    cohort = factories.make_cohort(**cohort_fields)
    admin = factories.make_user(display_name="Ada Admin")
    member = factories.make_user(display_name="Max Member")
    org = factories.make_org(name="Data Cargo", admins=[admin], members=[member])
    from datacollab.network.models import CohortMembership

    CohortMembership.objects.create(cohort=cohort, organisation=org)
    award = make_award(actor=convener, cohort=cohort, organisation=org, amount="10000.00")
    return Grantee(award=award, admin=admin, member=member)


def make_report(
    *, convener: Any, award: Award, title: str = "Interim report", due_on: date | None = None
) -> ProgressReport:
    return set_report(actor=convener, award=award, title=title, due_on=due_on or date(2027, 3, 31))


def pdf_upload(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% a report\n", content_type="application/pdf")
