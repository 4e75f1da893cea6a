from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "datacollab.network"
    verbose_name = _("Network: calls, cohorts, grants")

    def ready(self) -> None:
        from datacollab.network import reminder_sources
        from datacollab.network.services import grant_reminders

        reminder_sources.register("reports", grant_reminders.reports_due)
        reminder_sources.register("reviews", grant_reminders.reviews_due)
