from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "datacollab.api"
    verbose_name = "API"
