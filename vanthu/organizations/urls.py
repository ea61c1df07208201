"""Interface URLs: sign-in, account and dashboard; the agency's own units and staff."""

from django.urls import include, path

urlpatterns = [
    path("", include("vanthu.organizations.views.account_urls")),
    path("co-quan/", include("vanthu.organizations.views.staff_urls")),
]
