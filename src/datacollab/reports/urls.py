"""Report pages, mounted under /collaborations/ (they read collaborations, datasets, network)."""

from datacollab.reports.views import urlpatterns

__all__ = ["urlpatterns"]
