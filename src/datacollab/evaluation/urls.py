from django.urls import include, path

urlpatterns = [path("", include("datacollab.evaluation.views"))]
