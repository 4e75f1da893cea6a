from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path

from datacollab.api.api import api
from datacollab.api.not_found import api_moved, api_not_found

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("accounts/api-tokens/", include("datacollab.api.urls")),
    path("accounts/", include("datacollab.organisations.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", api_not_found),  # JSON, not the HTML page, under /api/
    re_path(r"^api/(?P<rest>.*)$", api_moved),  # the unversioned API: 308 to /api/v1/
    path("collaborations/", include("datacollab.collaborations.urls")),
    path("collaborations/", include("datacollab.reports.urls")),
    path("datasets/", include("datacollab.datasets.urls")),
    path("sessions/", include("datacollab.events.urls")),
    path("discussion/", include("datacollab.discussion.urls")),
    path("messages/", include("datacollab.communications.urls")),
    path("", include("datacollab.learnings.urls")),
    path("peers/", include("datacollab.matching.urls")),
    path("search/", include("datacollab.search.urls")),
    path("privacy/", include("datacollab.privacy.urls")),
    path("impact/", include("datacollab.impact.urls")),
    path("", include("datacollab.reports.urls_network")),
    path("", include("datacollab.network.urls")),
    path("feedback/", include("datacollab.evaluation.urls")),
    path("challenges/", include("datacollab.challenges.urls")),
]

# MEDIA_ROOT is not served at /media/, not even with DEBUG: every upload in it is private
# and handed out by a view that checks who asks (application attachments, resource files).

# The database being away is a 503 with Retry-After, not a 500 (core/error_views.py).
handler500 = "datacollab.core.error_views.server_error"
