from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatasetsConfig(AppConfig):
    name = "datacollab.datasets"
    verbose_name = _("Datasets")

    def ready(self) -> None:
        from datacollab.datasets import backup_sources

        backup_sources.register()
