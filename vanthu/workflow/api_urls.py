"""API routes of the workflow app, under /api/v1/ (namespace workflow-api)."""

from django.urls import URLPattern, URLResolver

from vanthu.workflow.api_handling import router as handling_router

app_name = "workflow-api"
urlpatterns: list[URLPattern | URLResolver] = [*handling_router.urls]
