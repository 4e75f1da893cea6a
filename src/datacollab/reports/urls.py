"""Report pages, mounted under /collaborations/ (they read collaborations, datasets, network)."""

from django.urls import include, path

urlpatterns = [
    path("", include("datacollab.reports.views.scorecard")),
]
