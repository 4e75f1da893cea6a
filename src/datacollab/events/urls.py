"""Each views module owns its URLs; this file only gathers them (fixed paths before slugs)."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("datacollab.events.views.calendar")),
    path("", include("datacollab.events.views.public")),
    path("", include("datacollab.events.views.support")),
    path("", include("datacollab.events.views.sessions")),
]
