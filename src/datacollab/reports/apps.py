from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "datacollab.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # The collaboration page shows what only apps above collaborations may read.
        from datacollab.reports import backup_sources, panels

        panels.register_collaboration_panels()
        backup_sources.register()
