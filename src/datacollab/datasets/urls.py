"""Each views module owns its URLs; this file only gathers them."""

from django.urls import include, path

urlpatterns = [
    path("", include("datacollab.datasets.views.catalog")),
    path("", include("datacollab.datasets.views.uploads")),
    path("", include("datacollab.datasets.views.schema")),
    path("", include("datacollab.datasets.views.access")),
    path("", include("datacollab.datasets.views.access_log")),
    path("", include("datacollab.datasets.views.formats")),
]
