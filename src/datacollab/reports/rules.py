"""Who may see and change a cohort's output report, and its dashboards."""

from __future__ import annotations

from typing import Any

from datacollab.organisations.rules import is_convener
from datacollab.reports.models import CohortReport


def can_edit_report(user: Any) -> bool:
    return is_convener(user)


def can_view_report(user: Any, report: CohortReport) -> bool:
    """A published report is public; a draft (or one not begun) is for conveners only."""
    return report.is_published or is_convener(user)


def can_see_dashboard(user: Any) -> bool:
    return is_convener(user)
