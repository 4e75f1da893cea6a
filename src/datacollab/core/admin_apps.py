"""The admin app with our site: kept apart from core/admin.py so loading settings imports no
models (an AppConfig module is imported before the app registry is ready)."""

from django.contrib.admin.apps import AdminConfig


class SuperuserAdminConfig(AdminConfig):
    default_site = "datacollab.core.admin_site.SuperuserAdminSite"
