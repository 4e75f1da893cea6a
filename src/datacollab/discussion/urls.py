"""Each views module owns its URLs; this file only gathers them."""

from django.urls import include, path

urlpatterns = [
    path("", include("datacollab.discussion.views.channels")),
    path("", include("datacollab.discussion.views.threads")),
    path("", include("datacollab.discussion.views.posts")),
    path("", include("datacollab.discussion.views.email")),
]
