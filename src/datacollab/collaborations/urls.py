"""Each views module owns its URLs; this file only gathers them."""

from django.urls import include, path

# Agreements first: /collaborations/agreements/<slug>/... must never be read as a
# collaboration's page (a collaboration cannot take the slug "agreements").
urlpatterns = [
    path("", include("datacollab.collaborations.views.agreements")),
    path("", include("datacollab.collaborations.views.collaborations")),
]
