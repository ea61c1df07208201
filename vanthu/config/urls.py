"""Top-level URLs: the interface, the API under /api/v1/, Django admin under /quan-tri-django/."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("quan-tri-django/", admin.site.urls),
    path("api/v1/", include("vanthu.config.api_urls")),
    path("van-ban/", include("vanthu.registry.urls")),
    path("", include("vanthu.organizations.urls")),
]

handler404 = "vanthu.core.views.page_not_found"
handler500 = "vanthu.core.views.server_error"
