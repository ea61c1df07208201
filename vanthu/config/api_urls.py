"""API v1: each app contributes its router; the OpenAPI schema and its browser."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("vanthu.organizations.api.urls")),
    path("", include("vanthu.registry.api.urls")),
    path("", include("vanthu.signatures.api.urls")),
    path("", include("vanthu.workflow.api_urls")),
    path("", include("vanthu.exchange.api_urls")),
    path("", include("vanthu.search.api.urls")),
    path("", include("vanthu.texts.api_urls")),
    path("", include("vanthu.intake.api.urls")),
]
