from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from datacollab.api.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("accounts/api-tokens/", include("datacollab.api.urls")),
    path("accounts/", include("datacollab.organisations.urls")),
    path("api/", api.urls),
    path("collaborations/", include("datacollab.collaborations.urls")),
    path("collaborations/", include("datacollab.reports.urls")),
    path("datasets/", include("datacollab.datasets.urls")),
    path("sessions/", include("datacollab.events.urls")),
    path("discussion/", include("datacollab.discussion.urls")),
    path("", include("datacollab.learnings.urls")),
    path("peers/", include("datacollab.matching.urls")),
    path("search/", include("datacollab.search.urls")),
    path("privacy/", include("datacollab.privacy.urls")),
    path("", include("datacollab.reports.urls_network")),
    path("", include("datacollab.network.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
