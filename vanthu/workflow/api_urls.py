"""API routes of the workflow app, under /api/v1/ (namespace workflow-api)."""

from django.urls import URLPattern, URLResolver

from vanthu.workflow.api_drafting import router as drafting_router
from vanthu.workflow.api_handling import router as handling_router
from vanthu.workflow.api_inbox import router as inbox_router
from vanthu.workflow.api_monitoring import router as monitoring_router

app_name = "workflow-api"
urlpatterns: list[URLPattern | URLResolver] = [
    *handling_router.urls,
    *drafting_router.urls,
    *inbox_router.urls,
    *monitoring_router.urls,
]
