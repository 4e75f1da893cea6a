"""Each views module owns its URLs; this file only gathers them."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("datacollab.learnings.views.learnings")),
    path("", include("datacollab.learnings.views.resources")),
    path("", include("datacollab.learnings.views.translations")),
]
