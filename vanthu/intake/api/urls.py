"""API routes of the intake, under /api/v1/."""

from django.urls import path

from vanthu.intake.api import batch_views, views

items = views.IntakeItemViewSet.as_view({"get": "list", "post": "create"})
item = views.IntakeItemViewSet.as_view({"get": "retrieve"})
register = views.IntakeItemViewSet.as_view({"post": "register"})
batch_list = batch_views.ScanBatchViewSet.as_view({"get": "list", "post": "create"})
batch = batch_views.ScanBatchViewSet.as_view({"get": "retrieve"})
arrange = batch_views.ScanBatchViewSet.as_view({"put": "arrange"})
commit = batch_views.ScanBatchViewSet.as_view({"post": "commit"})
thumbnail = batch_views.ScanBatchViewSet.as_view({"get": "thumbnail"})

urlpatterns = [
    path("intake-items/", items, name="intake-item-list"),
    path("intake-items/<int:pk>/", item, name="intake-item-detail"),
    path("intake-items/<int:pk>/register/", register, name="intake-item-register"),
    path("scan-batches/", batch_list, name="scan-batch-list"),
    path("scan-batches/<int:pk>/", batch, name="scan-batch-detail"),
    path("scan-batches/<int:pk>/arrangement/", arrange, name="scan-batch-arrange"),
    path("scan-batches/<int:pk>/items/", commit, name="scan-batch-commit"),
    path(
        "scan-batches/<int:pk>/pages/<int:page_id>/thumbnail/",
        thumbnail,
        name="scan-batch-page-thumbnail",
    ),
]
