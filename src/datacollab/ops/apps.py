from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "datacollab.ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from datacollab.ops import log_context

        # Log lines written while a task runs carry its id, whichever backend runs it.
        log_context.connect_task_signals()
