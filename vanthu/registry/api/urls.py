"""API routes of the registers, under /api/v1/.

Every route here must have rows in the isolation matrix (`tests/test_api_isolation.py`), which
checks that it covers each (route, method) pair.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from vanthu.registry.api import catalogue_views, outgoing_views, views

router = SimpleRouter(use_regex_path=False)
router.register("document-types", views.DocumentTypeViewSet, basename="document-type")
router.register("fields", catalogue_views.FieldViewSet, basename="field")
router.register("registers", views.RegisterViewSet, basename="register")
router.register("incoming-documents", views.IncomingDocumentViewSet, basename="incoming-document")
router.register(
    "outgoing-documents", outgoing_views.OutgoingDocumentViewSet, basename="outgoing-document"
)
router.register(
    "paper-dispatch-tasks", outgoing_views.PaperDispatchTaskViewSet, basename="paper-dispatch-task"
)
router.register(
    "exchange-policy-rules", views.ExchangePolicyRuleViewSet, basename="exchange-policy-rule"
)

app_name = "registry-api"
urlpatterns = [
    path(
        "incoming-documents/<int:pk>/files/<int:file_id>/content/",
        views.IncomingFileContentViewSet.as_view({"get": "retrieve"}),
        name="incoming-document-file-content",
    ),
    path(
        "outgoing-documents/<int:pk>/files/<int:file_id>/content/",
        outgoing_views.OutgoingFileContentViewSet.as_view({"get": "retrieve"}),
        name="outgoing-document-file-content",
    ),
    *router.urls,
]
