from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "datacollab.events"
    verbose_name = _("Sessions and 1:1 support")
