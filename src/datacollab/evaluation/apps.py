from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "datacollab.evaluation"
    verbose_name = _("Feedback and evaluation")

    def ready(self) -> None:
        from datacollab.evaluation.services import reminders
        from datacollab.network import reminder_sources

        reminder_sources.register("feedback", reminders.feedback_forms_due)
