"""API routes of digital signatures, under /api/v1/ (isolation matrix: tests/test_api.py)."""

from rest_framework.routers import SimpleRouter

from vanthu.signatures.api import views

router = SimpleRouter(use_regex_path=False)
router.register("outgoing-documents", views.OutgoingSigningViewSet, basename="outgoing-signing")
router.register("document-files", views.DocumentFileSignatureViewSet, basename="document-file")
router.register("signing-keys", views.SigningKeyViewSet, basename="signing-key")

app_name = "signatures-api"
urlpatterns = router.urls
