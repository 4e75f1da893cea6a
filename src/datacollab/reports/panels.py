"""Sections of the collaboration page that need datasets and network (see collaborations.panels).

Datasets: only those the viewer may see (`visible_datasets`, the catalog's rule), so a
restricted dataset's title never reaches someone outside its audience.
Cohort applications: the selected ones (public, as the cohort's members are), and those of the
viewer's own organisations; conveners see every non-draft application.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string

from datacollab.collaborations import panels
from datacollab.collaborations.models import DataCollaboration
from datacollab.datasets.selectors.access import visible_datasets
from datacollab.network.models import Application
from datacollab.organisations.models import Membership
from datacollab.organisations.rules import is_convener


def datasets_panel(request: HttpRequest, collaboration: DataCollaboration) -> str:
    datasets = (
        visible_datasets(request.user)
        .filter(collaboration=collaboration)
        .select_related("owner")
        .order_by("title")
    )
    return render_to_string(
        "reports/_collaboration_datasets.html",
        {"datasets": list(datasets), "collaboration": collaboration},
        request=request,
    )


def applications_panel(request: HttpRequest, collaboration: DataCollaboration) -> str:
    rows = Application.objects.filter(collaboration=collaboration)
    user = request.user
    if is_convener(user):
        rows = rows.exclude(status=Application.Status.DRAFT)
    else:
        shown = Q(decision=Application.Decision.SELECTED, status=Application.Status.SUBMITTED)
        if user.is_authenticated:
            shown |= Q(organisation__memberships__user=user)
        rows = rows.filter(shown)
    applications = list(
        rows.select_related("call__cohort", "organisation").distinct().order_by("-created_at")
    )
    own = (
        set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
        if user.is_authenticated
        else set()
    )
    return render_to_string(
        "reports/_collaboration_applications.html",
        {"applications": applications, "own": own, "collaboration": collaboration},
        request=request,
    )


def register_collaboration_panels() -> None:
    panels.register("datasets", datasets_panel, order=10)
    panels.register("applications", applications_panel, order=20)
