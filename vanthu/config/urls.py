"""Top-level URLs: the interface, the API under /api/v1/, Django admin under /quan-tri-django/."""

from django.contrib import admin
from django.urls import include, path

from vanthu.signatures.views import timestamp_authority

urlpatterns = [
    path("quan-tri-django/", admin.site.urls),
    path("api/v1/", include("vanthu.config.api_urls")),
    path("van-ban/", include("vanthu.registry.urls")),
    path("chu-ky-so/", include("vanthu.signatures.urls")),
    path("xu-ly/", include("vanthu.workflow.urls")),
    path("lien-thong/", include("vanthu.exchange.urls")),
    path("tim-kiem/", include("vanthu.search.urls")),
    path("noi-dung-tep/", include("vanthu.texts.urls")),
    path("nhap-van-ban/", include("vanthu.intake.urls")),
    # The demo's RFC 3161 timestamp authority (404 unless a test CA is configured).
    path("dich-vu/tem-thoi-gian/", timestamp_authority, name="timestamp_authority"),
    path("", include("vanthu.organizations.urls")),
]

handler404 = "vanthu.core.views.page_not_found"
handler500 = "vanthu.core.views.server_error"
