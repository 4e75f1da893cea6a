"""Each views module owns its URLs; this file only gathers them."""

from django.urls import include, path

urlpatterns = [
    path("", include("datacollab.network.views.public")),
    path("", include("datacollab.network.views.applications")),
    path("", include("datacollab.network.views.reviews")),
    path("", include("datacollab.network.views.selection")),
    path("", include("datacollab.network.views.grants")),
    path("", include("datacollab.network.views.grant_obligations")),
    path("", include("datacollab.network.views.grants_convener")),
    path("", include("datacollab.network.views.alumni")),
    path("", include("datacollab.network.views.call_lifecycle")),
    path("", include("datacollab.network.views.setup")),
    path("", include("datacollab.network.views.setup_builders")),
    path("", include("datacollab.network.views.setup_ways_in")),
    path("", include("datacollab.network.views.setup_translations")),
    path("", include("datacollab.network.views.network_translations")),
]
