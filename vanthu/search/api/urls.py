"""API route of search, under /api/v1/ (namespace search-api)."""

from django.urls import path

from vanthu.search.api.views import SearchView

app_name = "search-api"
urlpatterns = [path("search/", SearchView.as_view(), name="search")]
