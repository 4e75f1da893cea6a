from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "datacollab.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from datacollab.core import catalogue

        catalogue.install()
