from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationsConfig(AppConfig):
    name = "datacollab.collaborations"
    verbose_name = _("Data collaborations and agreements")
