"""The API app's pages (the API itself is mounted from api.py); each views module owns its URLs."""

from django.urls import include, path

urlpatterns = [
    path("", include("datacollab.api.views.tokens")),
    path("", include("datacollab.api.views.tiers")),
]
