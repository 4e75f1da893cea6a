"""The JSON API (django-ninja, OpenAPI 3 at /api/docs). Routers live beside their domain."""

from __future__ import annotations

from ninja import NinjaAPI

from datacollab.datasets.api import router as datasets_router

api = NinjaAPI(
    title="datacollab API",
    version="1",
    urls_namespace="api",
    description="Datasets, versions and rows, under the same access rules as the web pages.",
)

api.add_router("/datasets", datasets_router)
