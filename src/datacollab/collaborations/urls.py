"""Each views module owns its URLs; this file only gathers them."""

from django.urls import include, path

urlpatterns = [
    path("", include("datacollab.collaborations.views.collaborations")),
    path("", include("datacollab.collaborations.views.agreements")),
]
