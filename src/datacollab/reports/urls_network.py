"""Report pages mounted at the site root: cohorts' output reports and the conveners' dashboards."""

from django.urls import include, path

urlpatterns = [
    path("", include("datacollab.reports.views.cohort_report")),
    path("", include("datacollab.reports.views.report_translations")),
    path("", include("datacollab.reports.views.dashboard")),
    path("", include("datacollab.reports.views.comparison")),
]
